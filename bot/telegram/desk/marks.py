"""The relay's "delivered" marks, written into the next transaction that commits.

Between Telegram's answer and the commit of its mark, a delivered message is still
"undelivered" in the database: a process killed then sends it again after the restart. On
SQLite transactions take turns, and a mark queued behind a burst's handlers waited for all of
them; as a passenger (:class:`~bot.serving.database.Passenger`) it rides whichever
transaction commits next, as the intake journal's handled marks do, so that window is one
transaction long rather than a queue long. With nothing else committing within
:data:`RIDE_WAIT_S`, the marks commit by themselves; while the database is away they are kept
and written once it is back (a dropped mark would send the message again).
"""

from __future__ import annotations

import asyncio
import contextvars
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.repo import mark_relayed
from bot.serving.database import Database, Landed
from bot.telegram.outages import Outage
from bot.tickets import Clock, utc_now

__all__ = ["RIDE_WAIT_S", "DeliveredMarks"]

RIDE_WAIT_S = 0.002
"""How long marks wait for another transaction to ride before they open their own."""


@dataclass(frozen=True)
class _Mark:
    message_ids: tuple[int, ...]
    chat_id: int
    sent_id: int
    done: asyncio.Future[None]


class DeliveredMarks:
    """Marks ticket messages delivered, riding other transactions when it can.

    :param database: the bot's transactions; the marks ride them from now on
    :param clock: stamps ``delivered_at``
    """

    def __init__(self, database: Database, *, clock: Clock = utc_now) -> None:
        self.database = database
        self.clock = clock
        self._waiting: list[_Mark] = []
        self._committer: asyncio.Task[None] | None = None
        database.carry(self)

    async def mark(self, message_ids: Sequence[int], chat_id: int, sent_id: int) -> None:
        """Record where the messages' copy is; returns once that is committed.

        :param sent_id: the copy's message id in ``chat_id`` (one post may carry several)
        """
        done = asyncio.get_running_loop().create_future()
        self._waiting.append(_Mark(tuple(message_ids), chat_id, sent_id, done))
        self._wake()
        await asyncio.shield(done)

    async def board(self, session: AsyncSession) -> Landed | None:
        """Write the waiting marks into a transaction about to commit (a passenger's part)."""
        if not self._waiting:
            return None
        marks, self._waiting = self._waiting, []
        try:
            for mark in marks:
                for message_id in mark.message_ids:
                    await mark_relayed(
                        session,
                        message_id,
                        relay_chat_id=mark.chat_id,
                        relay_message_id=mark.sent_id,
                        now=self.clock,
                    )
        except BaseException:  # that transaction rolls back without them: the next takes them
            self._put_back(marks)
            raise

        def landed(committed: bool) -> None:
            if not committed:
                self._put_back(marks)
                return
            for mark in marks:
                if not mark.done.done():
                    mark.done.set_result(None)

        return landed

    def _put_back(self, marks: list[_Mark]) -> None:
        self._waiting[:0] = marks
        self._wake()

    def _wake(self) -> None:
        if self._committer is None or self._committer.done():
            # A context of its own: woken from inside a transaction (board()), the task
            # would otherwise inherit that transaction and commit into a session gone bad.
            self._committer = asyncio.create_task(
                self._commit(), name="delivered marks", context=contextvars.Context()
            )

    async def _commit(self) -> None:
        """Commit the marks no other transaction took, waiting out a database outage."""
        await asyncio.sleep(RIDE_WAIT_S)
        outage: Outage | None = None
        while self._waiting:
            try:
                async with self.database.transaction():
                    pass  # the marks board it (see board())
            except Exception as error:
                if outage is None:
                    outage = Outage(f"marking {len(self._waiting)} ticket messages relayed")
                await outage.wait(error)
                continue
            if outage is not None:
                outage.over()
                outage = None
