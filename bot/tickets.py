"""The ticket domain: priority, SLA deadlines, statuses and the lifecycle (pure).

No aiogram, no SQLAlchemy, no clock of its own: "now" is passed in. Errors::

    TicketError
     ├── TransitionNotAllowed
     ├── TicketNotOpen       (taken, resolved... once it is resolved or closed)
     └── TicketStillOpen     (reopened while it is open)

The lifecycle is events in, a :class:`TicketChange` out; ``bot.db.repo.apply`` stores it::

    event                          assignee          status                   first response
    ─────────────────────────────  ────────────────  ───────────────────────  ──────────────
    on_agent_reply(agent)          agent, if nobody  new → in progress        now, if none
    on_answer_sent(author)         —                 —                        now, if none
    on_take(agent) / on_assign     agent             new → in progress        —
    on_customer_message            —                 waiting → in progress    —
    on_status(target)              —                 → target                 —
    on_resolve                     —                 open → resolved          —
    on_close                       —                 → closed (for good)      —
    on_reopen                      —                 resolved/closed → work   —
    on_priority(level)             —                 —  (priority, deadlines recomputed)
    on_line(line)                  —                 —  (support line 1–3)

``on_take`` and ``on_resolve`` raise :class:`TicketNotOpen` on a settled ticket, ``on_reopen``
raises :class:`TicketStillOpen` on an open one: the desk says so instead of changing anything.
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
    "IMPACT_SCALE",
    "NOTICE_TYPES",
    "SCALE",
    "OPEN_STATUSES",
    "TRANSITIONS",
    "URGENCY_SCALE",
    "BotNotice",
    "Clock",
    "Impact",
    "MessageDirection",
    "Priority",
    "SlaDeadlines",
    "SlaPolicy",
    "SlaTarget",
    "TicketChange",
    "TicketDraft",
    "TicketError",
    "TicketNotOpen",
    "TicketState",
    "TicketStillOpen",
    "TicketStatus",
    "TransitionNotAllowed",
    "Urgency",
    "check_transition",
    "format_number",
    "on_agent_reply",
    "on_answer_sent",
    "on_assign",
    "on_close",
    "on_customer_message",
    "on_line",
    "on_priority",
    "on_reopen",
    "on_resolve",
    "on_status",
    "on_take",
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


SCALE: tuple[str, ...] = ("low", "medium", "high")
"""The three-step scale the customer answers urgency and impact on (the form's buttons)."""

URGENCY_SCALE: Mapping[Urgency, str] = {
    Urgency.BLOCKING: "high",
    Urgency.TODAY: "medium",
    Urgency.CAN_WAIT: "low",
}
"""Where each urgency sits on :data:`SCALE`: how the form asks it, how the card shows it."""

IMPACT_SCALE: Mapping[Impact, str] = {
    Impact.ONLY_ME: "low",
    Impact.SEVERAL: "medium",
    Impact.EVERYONE: "high",
}
"""Where each impact sits on :data:`SCALE`: more harm stands for a wider impact."""


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


class TicketNotOpen(TicketError):
    """The ticket is resolved or closed: it takes no agent and cannot be resolved again."""

    def __init__(self, status: TicketStatus) -> None:
        super().__init__(status)
        self.status = status

    def __str__(self) -> str:
        return f"the ticket is {self.status.value!r}, not open; reopen it first"


class TicketStillOpen(TicketError):
    """Reopening a ticket that is open."""

    def __init__(self, status: TicketStatus) -> None:
        super().__init__(status)
        self.status = status

    def __str__(self) -> str:
        return f"the ticket is {self.status.value!r}: open already, nothing to reopen"


def check_transition(current: TicketStatus, target: TicketStatus) -> None:
    """Raise :class:`TransitionNotAllowed` unless ``current`` may move to ``target``."""
    if target not in TRANSITIONS[current]:
        raise TransitionNotAllowed(current, target)


class MessageDirection(Enum):
    """Which way a ticket message goes."""

    IN = "in"  # customer → agents
    OUT = "out"  # agent → customer
    INTERNAL = "internal"  # agents' note, never shown to the customer


class BotNotice(Enum):
    """A message the bot sends the customer about their ticket, stored as a ticket message
    (its ``content_type``) and delivered by the relay like an agent's answer: same order,
    same retries. It is not an answer (no first response) and a reply to it reopens nothing."""

    CSAT_QUESTION = "csat_question"  # the rating question after the ticket is resolved
    REOPENED = "ticket_reopened"  # "your ticket is in work again"


NOTICE_TYPES: frozenset[str] = frozenset(notice.value for notice in BotNotice)
"""The ``content_type`` values of :class:`BotNotice` rows."""


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


# --- the lifecycle: an event in, a change out ----------------------------------------------


@dataclass(frozen=True)
class TicketState:
    """What the lifecycle needs to know of a ticket (``bot.db.repo.state_of`` reads it)."""

    status: TicketStatus
    assignee_id: int | None = None
    first_response_at: datetime | None = None
    created_at: datetime | None = None


@dataclass(frozen=True)
class TicketChange:
    """What an event changes; ``None`` is "unchanged". Empty when nothing changes.

    :param status: the status to move to (checked against :data:`TRANSITIONS` when applied)
    :param assignee_id: the agent the ticket goes to
    :param first_response_at: stamps the first response (kept if one is stamped already)
    :param first_response_by: who gave it (``None`` for the bot on an agent's behalf)
    :param priority: the new priority, with ``deadlines`` recomputed for it
    :param line: the support line, 1 to 3
    """

    status: TicketStatus | None = None
    assignee_id: int | None = None
    first_response_at: datetime | None = None
    first_response_by: int | None = None
    priority: Priority | None = None
    deadlines: SlaDeadlines | None = None
    line: int | None = None

    def __bool__(self) -> bool:
        return any(
            value is not None
            for value in (
                self.status,
                self.assignee_id,
                self.first_response_at,
                self.priority,
                self.line,
            )
        )


def _into_work(state: TicketState) -> TicketStatus | None:
    return TicketStatus.IN_PROGRESS if state.status is TicketStatus.NEW else None


def on_answer_sent(state: TicketState, author_id: int | None, now: datetime) -> TicketChange:
    """Anything sent to the customer for the desk (a reply, an article, a canned answer):
    the first one stamps the first response."""
    if state.first_response_at is not None:
        return TicketChange()
    return TicketChange(first_response_at=now, first_response_by=author_id)


def on_agent_reply(state: TicketState, agent_id: int, now: datetime) -> TicketChange:
    """An agent answers in the topic: a ticket nobody has becomes theirs, a new one goes in
    work ("ожидает клиента" stays: the agent set it by command), the first answer is stamped.

    >>> on_agent_reply(TicketState(TicketStatus.NEW), 7, datetime(2026, 1, 1, tzinfo=UTC)).status
    <TicketStatus.IN_PROGRESS: 'in_progress'>
    """
    stamp = on_answer_sent(state, agent_id, now)
    return TicketChange(
        status=_into_work(state),
        assignee_id=agent_id if state.assignee_id is None else None,
        first_response_at=stamp.first_response_at,
        first_response_by=stamp.first_response_by,
    )


def on_assign(state: TicketState, agent_id: int) -> TicketChange:
    """An agent is given the ticket (``/assign``): a new one goes in work."""
    return TicketChange(status=_into_work(state), assignee_id=agent_id)


def on_take(state: TicketState, agent_id: int) -> TicketChange:
    """An agent takes an open ticket (``/take``, the card's button).

    :raises TicketNotOpen: it is resolved or closed
    """
    if not state.status.is_open:
        raise TicketNotOpen(state.status)
    return on_assign(state, agent_id)


def on_customer_message(state: TicketState) -> TicketChange:
    """The customer writes: a ticket waiting for them goes back to work."""
    if state.status is TicketStatus.WAITING_CUSTOMER:
        return TicketChange(status=TicketStatus.IN_PROGRESS)
    return TicketChange()


def on_status(state: TicketState, target: TicketStatus) -> TicketChange:
    """An agent sets the status; the same status changes nothing."""
    return TicketChange() if state.status is target else TicketChange(status=target)


def on_resolve(state: TicketState) -> TicketChange:
    """The desk solved it.

    :raises TicketNotOpen: it is resolved or closed already
    """
    if not state.status.is_open:
        raise TicketNotOpen(state.status)
    return TicketChange(status=TicketStatus.RESOLVED)


def on_close(state: TicketState) -> TicketChange:
    """The ticket is closed for good (the customer closes it; an agent may still reopen it).
    A closed ticket stays as it is."""
    return on_status(state, TicketStatus.CLOSED)


def on_reopen(state: TicketState) -> TicketChange:
    """A resolved or closed ticket goes back to work.

    :raises TicketStillOpen: it is open
    """
    if state.status.is_open:
        raise TicketStillOpen(state.status)
    return TicketChange(status=TicketStatus.IN_PROGRESS)


def on_priority(
    state: TicketState, level: Priority, policy: SlaPolicy, hours: BusinessHours
) -> TicketChange:
    """A new priority; both deadlines are counted again from the ticket's creation."""
    if state.created_at is None:
        raise ValueError("a priority change needs the ticket's creation time")
    return TicketChange(
        priority=level, deadlines=sla_deadlines(level, state.created_at, policy, hours)
    )


def on_line(state: TicketState, line: int) -> TicketChange:
    """The ticket moves to support line 1, 2 or 3."""
    if line not in (1, 2, 3):
        raise ValueError(f"support line must be 1, 2 or 3, got {line}")
    return TicketChange(line=line)
