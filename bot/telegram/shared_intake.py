"""Several replicas behind one webhook URL: each chat handled by one of them at a time, in order.

Any replica may receive any update. Each stores it in the intake journal first (as one
process does), then asks for the chat (:class:`~bot.telegram.chat_locks.ChatLocks`):

* **the chat is free, or already this replica's:** it takes the chat and queues, in
  ``update_id`` order, every update of the chat the journal holds unhandled and it has not
  queued yet: the one just stored, and any another replica stored meanwhile;
* **another replica has it:** the update stays in the journal, stored and confirmed. The
  owner gives the chat back once its lane is empty (every update handled and marked), then
  looks in the journal again and takes the chat back if something is waiting there: what
  was stored while it owned the chat is handled next, by it or by whoever took the chat;
* **nobody has it** (its owner was killed, and PostgreSQL dropped the lock with the dead
  connection): a sweep every :data:`SWEEP_S` seconds takes the chats with unhandled updates
  that no replica holds.

So an update is handled by one replica, once (the journal's one window remains: a replica
killed between a handler's end and the commit of its mark), and a chat's updates in the
order stored. That is Telegram's order as long as it sends a chat's next update after the
previous one was answered, as the emulator does; updates of one chat sent at once to two
replicas are ordered as their transactions commit.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable, Sequence
from functools import partial
from typing import Any

from aiogram import Bot
from aiogram.types import Update

from bot.db.repo.updates import unhandled_in_chat, waiting_chats
from bot.serving import Database
from bot.serving.worker import Worker
from bot.telegram.chat_locks import ChatLocks
from bot.telegram.journal import lane_key, load

__all__ = ["SWEEP_S", "SharedIntake"]

logger = logging.getLogger(__name__)

SWEEP_S = 2.0
"""How often the journal is searched for chats nobody owns (a killed replica's)."""

Put = Callable[[str, Update], None]
"""Queues an update in its chat's lane (:meth:`bot.telegram.lanes.Lanes.put`)."""


class SharedIntake(Worker):
    """The receiver's gate in shared mode: queues only the chats this replica owns.

    :param locks: this replica's chat locks
    :param database: the journal's database
    :param bot: updates read back from the journal are bound to it
    :param put: queues an update in this replica's lanes
    :param sweep_seconds: between two searches for unowned chats
    """

    def __init__(
        self,
        locks: ChatLocks,
        database: Database,
        bot: Bot,
        put: Put,
        *,
        sweep_seconds: float = SWEEP_S,
    ) -> None:
        super().__init__("shared intake sweep", interval=sweep_seconds)
        self.locks = locks
        self.database = database
        self.bot = bot
        self.put = put
        self._queued: dict[str, set[int]] = {}  # chat -> update ids queued here, not handled
        self._guards: dict[str, list[Any]] = {}  # chat -> [lock, users]
        self._closing = False

    async def admit(self, updates: Sequence[Update]) -> None:
        """Queue the chats of ``updates`` this replica owns or can take (the receiver's hook,
        called once they are stored); the others' updates stay in the journal.

        A failure here is logged, not raised: the updates are stored, the sweep takes them.
        """
        for key in dict.fromkeys(lane_key(update) for update in updates):
            try:
                async with self._guard(key):
                    await self._take(key)
            except Exception as error:
                logger.error("chat %s left to the sweep: %s: %s", key, type(error).__name__, error)

    async def handled(self, update: Update) -> None:
        """After an update's handled mark: give its chat back once nothing of it is queued
        here, then take it again if another replica stored something for it meanwhile."""
        key = lane_key(update)
        async with self._guard(key):
            queued = self._queued.get(key)
            if queued is not None:
                queued.discard(update.update_id)
            if queued:
                return
            self._queued.pop(key, None)
            await self.locks.release(key)
            if self._closing:
                return
            # Released first, read after: whatever another replica stored while this one
            # held the chat was committed before its failed try, hence before the release.
            waiting = await self.locks.read(partial(unhandled_in_chat, chat_key=key))
            if waiting:
                await self._take(key)

    async def round(self) -> int:
        """The sweep: take the chats with unhandled updates that nobody owns.

        :returns: how many chats were taken
        """
        async with self.database.transaction() as session:
            keys = await waiting_chats(session)
        free = [key for key in keys if not self.locks.owns(key)]
        taken = 0
        for key in await self.locks.try_own_many(free) if free else ():
            async with self._guard(key):
                taken += bool(await self._queue_waiting(key))
        if taken:
            logger.info("took %d chats nobody was handling", taken)
        return taken

    async def close(self) -> None:
        """Stop the sweep, take no chat back; call after the lanes drained, then close the
        locks (what is still held goes with their connection)."""
        self._closing = True
        await self.stop()

    async def _take(self, key: str) -> int:
        """With the chat's guard held: own the chat if possible and queue what waits."""
        if not self.locks.owns(key) and not await self.locks.try_own(key):
            return 0
        return await self._queue_waiting(key)

    async def _queue_waiting(self, key: str) -> int:
        """Queue the owned chat's unhandled updates not queued here yet, oldest first; give
        the chat back if none is left (all handled meanwhile)."""
        rows = await self.locks.read(partial(unhandled_in_chat, chat_key=key))
        queued = self._queued.setdefault(key, set())
        fresh = [(update_id, payload) for update_id, payload in rows if update_id not in queued]
        for update_id, payload in fresh:
            queued.add(update_id)
            self.put(key, load(payload, self.bot))
        if not queued:
            del self._queued[key]
            await self.locks.release(key)
        return len(fresh)

    @contextlib.asynccontextmanager
    async def _guard(self, key: str) -> AsyncIterator[None]:
        """The chat's guard: a journal read and the handled marks of the chat take turns, so
        a read from before a mark's commit never queues that update again. Kept while
        someone holds or waits for it."""
        entry = self._guards.get(key)
        if entry is None:
            entry = self._guards[key] = [asyncio.Lock(), 0]
        entry[1] += 1
        try:
            async with entry[0]:
                yield
        finally:
            entry[1] -= 1
            if not entry[1]:
                del self._guards[key]
