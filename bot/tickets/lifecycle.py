"""The lifecycle: an event in, a :class:`TicketChange` out (drawn in :mod:`bot.tickets`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.business_hours import BusinessHours
from bot.tickets.priority import Priority
from bot.tickets.sla import SlaDeadlines, SlaPolicy, sla_deadlines
from bot.tickets.status import (
    TicketNotOpen,
    TicketStatus,
    TicketStillOpen,
)

__all__ = [
    "TicketChange",
    "TicketState",
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
]


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
