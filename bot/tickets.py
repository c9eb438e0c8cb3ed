"""The ticket domain: priority from urgency and impact, SLA deadlines, statuses (pure).

No aiogram, no SQLAlchemy, no clock of its own: "now" is passed in. Errors::

    TicketError
     └── TransitionNotAllowed
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import Enum

from bot.business_hours import BusinessHours

__all__ = [
    "FIRST_TICKET_NUMBER",
    "OPEN_STATUSES",
    "TRANSITIONS",
    "Clock",
    "Impact",
    "MessageDirection",
    "Priority",
    "SlaDeadlines",
    "SlaPolicy",
    "SlaTarget",
    "TicketDraft",
    "TicketError",
    "TicketStatus",
    "TransitionNotAllowed",
    "Urgency",
    "check_transition",
    "format_number",
    "parse_number",
    "priority",
    "sla_deadlines",
    "sla_due",
    "utc_now",
]

Clock = Callable[[], datetime]
"""Returns the current moment, timezone-aware; injected so tests can stop time."""


def utc_now() -> datetime:
    """The real clock: now, in UTC."""
    return datetime.now(UTC)


class Urgency(Enum):
    """How soon the customer needs it fixed (texts live in the templates)."""

    BLOCKING = "blocking"  # "мешает работать прямо сейчас"
    TODAY = "today"  # "нужно сегодня"
    CAN_WAIT = "can_wait"  # "может подождать"


class Impact(Enum):
    """Who is affected (texts live in the templates)."""

    ONLY_ME = "only_me"  # "только я"
    SEVERAL = "several"  # "несколько человек"
    EVERYONE = "everyone"  # "все / теряем деньги"


class Priority(Enum):
    """Ticket priority, most urgent first."""

    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"

    @property
    def label_ru(self) -> str:
        return _PRIORITY_RU[self]


_PRIORITY_RU: Mapping[Priority, str] = {
    Priority.CRITICAL: "Критический",
    Priority.HIGH: "Высокий",
    Priority.MEDIUM: "Средний",
    Priority.LOW: "Низкий",
}

_MATRIX: Mapping[tuple[Urgency, Impact], Priority] = {
    (Urgency.BLOCKING, Impact.ONLY_ME): Priority.HIGH,
    (Urgency.BLOCKING, Impact.SEVERAL): Priority.HIGH,
    (Urgency.BLOCKING, Impact.EVERYONE): Priority.CRITICAL,
    (Urgency.TODAY, Impact.ONLY_ME): Priority.MEDIUM,
    (Urgency.TODAY, Impact.SEVERAL): Priority.MEDIUM,
    (Urgency.TODAY, Impact.EVERYONE): Priority.HIGH,
    (Urgency.CAN_WAIT, Impact.ONLY_ME): Priority.LOW,
    (Urgency.CAN_WAIT, Impact.SEVERAL): Priority.LOW,
    (Urgency.CAN_WAIT, Impact.EVERYONE): Priority.MEDIUM,
}


def priority(urgency: Urgency, impact: Impact) -> Priority:
    """Priority from the urgency × impact matrix.

    ============  ========  ========  ================
    urgency       only me   several   everyone / money
    ============  ========  ========  ================
    blocking now  HIGH      HIGH      CRITICAL
    today         MEDIUM    MEDIUM    HIGH
    can wait      LOW       LOW       MEDIUM
    ============  ========  ========  ================

    A single customer who cannot work at all is HIGH rather than ITIL's MEDIUM: for a
    customer desk that one person is the whole relationship.

    >>> priority(Urgency.BLOCKING, Impact.EVERYONE)
    <Priority.CRITICAL: 'critical'>
    """
    return _MATRIX[urgency, impact]


class TicketStatus(Enum):
    """Where a ticket is in its life."""

    NEW = "new"
    IN_PROGRESS = "in_progress"
    WAITING_CUSTOMER = "waiting_customer"
    RESOLVED = "resolved"
    CLOSED = "closed"

    @property
    def label_ru(self) -> str:
        return _STATUS_RU[self]

    @property
    def is_open(self) -> bool:
        return self in OPEN_STATUSES


_STATUS_RU: Mapping[TicketStatus, str] = {
    TicketStatus.NEW: "новая",
    TicketStatus.IN_PROGRESS: "в работе",
    TicketStatus.WAITING_CUSTOMER: "ожидает клиента",
    TicketStatus.RESOLVED: "решена",
    TicketStatus.CLOSED: "закрыта",
}

OPEN_STATUSES: frozenset[TicketStatus] = frozenset(
    {TicketStatus.NEW, TicketStatus.IN_PROGRESS, TicketStatus.WAITING_CUSTOMER}
)
"""A customer has at most one ticket in these statuses at a time."""

_S = TicketStatus
TRANSITIONS: Mapping[TicketStatus, frozenset[TicketStatus]] = {
    _S.NEW: frozenset({_S.IN_PROGRESS, _S.WAITING_CUSTOMER, _S.RESOLVED, _S.CLOSED}),
    _S.IN_PROGRESS: frozenset({_S.WAITING_CUSTOMER, _S.RESOLVED, _S.CLOSED}),
    _S.WAITING_CUSTOMER: frozenset({_S.IN_PROGRESS, _S.RESOLVED, _S.CLOSED}),
    # Reopening: the customer answers "not solved" or writes again after the fact.
    _S.RESOLVED: frozenset({_S.IN_PROGRESS, _S.CLOSED}),
    _S.CLOSED: frozenset({_S.IN_PROGRESS}),
}
"""Allowed moves: ``TRANSITIONS[current]`` is the set of statuses it may go to."""


class TicketError(Exception):
    """Base of the ticket domain's errors."""


class TransitionNotAllowed(TicketError):
    """A status change that the workflow does not allow."""

    def __init__(self, current: TicketStatus, target: TicketStatus) -> None:
        super().__init__(current, target)
        self.current = current
        self.target = target

    def __str__(self) -> str:
        allowed = ", ".join(sorted(s.value for s in TRANSITIONS[self.current])) or "nothing"
        return (
            f"a ticket cannot go from {self.current.value!r} to {self.target.value!r}; "
            f"from {self.current.value!r} it may go to: {allowed}"
        )


def check_transition(current: TicketStatus, target: TicketStatus) -> None:
    """Raise :class:`TransitionNotAllowed` unless ``current`` may move to ``target``."""
    if target not in TRANSITIONS[current]:
        raise TransitionNotAllowed(current, target)


class MessageDirection(Enum):
    """Which way a ticket message goes."""

    IN = "in"  # customer → agents
    OUT = "out"  # agent → customer
    INTERNAL = "internal"  # agents' note, never shown to the customer


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


@dataclass(frozen=True)
class TicketDraft:
    """What the ticket form collects; ``None`` is "the customer skipped it".

    :param question: the customer's words that led to the ticket
    :param what_happened: pre-filled with ``question``, the customer may rewrite it
    :param attachments: ``(kind, file_id)`` pairs, e.g. ``("photo", "AgAC...")``
    :param tried: what did not help, pre-filled with the articles the bot offered
    """

    question: str
    what_happened: str
    when_happened: str | None = None
    error_text: str | None = None
    attachments: tuple[tuple[str, str], ...] = ()
    tried: tuple[str, ...] = ()
    device: str | None = None
    order_number: str | None = None
    contact: str | None = None
    urgency: Urgency = Urgency.TODAY
    impact: Impact = Impact.ONLY_ME

    @classmethod
    def from_question(cls, question: str, rejected_articles: tuple[str, ...] = ()) -> TicketDraft:
        """A draft started from a question the bot could not settle.

        :param question: the customer's text
        :param rejected_articles: titles the bot offered and the customer said did not help
        """
        return cls(question=question, what_happened=question, tried=rejected_articles)

    @property
    def priority(self) -> Priority:
        return priority(self.urgency, self.impact)


FIRST_TICKET_NUMBER = 1001
"""Numbers start here so that the first customer does not see "ticket #1"."""

_NUMBER = re.compile(r"^\s*(?:№|#)?\s*(\d{1,9})\s*$")


def format_number(number: int) -> str:
    """How customers and agents see a ticket number.

    >>> format_number(1042)
    '#1042'
    """
    return f"#{number}"


def parse_number(text: str) -> int | None:
    """The ticket number in ``"#1042"``, ``"1042"`` or ``"№1042"``, else ``None``.

    >>> parse_number("#1042"), parse_number("заявка")
    (1042, None)
    """
    match = _NUMBER.match(text)
    return int(match.group(1)) if match else None
