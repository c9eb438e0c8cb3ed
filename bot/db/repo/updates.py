"""The intake journal's queries: store received updates once, list the unhandled, mark handled."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import asyncpg
from sqlalchemy import delete, func, select, update
from sqlalchemy import insert as sa_insert
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import ReceivedUpdate, UpdateState

__all__ = [
    "forget_handled",
    "mark_handled",
    "store_updates",
    "unhandled_in_chat",
    "unhandled_updates",
    "waiting_chats",
]


async def store_updates(
    session: AsyncSession, updates: Sequence[tuple[int, str, str]], now: datetime
) -> set[int]:
    """Store ``(update_id, chat_key, payload)`` rows not stored yet.

    Telegram sends an update again when its confirmation was lost (a webhook's answer that
    never arrived, a crash before the next ``getUpdates``); the journal keeps the first copy.

    :returns: the update ids stored now (the ones to handle)
    """
    rows: dict[int, dict[str, object]] = {}
    for update_id, chat_key, payload in updates:
        rows.setdefault(  # the first copy wins
            update_id,
            {
                "update_id": update_id,
                "chat_key": chat_key,
                "payload": payload,
                "state": UpdateState.STORED,
                "received_at": now,
            },
        )
    if not rows:
        return set()
    # One statement, no ORM objects, where the dialect has INSERT ... ON CONFLICT DO NOTHING
    # RETURNING (the schema stays portable; elsewhere the known ids are looked up first).
    skip_known: postgresql.Insert | sqlite.Insert | None = None
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        skip_known = postgresql.insert(ReceivedUpdate).on_conflict_do_nothing(
            index_elements=["update_id"]
        )
    elif dialect == "sqlite":
        skip_known = sqlite.insert(ReceivedUpdate).on_conflict_do_nothing(
            index_elements=["update_id"]
        )
    if skip_known is not None:
        stored = await session.execute(
            skip_known.returning(ReceivedUpdate.update_id), list(rows.values())
        )
        return set(stored.scalars().all())
    known = set(
        (
            await session.scalars(
                select(ReceivedUpdate.update_id).where(ReceivedUpdate.update_id.in_(list(rows)))
            )
        ).all()
    )
    fresh = [row for update_id, row in rows.items() if update_id not in known]
    if fresh:
        await session.execute(sa_insert(ReceivedUpdate), fresh)
    return {update_id for update_id in rows if update_id not in known}


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


_UNHANDLED_IN_CHAT = (
    f"SELECT update_id, payload FROM {ReceivedUpdate.__tablename__}"
    f" WHERE state = '{UpdateState.STORED.value}' AND chat_key = $1 ORDER BY update_id"
)


async def unhandled_in_chat(connection: asyncpg.Connection, chat_key: str) -> list[tuple[int, str]]:
    """One chat's stored, unhandled updates as ``(update_id, payload)``, oldest first.

    Read on a plain asyncpg connection, the chat locks' own (:mod:`bot.telegram.shared_intake`
    reads it for every update a replica takes and gives back): one round trip and about
    0.05 ms of CPU, where a session's transaction cost three and about 0.9 ms.
    """
    rows = await connection.fetch(_UNHANDLED_IN_CHAT, chat_key)
    return [(row["update_id"], row["payload"]) for row in rows]


async def waiting_chats(session: AsyncSession, *, limit: int = 1000) -> list[str]:
    """The chats with stored, unhandled updates, the longest waiting first."""
    first = func.min(ReceivedUpdate.update_id)
    rows = await session.scalars(
        select(ReceivedUpdate.chat_key)
        .where(ReceivedUpdate.state == UpdateState.STORED)
        .group_by(ReceivedUpdate.chat_key)
        .order_by(first)
        .limit(limit)
    )
    return list(rows.all())


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
