"""The intake journal's queries: store received updates once, list the unhandled, mark handled."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import ReceivedUpdate, UpdateState

__all__ = ["forget_handled", "mark_handled", "store_updates", "unhandled_updates"]


async def store_updates(
    session: AsyncSession, updates: Sequence[tuple[int, str, str]], now: datetime
) -> set[int]:
    """Store ``(update_id, chat_key, payload)`` rows not stored yet.

    Telegram sends an update again when its confirmation was lost (a webhook's answer that
    never arrived, a crash before the next ``getUpdates``); the journal keeps the first copy.

    :returns: the update ids stored now (the ones to handle)
    """
    ids = [update_id for update_id, _, _ in updates]
    if not ids:
        return set()
    known = set(
        (
            await session.scalars(
                select(ReceivedUpdate.update_id).where(ReceivedUpdate.update_id.in_(ids))
            )
        ).all()
    )
    fresh: dict[int, dict[str, object]] = {}
    for update_id, chat_key, payload in updates:
        if update_id not in known and update_id not in fresh:
            fresh[update_id] = {
                "update_id": update_id,
                "chat_key": chat_key,
                "payload": payload,
                "state": UpdateState.STORED,
                "received_at": now,
            }
    if fresh:  # one INSERT for the batch, without ORM objects: it runs for every update
        await session.execute(insert(ReceivedUpdate), list(fresh.values()))
    return set(fresh)


async def unhandled_updates(session: AsyncSession) -> list[ReceivedUpdate]:
    """Stored and not handled, in the order Telegram numbered them."""
    return list(
        (
            await session.scalars(
                select(ReceivedUpdate)
                .where(ReceivedUpdate.state == UpdateState.STORED)
                .order_by(ReceivedUpdate.update_id)
            )
        ).all()
    )


async def mark_handled(session: AsyncSession, update_ids: Sequence[int], now: datetime) -> None:
    """Mark these updates handled: a restart will not handle them again."""
    if update_ids:
        await session.execute(
            update(ReceivedUpdate)
            .where(ReceivedUpdate.update_id.in_(list(update_ids)))
            .values(state=UpdateState.HANDLED, handled_at=now)
        )


async def forget_handled(session: AsyncSession, before: datetime) -> int:
    """Delete handled updates received before ``before``; Telegram resends nothing that old.

    :returns: how many rows went
    """
    result = await session.execute(
        delete(ReceivedUpdate).where(
            ReceivedUpdate.state == UpdateState.HANDLED, ReceivedUpdate.received_at < before
        )
    )
    return int(getattr(result, "rowcount", 0) or 0)
