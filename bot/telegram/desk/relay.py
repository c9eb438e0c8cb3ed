"""The relay between customers and the agents' topics: stored first, delivered after.

Every message of a ticket is a row before it is anything else (:func:`bot.db.repo.add_message`,
in the handler's transaction). This worker delivers the rows: a customer's message is copied
into the ticket's topic, an agent's message (or an article sent with ``/kb``, a canned reply,
the rating question after ``/close``, the ``/reopen`` notice) goes to the customer from the
bot, the agent's identity hidden.

**Lanes.** A ticket's messages going one way are a lane, delivered one after another, in
order; lanes run side by side, so an agent's answer never waits behind a customer's burst to
the topic. Sends to one chat (every topic is the agents' one group) queue in this process,
and the outbound scheduler (:mod:`bot.telegram.outbound`) paces them to Telegram's limits.
Each delivery claims its row first (one conditional UPDATE, refused while an earlier message
of the lane is undelivered), so however many processes share the database, one delivers a
given lane's next message, and only after the one before it.

**Joined when the group is short.** The agents' group takes 20 messages a minute; when its
budget is spent (``pacing`` says a send would wait), a customer's consecutive text messages
waiting in a lane go to the topic as one post, in order, rather than one post each.

**Failures.** A passing failure (Telegram down, a time-out) leaves the row undelivered, tried
again after a backoff (``retry_seconds``, doubling, 5 minutes at most), and on start-up: a
restart loses nothing. A permanent one (:mod:`bot.desk.delivery`: the customer blocked the
bot, the chat or the topic is gone, a request Telegram refuses) marks the row failed and
says so to the agents, in the topic (or in General, when the topic is what is gone).

**The one window.** A worker that dies between Telegram's answer and the "delivered" mark
leaves a claim; after ``stale_after`` seconds another worker takes it over and sends again,
so that message can arrive twice. Stopping gracefully finishes the deliveries in flight
first, so a restart does not open that window.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta

from aiogram import Bot
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramRetryAfter,
)
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Ticket, TicketMessage
from bot.db.repo import (
    claim_message,
    claim_next,
    get_agent,
    get_ticket,
    lane_head,
    pending_lanes,
    release_message,
    retry_all_now,
    tickets_without_topic,
)
from bot.desk.delivery import Failure, backoff, failure_of
from bot.serving.answers import Answers
from bot.serving.database import Database
from bot.serving.worker import Worker
from bot.telegram.desk.marks import DeliveredMarks
from bot.telegram.desk.outgoing import Delivery, counterpart
from bot.telegram.desk.topics import Topics
from bot.texts import Texts
from bot.tickets import Clock, MessageDirection, utc_now

__all__ = ["Relay"]

logger = logging.getLogger(__name__)

_BATCH = 100
_JOIN_AT_MOST = 50  # messages in one joined post
_JOINED_LENGTH = 3500  # characters of customers' text in one post (Telegram's limit: 4096)
Lane = tuple[int, MessageDirection]
Pacing = Callable[[int], Awaitable[float]]
"""Seconds a send to a chat would wait for its budget now (the outbound scheduler's)."""


class Relay(Worker):
    """Delivers stored ticket messages, lane by lane; one worker per process.

    :param chat_id: the agents' chat
    :param signature: sign agents' replies with their first name (``AGENT_SIGNATURE``)
    :param retry_seconds: the first backoff of a failed delivery, and how often the worker
        looks for work nobody woke it for
    :param stale_after: seconds after which another worker's claim is taken over
    :param lanes: lanes delivering at once in this process, each way
    :param pacing: how long a send to a chat would wait now; with it, a customer's messages
        are joined into one post while the agents' group is short of budget
    """

    def __init__(
        self,
        bot: Bot,
        db: Database,
        texts: Texts,
        answers: Answers,
        topics: Topics,
        chat_id: int,
        *,
        signature: bool = False,
        clock: Clock = utc_now,
        retry_seconds: float = 5.0,
        stale_after: float = 60.0,
        lanes: int = 16,
        pacing: Pacing | None = None,
    ) -> None:
        super().__init__("relay", interval=retry_seconds)
        self.bot = bot
        self.db = db
        self.texts = texts
        self.answers = answers
        self.topics = topics
        self.chat_id = chat_id
        self.signature = signature
        self.clock = clock
        self.retry_seconds = retry_seconds
        self.stale_after = stale_after
        self.max_lanes = lanes
        self.pacing = pacing
        self._lanes: dict[Lane, asyncio.Task[None]] = {}
        self._queues: dict[int, asyncio.Lock] = {}
        self._kicks = 0  # messages stored since start: a lane ending checks for newcomers
        self._fresh = True  # the first round forgets the backoffs of before the start
        self._marks = DeliveredMarks(db, clock=clock)

    # --- the worker -----------------------------------------------------------------------

    def kick(self) -> None:
        """Something was stored: deliver it now rather than at the next retry."""
        self._kicks += 1
        self.wake()

    async def round(self) -> int:
        return await self.pump()

    def start(self) -> None:
        self._fresh = True
        super().start()

    async def stop(self) -> None:
        """Finish the deliveries in flight (every lane's current one), then stop."""
        await super().stop()
        while running := [task for task in self._lanes.values() if not task.done()]:
            await asyncio.gather(*running, return_exceptions=True)
        self._lanes.clear()

    async def pump(self) -> int:
        """One round: topics for new tickets, then a lane started for every ticket and
        direction with messages waiting (one already running goes on by itself).

        :returns: how many lanes were started
        """
        async with self.db.transaction() as session:
            if self._fresh:
                await retry_all_now(session)
                self._fresh = False
            waiting = [ticket.id for ticket in await tickets_without_topic(session)]
        for ticket_id in waiting:
            if self.stopping:
                return 0
            try:
                await self.topics.ensure(ticket_id)
            except TelegramAPIError as error:
                logger.error("ticket %s: no topic yet: %s", ticket_id, error)
        async with self.db.transaction() as session:
            lanes = await pending_lanes(session, limit=_BATCH)
        # A lane cancelled before it ran never reached its own clean-up: forget it here, or
        # its messages would wait for a lane that is not coming.
        self._lanes = {key: task for key, task in self._lanes.items() if not task.done()}
        started = 0
        for lane in lanes:
            if self.stopping:
                break
            # Counted per direction: lanes into the one agents' group, all waiting for its
            # budget, must never take the places of the answers to customers.
            busy = sum(1 for _, direction in self._lanes if direction is lane[1])
            if lane not in self._lanes and busy < self.max_lanes:
                self._lanes[lane] = asyncio.create_task(self._run_lane(lane), name=f"relay {lane}")
                started += 1
        return started

    async def _run_lane(self, lane: Lane) -> None:
        """Deliver the lane's messages in order until none can go now.

        Wakes the worker when it ends having delivered something or having missed a kick,
        never otherwise: a lane held up (a backoff, another worker's claim) must not spin.
        """
        progress, kicks = False, self._kicks
        try:
            while not self.stopping:
                kicks = self._kicks
                outcome = await self._next(lane)
                if outcome is None:
                    break
                progress = progress or outcome
                if not outcome:
                    break
        except Exception:
            logger.exception("relay lane %s failed; the next round takes it up", lane)
        finally:
            self._lanes.pop(lane, None)
        if not self.stopping and (progress or kicks != self._kicks):
            self.wake()

    async def _next(self, lane: Lane) -> bool | None:
        """The lane's next message: ``True`` settled (delivered or failed for good),
        ``False`` not now, ``None`` nothing waiting."""
        ticket_id, direction = lane
        async with self.db.transaction() as session:
            head = await lane_head(session, ticket_id, direction)
            if not head:
                return None
            message = head[0]
            to = message.ticket.customer.chat_id if direction is MessageDirection.OUT else None
            topic = message.ticket.topic_id
        # One send at a time per chat in this process: claimed, then sent at once, so a claim
        # never waits out its destination's budget long enough to look abandoned.
        queue = self._queue(to if to is not None else self.chat_id)
        async with queue:
            if (
                direction is MessageDirection.IN
                and topic is not None
                and self.pacing is not None
                and _joinable(head)
                and await self.pacing(self.chat_id)
            ):
                async with self.db.transaction() as session:
                    waiting = await lane_head(session, ticket_id, direction, limit=_JOIN_AT_MOST)
                joinable = _joinable(waiting)
                if len(joinable) > 1:
                    return await self._deliver_joined(joinable, topic)
            return await self._deliver(message.id, message.attempts + 1)

    def _queue(self, chat_id: int) -> asyncio.Lock:
        if len(self._queues) > 1000:
            self._queues = {c: q for c, q in self._queues.items() if q.locked()}
        return self._queues.setdefault(chat_id, asyncio.Lock())

    # --- one message ----------------------------------------------------------------------

    async def _deliver(self, message_id: int, attempt: int) -> bool:
        """``True`` settled (delivered, or failed for good), ``False`` not now."""
        async with self.db.transaction() as session:
            message = await session.get(TicketMessage, message_id)
            if message is None or not await claim_message(
                session, message, now=self.clock, stale_after=self.stale_after
            ):
                return False
            ticket = await get_ticket(session, message.ticket_id)
            assert ticket is not None
            if message.direction is MessageDirection.IN and ticket.topic_id is None:
                # Waits for its topic, unless the ticket was settled without one.
                give_up = not ticket.status.is_open
                await release_message(
                    session, message, error="the ticket has no topic yet", give_up=give_up
                )
                return give_up
            plan = await self._plan(session, message, ticket)
        try:
            sent_id = await plan.send()
        except TelegramRetryAfter as error:  # longer than the scheduler waits for
            await self._release(
                message_id, f"flood control, retry after {error.retry_after} s", error.retry_after
            )
            return False
        except TelegramAPIError as error:
            failure = failure_of(_status(error), error.message)
            if failure is None:
                await self._release(message_id, str(error), backoff(attempt, self.retry_seconds))
                return False
            failed = _Failed(plan.to_customer, plan.topic_id, plan.number, plan.text)
            await self._fail([message_id], failed, failure, str(error))
            return True
        await self._mark_relayed([message_id], plan.chat_id, sent_id)
        return True

    async def _deliver_joined(self, messages: Sequence[TicketMessage], topic: int) -> bool:
        """Several of a customer's texts, in order, as one post in the topic."""
        claimed: list[TicketMessage] = []
        async with self.db.transaction() as session:
            first = await session.get(TicketMessage, messages[0].id)
            if first is None or not await claim_message(
                session, first, now=self.clock, stale_after=self.stale_after
            ):
                return False
            claimed.append(messages[0])
            for message in messages[1:]:
                if not await claim_next(
                    session, message.id, now=self.clock, stale_after=self.stale_after
                ):
                    break  # the rest follow later, in order
                claimed.append(message)
        ids = [message.id for message in claimed]
        text = self.texts.render("agents/customer_said", texts=[m.text for m in claimed])
        try:
            sent = await self.bot.send_message(self.chat_id, text, message_thread_id=topic)
        except TelegramAPIError as error:
            failure = failure_of(_status(error), error.message)
            if failure is None or isinstance(error, TelegramRetryAfter):
                retry_in = getattr(error, "retry_after", None) or backoff(
                    claimed[0].attempts + 1, self.retry_seconds
                )
                for message_id in ids:
                    await self._release(message_id, str(error), retry_in)
                return False
            joined = "\n".join(m.text or "" for m in claimed)
            failed = _Failed(False, topic, claimed[0].ticket.number, joined)
            await self._fail(ids, failed, failure, str(error))
            return True
        await self._mark_relayed(ids, self.chat_id, sent.message_id)
        logger.info(
            "ticket message %s..%s joined into one post: the group is short", ids[0], ids[-1]
        )
        return True

    async def _mark_relayed(self, ids: Sequence[int], chat_id: int, sent_id: int) -> None:
        """Telegram has the message: mark it delivered in the next transaction to commit
        (:mod:`bot.telegram.desk.marks`; kept through a database outage)."""
        await self._marks.mark(ids, chat_id, sent_id)

    async def _release(self, message_id: int, error: str, retry_in: float) -> None:
        logger.warning("message %s not relayed, again in %.0f s: %s", message_id, retry_in, error)
        async with self.db.transaction() as session:
            stored = await session.get(TicketMessage, message_id)
            if stored is not None:
                await release_message(
                    session,
                    stored,
                    error=error,
                    # Real time, whatever the clock the tickets are stamped by says.
                    retry_at=utc_now() + timedelta(seconds=retry_in),
                )

    async def _fail(
        self, message_ids: Sequence[int], plan: _Failed, failure: Failure, error: str
    ) -> None:
        """Never to be delivered: the rows say why, and the agents are told."""
        logger.warning("messages %s failed for good (%s): %s", message_ids, failure.value, error)
        async with self.db.transaction() as session:
            for message_id in message_ids:
                stored = await session.get(TicketMessage, message_id)
                if stored is not None:
                    await release_message(session, stored, error=error, failure=failure.value)
        # The customer's side: in the topic. The topic's side: in General (it may be gone).
        thread = plan.topic_id if plan.to_customer else None
        with contextlib.suppress(TelegramAPIError):
            await self.bot.send_message(
                self.chat_id,
                self.texts.render(
                    "agents/not_delivered",
                    reason=failure.value,
                    to_customer=plan.to_customer,
                    number=plan.number,
                    text=plan.text,
                    error=error,
                ),
                message_thread_id=thread,
            )

    async def _plan(
        self, session: AsyncSession, message: TicketMessage, ticket: Ticket
    ) -> Delivery:
        """What to send where, decided inside the claim's transaction."""
        topic_id, customer = ticket.topic_id, ticket.customer.chat_id
        to_customer = message.direction is MessageDirection.OUT
        chat_id = customer if to_customer else self.chat_id
        reply_to = await counterpart(session, message, chat_id)
        edited: int | None = None
        if message.edit_of_id is not None:
            original = await session.get(TicketMessage, message.edit_of_id)
            edited = original.relay_message_id if original is not None else None
        signature = None
        if to_customer and self.signature and message.author_id is not None:
            agent = await get_agent(session, message.author_id)
            if agent is not None and agent.first_name:
                signature = self.texts.render("agent_signature", name=agent.first_name)
        return Delivery(
            bot=self.bot,
            texts=self.texts,
            answers=self.answers,
            message_id=message.id,
            to_customer=to_customer,
            chat_id=chat_id,
            topic_id=topic_id,
            thread=None if to_customer else topic_id,
            reply_to=edited if edited is not None else reply_to,
            text=message.text,
            is_edit=message.edit_of_id is not None,
            content_type=message.content_type,
            source=(message.source_chat_id, message.source_message_id)
            if message.source_chat_id is not None and message.source_message_id is not None
            else None,
            article_id=message.article_id,
            signature=signature,
            number=ticket.number,
        )


@dataclass(frozen=True)
class _Failed:
    """What the agents are told of a message that will never be delivered."""

    to_customer: bool
    topic_id: int | None
    number: int
    text: str | None


def _joinable(messages: Sequence[TicketMessage]) -> list[TicketMessage]:
    """The lane's first messages that read well joined: plain texts, no edits or replies."""
    joinable: list[TicketMessage] = []
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
        if not plain or length > _JOINED_LENGTH:
            break
        joinable.append(message)
    return joinable


def _status(error: TelegramAPIError) -> int | None:
    """The HTTP status behind aiogram's exception class (a network error has none)."""
    if isinstance(error, TelegramForbiddenError):
        return 403
    if isinstance(error, TelegramBadRequest):
        return 400
    return None
