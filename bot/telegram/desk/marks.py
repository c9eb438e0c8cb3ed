"""The relay's "delivered" marks, riding the next transaction that commits.

Between Telegram's answer and the commit of its mark, a delivered message is still
"undelivered" in the database: a process killed then sends it again after the restart. A mark
in a transaction of its own queues, on SQLite, behind every transaction already waiting for
the file (a burst's handlers): that window was seconds wide (p99 4.8 s in the fault
benchmark). As a passenger (:class:`~bot.serving.database.Passenger`) the marks ride
whichever transaction commits next, as the intake journal's handled marks do, all of them in
one statement, so the window is one transaction wide. With nothing else committing within
:data:`RIDE_WAIT_S` they commit by themselves.

A lane that has sent its batch waits for its marks (:meth:`Marks.flush`) before it claims
more: its next batch is claimed only behind messages the database knows are delivered. While
the database is away the marks are kept and written once it is back (a dropped mark would
send the message again); an error that is not an outage is logged and retried the same way.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging

from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.repo.relay_batches import Mark, mark_batch
from bot.serving.database import Database, Landed
from bot.telegram.outages import Outage
from bot.tickets import Clock, utc_now

__all__ = ["CLOSE_GRACE_S", "RIDE_WAIT_S", "Marks"]

logger = logging.getLogger(__name__)

RIDE_WAIT_S = 0.002
"""How long marks wait for another transaction to ride before they open their own."""
CLOSE_GRACE_S = 10.0
"""How long a stopping process waits for marks the database cannot take (it is away)."""


class Marks:
    """Delivered marks waiting for a transaction, and the committer of last resort.

    :param db: the bot's transactions; the marks ride them from now on
    :param clock: what ``delivered_at`` says
    """

    def __init__(self, db: Database, *, clock: Clock = utc_now) -> None:
        self.db = db
        self.clock = clock
        self._waiting: list[tuple[Mark, asyncio.Future[None]]] = []
        self._unlanded: set[asyncio.Future[None]] = set()
        self._committer: asyncio.Task[None] | None = None
        db.carry(self)

    def add(self, mark: Mark) -> None:
        """A message's copy landed: its mark boards the next transaction to commit."""
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._unlanded.add(done)
        done.add_done_callback(self._unlanded.discard)
        self._waiting.append((mark, done))
        self._wake()

    async def flush(self) -> None:
        """Return once every mark added before the call is committed."""
        pending = list(self._unlanded)
        if pending:
            # Shielded: a lane cancelled while waiting must not cancel the marks themselves.
            await asyncio.shield(asyncio.gather(*pending))

    async def close(self, timeout: float = CLOSE_GRACE_S) -> int:
        """Write what is left (a graceful stop), waiting at most ``timeout`` seconds.

        With the database away a stop would otherwise wait for it forever, and a supervisor
        would end the process with SIGKILL anyway. The marks not written are logged: their
        messages are sent again after the restart (at least once, never lost).

        :returns: how many marks were not written
        """
        try:
            await asyncio.wait_for(self.flush(), timeout)
        except TimeoutError:
            left = len(self._unlanded)
            logger.warning(
                "%d delivered marks not written within %.0f s (the database is away): those "
                "messages will be sent again after the restart",
                left,
                timeout,
            )
            return left
        return 0

    async def board(self, session: AsyncSession) -> Landed | None:
        """Write the waiting marks into a transaction about to commit (a passenger's part)."""
        if not self._waiting:
            return None
        boarded, self._waiting = self._waiting, []
        try:
            await mark_batch(session, [mark for mark, _ in boarded], now=self.clock)
        except BaseException:  # that transaction rolls back without them: the next takes them
            self._put_back(boarded)
            raise

        def landed(committed: bool) -> None:
            if not committed:
                self._put_back(boarded)
                return
            for _, done in boarded:
                if not done.done():
                    done.set_result(None)

        return landed

    def _put_back(self, marks: list[tuple[Mark, asyncio.Future[None]]]) -> None:
        self._waiting[:0] = marks  # in order, before any added since
        self._wake()

    def _wake(self) -> None:
        if self._committer is None or self._committer.done():
            # A context of its own: woken from inside a transaction (board()), the task
            # would otherwise inherit that transaction and commit into a session gone bad.
            self._committer = asyncio.create_task(
                self._commit(), name="relay marks", context=contextvars.Context()
            )

    async def _commit(self) -> None:
        """Commit the marks no other transaction took, waiting out a database outage."""
        await asyncio.sleep(RIDE_WAIT_S)
        outage: Outage | None = None
        while self._waiting:
            try:
                async with self.db.transaction():
                    pass  # the marks board it (see board()); put back if it rolls back
            except Exception as error:
                if outage is None:
                    outage = Outage(f"marking {len(self._waiting)} ticket messages relayed")
                await outage.wait(error)
                continue
            if outage is not None:
                outage.over()
                outage = None
