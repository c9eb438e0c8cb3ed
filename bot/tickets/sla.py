"""SLA targets per priority and the deadlines they give, counted in working time."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import Enum

from bot.business_hours import BusinessHours
from bot.tickets.priority import Priority

__all__ = ["SlaDeadlines", "SlaPolicy", "SlaTarget", "sla_deadlines", "sla_due"]


class SlaTarget(Enum):
    FIRST_RESPONSE = "first_response"
    RESOLUTION = "resolution"


def _minutes(**by_priority: int) -> Mapping[Priority, timedelta]:
    return {Priority(name): timedelta(minutes=m) for name, m in by_priority.items()}


@dataclass(frozen=True)
class SlaPolicy:
    """Targets per priority; priorities in ``around_the_clock`` ignore business hours.

    :param first_response: time to the first agent reply
    :param resolution: time to resolution
    :param around_the_clock: priorities whose clock never stops (CRITICAL by default)
    """

    first_response: Mapping[Priority, timedelta] = field(
        default_factory=lambda: _minutes(critical=30, high=60, medium=4 * 60, low=8 * 60)
    )
    resolution: Mapping[Priority, timedelta] = field(
        default_factory=lambda: _minutes(critical=4 * 60, high=8 * 60, medium=24 * 60, low=40 * 60)
    )
    around_the_clock: frozenset[Priority] = frozenset({Priority.CRITICAL})

    def __post_init__(self) -> None:
        for name, table in (
            ("first_response", self.first_response),
            ("resolution", self.resolution),
        ):
            missing = [p.value for p in Priority if p not in table]
            if missing:
                raise ValueError(f"SLA {name} has no target for: {', '.join(missing)}")

    def target(self, priority: Priority, target: SlaTarget) -> timedelta:
        table = self.first_response if target is SlaTarget.FIRST_RESPONSE else self.resolution
        return table[priority]


def sla_due(
    priority: Priority,
    created_at: datetime,
    policy: SlaPolicy,
    hours: BusinessHours,
    target: SlaTarget = SlaTarget.RESOLUTION,
) -> datetime:
    """When the SLA ``target`` of a ticket created at ``created_at`` is due (UTC).

    :param priority: the ticket's priority
    :param created_at: aware creation time
    :param policy: the targets
    :param hours: business hours, used unless the priority is around the clock
    :param target: first response or resolution
    """
    duration = policy.target(priority, target)
    if priority in policy.around_the_clock:
        if created_at.tzinfo is None:
            raise ValueError(f"expected an aware datetime, got naive {created_at.isoformat()}")
        return created_at.astimezone(UTC) + duration
    return hours.add_working_time(created_at, duration)


@dataclass(frozen=True)
class SlaDeadlines:
    first_response: datetime
    resolution: datetime


def sla_deadlines(
    priority: Priority, created_at: datetime, policy: SlaPolicy, hours: BusinessHours
) -> SlaDeadlines:
    """Both deadlines at once; see :func:`sla_due`."""
    return SlaDeadlines(
        first_response=sla_due(priority, created_at, policy, hours, SlaTarget.FIRST_RESPONSE),
        resolution=sla_due(priority, created_at, policy, hours, SlaTarget.RESOLUTION),
    )
