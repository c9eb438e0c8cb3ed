"""The relay's "delivered" marks, written together: one transaction for every lane's sends.

A mark per send in a transaction of its own was a third of the relay's database work. Here a
send leaves its mark and goes on; one writer at a time writes every mark left meanwhile in
one statement (a group commit), started at once, so a mark waits about one transaction. A
lane that has sent its batch waits for its marks (:meth:`Marks.flush`) before it claims
more: its next batch is claimed only behind messages the database knows are delivered.

The window the relay always had (Telegram answered, the mark not yet written, the process
killed: the message goes again after ``stale_after``, or at once after a long-polling
restart, which releases its predecessor's claims) stays about one transaction wide. While the
database is away, the marks wait for it (:func:`~bot.telegram.outages.until_written`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from bot.db.repo.relay_batches import Mark, mark_batch
from bot.serving.database import Database
from bot.telegram.outages import until_written
from bot.tickets import Clock, utc_now

__all__ = ["Marks"]

logger = logging.getLogger(__name__)


class Marks:
    """Delivered marks waiting to be written, and the one writer.

    :param db: where the marks go
    :param clock: what ``delivered_at`` says
    """

    def __init__(self, db: Database, *, clock: Clock = utc_now) -> None:
        self.db = db
        self.clock = clock
        self._waiting: list[Mark] = []
        self._writing = asyncio.Lock()
        self._writer: asyncio.Task[None] | None = None

    def add(self, mark: Mark) -> None:
        """A message's copy landed: written with the others, as soon as the writer is free."""
        self._waiting.append(mark)
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write_soon(), name="relay marks")

    async def flush(self) -> None:
        """Return once every mark added before the call is written (raises if it cannot be)."""
        async with self._writing:
            marks, self._waiting = self._waiting, []
            if not marks:
                return

            async def write() -> None:
                async with self.db.transaction() as session:
                    await mark_batch(session, marks, now=self.clock)

            try:
                # Telegram has these messages: a mark dropped would send them again, so a
                # database outage is waited out (the lane waits with it).
                await until_written(write, f"marking {len(marks)} ticket messages relayed")
            except BaseException:
                self._waiting[:0] = marks  # kept for the next writer, in order
                raise

    async def close(self) -> None:
        """Write what is left (a graceful stop)."""
        if self._writer is not None:
            with contextlib.suppress(Exception):
                await self._writer
        await self.flush()

    async def _write_soon(self) -> None:
        try:
            while self._waiting:
                await self.flush()
        except Exception:
            # Kept, not lost: the lane's own flush (or the next mark) writes them, or fails
            # where someone is there to see it.
            logger.exception("relay: %d delivered marks not written yet", len(self._waiting))
