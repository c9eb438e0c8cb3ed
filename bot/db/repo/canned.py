"""Canned replies: ready answers the agents pick by title."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import CannedReply
from bot.db.repo.errors import CannedReplyTitleTaken
from bot.tickets import Clock, utc_now

__all__ = [
    "add_canned_reply",
    "delete_canned_reply",
    "get_canned_reply",
    "list_canned_replies",
    "update_canned_reply",
]


async def add_canned_reply(
    session: AsyncSession, *, title: str, text: str, created_by: int, now: Clock = utc_now
) -> CannedReply:
    """Save a new canned reply.

    :param created_by: the agent's Telegram user id
    :raises CannedReplyTitleTaken: the title is in use
    """
    moment = now()
    reply = CannedReply(
        title=title, text=text, created_by=created_by, created_at=moment, updated_at=moment
    )
    try:
        async with session.begin_nested():
            session.add(reply)
    except IntegrityError as exc:
        raise CannedReplyTitleTaken(title) from exc
    return reply


async def list_canned_replies(session: AsyncSession) -> Sequence[CannedReply]:
    """All canned replies by title."""
    return (await session.scalars(select(CannedReply).order_by(CannedReply.title))).all()


async def get_canned_reply(session: AsyncSession, reply_id: int) -> CannedReply | None:
    return await session.get(CannedReply, reply_id)


async def update_canned_reply(
    session: AsyncSession,
    reply: CannedReply,
    *,
    title: str | None = None,
    text: str | None = None,
    now: Clock = utc_now,
) -> CannedReply:
    """Change the title and/or text; ``None`` keeps the current value.

    :raises CannedReplyTitleTaken: the new title is in use
    """
    if title is not None and title != reply.title:
        taken = await session.scalar(select(CannedReply.id).where(CannedReply.title == title))
        if taken is not None:
            raise CannedReplyTitleTaken(title)
        reply.title = title
    if text is not None:
        reply.text = text
    reply.updated_at = now()
    await session.flush()
    return reply


async def delete_canned_reply(session: AsyncSession, reply: CannedReply) -> None:
    await session.delete(reply)
    await session.flush()
