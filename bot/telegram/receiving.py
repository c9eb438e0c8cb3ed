"""From Telegram to the handlers: store, then hand to the chat's lane, then mark handled.

Both ways in share it: the long-polling reader (:mod:`bot.telegram.polling`) passes each
batch, the webhook (:mod:`bot.telegram.webhook`) each request, and neither confirms anything
to Telegram before :meth:`Receiver.receive` has returned (the journal has the updates).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Protocol

from aiogram import Bot, Dispatcher
from aiogram.methods import TelegramMethod
from aiogram.types import Update

from bot.telegram.journal import Journal, lane_key
from bot.telegram.lanes import Lanes

__all__ = ["SHUTDOWN_GRACE_SECONDS", "Gate", "Receiver"]

logger = logging.getLogger(__name__)

SHUTDOWN_GRACE_SECONDS = 30.0
"""How long a stop waits for the updates in hand (a container's stop timeout is usually
longer); the ones left are in the journal and handled at the next start."""
QUEUED_PER_SLOT = 2
"""With every in-flight slot taken, the reader waits while this many updates per slot are
queued; Telegram keeps the rest, and they come later in one batch."""
QUEUED_AT_MOST = 64
"""Per slot: the reader waits beyond this many queued updates whatever the slots do (one
chat's flood is read no faster than it is handled, give or take)."""


class Gate(Protocol):
    """Decides which stored updates this process handles, when several share the journal
    (:class:`bot.telegram.shared_intake.SharedIntake`); it queues them itself."""

    async def admit(self, updates: Sequence[Update]) -> None: ...

    async def handled(self, update: Update) -> None: ...


class Receiver:
    """Stores updates, handles them in per-chat lanes, marks them handled.

    :param dispatcher: aiogram's, with the routers and middlewares
    :param bot: the bot the updates came to
    :param journal: where updates are stored before they are confirmed
    :param limit: updates handled at the same time (``MAX_UPDATES_IN_FLIGHT``)

    :attr:`gate`, when set, is asked instead of queueing every stored update here.
    """

    def __init__(self, dispatcher: Dispatcher, bot: Bot, journal: Journal, *, limit: int) -> None:
        self.dispatcher = dispatcher
        self.bot = bot
        self.journal = journal
        self.lanes: Lanes[Update] = Lanes(self._handle, limit=limit)
        self.resumed = False
        self.gate: Gate | None = None

    async def resume(self) -> int:
        """Queue what a previous run stored and did not handle; once per process.

        :returns: how many updates were queued
        """
        if self.resumed:
            return 0
        updates = await self.journal.unhandled()
        self.resumed = True
        if updates:
            logger.info("handling %d updates stored before the restart", len(updates))
        await self._queue(updates)
        return len(updates)

    async def receive(self, updates: Sequence[Update]) -> int:
        """Store ``updates`` and queue the new ones; Telegram may be told once this returns.

        :returns: how many were new (an update Telegram sent again is not handled again)
        :raises Exception: the journal could not store them: do not confirm them
        """
        fresh = await self.journal.store(updates)
        await self._queue(fresh)
        return len(fresh)

    async def _queue(self, updates: Sequence[Update]) -> None:
        if self.gate is not None:
            await self.gate.admit(updates)
            return
        for update in updates:
            self.lanes.put(lane_key(update), update)

    async def room(self) -> None:
        """Wait while the lanes hold more than the reader should add to (back-pressure)."""
        limit = self.lanes.limit
        await self.lanes.wait_for_room(limit * QUEUED_PER_SLOT, limit * QUEUED_AT_MOST)

    async def drain(self, timeout: float = SHUTDOWN_GRACE_SECONDS) -> int:
        """Handle every queued update, at most ``timeout`` seconds; the rest stay stored.

        :returns: how many were left for the next start
        """
        return await self.lanes.drain(timeout)

    async def _handle(self, update: Update) -> None:
        try:
            response = await self.dispatcher.feed_update(self.bot, update)
            if isinstance(response, TelegramMethod):  # a handler's "answer in the webhook"
                await self.dispatcher.silent_call_request(self.bot, response)
        except Exception:  # the error router answers the customer; this is what escaped it
            logger.exception("update %s failed", update.update_id)
        await self.journal.handled(update.update_id)
        if self.gate is not None:
            await self.gate.handled(update)
