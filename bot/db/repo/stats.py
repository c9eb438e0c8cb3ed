"""Numbers for the agents' desk and reports, over tickets created in ``[since, until)``."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Ticket
from bot.tickets import OPEN_STATUSES, Clock, TicketStatus, utc_now

__all__ = [
    "CsatSummary",
    "SlaBreaches",
    "count_breaches",
    "count_by_status",
    "csat_summary",
    "median_first_response",
]


def _created_in(since: datetime, until: datetime) -> ColumnElement[bool]:
    return and_(Ticket.created_at >= since, Ticket.created_at < until)


async def count_by_status(
    session: AsyncSession, *, since: datetime, until: datetime
) -> dict[TicketStatus, int]:
    """How many tickets of the period are in each status (every status present, maybe 0)."""
    query = (
        select(Ticket.status, func.count()).where(_created_in(since, until)).group_by(Ticket.status)
    )
    counts = {status: 0 for status in TicketStatus}
    for status, count in await session.execute(query):
        counts[status] = count
    return counts


async def median_first_response(
    session: AsyncSession, *, since: datetime, until: datetime
) -> timedelta | None:
    """Median wall-clock time from creation to the first agent reply; ``None`` if no replies.

    Computed in Python: the portable SQL for a median differs per backend and a period's
    tickets fit in memory.
    """
    query = select(Ticket.created_at, Ticket.first_response_at).where(
        _created_in(since, until), Ticket.first_response_at.is_not(None)
    )
    waits = [
        (answered - created).total_seconds()
        for created, answered in await session.execute(query)
        if answered is not None
    ]
    return timedelta(seconds=statistics.median(waits)) if waits else None


@dataclass(frozen=True)
class SlaBreaches:
    """Tickets of the period that missed (or, still open, are past) each deadline."""

    first_response: int
    resolution: int


async def count_breaches(
    session: AsyncSession, *, since: datetime, until: datetime, now: Clock = utc_now
) -> SlaBreaches:
    """Count missed deadlines; an open ticket past its deadline counts as missed already."""
    moment = now()
    is_open = Ticket.status.in_(OPEN_STATUSES)
    finished_at = func.coalesce(Ticket.resolved_at, Ticket.closed_at)
    late_reply = or_(
        Ticket.first_response_at > Ticket.first_response_due,
        and_(Ticket.first_response_at.is_(None), is_open, Ticket.first_response_due < moment),
    )
    late_resolution = or_(
        finished_at > Ticket.resolution_due,
        and_(is_open, Ticket.resolution_due < moment),
    )
    query = select(func.count().filter(late_reply), func.count().filter(late_resolution)).where(
        _created_in(since, until)
    )
    first, resolution = (await session.execute(query)).one()
    return SlaBreaches(first_response=first, resolution=resolution)


@dataclass(frozen=True)
class CsatSummary:
    average: float | None
    count: int


async def csat_summary(session: AsyncSession, *, since: datetime, until: datetime) -> CsatSummary:
    """Average satisfaction score (1-5) of the period's rated tickets."""
    query = select(func.avg(Ticket.csat_score), func.count(Ticket.csat_score)).where(
        _created_in(since, until)
    )
    average, count = (await session.execute(query)).one()
    return CsatSummary(float(average) if average is not None else None, count)
