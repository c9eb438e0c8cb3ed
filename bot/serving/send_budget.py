"""What the bot may still send to Telegram: the limits' buckets, per process or shared in Redis.

Every send names its destination chat and takes a token from three buckets at once: the
overall one, the chat's, and, for a group (a negative chat id), the group's per-minute one.
Several processes of one bot share Telegram's limits, so with Redis configured the buckets
live there and one Lua script takes from all of them atomically (:class:`RedisBudget`);
without Redis they live in the process (:class:`MemoryBudget`). The arithmetic is
:mod:`bot.serving.buckets` in both.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Protocol

from redis.asyncio import Redis

from bot.serving.buckets import TELEGRAM_LIMITS, Bucket, Limits, pause, take

__all__ = ["Destination", "MemoryBudget", "RedisBudget", "SendBudget", "is_group"]

Destination = int | str
"""A Bot API ``chat_id``: a number, or a public channel's ``@username``."""


def is_group(chat: Destination) -> bool:
    """Groups, supergroups and channels have negative ids (``@name`` is a channel)."""
    return isinstance(chat, str) or chat < 0


class SendBudget(Protocol):
    """The limits' buckets, whichever store keeps them."""

    async def take(self, chat: Destination) -> float:
        """Spend a send to ``chat`` if every bucket allows it.

        :returns: 0 when spent; otherwise the seconds to wait before asking again
        """
        ...

    async def peek(self, chat: Destination) -> float:
        """The seconds a send to ``chat`` would wait now, nothing spent."""
        ...

    async def pause(self, chat: Destination, seconds: float) -> None:
        """Telegram answered 429 for ``chat``: nothing goes there for ``seconds``."""
        ...


def _buckets(limits: Limits, chat: Destination) -> list[tuple[str, Bucket]]:
    found = [("all", limits.overall_bucket), (f"chat:{chat}", limits.chat_bucket)]
    if is_group(chat):
        found.append((f"group:{chat}", limits.group_bucket))
    return found


def _paused(limits: Limits, chat: Destination) -> tuple[str, Bucket]:
    """The bucket a 429 for ``chat`` pauses: the group's, or the private chat's."""
    return _buckets(limits, chat)[-1]


class MemoryBudget:
    """The buckets in this process: right for one process, or a test.

    :param clock: seconds, monotonic
    """

    def __init__(
        self, limits: Limits = TELEGRAM_LIMITS, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.limits = limits
        self.clock = clock
        self._tats: dict[str, float] = {}

    def _try(self, chat: Destination, *, spend: bool) -> float:
        named = _buckets(self.limits, chat)
        now = self.clock()
        # Forget buckets that are full again, so a million customers do not pile up here.
        if len(self._tats) > 10_000:
            self._tats = {k: v for k, v in self._tats.items() if v > now}
        wait, tats = take(
            [bucket for _, bucket in named], [self._tats.get(k, 0.0) for k, _ in named], now
        )
        if wait == 0 and spend:
            self._tats.update(zip((k for k, _ in named), tats, strict=True))
        return wait

    async def take(self, chat: Destination) -> float:
        return self._try(chat, spend=True)

    async def peek(self, chat: Destination) -> float:
        return self._try(chat, spend=False)

    async def pause(self, chat: Destination, seconds: float) -> None:
        key, bucket = _paused(self.limits, chat)
        self._tats[key] = pause(bucket, self._tats.get(key, 0.0), self.clock(), seconds)


# The same arithmetic as bot.serving.buckets.take, in milliseconds on Redis's own clock (every
# process reads one time). ARGV: spend (1/0), then interval and tolerance per key.
_TAKE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local wait = 0
local tats = {}
for i = 1, #KEYS do
  local tat = tonumber(redis.call('GET', KEYS[i]) or '0')
  if tat < now then tat = now end
  local ahead = tat - tonumber(ARGV[2 * i + 1]) - now
  if ahead > wait then wait = ahead end
  tats[i] = tat
end
if wait > 0 or ARGV[1] == '0' then return wait end
for i = 1, #KEYS do
  local new = tats[i] + tonumber(ARGV[2 * i])
  redis.call('SET', KEYS[i], new, 'PX', math.ceil(new - now) + 1000)
end
return 0
"""

# bot.serving.buckets.pause. ARGV: seconds to pause (ms), tolerance (ms).
_PAUSE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
local until_ = now + tonumber(ARGV[1]) + tonumber(ARGV[2])
if until_ > tat then tat = until_ end
redis.call('SET', KEYS[1], tat, 'PX', math.ceil(tat - now) + 1000)
return tat
"""


class RedisBudget:
    """The buckets in Redis, shared by every process of the bot.

    :param prefix: key prefix, e.g. ``faqbot:outbound`` (tests use their own)
    """

    def __init__(
        self, redis: Redis, limits: Limits = TELEGRAM_LIMITS, *, prefix: str = "faqbot:outbound"
    ) -> None:
        self.redis = redis
        self.limits = limits
        self.prefix = prefix
        self._take = redis.register_script(_TAKE)
        self._pause = redis.register_script(_PAUSE)

    async def _run(self, chat: Destination, *, spend: bool) -> float:
        named = _buckets(self.limits, chat)
        args: list[float | int] = [1 if spend else 0]
        for _, bucket in named:
            args += [round(bucket.interval * 1000), round(bucket.tolerance * 1000)]
        wait_ms = await self._take(keys=[f"{self.prefix}:{k}" for k, _ in named], args=args)
        return float(wait_ms) / 1000

    async def take(self, chat: Destination) -> float:
        return await self._run(chat, spend=True)

    async def peek(self, chat: Destination) -> float:
        return await self._run(chat, spend=False)

    async def pause(self, chat: Destination, seconds: float) -> None:
        key, bucket = _paused(self.limits, chat)
        await self._pause(
            keys=[f"{self.prefix}:{key}"],
            args=[round(seconds * 1000), round(bucket.tolerance * 1000)],
        )
