"""Per-customer flood protection: at most ``limit`` updates per minute, counted in fixed windows.

In memory for one process, or in Redis (shared by every bot process) when it is configured.
The first update over the limit in a window is answered with a polite "slow down"; the rest of
that window is dropped without a word, so a flood cannot make the bot flood back.

What the limit guards is what the bot spends (searches, answers), never what a customer tells
the desk: the steps of a form are not counted, and a message for an open ticket
(:class:`OpenTicketExemption`) passes whatever the count. Every update is in the intake
journal (``received_updates``) before the limit sees it, dropped or not.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Protocol

from redis.asyncio import Redis

from bot.db.repo.open_tickets import has_open_ticket
from bot.serving.database import Database

__all__ = [
    "Exemption",
    "MemoryRateLimiter",
    "OpenTicketExemption",
    "RateLimiter",
    "RedisRateLimiter",
    "Verdict",
]

WINDOW_S = 60
# Forget customers whose window has passed once this many are remembered.
_PRUNE_AT = 10_000


@dataclass(frozen=True)
class Verdict:
    """What to do with one update.

    :param allowed: handle it
    :param warn: refused, and the first refusal in this window: tell the customer
    :param retry_after: until the window ends
    """

    allowed: bool
    warn: bool = False
    retry_after: timedelta = timedelta(0)


class RateLimiter(Protocol):
    async def hit(self, user_id: int) -> Verdict:
        """Count one update of ``user_id`` and say whether to handle it."""
        ...


def _verdict(count: int, limit: int, now: float) -> Verdict:
    if count <= limit:
        return Verdict(allowed=True)
    left = WINDOW_S - now % WINDOW_S
    return Verdict(allowed=False, warn=count == limit + 1, retry_after=timedelta(seconds=left))


class MemoryRateLimiter:
    """Counts in this process.

    :param limit: updates per minute per customer
    :param clock: seconds, e.g. ``time.monotonic``
    """

    def __init__(self, limit: int, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self.clock = clock
        self._counts: dict[int, tuple[int, int]] = {}  # user -> (window, count)

    async def hit(self, user_id: int) -> Verdict:
        now = self.clock()
        window = int(now // WINDOW_S)
        seen_window, count = self._counts.get(user_id, (window, 0))
        count = count + 1 if seen_window == window else 1
        if len(self._counts) >= _PRUNE_AT:
            self._counts = {u: wc for u, wc in self._counts.items() if wc[0] == window}
        self._counts[user_id] = (window, count)
        return _verdict(count, self.limit, now)


class RedisRateLimiter:
    """Counts in Redis: one key per customer and minute, expiring with it.

    :param redis: a client; the caller closes it
    :param limit: updates per minute per customer
    :param prefix: key prefix
    """

    def __init__(
        self,
        redis: Redis,
        limit: int,
        *,
        prefix: str = "faqbot:rate",
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.redis = redis
        self.limit = limit
        self.prefix = prefix
        self.clock = clock

    async def hit(self, user_id: int) -> Verdict:
        now = self.clock()
        key = f"{self.prefix}:{user_id}:{int(now // WINDOW_S)}"
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.incr(key)
            pipe.expire(key, WINDOW_S + 1)
            count, _ = await pipe.execute()
        return _verdict(int(count), self.limit, now)


class Exemption(Protocol):
    async def __call__(self, user_id: int) -> bool:
        """True if this customer's update must be handled whatever the count says."""
        ...


class OpenTicketExemption:
    """A customer with an open ticket is talking to the desk: their messages are relayed,
    never dropped. Asked only for updates over the limit, so it costs nothing otherwise.

    :param database: the bot's transactions
    """

    def __init__(self, database: Database) -> None:
        self.database = database

    async def __call__(self, user_id: int) -> bool:
        async with self.database.transaction() as session:
            return await has_open_ticket(session, user_id)
