"""One lane per chat: a chat's updates are handled one after another, different chats at once.

A customer who sends three messages in a second expects them in the ticket in that order, and
a button pressed after a message must see what that message did. aiogram handles every update
in a task of its own, so two updates of one chat race. Here each chat (or forum topic) has a
queue worked by one task, and a semaphore bounds the updates being handled across all lanes
(``MAX_UPDATES_IN_FLIGHT``): under a burst the bot slows down instead of opening more
database and Redis connections than the pools hold.

::

    lanes = Lanes(handle, limit=32)
    lanes.put("1001", update)     # queued behind chat 1001's earlier updates
    await lanes.drain(timeout=30) # every queued update handled (a graceful stop)
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

__all__ = ["Lanes"]

logger = logging.getLogger(__name__)

T = TypeVar("T")


class Lanes(Generic[T]):
    """Per-key FIFO queues, each worked by one task, at most ``limit`` items handled at once.

    :param handle: called once per item; its exceptions are logged, the lane goes on
    :param limit: items handled at the same time, across every lane
    """

    def __init__(self, handle: Callable[[T], Awaitable[object]], *, limit: int) -> None:
        if limit < 1:
            raise ValueError(f"the in-flight limit must be at least 1, not {limit}")
        self.handle = handle
        self.limit = limit
        self._slots = asyncio.Semaphore(limit)
        self._queues: dict[str, collections.deque[T]] = {}
        self._workers: dict[str, asyncio.Task[None]] = {}
        self._queued = 0
        self._busy = 0
        self._idle = asyncio.Event()
        self._idle.set()
        self._room = asyncio.Condition()

    @property
    def queued(self) -> int:
        """Items put and not yet handled (the ones being handled included)."""
        return self._queued

    def put(self, key: str, item: T) -> None:
        """Queue ``item`` behind the earlier items of ``key``."""
        queue = self._queues.get(key)
        if queue is None:
            queue = self._queues[key] = collections.deque()
        queue.append(item)
        self._queued += 1
        self._idle.clear()
        if key not in self._workers:
            self._workers[key] = asyncio.create_task(self._work(key), name=f"lane {key}")

    async def wait_for_room(self, queued: int, most: int) -> None:
        """Back-pressure for the reader: return once a slot is free and fewer than ``most``
        items are queued, or every slot is taken but fewer than ``queued`` are.

        A free slot means more work can start at once (one chat's backlog must not hold the
        others up); all slots taken, a short queue is enough, and what Telegram keeps
        meanwhile comes in one larger batch (one transaction) later.
        """
        async with self._room:
            await self._room.wait_for(
                lambda: self._queued < queued or (self._busy < self.limit and self._queued < most)
            )

    async def drain(self, timeout: float) -> int:
        """Wait until every queued item is handled, at most ``timeout`` seconds.

        :returns: how many were left (their lanes are cancelled)
        """
        if self._queued:
            logger.info("finishing %d updates in hand before stopping", self._queued)
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(timeout):
                    await self._idle.wait()
        left = self._queued
        if left:
            logger.error("%d updates were still queued after %.0f s", left, timeout)
            await self.cancel()
        return left

    async def cancel(self) -> None:
        """Stop every lane now; what they held stays for the next start (the journal)."""
        workers = list(self._workers.values())
        for worker in workers:
            worker.cancel()
        await asyncio.gather(*workers, return_exceptions=True)

    async def _work(self, key: str) -> None:
        queue = self._queues[key]
        try:
            while queue:
                item = queue[0]
                async with self._slots:
                    self._busy += 1
                    try:
                        await self.handle(item)
                    except Exception:  # the handler logs what it can; a lane never dies
                        logger.exception("lane %s: an update failed", key)
                    finally:
                        self._busy -= 1
                queue.popleft()
                await self._done()
        finally:
            del self._workers[key]
            if not queue:
                del self._queues[key]
            else:  # cancelled: forget what was queued, the journal keeps it
                self._queued -= len(queue)
                del self._queues[key]
                await self._done(0)

    async def _done(self, count: int = 1) -> None:
        self._queued -= count
        if not self._queued:
            self._idle.set()
        async with self._room:
            self._room.notify_all()
