"""The support desk's rules the customer-facing bot needs: SLA targets, working hours, clock."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.business_hours import BusinessHours
from bot.tickets import Clock, Priority, SlaPolicy, SlaTarget, utc_now

__all__ = ["ServiceLevels"]


@dataclass(frozen=True)
class ServiceLevels:
    """SLA targets and business hours, with the clock that stamps tickets.

    :param policy: first-response and resolution targets per priority
    :param hours: when agents work (non-critical SLA clocks stop outside them)
    :param clock: "now", injectable so tests can stop time
    """

    policy: SlaPolicy = field(default_factory=SlaPolicy)
    hours: BusinessHours = field(default_factory=BusinessHours.weekdays)
    clock: Clock = utc_now

    def first_response(self, priority: Priority) -> timedelta:
        """How long the first answer may take, in working time unless around the clock."""
        return self.policy.target(priority, SlaTarget.FIRST_RESPONSE)

    def seen_at(self, priority: Priority, created_at: datetime) -> datetime | None:
        """When agents will first see a ticket created at ``created_at`` outside working hours;
        ``None`` if they are at work now or the priority is served around the clock."""
        if priority in self.policy.around_the_clock or self.hours.is_open(created_at):
            return None
        return self.hours.next_opening(created_at)
