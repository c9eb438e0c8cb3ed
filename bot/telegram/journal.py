"""The intake journal: an update is stored before Telegram is told it arrived.

Telegram hands an update over once: long polling confirms it with the next ``getUpdates``
offset, a webhook with its 200, and Telegram forgets it. So the reader stores each batch in
one transaction first (``received_updates``, the raw JSON under its unique ``update_id``) and
only then confirms it; an update is marked handled once its handlers have run. A restarted
bot hands the stored, unhandled updates to the lanes before it reads new ones.

The guarantee, stated plainly: nothing confirmed to Telegram is lost, and an update is handled
twice only if the process dies between the end of its handler and the commit of its handled
mark (a few milliseconds); it is then handled again after the restart, never skipped. An
update Telegram sends again (a lost confirmation) is stored once and handled once.

Handled marks ride along (:class:`~bot.serving.database.Passenger`): they are written into
the next transaction any handler commits, so under load they cost no transaction of their
own; when nothing else commits within :data:`RIDE_WAIT_S`, the journal commits them itself.
A mark whose transaction fails (the database away) is kept and written by the next one.
"""

from __future__ import annotations

import asyncio
import contextvars
import json
import logging
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from aiogram import Bot
from aiogram.types import Update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.repo.updates import forget_handled, mark_handled, store_updates, unhandled_updates
from bot.serving import Database
from bot.serving.database import Landed
from bot.telegram.outages import Outage
from bot.tickets import Clock, utc_now

__all__ = ["KEEP_HANDLED", "Journal", "lane_key"]

logger = logging.getLogger(__name__)

KEEP_HANDLED = timedelta(days=2)
"""Handled updates are kept this long: Telegram resends an unconfirmed update for 24 hours."""
RIDE_WAIT_S = 0.005
"""How long marks wait for another transaction to ride before the journal opens its own."""
PRUNE_EVERY = 10_000
"""Handled marks between two deletions of old rows (and one at every start)."""


def lane_key(update: Update) -> str:
    """The lane an update is handled in: its chat, or its forum topic, or its user.

    Updates of one lane are handled in order. Topics of the agents' group get a lane each,
    so a slow topic does not hold up the others; an update with no chat (an inline query)
    goes by its user, and one with neither gets a lane of its own.
    """
    try:
        event: Any = update.event
    except Exception:  # a type newer than aiogram: its own lane
        return f"update:{update.update_id}"
    message = getattr(event, "message", None) if update.callback_query else event
    chat = getattr(message, "chat", None) or getattr(event, "chat", None)
    if chat is not None:
        thread = getattr(message, "message_thread_id", None)
        topic = thread if getattr(message, "is_topic_message", False) else None
        return f"{chat.id}:{topic}" if topic is not None else str(chat.id)
    user = getattr(event, "from_user", None)
    if user is not None:
        return str(user.id)
    return f"update:{update.update_id}"


def dump(update: Update) -> str:
    """The update's JSON as Telegram sent it (aliases such as ``from``, unset fields left out)."""
    return update.model_dump_json(exclude_unset=True, by_alias=True)


def load(payload: str, bot: Bot) -> Update:
    """An update from :func:`dump`, bound to ``bot`` as aiogram binds the ones it reads."""
    return Update.model_validate(json.loads(payload), context={"bot": bot})


class Journal:
    """Received updates in the database.

    :param database: the bot's transactions
    :param bot: the updates read back are bound to it (``message.answer`` works)
    :param clock: stamps ``received_at`` and ``handled_at``
    """

    def __init__(self, database: Database, bot: Bot, *, clock: Clock = utc_now) -> None:
        self.database = database
        self.bot = bot
        self.clock = clock
        self._marks: list[tuple[int, asyncio.Future[None]]] = []
        self._committer: asyncio.Task[None] | None = None
        self._marked = 0
        database.carry(self)

    async def store(self, updates: Sequence[Update]) -> list[Update]:
        """Store the updates not stored yet, in one transaction.

        :returns: those stored now, in the given order (the ones to handle)
        :raises Exception: the database failed; nothing may be confirmed then
        """
        rows = [(u.update_id, lane_key(u), dump(u)) for u in updates]
        async with self.database.transaction() as session:
            fresh = await store_updates(session, rows, self.clock())
        return [u for u in updates if u.update_id in fresh]

    async def unhandled(self) -> list[Update]:
        """What a previous run stored and did not handle, oldest first; old marks pruned."""
        async with self.database.transaction() as session:
            gone = await forget_handled(session, self.clock() - KEEP_HANDLED)
            rows = await unhandled_updates(session)
            payloads = [row.payload for row in rows]
        if gone:
            logger.info("forgot %d updates handled more than %s ago", gone, KEEP_HANDLED)
        return [load(payload, self.bot) for payload in payloads]

    async def handled(self, update_id: int) -> None:
        """Mark the update handled; returns once the mark is committed, or once its first
        commit failed (it is kept and committed when the database is back)."""
        done = asyncio.get_running_loop().create_future()
        self._marks.append((update_id, done))
        self._wake()
        await asyncio.shield(done)

    async def board(self, session: AsyncSession) -> Landed | None:
        """Write the waiting marks into a transaction about to commit (a passenger's part)."""
        if not self._marks:
            return None
        marks, self._marks = self._marks, []
        now = self.clock()
        try:
            await mark_handled(session, [update_id for update_id, _ in marks], now)
        except BaseException:  # the connection went: the transaction rolls back without us
            self._marks[:0] = marks
            self._wake()
            raise
        self._marked += len(marks)
        if self._marked >= PRUNE_EVERY:
            self._marked = 0
            await forget_handled(session, now - KEEP_HANDLED)

        def landed(committed: bool) -> None:
            if committed:
                for _, done in marks:
                    if not done.done():
                        done.set_result(None)
            else:  # that transaction rolled back: the next one takes them
                self._marks[:0] = marks
                self._wake()

        return landed

    def _wake(self) -> None:
        if self._committer is None or self._committer.done():
            # A context of its own: woken from inside a transaction (board()), the task
            # would otherwise inherit that transaction and commit into a session gone bad.
            self._committer = asyncio.create_task(
                self._commit(), name="journal marks", context=contextvars.Context()
            )

    async def _commit(self) -> None:
        """Commit the marks no other transaction took; while the database is away, keep them
        for the next attempt (a mark dropped here means a handled update handled again)."""
        await asyncio.sleep(RIDE_WAIT_S)
        outage: Outage | None = None
        while self._marks:
            try:
                async with self.database.transaction():
                    pass  # the marks board it (see board()); put back if it rolls back
            except Exception as error:
                # The updates are handled; their handlers need not wait for the marks.
                for _, done in self._marks:
                    if not done.done():
                        done.set_result(None)
                if outage is None:
                    outage = Outage(f"marking {len(self._marks)} updates handled")
                await outage.wait(error)
                continue
            if outage is not None:
                outage.over()
                outage = None
