"""This process's heartbeat, and the release of the claims of processes that stopped beating.

A delivery claim (a ticket message, an SLA notice, a topic being made) held by a process that
was killed used to wait out its minute (``stale_after``) before anyone sent it: with several
replicas behind one URL, a killed replica's chats went quiet for a minute. Now every process
beats every :data:`BEAT_S` seconds and signs its claims (:attr:`Database.worker`); one silent
for :data:`DEAD_AFTER_S` is dead, and the first survivor to notice releases its claims for
everyone to deliver (:func:`bot.db.repo.workers.release_dead`).

A database outage silences everyone at once. So a process judges others only after it has
itself beaten without a break for :data:`DEAD_AFTER_S`: by then every live process had the
same time to beat again. A process that finds its own row gone was taken for dead (it stalled
for longer than that); it says so in the log and goes on.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime, timedelta

from bot.db.repo.workers import beat, release_dead, retire, silent_workers
from bot.serving.database import Database
from bot.serving.worker import Worker
from bot.tickets import Clock, utc_now

__all__ = ["BEAT_S", "DEAD_AFTER_S", "Liveness"]

logger = logging.getLogger(__name__)

BEAT_S = 2.0
"""Between two heartbeats."""
DEAD_AFTER_S = 10.0
"""Silent this long, a process is dead: five missed beats, far beyond a busy event loop's lag."""


class Liveness(Worker):
    """Beat for this process; release the claims of the dead.

    :param database: where the heartbeats are; its :attr:`~Database.worker` is this process
    :param wake: called after claims were released (the relay, the SLA watch), so they go now
    :param on_dead: called with the ids of the processes found dead, to free what else they
        held (their conversations' locks in Redis)
    :param beat_seconds: between two beats
    :param dead_after: seconds of silence after which a process is dead
    """

    def __init__(
        self,
        database: Database,
        *,
        wake: Sequence[Callable[[], None]] = (),
        on_dead: Sequence[Callable[[Sequence[str]], Awaitable[object]]] = (),
        clock: Clock = utc_now,
        beat_seconds: float = BEAT_S,
        dead_after: float = DEAD_AFTER_S,
    ) -> None:
        super().__init__("liveness", interval=beat_seconds)
        self.database = database
        self.wake_after_release = tuple(wake)
        self.on_dead = tuple(on_dead)
        self.clock = clock
        self.dead_after = timedelta(seconds=dead_after)
        self._up_since: datetime | None = None
        self._beaten = False
        self._failing = False

    @property
    def worker(self) -> str:
        return self.database.worker

    async def round(self) -> int:
        """One beat, then a look for the dead.

        :returns: how many claims were released
        """
        now = self.clock()
        try:
            async with self.database.transaction() as session:
                known = await beat(session, self.worker, now=now)
        except Exception as error:  # the database away: judge nobody until it is back
            return self._database_failed(error)
        self._failing = False
        if not known and self._beaten:
            logger.warning(
                "liveness: this process was taken for dead (silent for %.0f s); its claims "
                "may have been released and a message sent twice",
                self.dead_after.total_seconds(),
            )
        self._beaten = True
        if self._up_since is None:
            self._up_since = now
        if now - self._up_since < self.dead_after:
            return 0
        try:
            async with self.database.transaction() as session:
                since = now - self.dead_after
                dead = await silent_workers(session, since=since, besides=self.worker)
                released = await release_dead(session, dead)
        except Exception as error:
            return self._database_failed(error)
        if dead:
            logger.warning(
                "liveness: %d process(es) silent for %.0f s taken for dead; released %d "
                "delivery claims",
                len(dead),
                self.dead_after.total_seconds(),
                released,
            )
        for free in self.on_dead if dead else ():
            try:
                await free(dead)
            except Exception:  # what they held expires on its own anyway
                logger.exception("liveness: freeing what the dead held failed")
        if released:
            for wake in self.wake_after_release:
                wake()
        return released

    def _database_failed(self, error: Exception) -> int:
        if not self._failing:
            logger.warning("liveness: the database failed (%r); retrying", error)
        self._failing = True
        self._up_since = None
        return 0

    async def stop(self) -> None:
        """Stop beating and leave the roll (the claims were finished or handed back)."""
        await super().stop()
        if not self._beaten:
            return
        try:
            async with self.database.transaction() as session:
                await retire(session, self.worker)
        except Exception as error:  # the row goes with the next survivor's sweep instead
            logger.warning("liveness: could not retire (%s)", error)
