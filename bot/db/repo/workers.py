"""Workers' heartbeats, and the release of a dead worker's delivery claims.

Every process that claims deliveries (ticket messages, SLA notices, topic creation) signs its
claims with its worker id and beats in ``workers`` every few seconds. A worker silent for
longer than the others allow is dead: its claims still waiting are released in one UPDATE per
table, so the survivors deliver them now, not when the claims turn a minute old. The release
is the long-polling bot's at start (:func:`bot.db.repo.messages.release_claims`), narrowed
to the dead workers' claims, which is what several replicas need: their live
neighbours' claims must stay.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Ticket, Worker
from bot.db.repo.messages import release_claims
from bot.db.repo.notices import release_notice_claims

__all__ = ["beat", "release_dead", "retire", "silent_workers"]


async def beat(session: AsyncSession, worker: str, *, now: datetime) -> bool:
    """Say ``worker`` is alive at ``now``.

    :returns: ``False`` when its row had to be made again: at the first beat, or because
        another worker took it for dead (its claims may have been released meanwhile)
    """
    result = await session.execute(
        update(Worker)
        .where(Worker.id == worker)
        .values(seen_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount:  # type: ignore[attr-defined]
        return True
    session.add(Worker(id=worker, started_at=now, seen_at=now))
    await session.flush()
    return False


async def silent_workers(
    session: AsyncSession, *, since: datetime, besides: str | None = None
) -> list[str]:
    """The workers not seen since ``since`` (``besides`` excepted: the one asking)."""
    query = select(Worker.id).where(Worker.seen_at < since)
    if besides is not None:
        query = query.where(Worker.id != besides)
    return list((await session.scalars(query)).all())


async def release_dead(session: AsyncSession, workers: Sequence[str]) -> int:
    """Release every waiting claim of ``workers`` and forget them.

    :returns: how many claims were released
    """
    if not workers:
        return 0
    dead = list(workers)
    released = await release_claims(session, of=dead) + await release_notice_claims(
        session, of=dead
    )
    topics = await session.execute(
        update(Ticket)
        .where(
            Ticket.topic_claimed_by.in_(dead),
            Ticket.topic_claimed_at.is_not(None),
            Ticket.topic_id.is_(None),
        )
        .values(topic_claimed_at=None, topic_claimed_by=None)
        .execution_options(synchronize_session=False)
    )
    await session.execute(delete(Worker).where(Worker.id.in_(dead)))
    return released + int(topics.rowcount)  # type: ignore[attr-defined]


async def retire(session: AsyncSession, worker: str) -> None:
    """Forget ``worker``: it stopped gracefully, its deliveries finished or handed back."""
    await session.execute(delete(Worker).where(Worker.id == worker))
