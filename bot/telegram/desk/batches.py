"""One lane's next batch: claimed together, sent in order, marked together.

A lane (a ticket's messages going one way) delivers a batch at a time: the messages waiting
at its head, claimed in one statement (:func:`bot.db.repo.relay_batches.claim_batch`),
planned in the same transaction, then sent one after another, so the lane's order holds;
other lanes send at the same time. Each copy's "delivered" mark is left with
:class:`~bot.telegram.desk.marks.Marks` and written with every other lane's.

**Turns.** A claim must not wait out its destination's budget long enough to look abandoned
(``stale_after``). While a chat is short of budget (``pacing`` says a send would wait), its
lanes take turns in this process, one claimed message at a time, and a batch that finds its
chat short halfway hands the rest back untried. While a chat has budget (and always, with
no limits), its lanes send side by side.

**Joined when the group is short.** The agents' group takes 20 messages a minute; when its
budget is spent, a customer's consecutive text messages waiting in a lane go to the topic as
one post, in order, rather than one post each.

**Refusals.** A passing refusal hands the message back with a backoff and the rest of the
batch untried; a permanent one fails that message visibly
(:mod:`bot.telegram.desk.refusals`) and the batch goes on.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError, TelegramRetryAfter
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.repo.relay_batches import (
    Claimed,
    Mark,
    claim_batch,
    customer_chat,
    release_batch,
)
from bot.desk.delivery import backoff, failure_of
from bot.serving.answers import Answers
from bot.serving.database import Database
from bot.telegram.desk.marks import Marks
from bot.telegram.desk.outgoing import Delivery, plan
from bot.telegram.desk.refusals import Failed, Refusals, status_of
from bot.telegram.sending import send_text
from bot.texts import Texts
from bot.tickets import Clock, MessageDirection, utc_now

__all__ = ["Batches", "Lane", "Pacing", "Turns", "joinable"]

logger = logging.getLogger(__name__)

BATCH = 50  # messages one claim takes from a lane with budget to spare
JOIN_AT_MOST = 50  # messages in one joined post
JOINED_LENGTH = 3500  # characters of customers' text in one post (Telegram's limit: 4096)
Lane = tuple[int, MessageDirection]
Pacing = Callable[[int], Awaitable[float]]
"""Seconds a send to a chat would wait for its budget now (the outbound scheduler's)."""


class Turns:
    """One lane at a time per chat in this process, while that chat is short of budget.

    :param pacing: the outbound scheduler's wait for a chat; without it, always one at a time
    """

    def __init__(self, pacing: Pacing | None) -> None:
        self.pacing = pacing
        self._locks: dict[int, asyncio.Lock] = {}

    async def short(self, chat: int) -> bool:
        """A send to ``chat`` would wait for its budget now."""
        return self.pacing is not None and await self.pacing(chat) > 0

    @contextlib.asynccontextmanager
    async def turn(self, chat: int) -> AsyncIterator[bool]:
        """Enter when it is this lane's turn; yields whether the chat is short of budget."""
        lock = self._locks.get(chat)
        free = lock is None or not lock.locked()
        if free and self.pacing is not None and not await self.short(chat):
            yield False  # budget to spare and nobody queued: side by side
            return
        if len(self._locks) > 1000:
            self._locks = {c: q for c, q in self._locks.items() if q.locked()}
        async with self._locks.setdefault(chat, asyncio.Lock()):
            yield await self.short(chat)


class Batches:
    """Delivers a lane's next batch; one for every lane of a relay.

    :param chat_id: the agents' chat
    :param signature: sign agents' replies with their first name
    :param retry_seconds: the first backoff of a failed delivery
    :param stale_after: seconds after which another worker's claim is taken over
    """

    def __init__(
        self,
        bot: Bot,
        db: Database,
        texts: Texts,
        answers: Answers,
        chat_id: int,
        *,
        marks: Marks,
        turns: Turns,
        signature: bool = False,
        clock: Clock = utc_now,
        retry_seconds: float = 5.0,
        stale_after: float = 60.0,
    ) -> None:
        self.bot = bot
        self.db = db
        self.texts = texts
        self.answers = answers
        self.chat_id = chat_id
        self.marks = marks
        self.turns = turns
        self.signature = signature
        self.clock = clock
        self.retry_seconds = retry_seconds
        self.stale_after = stale_after
        self.refusals = Refusals(bot, db, texts, chat_id)
        self._customers: dict[int, int] = {}  # ticket -> its customer's chat (never changes)

    async def deliver(self, lane: Lane) -> bool:
        """Claim and send the lane's next batch: ``True`` if any message of it was settled
        (delivered, or failed for good); ``False`` if nothing of the lane can go now."""
        ticket_id, direction = lane
        to_customer = direction is MessageDirection.OUT
        chat = await self._customer(ticket_id) if to_customer else self.chat_id
        if chat is None:
            return False
        async with self.turns.turn(chat) as short:
            limit = (1 if to_customer else JOIN_AT_MOST) if short else BATCH
            async with self.db.transaction() as session:
                claimed = await claim_batch(
                    session,
                    ticket_id,
                    direction,
                    limit=limit,
                    now=self.clock,
                    stale_after=self.stale_after,
                    worker=self.db.worker,
                )
                if not claimed:
                    return False
                ids = [message.id for message in claimed]
                if not to_customer and claimed[0].topic_id is None:
                    # Waits for its topic, unless the ticket was settled without one.
                    give_up = not claimed[0].ticket_open
                    error = "the ticket has no topic yet"
                    await release_batch(session, ids, error=error, give_up=give_up)
                    return give_up
                joined = joinable(claimed) if short and not to_customer else []
                batch = joined if len(joined) > 1 else claimed[:1] if short else claimed
                # What a short chat cannot take now goes back, in the claim's transaction.
                await release_batch(session, ids[len(batch) :], untried=True)
                plans = [] if len(joined) > 1 else [await self._plan(session, m) for m in batch]
            if plans:
                return await self._send(batch, plans, chat)
            return await self._send_joined(batch)

    async def _plan(self, session: AsyncSession, message: Claimed) -> Delivery:
        return await plan(
            session,
            message,
            bot=self.bot,
            texts=self.texts,
            answers=self.answers,
            agents_chat=self.chat_id,
            signature=self.signature,
        )

    async def _customer(self, ticket_id: int) -> int | None:
        chat = self._customers.get(ticket_id)
        if chat is None:
            async with self.db.transaction() as session:
                chat = await customer_chat(session, ticket_id)
            if chat is not None:
                if len(self._customers) > 10_000:
                    self._customers.clear()
                self._customers[ticket_id] = chat
        return chat

    async def _send(self, batch: Sequence[Claimed], plans: Sequence[Delivery], chat: int) -> bool:
        """The batch one after another; stops (the rest untried) where a send must wait."""
        settled = False
        try:
            for n, (message, delivery) in enumerate(zip(batch, plans, strict=True)):
                rest = [m.id for m in batch[n + 1 :]]
                if n and await self.turns.short(chat):
                    # Out of budget halfway: the rest is claimed again under the chat's turn.
                    await self.refusals.untried([m.id for m in batch[n:]])
                    break
                try:
                    sent = await delivery.send()
                except TelegramRetryAfter as error:  # longer than the scheduler waits for
                    retry = f"flood control, retry after {error.retry_after} s"
                    await self.refusals.retry([message.id], retry, error.retry_after)
                    await self.refusals.untried(rest)
                    break
                except TelegramAPIError as error:
                    failure = failure_of(status_of(error), error.message)
                    if failure is None:
                        wait = backoff(message.attempts, self.retry_seconds)
                        await self.refusals.retry([message.id], str(error), wait)
                        await self.refusals.untried(rest)
                        break
                    failed = Failed(
                        delivery.to_customer, delivery.topic_id, message.number, delivery.text
                    )
                    await self.refusals.fail([message.id], failed, failure, str(error))
                    settled = True
                    continue
                self.marks.add(Mark(message.id, delivery.chat_id, sent))
                settled = True
        finally:
            # The lane claims its next batch only behind messages the database knows are sent.
            await self.marks.flush()
        return settled

    async def _send_joined(self, batch: Sequence[Claimed]) -> bool:
        """Several of a customer's texts, in order, as one post in the topic."""
        ids = [message.id for message in batch]
        topic = batch[0].topic_id
        texts = [m.text or "" for m in batch]
        readings = [self.answers.reading(t) if t else None for t in texts]
        text = self.texts.render("agents/customer_said", texts=texts, readings=readings)
        try:
            sent = await send_text(self.bot, self.chat_id, text, message_thread_id=topic)
        except TelegramAPIError as error:
            failure = failure_of(status_of(error), error.message)
            if failure is None or isinstance(error, TelegramRetryAfter):
                retry_in = getattr(error, "retry_after", None) or backoff(
                    batch[0].attempts, self.retry_seconds
                )
                await self.refusals.retry(ids, str(error), retry_in)
                return False
            joined = "\n".join(m.text or "" for m in batch)
            failed = Failed(False, topic, batch[0].number, joined)
            await self.refusals.fail(ids, failed, failure, str(error))
            return True
        for message_id in ids:
            self.marks.add(Mark(message_id, self.chat_id, sent))
        await self.marks.flush()
        logger.info(
            "ticket message %s..%s joined into one post: the group is short", ids[0], ids[-1]
        )
        return True


def joinable(messages: Sequence[Claimed]) -> list[Claimed]:
    """The lane's first messages that read well joined: plain texts, no edits or replies."""
    joined: list[Claimed] = []
    length = 0
    for message in messages:
        plain = (
            message.content_type == "text"
            and message.text
            and message.edit_of_id is None
            and message.reply_to_message_id is None
            and message.article_id is None
        )
        length += len(message.text or "")
        if not plain or length > JOINED_LENGTH:
            break
        joined.append(message)
    return joined
