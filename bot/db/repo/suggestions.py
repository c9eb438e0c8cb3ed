"""Suggested phrasings waiting for a lead, and what the leads decided."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import PhrasingSuggestion, SuggestionStatus
from bot.tickets import Clock, utc_now

__all__ = [
    "StoredSuggestion",
    "decide_suggestion",
    "get_suggestion",
    "list_suggestions",
    "set_suggestion_message",
    "store_suggestion",
]


@dataclass(frozen=True)
class StoredSuggestion:
    """The suggestion's row, and whether this call stored it (``False``: suggested before)."""

    suggestion: PhrasingSuggestion
    created: bool


async def store_suggestion(
    session: AsyncSession,
    *,
    article_id: str,
    question: str,
    wording_key: str,
    source: str,
    ticket_id: int | None = None,
    status: SuggestionStatus = SuggestionStatus.PENDING,
    now: Clock = utc_now,
) -> StoredSuggestion:
    """Store a suggestion once per article and wording (see ``PhrasingSuggestion``).

    :param wording_key: the wording's content lemmas joined by spaces, sorted
    :param status: ``APPROVED`` when it is written at once (``auto_approve``)
    """
    existing = await _by_key(session, article_id, wording_key)
    if existing is not None:
        return StoredSuggestion(existing, created=False)
    moment = now()
    suggestion = PhrasingSuggestion(
        article_id=article_id,
        question=question,
        wording_key=wording_key[:500],
        source=source[:64],
        ticket_id=ticket_id,
        status=status,
        created_at=moment,
        decided_at=moment if status is not SuggestionStatus.PENDING else None,
    )
    try:
        async with session.begin_nested():
            session.add(suggestion)
    except IntegrityError:
        existing = await _by_key(session, article_id, wording_key)
        if existing is None:
            raise
        return StoredSuggestion(existing, created=False)
    return StoredSuggestion(suggestion, created=True)


async def _by_key(
    session: AsyncSession, article_id: str, wording_key: str
) -> PhrasingSuggestion | None:
    query = select(PhrasingSuggestion).where(
        PhrasingSuggestion.article_id == article_id,
        PhrasingSuggestion.wording_key == wording_key[:500],
    )
    return await session.scalar(query)


async def get_suggestion(
    session: AsyncSession, suggestion_id: int, *, for_update: bool = False
) -> PhrasingSuggestion | None:
    """A suggestion by id; ``for_update`` locks it (two leads, one button)."""
    query = select(PhrasingSuggestion).where(PhrasingSuggestion.id == suggestion_id)
    if for_update:
        query = query.with_for_update()
    return await session.scalar(query)


async def list_suggestions(
    session: AsyncSession,
    *,
    status: SuggestionStatus | None = SuggestionStatus.PENDING,
    limit: int = 200,
) -> Sequence[PhrasingSuggestion]:
    """Suggestions in ``status`` (all when ``None``), oldest first."""
    query = select(PhrasingSuggestion)
    if status is not None:
        query = query.where(PhrasingSuggestion.status == status)
    query = query.order_by(PhrasingSuggestion.created_at, PhrasingSuggestion.id).limit(limit)
    return (await session.scalars(query)).all()


async def decide_suggestion(
    session: AsyncSession,
    suggestion: PhrasingSuggestion,
    *,
    approved: bool,
    decided_by: int | None,
    now: Clock = utc_now,
) -> bool:
    """Approve or reject a pending suggestion; ``False`` if it was decided already."""
    if suggestion.status is not SuggestionStatus.PENDING:
        return False
    suggestion.status = SuggestionStatus.APPROVED if approved else SuggestionStatus.REJECTED
    suggestion.decided_at = now()
    suggestion.decided_by = decided_by
    await session.flush()
    return True


async def set_suggestion_message(
    session: AsyncSession, suggestion: PhrasingSuggestion, message_id: int
) -> None:
    """Remember the suggestion's message in the agents' chat (to edit it once decided)."""
    suggestion.message_id = message_id
    await session.flush()
