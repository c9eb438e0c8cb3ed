"""Ticket messages: the conversation relayed between a customer and the agents."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased, selectinload

from bot.db.models import Ticket, TicketMessage
from bot.db.repo.tickets import apply, state_of
from bot.tickets import NOTICE_TYPES, Clock, MessageDirection, on_answer_sent, utc_now

__all__ = [
    "AddedMessage",
    "add_message",
    "claim_message",
    "claim_next",
    "release_claims",
    "release_message",
    "retry_all_now",
    "get_message_by_relay",
    "get_message_by_source",
    "lane_head",
    "list_messages",
    "pending_lanes",
    "mark_delivered",
    "mark_relayed",
    "undelivered_messages",
]

_WITH_TICKET = selectinload(TicketMessage.ticket).selectinload(Ticket.customer)


@dataclass(frozen=True)
class AddedMessage:
    """The stored message, and whether this call stored it (``False``: seen before)."""

    message: TicketMessage
    created: bool


async def add_message(
    session: AsyncSession,
    ticket: Ticket,
    *,
    direction: MessageDirection,
    text: str | None,
    author_id: int | None = None,
    content_type: str = "text",
    file_id: str | None = None,
    source_chat_id: int | None = None,
    source_message_id: int | None = None,
    dedupe_key: str | None = None,
    reply_to_message_id: int | None = None,
    edit_of: TicketMessage | None = None,
    article_id: str | None = None,
    now: Clock = utc_now,
) -> AddedMessage:
    """Store a message of the ticket once per Telegram message.

    The same ``(source_chat_id, source_message_id)`` twice (a redelivered update) returns
    the first row. An outgoing message stamps the ticket's first response
    (:func:`bot.tickets.on_answer_sent`; a :class:`~bot.tickets.BotNotice` does not); an
    internal note is born delivered, since it goes nowhere.

    :param direction: customer → agents, agent → customer, or an internal note
    :param text: text or caption
    :param author_id: Telegram user id, ``None`` for the bot
    :param content_type: aiogram's content type, e.g. ``"photo"``
    :param file_id: Telegram file id of a media message
    :param source_chat_id: chat of the original message
    :param source_message_id: id of the original message
    :param dedupe_key: identifies a message with no source of its own (an edit, a button's
        answer): the same key twice stores one row
    :param reply_to_message_id: the message of the source chat it replies to
    :param edit_of: the stored message this one edits
    :param article_id: an article to send, rendered as the bot renders it
    """
    seen = await _seen(session, source_chat_id, source_message_id, dedupe_key)
    if seen is not None:
        return AddedMessage(seen, created=False)
    moment = now()
    message = TicketMessage(
        ticket_id=ticket.id,
        direction=direction,
        author_id=author_id,
        text=text,
        content_type=content_type,
        file_id=file_id,
        source_chat_id=source_chat_id,
        source_message_id=source_message_id,
        dedupe_key=dedupe_key,
        reply_to_message_id=reply_to_message_id,
        edit_of_id=edit_of.id if edit_of is not None else None,
        article_id=article_id,
        delivered=direction is MessageDirection.INTERNAL,
        created_at=moment,
    )
    try:
        async with session.begin_nested():
            session.add(message)
    except IntegrityError:
        seen = await _seen(session, source_chat_id, source_message_id, dedupe_key)
        if seen is None:
            raise
        return AddedMessage(seen, created=False)
    if direction is MessageDirection.OUT and content_type not in NOTICE_TYPES:
        change = on_answer_sent(state_of(ticket), author_id, moment)
        await apply(session, ticket, change, now=lambda: moment)
    ticket.updated_at = moment
    await session.flush()
    return AddedMessage(message, created=True)


async def _seen(
    session: AsyncSession,
    source_chat_id: int | None,
    source_message_id: int | None,
    dedupe_key: str | None,
) -> TicketMessage | None:
    if source_chat_id is not None and source_message_id is not None:
        return await get_message_by_source(session, source_chat_id, source_message_id)
    if dedupe_key is not None:
        query = select(TicketMessage).where(TicketMessage.dedupe_key == dedupe_key)
        return await session.scalar(query.options(_WITH_TICKET))
    return None


async def get_message_by_source(
    session: AsyncSession, chat_id: int, message_id: int
) -> TicketMessage | None:
    """The message stored for an original Telegram message."""
    query = select(TicketMessage).where(
        TicketMessage.source_chat_id == chat_id, TicketMessage.source_message_id == message_id
    )
    return await session.scalar(query.options(_WITH_TICKET))


async def get_message_by_relay(
    session: AsyncSession, chat_id: int, message_id: int
) -> TicketMessage | None:
    """The message whose relayed copy is ``message_id`` in ``chat_id``.

    Used when someone replies to a copy: an agent to a customer's message in the topic,
    or a customer to an agent's answer. Ticket and customer are loaded.
    """
    query = select(TicketMessage).where(
        TicketMessage.relay_chat_id == chat_id, TicketMessage.relay_message_id == message_id
    )
    return await session.scalar(query.options(_WITH_TICKET))


async def last_customer_message_at(session: AsyncSession, ticket: Ticket) -> datetime | None:
    """When the customer's latest message in the ticket was stored; ``None`` before any."""
    query = select(func.max(TicketMessage.created_at)).where(
        TicketMessage.ticket_id == ticket.id,
        TicketMessage.direction == MessageDirection.IN,
    )
    return await session.scalar(query)


async def list_messages(session: AsyncSession, ticket: Ticket) -> Sequence[TicketMessage]:
    """The ticket's conversation, oldest first."""
    query = select(TicketMessage).where(TicketMessage.ticket_id == ticket.id)
    return (await session.scalars(query.order_by(TicketMessage.id))).all()


async def mark_delivered(
    session: AsyncSession,
    message: TicketMessage,
    *,
    relay_chat_id: int,
    relay_message_id: int,
    now: Clock = utc_now,
) -> TicketMessage:
    """Record where the message's copy was delivered."""
    message.relay_chat_id = relay_chat_id
    message.relay_message_id = relay_message_id
    message.delivered = True
    message.delivered_at = now()
    await session.flush()
    return message


async def mark_relayed(
    session: AsyncSession,
    message_id: int,
    *,
    relay_chat_id: int,
    relay_message_id: int,
    now: Clock = utc_now,
) -> None:
    """:func:`mark_delivered` by id, in one UPDATE (the relay has no use for the row)."""
    await session.execute(
        update(TicketMessage)
        .where(TicketMessage.id == message_id)
        .values(
            relay_chat_id=relay_chat_id,
            relay_message_id=relay_message_id,
            delivered=True,
            delivered_at=now(),
        )
        .execution_options(synchronize_session=False)
    )


async def undelivered_messages(
    session: AsyncSession, *, limit: int = 100
) -> Sequence[TicketMessage]:
    """Messages still to relay (e.g. after a restart), oldest first, with ticket and customer."""
    query = (
        select(TicketMessage)
        .where(
            TicketMessage.delivered.is_(False),
            TicketMessage.failed.is_(False),
            TicketMessage.direction != MessageDirection.INTERNAL,
        )
        .order_by(TicketMessage.id)
        .limit(limit)
        .options(_WITH_TICKET)
    )
    return (await session.scalars(query)).all()


async def claim_message(
    session: AsyncSession,
    message: TicketMessage,
    *,
    now: Clock = utc_now,
    stale_after: float = 60.0,
    wall: Clock = utc_now,
    worker: str | None = None,
) -> bool:
    """Take a message for delivery; ``False`` if it is delivered, failed, being delivered,
    waiting out its backoff, or an earlier message of its ticket going the same way is still
    on its way.

    The last rule keeps a ticket's conversation in order whatever the number of workers. A
    claim older than ``stale_after`` seconds belongs to a worker that died mid-delivery and
    is taken over. One UPDATE, so two workers cannot both win.

    :param wall: the real time a backoff (``retry_at``) is measured in, whatever ``now`` is
    """
    moment = now()
    stale = moment - timedelta(seconds=stale_after)
    earlier = aliased(TicketMessage)
    waiting_before = (
        select(earlier.id)
        .where(
            earlier.ticket_id == message.ticket_id,
            earlier.direction == message.direction,
            earlier.id < message.id,
            earlier.delivered.is_(False),
            earlier.failed.is_(False),
        )
        .exists()
    )
    result = await session.execute(
        update(TicketMessage)
        .where(
            TicketMessage.id == message.id,
            TicketMessage.delivered.is_(False),
            TicketMessage.failed.is_(False),
            or_(TicketMessage.claimed_at.is_(None), TicketMessage.claimed_at < stale),
            or_(TicketMessage.retry_at.is_(None), TicketMessage.retry_at <= wall()),
            ~waiting_before,
        )
        .values(claimed_at=moment, claimed_by=worker, attempts=TicketMessage.attempts + 1)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def release_message(
    session: AsyncSession,
    message: TicketMessage,
    *,
    error: str,
    give_up: bool = False,
    failure: str | None = None,
    retry_at: datetime | None = None,
) -> None:
    """Delivery failed: keep it for a retry (or give up), with the error for people.

    An UPDATE rather than attribute changes: the claim was set by an UPDATE too, so the
    loaded row may still say "unclaimed" and an assignment of ``None`` would change nothing.

    :param failure: why it can never be delivered (a :class:`bot.desk.delivery.Failure`
        value); implies ``give_up``
    :param retry_at: not tried again before then (a backoff)
    """
    await session.execute(
        update(TicketMessage)
        .where(TicketMessage.id == message.id)
        .values(
            claimed_at=None,
            error=error[:2000],
            failed=give_up or failure is not None,
            failure=failure,
            retry_at=retry_at,
        )
        .execution_options(synchronize_session=False)
    )


async def claim_next(
    session: AsyncSession,
    message_id: int,
    *,
    now: Clock = utc_now,
    stale_after: float = 60.0,
    wall: Clock = utc_now,
    worker: str | None = None,
) -> bool:
    """Take a message right behind one this worker holds the claim of, in the same lane.

    Nobody else can claim it meanwhile (its predecessor is undelivered), so no lane rule is
    needed: only that it is still waiting and unclaimed. Used to post several of a lane's
    messages as one.
    """
    moment = now()
    result = await session.execute(
        update(TicketMessage)
        .where(
            TicketMessage.id == message_id,
            *_waiting(),
            or_(
                TicketMessage.claimed_at.is_(None),
                TicketMessage.claimed_at < moment - timedelta(seconds=stale_after),
            ),
            or_(TicketMessage.retry_at.is_(None), TicketMessage.retry_at <= wall()),
        )
        .values(claimed_at=moment, claimed_by=worker, attempts=TicketMessage.attempts + 1)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def retry_all_now(session: AsyncSession) -> None:
    """Forget every backoff: a starting worker tries what waits at once."""
    await session.execute(
        update(TicketMessage)
        .where(TicketMessage.retry_at.is_not(None), *_waiting())
        .values(retry_at=None)
        .execution_options(synchronize_session=False)
    )


async def release_claims(session: AsyncSession, *, of: Sequence[str] | None = None) -> int:
    """Forget every claim on a message still waiting: their workers are known to be dead.

    Only a process that knows it is the one deliverer may call it without ``of``: a
    long-polling bot at start (Telegram lets one ``getUpdates`` reader per bot). Its previous
    incarnation's claims would otherwise hold their lanes for ``stale_after`` seconds.

    :param of: only these workers' claims (found dead, :mod:`bot.db.repo.workers`)
    :returns: how many claims were released
    """
    whose = [] if of is None else [TicketMessage.claimed_by.in_(list(of))]
    result = await session.execute(
        update(TicketMessage)
        .where(TicketMessage.claimed_at.is_not(None), *whose, *_waiting())
        .values(claimed_at=None, claimed_by=None)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def _waiting() -> list[ColumnElement[bool]]:
    return [
        TicketMessage.delivered.is_(False),
        TicketMessage.failed.is_(False),
        TicketMessage.direction != MessageDirection.INTERNAL,
    ]


async def pending_lanes(
    session: AsyncSession, *, limit: int = 100
) -> list[tuple[int, MessageDirection]]:
    """The (ticket, direction) pairs with messages waiting, the longest-waiting first.

    Each pair is a lane: its messages go out one after another, in order; lanes run side
    by side.
    """
    query = (
        select(TicketMessage.ticket_id, TicketMessage.direction)
        .where(*_waiting())
        .group_by(TicketMessage.ticket_id, TicketMessage.direction)
        .order_by(func.min(TicketMessage.id))
        .limit(limit)
    )
    return [(ticket_id, direction) for ticket_id, direction in await session.execute(query)]


async def lane_head(
    session: AsyncSession, ticket_id: int, direction: MessageDirection, *, limit: int = 1
) -> Sequence[TicketMessage]:
    """The lane's next ``limit`` waiting messages, oldest first, with ticket and customer."""
    query = (
        select(TicketMessage)
        .where(
            *_waiting(),
            TicketMessage.ticket_id == ticket_id,
            TicketMessage.direction == direction,
        )
        .order_by(TicketMessage.id)
        .limit(limit)
        .options(_WITH_TICKET)
    )
    return (await session.scalars(query)).all()
