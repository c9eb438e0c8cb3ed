"""What the authors' reports read: a period's questions, votes and tickets as plain records.

The rows become :mod:`bot.reports.records` values here, so the report itself never sees
SQLAlchemy. A month of a busy bot is some tens of thousands of rows: read in one go.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Attempt, Ticket, Vote
from bot.reports.records import Activity, AttemptRecord, Outcome, TicketRecord, VoteRecord

__all__ = ["load_activity"]


async def load_activity(session: AsyncSession, *, since: datetime, until: datetime) -> Activity:
    """Attempts, votes and tickets created in ``[since, until)``, oldest first.

    :param since: the period's start, aware
    :param until: its end, aware
    """
    attempts = await session.execute(
        select(
            Attempt.query_text,
            Attempt.decision,
            Attempt.confidence,
            Attempt.created_at,
            Attempt.top_article_ids,
            Attempt.chosen_article_id,
            Attempt.customer_id,
        )
        .where(Attempt.created_at >= since, Attempt.created_at < until)
        .order_by(Attempt.created_at, Attempt.id)
    )
    votes = await session.execute(
        select(Vote.query_text, Vote.article_id, Vote.helpful, Vote.created_at, Vote.customer_id)
        .where(Vote.created_at >= since, Vote.created_at < until)
        .order_by(Vote.created_at, Vote.id)
    )
    tickets = await session.execute(
        select(Ticket.number, Ticket.question, Ticket.created_at, Ticket.customer_id)
        .where(Ticket.created_at >= since, Ticket.created_at < until)
        .order_by(Ticket.created_at, Ticket.id)
    )
    return Activity(
        attempts=tuple(
            AttemptRecord(
                query_text=text,
                outcome=Outcome(decision.value),
                confidence=confidence,
                created_at=created_at,
                top_article_ids=tuple(top or ()),
                chosen_article_id=chosen,
                customer_id=customer_id,
            )
            for text, decision, confidence, created_at, top, chosen, customer_id in attempts
        ),
        votes=tuple(VoteRecord(*row) for row in votes),
        tickets=tuple(TicketRecord(*row) for row in tickets),
    )
