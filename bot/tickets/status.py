"""A ticket's statuses, the transitions between them, and what its messages are."""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum

__all__ = [
    "BotNotice",
    "MessageDirection",
    "NOTICE_TYPES",
    "OPEN_STATUSES",
    "TRANSITIONS",
    "TicketError",
    "TicketNotOpen",
    "TicketStatus",
    "TicketStillOpen",
    "TransitionNotAllowed",
    "check_transition",
]


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
