"""SLA notices: stored once per ticket, kind and deadline before they are sent.

A worker takes a notice by setting its ``claimed_at`` (one conditional UPDATE, so two
workers cannot both send it), sends it, then sets ``delivered_at``; a refused send clears the
claim. A claim older than ``stale_after`` belongs to a worker that died between the two and
is taken over, so a crash delays a notice rather than losing it. ``delivered_at`` is also
set, without sending, for a notice that lost its point while it waited.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, exists, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute, selectinload

from bot.db.models import SlaNotice, SlaNoticeKind, Ticket
from bot.desk.sla import NoticeKind
from bot.tickets import OPEN_STATUSES, Clock, utc_now

__all__ = [
    "PendingNotice",
    "StoredNotice",
    "claim_notice",
    "mark_notice_delivered",
    "notice_candidates",
    "release_notice",
    "release_notice_claims",
    "store_notice",
    "undelivered_notices",
]


def _missing(kind: SlaNoticeKind, due: InstrumentedAttribute[datetime]) -> ColumnElement[bool]:
    return ~exists().where(
        SlaNotice.ticket_id == Ticket.id, SlaNotice.kind == kind, SlaNotice.due_at == due
    )


def _needs(
    due: InstrumentedAttribute[datetime],
    now: datetime,
    horizon: datetime,
    soon: SlaNoticeKind,
    late: SlaNoticeKind,
) -> ColumnElement[bool]:
    # The same windows as bot.desk.sla.due_notices: past due is a breach, within the
    # reminder window a reminder; a ticket that already has its notice is not a candidate.
    return or_(
        and_(due <= now, _missing(late, due)),
        and_(due > now, due <= horizon, _missing(soon, due)),
    )


async def notice_candidates(
    session: AsyncSession, *, now: datetime, remind_before: timedelta, limit: int = 100
) -> Sequence[Ticket]:
    """Open tickets with a deadline within ``remind_before`` of ``now`` (or past) whose notice
    for it is not stored yet; earliest deadline first, customer loaded.

    Tickets whose notices are all stored drop out, so an old overdue ticket does not take a
    place under ``limit`` at every check.
    """
    horizon = now + remind_before
    first_response = and_(
        Ticket.first_response_at.is_(None),
        _needs(
            Ticket.first_response_due,
            now,
            horizon,
            SlaNoticeKind.FIRST_RESPONSE_SOON,
            SlaNoticeKind.FIRST_RESPONSE_BREACHED,
        ),
    )
    resolution = _needs(
        Ticket.resolution_due,
        now,
        horizon,
        SlaNoticeKind.RESOLUTION_SOON,
        SlaNoticeKind.RESOLUTION_BREACHED,
    )
    query = (
        select(Ticket)
        .where(Ticket.status.in_(OPEN_STATUSES), or_(first_response, resolution))
        .order_by(Ticket.first_response_due, Ticket.id)
        .limit(limit)
        .options(selectinload(Ticket.customer))
    )
    return (await session.scalars(query)).all()


@dataclass(frozen=True)
class StoredNotice:
    """The stored notice, and whether this call stored it (``False``: stored before)."""

    notice: SlaNotice
    created: bool


async def store_notice(
    session: AsyncSession,
    ticket: Ticket,
    kind: NoticeKind | SlaNoticeKind,
    due_at: datetime,
    *,
    now: Clock = utc_now,
) -> StoredNotice:
    """Store the notice unless it is stored already (the same ticket, kind and deadline).

    Safe under concurrency: the database keeps one row, and the loser of a race gets it.
    """
    stored_kind = SlaNoticeKind(kind.value)
    seen = await _find(session, ticket.id, stored_kind, due_at)
    if seen is not None:
        return StoredNotice(seen, created=False)
    notice = SlaNotice(ticket_id=ticket.id, kind=stored_kind, due_at=due_at, created_at=now())
    try:
        async with session.begin_nested():
            session.add(notice)
    except IntegrityError:
        seen = await _find(session, ticket.id, stored_kind, due_at)
        if seen is None:
            raise
        return StoredNotice(seen, created=False)
    return StoredNotice(notice, created=True)


async def _find(
    session: AsyncSession, ticket_id: int, kind: SlaNoticeKind, due_at: datetime
) -> SlaNotice | None:
    query = select(SlaNotice).where(
        SlaNotice.ticket_id == ticket_id, SlaNotice.kind == kind, SlaNotice.due_at == due_at
    )
    return await session.scalar(query)


@dataclass(frozen=True)
class PendingNotice:
    """A notice still to send, with its ticket (customer loaded)."""

    notice: SlaNotice
    ticket: Ticket


async def undelivered_notices(session: AsyncSession, *, limit: int = 100) -> list[PendingNotice]:
    """Notices not sent yet, oldest first, each with its ticket."""
    query = (
        select(SlaNotice, Ticket)
        .join(Ticket, Ticket.id == SlaNotice.ticket_id)
        .where(SlaNotice.delivered_at.is_(None))
        .order_by(SlaNotice.id)
        .limit(limit)
        .options(selectinload(Ticket.customer))
    )
    return [PendingNotice(notice, ticket) for notice, ticket in await session.execute(query)]


async def claim_notice(
    session: AsyncSession,
    notice_id: int,
    *,
    now: Clock = utc_now,
    stale_after: float = 60.0,
    worker: str | None = None,
) -> bool:
    """Take the notice for sending; ``False`` if it is sent, or another worker has it (and
    claimed it less than ``stale_after`` seconds ago). One UPDATE: two workers cannot both win.
    """
    moment = now()
    result = await session.execute(
        update(SlaNotice)
        .where(
            SlaNotice.id == notice_id,
            SlaNotice.delivered_at.is_(None),
            or_(
                SlaNotice.claimed_at.is_(None),
                SlaNotice.claimed_at < moment - timedelta(seconds=stale_after),
            ),
        )
        .values(claimed_at=moment, claimed_by=worker)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def mark_notice_delivered(
    session: AsyncSession, notice_id: int, *, now: Clock = utc_now
) -> bool:
    """Mark the notice delivered (sent, or no longer worth sending); ``False`` if it was."""
    result = await session.execute(
        update(SlaNotice)
        .where(SlaNotice.id == notice_id, SlaNotice.delivered_at.is_(None))
        .values(delivered_at=now())
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def release_notice(session: AsyncSession, notice_id: int) -> None:
    """Sending failed: unclaimed again, for the next check to retry."""
    await session.execute(
        update(SlaNotice)
        .where(SlaNotice.id == notice_id, SlaNotice.delivered_at.is_(None))
        .values(claimed_at=None)
        .execution_options(synchronize_session=False)
    )


async def release_notice_claims(session: AsyncSession, *, of: Sequence[str] | None = None) -> int:
    """Forget every claim on a notice not sent yet: their workers are known to be dead (see
    :func:`bot.db.repo.messages.release_claims`: a long-polling bot at start).

    :param of: only these workers' claims (found dead, :mod:`bot.db.repo.workers`)
    :returns: how many claims were released
    """
    whose = [] if of is None else [SlaNotice.claimed_by.in_(list(of))]
    result = await session.execute(
        update(SlaNotice)
        .where(SlaNotice.claimed_at.is_not(None), *whose, SlaNotice.delivered_at.is_(None))
        .values(claimed_at=None, claimed_by=None)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]
