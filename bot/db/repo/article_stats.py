"""What the authors' web page reads: questions, ticket openings and votes of a period.

Plain rows, no arithmetic: the numbers are :mod:`bot.web.outcomes`' job (pure, so the same
rules run on hand-made rows in tests). ``since``/``until`` bound ``created_at`` as
``[since, until)``; ``None`` leaves that side open.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Attempt, Ticket, Vote

__all__ = [
    "AskedQuestion",
    "TicketOpening",
    "VoteTally",
    "list_questions",
    "list_ticket_openings",
    "tally_votes",
]


@dataclass(frozen=True)
class AskedQuestion:
    """One question the bot handled (a row of ``attempts``).

    :param chosen_article_id: the article the bot answered with, ``None`` if it did not
    :param top_article_ids: the best articles, best first (the bot stores five)
    """

    created_at: datetime
    customer_id: int | None
    chosen_article_id: str | None
    top_article_ids: tuple[str, ...]


@dataclass(frozen=True)
class TicketOpening:
    """Who opened a ticket, and when."""

    customer_id: int
    created_at: datetime


@dataclass(frozen=True)
class VoteTally:
    helpful: int
    unhelpful: int


def _within(column: Any, since: datetime | None, until: datetime | None) -> list[Any]:
    conditions = []
    if since is not None:
        conditions.append(column >= since)
    if until is not None:
        conditions.append(column < until)
    return conditions


async def list_questions(
    session: AsyncSession, *, since: datetime | None = None, until: datetime | None = None
) -> list[AskedQuestion]:
    """The period's questions, oldest first."""
    query = (
        select(
            Attempt.created_at,
            Attempt.customer_id,
            Attempt.chosen_article_id,
            Attempt.top_article_ids,
        )
        .where(*_within(Attempt.created_at, since, until))
        .order_by(Attempt.created_at, Attempt.id)
    )
    rows = await session.execute(query)
    return [
        AskedQuestion(created_at, customer_id, chosen, tuple(str(i) for i in top or ()))
        for created_at, customer_id, chosen, top in rows
    ]


async def list_ticket_openings(
    session: AsyncSession, *, since: datetime | None = None, until: datetime | None = None
) -> list[TicketOpening]:
    """Who opened a ticket when, in the period."""
    query = select(Ticket.customer_id, Ticket.created_at).where(
        *_within(Ticket.created_at, since, until)
    )
    rows = await session.execute(query)
    return [TicketOpening(customer_id, created_at) for customer_id, created_at in rows]


async def tally_votes(
    session: AsyncSession, *, since: datetime | None = None, until: datetime | None = None
) -> dict[str, VoteTally]:
    """👍 and 👎 per article id, for the articles that got any."""
    helpful = func.count(case((Vote.helpful.is_(True), 1)))
    unhelpful = func.count(case((Vote.helpful.is_(False), 1)))
    query = (
        select(Vote.article_id, helpful, unhelpful)
        .where(*_within(Vote.created_at, since, until))
        .group_by(Vote.article_id)
    )
    rows = await session.execute(query)
    return {article: VoteTally(up, down) for article, up, down in rows}
