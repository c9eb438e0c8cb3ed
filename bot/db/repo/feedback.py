"""What customers tell us about the bot's answers: votes, and every question's outcome."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import cast

from sqlalchemy import Table, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Attempt, AttemptDecision, Customer, Vote
from bot.tickets import Clock, utc_now

__all__ = ["get_attempt", "list_votes", "record_attempt", "record_vote", "store_attempt"]


async def record_vote(
    session: AsyncSession,
    *,
    customer: Customer | None,
    query_text: str,
    article_id: str,
    helpful: bool,
    now: Clock = utc_now,
) -> Vote:
    """Store "this article helped / did not help" for the question it answered."""
    vote = Vote(
        customer_id=customer.id if customer is not None else None,
        query_text=query_text,
        article_id=article_id,
        helpful=helpful,
        created_at=now(),
    )
    session.add(vote)
    await session.flush()
    return vote


async def record_attempt(
    session: AsyncSession,
    *,
    customer: Customer | None,
    query_text: str,
    decision: AttemptDecision,
    confidence: float,
    top_article_ids: Sequence[str] = (),
    chosen_article_id: str | None = None,
    now: Clock = utc_now,
) -> Attempt:
    """Store how the bot handled one question (``customer`` is ``None`` in the demo).

    :param decision: answered, asked to clarify, or escalated to people
    :param confidence: the engine's score for its decision
    :param top_article_ids: the best candidates, best first
    :param chosen_article_id: the article shown, if any
    """
    attempt = Attempt(
        customer_id=customer.id if customer is not None else None,
        query_text=query_text,
        decision=decision,
        confidence=confidence,
        top_article_ids=list(top_article_ids),
        chosen_article_id=chosen_article_id,
        created_at=now(),
    )
    session.add(attempt)
    await session.flush()
    return attempt


async def store_attempt(
    session: AsyncSession,
    *,
    customer_id: int | None,
    query_text: str,
    decision: AttemptDecision,
    confidence: float,
    top_article_ids: Sequence[str] = (),
    chosen_article_id: str | None = None,
    now: Clock = utc_now,
) -> int:
    """:func:`record_attempt` for the bot's every question: one INSERT, its id back.

    The row is never read back in that update, so no ORM object is built for it (the unit of
    work's bookkeeping cost more CPU than the statement).
    """
    table = cast(Table, Attempt.__table__)
    statement = (
        insert(table)
        .values(
            customer_id=customer_id,
            query_text=query_text,
            decision=decision,
            confidence=confidence,
            top_article_ids=list(top_article_ids),
            chosen_article_id=chosen_article_id,
            created_at=now(),
        )
        .returning(table.c.id)
    )
    return int((await session.execute(statement)).scalar_one())


async def get_attempt(session: AsyncSession, attempt_id: int) -> Attempt | None:
    """An attempt by id: the question behind a button the customer pressed later."""
    return await session.get(Attempt, attempt_id)


async def list_votes(
    session: AsyncSession, customer_id: int, *, since: datetime, until: datetime
) -> Sequence[Vote]:
    """The customer's votes in ``[since, until)``, oldest first (shown on the ticket card)."""
    query = (
        select(Vote)
        .where(Vote.customer_id == customer_id, Vote.created_at >= since, Vote.created_at < until)
        .order_by(Vote.created_at, Vote.id)
    )
    return (await session.scalars(query)).all()
