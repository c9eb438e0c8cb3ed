"""A background loop: one round every ``interval`` seconds, or at once when woken.

The relay and the SLA watch are both this loop around their own round. Stopping is graceful:
the round in flight finishes (a delivery is not cut between Telegram's answer and its
"delivered" mark), then the loop ends. A round that raises is logged and the loop goes on:
one bad message or notice must not stop the desk.

A failure that lasts (the database away for a minute) is logged in full once, then as one
line at the 2nd, 4th, 8th... failure in a row, and its end once: a traceback every second
would bury everything else in the log.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

__all__ = ["Worker"]

logger = logging.getLogger(__name__)


class Worker:
    """Subclass and write :meth:`round`; the owner calls :meth:`start` and :meth:`stop`.

    :param name: the task's name, and what the log calls it
    :param interval: seconds between rounds when nothing wakes the worker
    """

    def __init__(self, name: str, *, interval: float) -> None:
        self.name = name
        self.interval = interval
        self._wake = asyncio.Event()
        self._stopping = False
        self._task: asyncio.Task[None] | None = None
        self._failures = 0

    @property
    def stopping(self) -> bool:
        """A stop was asked for: a long round should end at its next safe point."""
        return self._stopping

    async def round(self) -> object:
        """One round of work; what it returns is for whoever calls it directly (tests)."""
        raise NotImplementedError

    def wake(self) -> None:
        """There is work now: start the next round without waiting for the interval."""
        self._wake.set()

    def start(self) -> None:
        """Run the loop in a task of the running event loop; a running worker stays as is."""
        if self._task is None or self._task.done():
            self._stopping = False
            self._task = asyncio.create_task(self._run(), name=self.name)

    async def stop(self) -> None:
        """Finish the round in flight, then stop."""
        self._stopping = True
        self._wake.set()
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        while not self._stopping:
            # Cleared before the round: whatever is stored during it wakes the next one.
            self._wake.clear()
            try:
                await self.round()
            except Exception as error:  # keep working whatever one round did
                self._failed(error)
            else:
                if self._failures:
                    logger.warning(
                        "%s: rounds work again after %d failed", self.name, self._failures
                    )
                self._failures = 0
            if self._stopping:
                break
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.interval)

    def _failed(self, error: Exception) -> None:
        self._failures += 1
        count = self._failures
        if count == 1:
            logger.exception("%s: round failed; next one in %.1f s", self.name, self.interval)
        elif count & (count - 1) == 0:  # a power of two: ever rarer while it lasts
            logger.error("%s: %d rounds failed in a row, the last with %r", self.name, count, error)
