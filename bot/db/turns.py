"""What a dialogue turn leaves in the database: the question it searched, the vote it cast.

Both come from the :class:`~bot.dialogue.Turn` itself (``searched``, ``vote``), whether the
customer typed («да») or pressed a button (👍): nothing is worked out again here.
"""

from __future__ import annotations

from typing import assert_never

from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import AttemptDecision, Customer
from bot.db.repo import record_vote, store_attempt
from bot.dialogue import Searched, Turn
from bot.policy import Answer, Clarify, Decision, Escalate
from bot.tickets import Clock

__all__ = ["record_turn"]

STORED_TOP = 5
"""Hits kept with an attempt: enough for the gap report and the web's outcomes."""


async def record_turn(
    session: AsyncSession, customer: Customer, turn: Turn, *, attempt: int, clock: Clock
) -> int:
    """Record the turn's search (as an attempt) and its vote, if it made or cast any.

    :param attempt: the stored question the conversation was about before this turn
    :returns: the stored question it is about now: a new one if the turn searched
    """
    if turn.searched is not None:
        attempt = await _record_search(session, customer, turn.searched, clock)
    if turn.vote is not None:
        await record_vote(
            session,
            customer=customer,
            query_text=turn.vote.question,
            article_id=turn.vote.article,
            helpful=turn.vote.helpful,
            now=clock,
        )
    return attempt


async def _record_search(
    session: AsyncSession, customer: Customer, searched: Searched, clock: Clock
) -> int:
    decision = searched.decision
    return await store_attempt(
        session,
        customer_id=customer.id,
        query_text=searched.question,
        decision=_decision_of(decision),
        confidence=decision.confidence,
        top_article_ids=[hit.doc_id for hit in searched.ranking.hits[:STORED_TOP]],
        chosen_article_id=decision.hit.doc_id if isinstance(decision, Answer) else None,
        now=clock,
    )


def _decision_of(decision: Decision) -> AttemptDecision:
    match decision:
        case Answer():
            return AttemptDecision.ANSWER
        case Clarify():
            return AttemptDecision.CLARIFY
        case Escalate():
            return AttemptDecision.ESCALATE
        case _:
            assert_never(decision)
