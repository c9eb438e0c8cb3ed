"""Tickets: opening one per customer at a time, finding them, moving them along.

Functions flush but never commit: the caller (one session per update) owns the transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from bot.business_hours import BusinessHours
from bot.db.models import Customer, Ticket
from bot.db.repo.errors import TicketAlreadyOpen, TooMuchContention
from bot.tickets import (
    FIRST_TICKET_NUMBER,
    OPEN_STATUSES,
    Clock,
    Priority,
    SlaPolicy,
    TicketChange,
    TicketDraft,
    TicketState,
    TicketStatus,
    check_transition,
    on_line,
    on_priority,
    sla_deadlines,
    utc_now,
)

__all__ = [
    "OpenedTicket",
    "apply",
    "assign",
    "claim_topic",
    "close",
    "get_open_ticket",
    "get_ticket",
    "get_ticket_by_number",
    "get_ticket_by_topic",
    "list_overdue",
    "list_tickets",
    "open_ticket",
    "reopen",
    "resolve",
    "set_csat",
    "set_line",
    "set_card",
    "set_priority",
    "set_resolved_article",
    "set_status",
    "set_topic",
    "state_of",
    "tickets_without_topic",
]

# Each retry means another transaction committed a ticket in between, so this bounds the
# wait under a burst rather than guarding against a livelock.
MAX_OPEN_ATTEMPTS = 50


@dataclass(frozen=True)
class OpenedTicket:
    """The customer's open ticket, and whether this call created it."""

    ticket: Ticket
    created: bool


async def open_ticket(
    session: AsyncSession,
    customer: Customer,
    draft: TicketDraft,
    *,
    policy: SlaPolicy,
    hours: BusinessHours,
    now: Clock = utc_now,
) -> OpenedTicket:
    """Open a ticket from ``draft``, or return the customer's already open one.

    Priority comes from the draft's urgency and impact, deadlines from ``policy`` and
    ``hours``; the number is the next one from 1001. Safe under concurrency: the database
    allows one open ticket per customer and unique numbers, and a collision is retried.

    :param customer: the customer, loaded in any session
    :param draft: what the ticket form collected
    :param policy: SLA targets
    :param hours: business hours for non-critical targets
    :param now: the clock
    """
    error: IntegrityError | None = None
    failed_number = 0
    for _ in range(MAX_OPEN_ATTEMPTS):
        existing = await _open_ticket_of(session, customer.id)
        if existing is not None:
            return OpenedTicket(existing, created=False)
        number = await _next_number(session)
        if error is not None and number == failed_number:
            # Neither a concurrent open ticket nor a taken number explains it: a real error.
            raise error
        ticket = _new_ticket(customer.id, number, draft, policy, hours, now())
        try:
            async with session.begin_nested():
                session.add(ticket)
        except IntegrityError as exc:
            failed_number, error = number, exc
            continue
        return OpenedTicket(ticket, created=True)
    raise TooMuchContention("open a ticket", MAX_OPEN_ATTEMPTS) from error


def _new_ticket(
    customer_id: int,
    number: int,
    draft: TicketDraft,
    policy: SlaPolicy,
    hours: BusinessHours,
    created_at: datetime,
) -> Ticket:
    level = draft.priority
    due = sla_deadlines(level, created_at, policy, hours)
    return Ticket(
        number=number,
        customer_id=customer_id,
        status=TicketStatus.NEW,
        priority=level,
        urgency=draft.urgency,
        impact=draft.impact,
        question=draft.question,
        what_happened=draft.what_happened,
        when_happened=draft.when_happened,
        error_text=draft.error_text,
        device=draft.device,
        order_number=draft.order_number,
        contact=draft.contact,
        tried=list(draft.tried),
        attachments=[[kind, file_id] for kind, file_id in draft.attachments],
        line=1,
        first_response_due=due.first_response,
        resolution_due=due.resolution,
        created_at=created_at,
        updated_at=created_at,
    )


async def _next_number(session: AsyncSession) -> int:
    highest = await session.scalar(select(func.max(Ticket.number)))
    return FIRST_TICKET_NUMBER if highest is None else highest + 1


async def _open_ticket_of(session: AsyncSession, customer_id: int) -> Ticket | None:
    query = select(Ticket).where(
        Ticket.customer_id == customer_id, Ticket.status.in_(OPEN_STATUSES)
    )
    return await session.scalar(query)


async def get_open_ticket(session: AsyncSession, customer: Customer) -> Ticket | None:
    """The customer's ticket in a new, in-progress or waiting status, if any."""
    return await _open_ticket_of(session, customer.id)


async def list_tickets(
    session: AsyncSession, customer: Customer, *, limit: int = 20
) -> Sequence[Ticket]:
    """The customer's tickets, newest first."""
    query = (
        select(Ticket)
        .where(Ticket.customer_id == customer.id)
        .order_by(Ticket.created_at.desc(), Ticket.id.desc())
        .limit(limit)
    )
    return (await session.scalars(query)).all()


async def get_ticket(session: AsyncSession, ticket_id: int) -> Ticket | None:
    """A ticket by its database id, with its customer loaded."""
    return await session.get(Ticket, ticket_id, options=[selectinload(Ticket.customer)])


async def get_ticket_by_number(
    session: AsyncSession, number: int, *, for_update: bool = False
) -> Ticket | None:
    """A ticket by its human number (1042 for ``#1042``), with its customer loaded.

    :param for_update: lock the row until the transaction ends (two agents, one button)
    """
    query = select(Ticket).where(Ticket.number == number).options(selectinload(Ticket.customer))
    if for_update:
        query = query.with_for_update()
    return await session.scalar(query)


async def get_ticket_by_topic(session: AsyncSession, topic_id: int) -> Ticket | None:
    """The latest ticket discussed in a forum topic of the agents' chat."""
    query = (
        select(Ticket)
        .where(Ticket.topic_id == topic_id)
        .order_by(Ticket.id.desc())
        .limit(1)
        .options(selectinload(Ticket.customer))
    )
    return await session.scalar(query)


async def list_overdue(
    session: AsyncSession, *, now: Clock = utc_now, limit: int = 100
) -> Sequence[Ticket]:
    """Open tickets past a deadline: no first reply in time, or not resolved in time."""
    moment = now()
    query = (
        select(Ticket)
        .where(
            Ticket.status.in_(OPEN_STATUSES),
            or_(
                (Ticket.first_response_at.is_(None)) & (Ticket.first_response_due < moment),
                Ticket.resolution_due < moment,
            ),
        )
        .order_by(Ticket.resolution_due, Ticket.id)
        .limit(limit)
        .options(selectinload(Ticket.customer))
    )
    return (await session.scalars(query)).all()


async def set_status(
    session: AsyncSession, ticket: Ticket, status: TicketStatus, *, now: Clock = utc_now
) -> Ticket:
    """Move the ticket to ``status`` if the workflow allows it; the same status is a no-op.

    Stamps ``resolved_at``/``closed_at``; reopening clears them.

    :raises TransitionNotAllowed: the move is not in :data:`bot.tickets.TRANSITIONS`
    :raises TicketAlreadyOpen: reopening while the customer has another open ticket
        (should one be opened concurrently after the check, the flush raises
        ``IntegrityError`` instead: the database keeps the rule either way)
    """
    if ticket.status is status:
        return ticket
    check_transition(ticket.status, status)
    moment = now()
    reopening = status.is_open and not ticket.status.is_open
    if reopening:
        other = await _open_ticket_of(session, ticket.customer_id)
        if other is not None:
            raise TicketAlreadyOpen(ticket.number, other.number)
        ticket.resolved_at = None
        ticket.closed_at = None
    elif status is TicketStatus.RESOLVED:
        ticket.resolved_at = moment
    elif status is TicketStatus.CLOSED:
        ticket.closed_at = moment
    ticket.status = status
    ticket.updated_at = moment
    await session.flush()
    return ticket


def state_of(ticket: Ticket) -> TicketState:
    """The ticket as the pure lifecycle (:mod:`bot.tickets`) sees it."""
    return TicketState(
        status=ticket.status,
        assignee_id=ticket.assignee_id,
        first_response_at=ticket.first_response_at,
        created_at=ticket.created_at,
    )


async def apply(
    session: AsyncSession, ticket: Ticket, change: TicketChange, *, now: Clock = utc_now
) -> Ticket:
    """Store what a lifecycle event (``bot.tickets.on_*``) changed; an empty change is a no-op.

    The status goes through :func:`set_status` (the workflow and the one-open-ticket rule);
    a first response already stamped is kept.

    :raises TransitionNotAllowed: the status move is not allowed
    :raises TicketAlreadyOpen: reopening while the customer has another open ticket
    """
    if not change:
        return ticket
    moment = now()
    if change.status is not None:
        await set_status(session, ticket, change.status, now=lambda: moment)
    if change.assignee_id is not None:
        ticket.assignee_id = change.assignee_id
    if change.first_response_at is not None and ticket.first_response_at is None:
        ticket.first_response_at = change.first_response_at
        ticket.first_response_by = change.first_response_by
    if change.priority is not None:
        ticket.priority = change.priority
    if change.deadlines is not None:
        ticket.first_response_due = change.deadlines.first_response
        ticket.resolution_due = change.deadlines.resolution
    if change.line is not None:
        ticket.line = change.line
    ticket.updated_at = moment
    await session.flush()
    return ticket


async def resolve(session: AsyncSession, ticket: Ticket, *, now: Clock = utc_now) -> Ticket:
    """Mark the ticket solved; the customer may still reopen it."""
    return await set_status(session, ticket, TicketStatus.RESOLVED, now=now)


async def close(session: AsyncSession, ticket: Ticket, *, now: Clock = utc_now) -> Ticket:
    """Close the ticket for good (it can still be reopened by an agent)."""
    return await set_status(session, ticket, TicketStatus.CLOSED, now=now)


async def reopen(session: AsyncSession, ticket: Ticket, *, now: Clock = utc_now) -> Ticket:
    """Put a resolved or closed ticket back in work."""
    return await set_status(session, ticket, TicketStatus.IN_PROGRESS, now=now)


async def assign(
    session: AsyncSession, ticket: Ticket, agent_id: int | None, *, now: Clock = utc_now
) -> Ticket:
    """Give the ticket to an agent (Telegram user id), or ``None`` to release it."""
    ticket.assignee_id = agent_id
    ticket.updated_at = now()
    await session.flush()
    return ticket


async def set_priority(
    session: AsyncSession,
    ticket: Ticket,
    priority: Priority,
    *,
    policy: SlaPolicy,
    hours: BusinessHours,
    now: Clock = utc_now,
) -> Ticket:
    """Change the priority and recompute both deadlines from the creation time."""
    change = on_priority(state_of(ticket), priority, policy, hours)
    return await apply(session, ticket, change, now=now)


async def set_topic(
    session: AsyncSession, ticket: Ticket, topic_id: int | None, *, now: Clock = utc_now
) -> Ticket:
    """Remember the agents' forum topic where the ticket is discussed."""
    ticket.topic_id = topic_id
    ticket.updated_at = now()
    await session.flush()
    return ticket


async def set_line(
    session: AsyncSession, ticket: Ticket, line: int, *, now: Clock = utc_now
) -> Ticket:
    """Move the ticket to support line 1, 2 or 3."""
    return await apply(session, ticket, on_line(state_of(ticket), line), now=now)


async def set_csat(
    session: AsyncSession,
    ticket: Ticket,
    score: int,
    comment: str | None = None,
    *,
    now: Clock = utc_now,
) -> Ticket:
    """Store the customer's satisfaction score, 1 (bad) to 5 (great), and comment."""
    if not 1 <= score <= 5:
        raise ValueError(f"CSAT score must be 1 to 5, got {score}")
    ticket.csat_score = score
    ticket.csat_comment = comment
    ticket.updated_at = now()
    await session.flush()
    return ticket


async def tickets_without_topic(session: AsyncSession, *, limit: int = 50) -> Sequence[Ticket]:
    """Open tickets the agents' chat has no topic for yet, oldest first, customer loaded."""
    query = (
        select(Ticket)
        .where(Ticket.status.in_(OPEN_STATUSES), Ticket.topic_id.is_(None))
        .order_by(Ticket.id)
        .limit(limit)
        .options(selectinload(Ticket.customer))
    )
    return (await session.scalars(query)).all()


async def claim_topic(
    session: AsyncSession,
    ticket_id: int,
    *,
    now: Clock = utc_now,
    stale_after: float = 60.0,
    worker: str | None = None,
) -> bool:
    """Take the job of creating the ticket's topic; ``False`` if it has one or another worker
    is creating it. A claim older than ``stale_after`` seconds is taken over."""
    moment = now()
    stale = moment - timedelta(seconds=stale_after)
    result = await session.execute(
        update(Ticket)
        .where(
            Ticket.id == ticket_id,
            Ticket.topic_id.is_(None),
            or_(Ticket.topic_claimed_at.is_(None), Ticket.topic_claimed_at < stale),
        )
        .values(topic_claimed_at=moment, topic_claimed_by=worker)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def set_card(
    session: AsyncSession, ticket: Ticket, *, topic_id: int, card_message_id: int | None
) -> Ticket:
    """Remember the ticket's topic and its card message."""
    ticket.topic_id = topic_id
    ticket.card_message_id = card_message_id
    await session.flush()
    return ticket


async def set_resolved_article(
    session: AsyncSession, ticket: Ticket, article_id: str | None
) -> Ticket:
    """The article the agents answered with (for learned phrasings)."""
    ticket.resolved_article_id = article_id
    await session.flush()
    return ticket
