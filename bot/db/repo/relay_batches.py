"""The relay's work in ``ticket_messages`` by the batch: claimed, marked and released together.

One lane (a ticket's messages going one way) is claimed a batch at a time: the waiting
messages at its head, in order, in one UPDATE, all or none. A batch never starts behind a
message of its lane that is still on its way, so a lane's messages still go out one after
another whatever the number of workers (the rule :func:`bot.db.repo.claim_message` keeps for
one message). Its delivered marks are written together too (:func:`mark_batch`): one
statement for many rows instead of a transaction each.

Rows come back as :class:`Claimed` values with what the relay needs from their ticket and
customer, read by one joined SELECT rather than loaded as ORM objects.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from bot.db.models import Customer, Ticket, TicketMessage
from bot.tickets import Clock, MessageDirection, utc_now

__all__ = [
    "Claimed",
    "Mark",
    "claim_batch",
    "claimable",
    "customer_chat",
    "mark_batch",
    "release_batch",
]


@dataclass(frozen=True)
class Claimed:
    """A message claimed for delivery, with its ticket's topic, number and customer's chat."""

    id: int
    ticket_id: int
    direction: MessageDirection
    author_id: int | None
    text: str | None
    content_type: str
    source_chat_id: int | None
    source_message_id: int | None
    reply_to_message_id: int | None
    edit_of_id: int | None
    article_id: str | None
    attempts: int
    """Including this claim."""
    claimed_at: datetime | None
    retry_at: datetime | None
    topic_id: int | None
    number: int
    ticket_open: bool
    customer_chat_id: int

    @property
    def refers(self) -> bool:
        """It points at another message (an edit, a reply), whose copy must be known first."""
        return self.edit_of_id is not None or self.reply_to_message_id is not None


@dataclass(frozen=True)
class Mark:
    """Where a message's copy landed."""

    message_id: int
    chat_id: int
    relayed_id: int


def claimable(
    waiting: Sequence[Claimed], *, stale: datetime, wall: datetime, limit: int
) -> list[Claimed]:
    """The head of a lane's waiting messages that one claim may take, oldest first.

    It stops at the first message someone else holds (a claim newer than ``stale``) or that
    waits out a backoff (``retry_at`` after ``wall``): what follows must wait behind it. A
    message that refers to another (an edit, a reply) only ever heads a batch, so that its
    counterpart's copy, delivered in an earlier batch, is known when it is planned.

    :param waiting: the lane's undelivered, unfailed messages, oldest first
    """
    batch: list[Claimed] = []
    for message in waiting[:limit]:
        held = message.claimed_at is not None and message.claimed_at >= stale
        backing_off = message.retry_at is not None and message.retry_at > wall
        if held or backing_off or (batch and message.refers):
            break
        batch.append(message)
    return batch


_COLUMNS = (
    TicketMessage.id,
    TicketMessage.ticket_id,
    TicketMessage.direction,
    TicketMessage.author_id,
    TicketMessage.text,
    TicketMessage.content_type,
    TicketMessage.source_chat_id,
    TicketMessage.source_message_id,
    TicketMessage.reply_to_message_id,
    TicketMessage.edit_of_id,
    TicketMessage.article_id,
    TicketMessage.attempts,
    TicketMessage.claimed_at,
    TicketMessage.retry_at,
    Ticket.topic_id,
    Ticket.number,
    Ticket.status,
    Customer.chat_id,
)


# Built once: constructing these (the alias above all) cost more than running them, and the
# relay claims a batch per lane per round.
_WAITING = (
    select(*_COLUMNS)
    .join(Ticket, Ticket.id == TicketMessage.ticket_id)
    .join(Customer, Customer.id == Ticket.customer_id)
    .where(
        TicketMessage.ticket_id == bindparam("lane_ticket"),
        TicketMessage.direction == bindparam("lane_direction"),
        TicketMessage.delivered.is_(False),
        TicketMessage.failed.is_(False),
    )
    .order_by(TicketMessage.id)
    .limit(bindparam("limit"))
)
_EARLIER = aliased(TicketMessage)
_CLAIM = (
    update(TicketMessage)
    .where(
        TicketMessage.id.in_(bindparam("ids", expanding=True)),
        TicketMessage.delivered.is_(False),
        TicketMessage.failed.is_(False),
        or_(TicketMessage.claimed_at.is_(None), TicketMessage.claimed_at < bindparam("stale")),
        or_(TicketMessage.retry_at.is_(None), TicketMessage.retry_at <= bindparam("wall")),
        ~select(_EARLIER.id)
        .where(
            _EARLIER.ticket_id == bindparam("lane_ticket"),
            _EARLIER.direction == bindparam("lane_direction"),
            _EARLIER.id < bindparam("first"),
            _EARLIER.delivered.is_(False),
            _EARLIER.failed.is_(False),
        )
        .exists(),
    )
    .values(
        claimed_at=bindparam("moment"),
        claimed_by=bindparam("worker"),
        attempts=TicketMessage.attempts + 1,
    )
    .execution_options(synchronize_session=False)
)


async def claim_batch(
    session: AsyncSession,
    ticket_id: int,
    direction: MessageDirection,
    *,
    limit: int,
    now: Clock = utc_now,
    stale_after: float = 60.0,
    wall: Clock = utc_now,
    worker: str | None = None,
) -> list[Claimed]:
    """Claim up to ``limit`` of a lane's next messages for delivery, in order; ``[]`` when
    nothing of it can go now.

    One SELECT finds the lane's head (:func:`claimable`), one UPDATE claims it, all or none:
    if another worker took any of those rows meanwhile, or an earlier message of the lane
    is waiting, nothing is claimed (a savepoint undoes the rows this one did take).

    :param stale_after: a claim older than this belongs to a worker that died mid-delivery
    :param wall: the real time a backoff (``retry_at``) is measured in, whatever ``now`` is
    :param worker: who claims (:mod:`bot.db.repo.workers`: released at once if it dies)
    """
    moment, real = now(), wall()
    stale = moment - timedelta(seconds=stale_after)
    # Names of their own: an UPDATE keeps its columns' names for its SET clause.
    lane = {"lane_ticket": ticket_id, "lane_direction": direction}
    rows = await session.execute(_WAITING, {**lane, "limit": limit})
    waiting = [_claimed(tuple(row)) for row in rows]
    batch = claimable(waiting, stale=stale, wall=real, limit=limit)
    if not batch:
        return []
    ids = [message.id for message in batch]
    claim = {
        **lane,
        "ids": ids,
        "first": ids[0],
        "stale": stale,
        "wall": real,
        "moment": moment,
        "worker": worker,
    }
    async with session.begin_nested() as savepoint:
        result = await session.execute(_CLAIM, claim)
        if result.rowcount != len(ids):  # type: ignore[attr-defined]
            await savepoint.rollback()
            return []
    return batch


def _claimed(row: tuple[object, ...]) -> Claimed:
    (id_, ticket_id, direction, author_id, text, content_type, source_chat_id,
     source_message_id, reply_to, edit_of, article_id, attempts, claimed_at, retry_at,
     topic_id, number, status, chat_id) = row  # fmt: skip
    return Claimed(
        id=id_,  # type: ignore[arg-type]
        ticket_id=ticket_id,  # type: ignore[arg-type]
        direction=direction,  # type: ignore[arg-type]
        author_id=author_id,  # type: ignore[arg-type]
        text=text,  # type: ignore[arg-type]
        content_type=content_type,  # type: ignore[arg-type]
        source_chat_id=source_chat_id,  # type: ignore[arg-type]
        source_message_id=source_message_id,  # type: ignore[arg-type]
        reply_to_message_id=reply_to,  # type: ignore[arg-type]
        edit_of_id=edit_of,  # type: ignore[arg-type]
        article_id=article_id,  # type: ignore[arg-type]
        attempts=attempts + 1,  # type: ignore[operator]
        claimed_at=claimed_at,  # type: ignore[arg-type]
        retry_at=retry_at,  # type: ignore[arg-type]
        topic_id=topic_id,  # type: ignore[arg-type]
        number=number,  # type: ignore[arg-type]
        ticket_open=status.is_open,  # type: ignore[attr-defined]
        customer_chat_id=chat_id,  # type: ignore[arg-type]
    )


_MARK = (
    update(TicketMessage.__table__)  # type: ignore[arg-type]
    .where(TicketMessage.__table__.c.id == bindparam("message_id"))
    .values(
        relay_chat_id=bindparam("chat_id"),
        relay_message_id=bindparam("relayed_id"),
        delivered=True,
        delivered_at=bindparam("at"),
    )
)


async def mark_batch(session: AsyncSession, marks: Sequence[Mark], *, now: Clock = utc_now) -> None:
    """Record where each message's copy landed: one statement for the lot."""
    if not marks:
        return
    moment = now()
    await session.execute(
        _MARK,
        [
            {
                "message_id": m.message_id,
                "chat_id": m.chat_id,
                "relayed_id": m.relayed_id,
                "at": moment,
            }  # fmt: skip
            for m in marks
        ],
    )


async def release_batch(
    session: AsyncSession,
    message_ids: Sequence[int],
    *,
    error: str | None = None,
    failure: str | None = None,
    retry_at: datetime | None = None,
    give_up: bool = False,
    untried: bool = False,
) -> None:
    """Hand claimed messages back, in one UPDATE.

    :param error: what went wrong, for people (kept as it was when ``None``)
    :param failure: why they can never be delivered (a :class:`bot.desk.delivery.Failure`
        value): they become failed
    :param give_up: failed, with no failure to name (a ticket settled before its topic)
    :param retry_at: not tried again before then (a backoff)
    :param untried: they were claimed and never sent (their batch stopped before them): the
        claim's attempt is taken back
    """
    if not message_ids:
        return
    values: dict[str, object] = {"claimed_at": None, "retry_at": retry_at}
    if error is not None:
        values["error"] = error[:2000]
    if failure is not None or give_up:
        values["failed"] = True
        values["failure"] = failure
    if untried:
        values["attempts"] = TicketMessage.attempts - 1
    await session.execute(
        update(TicketMessage)
        .where(TicketMessage.id.in_(list(message_ids)))
        .values(**values)
        .execution_options(synchronize_session=False)
    )


async def customer_chat(session: AsyncSession, ticket_id: int) -> int | None:
    """The chat of the ticket's customer, where the ticket's answers go."""
    query = (
        select(Customer.chat_id)
        .join(Ticket, Ticket.customer_id == Customer.id)
        .where(Ticket.id == ticket_id)
    )
    return await session.scalar(query)
