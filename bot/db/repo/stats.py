"""Numbers for the agents' desk and reports, over tickets created in ``[since, until)``.

Unless a function says otherwise: :func:`count_finished` counts by when tickets were finished.
"""

from __future__ import annotations

import bisect
import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Agent, Attempt, Ticket
from bot.tickets import OPEN_STATUSES, Clock, TicketStatus, utc_now

__all__ = [
    "SELF_SERVICE_WINDOW",
    "AgentStats",
    "CsatSummary",
    "SelfService",
    "SlaBreaches",
    "count_breaches",
    "count_by_status",
    "count_finished",
    "csat_summary",
    "median_first_response",
    "per_agent",
    "self_service",
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


def _finished_in(since: datetime, until: datetime) -> ColumnElement[bool]:
    # A ticket resolved and later closed was finished when it was resolved.
    finished_at = func.coalesce(Ticket.resolved_at, Ticket.closed_at)
    return and_(finished_at >= since, finished_at < until)


async def count_finished(session: AsyncSession, *, since: datetime, until: datetime) -> int:
    """Tickets resolved or closed in ``[since, until)``, whenever they were created."""
    query = select(func.count()).select_from(Ticket).where(_finished_in(since, until))
    return await session.scalar(query) or 0


SELF_SERVICE_WINDOW = timedelta(hours=24)
"""A ticket this soon after a question means the bot did not settle it."""


@dataclass(frozen=True)
class SelfService:
    """Customers' questions of a period, and those not followed by a ticket.

    A question is *self-served* when the same customer opened no ticket within
    :data:`SELF_SERVICE_WINDOW` after asking it, whatever the bot answered. Questions of the
    last day of a period may still be followed by one later.
    """

    questions: int
    self_served: int

    @property
    def rate(self) -> float | None:
        """Self-served share of the questions, ``None`` without questions."""
        return self.self_served / self.questions if self.questions else None


async def self_service(session: AsyncSession, *, since: datetime, until: datetime) -> SelfService:
    """Questions customers asked in ``[since, until)`` (the terminal demo's are not counted),
    and how many of them the bot answered with an article that no ticket from the same
    customer followed within 24 hours: the same rule as the web page's
    (:func:`bot.web.outcomes.is_self_served`).

    Computed in Python: adding an interval to a column differs per backend.
    """
    asked = (
        await session.execute(
            select(Attempt.customer_id, Attempt.created_at, Attempt.chosen_article_id).where(
                Attempt.customer_id.is_not(None),
                Attempt.created_at >= since,
                Attempt.created_at < until,
            )
        )
    ).all()
    if not asked:
        return SelfService(0, 0)
    opened: dict[int, list[datetime]] = defaultdict(list)
    tickets = select(Ticket.customer_id, Ticket.created_at).where(
        Ticket.created_at >= since,
        Ticket.created_at < until + SELF_SERVICE_WINDOW,
    )
    for customer, created in await session.execute(tickets):
        opened[customer].append(created)
    for times in opened.values():
        times.sort()
    served = 0
    for asker, moment, article in asked:
        if article is None:
            continue  # the bot did not answer it: clarified or handed over
        times = opened.get(asker, []) if asker is not None else []
        first_after = bisect.bisect_left(times, moment)
        followed = first_after < len(times) and times[first_after] < moment + SELF_SERVICE_WINDOW
        served += not followed
    return SelfService(questions=len(asked), self_served=served)


@dataclass(frozen=True)
class AgentStats:
    """One agent's part of a period.

    :param telegram_id: the agent's Telegram user id
    :param name: as the desk last saw them (``None``: never seen in the agents' chat)
    :param taken: tickets created in the period and assigned to the agent
    :param resolved: tickets assigned to the agent and resolved or closed in the period
    :param median_first_response: over tickets of the period the agent answered first
    :param csat: satisfaction of the period's tickets assigned to the agent
    """

    telegram_id: int
    name: str | None
    taken: int
    resolved: int
    median_first_response: timedelta | None
    csat: CsatSummary


async def per_agent(session: AsyncSession, *, since: datetime, until: datetime) -> list[AgentStats]:
    """Each agent with something in the period, most tickets taken first.

    Tickets count by creation date, except "resolved", which counts by when they were
    resolved or closed; an agent is who the ticket is assigned to, or, for the first
    response, who gave it.
    """
    taken: dict[int, tuple[int, float | None, int]] = {}
    query = (
        select(
            Ticket.assignee_id,
            func.count(),
            func.avg(Ticket.csat_score),
            func.count(Ticket.csat_score),
        )
        .where(_created_in(since, until), Ticket.assignee_id.is_not(None))
        .group_by(Ticket.assignee_id)
    )
    for agent, count, average, rated in await session.execute(query):
        if agent is not None:
            taken[agent] = (count, float(average) if average is not None else None, rated)
    resolved_query = (
        select(Ticket.assignee_id, func.count())
        .where(_finished_in(since, until), Ticket.assignee_id.is_not(None))
        .group_by(Ticket.assignee_id)
    )
    resolved: dict[int, int] = {
        agent: count for agent, count in await session.execute(resolved_query) if agent is not None
    }
    waits: dict[int, list[float]] = defaultdict(list)
    first_query = select(
        Ticket.first_response_by, Ticket.created_at, Ticket.first_response_at
    ).where(
        _created_in(since, until),
        Ticket.first_response_by.is_not(None),
        Ticket.first_response_at.is_not(None),
    )
    for agent, created, answered in await session.execute(first_query):
        if agent is not None and answered is not None:
            waits[agent].append((answered - created).total_seconds())
    ids = set(taken) | set(resolved) | set(waits)
    if not ids:
        return []
    agents = await session.scalars(select(Agent).where(Agent.telegram_id.in_(ids)))
    names = {agent.telegram_id: _name(agent) for agent in agents}
    result = []
    for agent_id in ids:
        count, average, rated = taken.get(agent_id, (0, None, 0))
        wait = waits.get(agent_id)
        result.append(
            AgentStats(
                telegram_id=agent_id,
                name=names.get(agent_id),
                taken=count,
                resolved=resolved.get(agent_id, 0),
                median_first_response=(
                    timedelta(seconds=statistics.median(wait)) if wait else None
                ),
                csat=CsatSummary(average, rated),
            )
        )
    result.sort(
        key=lambda row: (-row.taken, -row.resolved, (row.name or "").casefold(), row.telegram_id)
    )
    return result


def _name(agent: Agent) -> str:
    full = " ".join(part for part in (agent.first_name, agent.last_name) if part)
    return full or (f"@{agent.username}" if agent.username else str(agent.telegram_id))
