"""Telegram's send limits as token buckets, in the GCRA form: one timestamp per bucket.

A bucket of ``burst`` tokens refilled at one per ``interval`` seconds is kept as its
*theoretical arrival time* ``tat`` (when it would be full again, had every send waited its
turn). A send is allowed when ``max(tat, now) - now <= interval * (burst - 1)``; it moves
``tat`` on by one ``interval``. Several buckets are taken together or not at all (the overall
budget is not spent on a send its chat's bucket refuses), and a 429's ``retry_after`` pushes
one bucket's ``tat`` into the future. This module is the arithmetic alone, the same in memory
(:class:`bot.serving.send_budget.MemoryBudget`) and in Redis's Lua script
(:class:`bot.serving.send_budget.RedisBudget`)::

    >>> chat = Bucket(interval=1.0, burst=1)
    >>> take([chat], [0.0], now=10.0)
    (0.0, [11.0])
    >>> take([chat], [11.0], now=10.5)
    (0.5, [11.0])
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Bucket", "Limits", "TELEGRAM_LIMITS", "pause", "take"]


@dataclass(frozen=True)
class Bucket:
    """``burst`` sends at once, then one every ``interval`` seconds."""

    interval: float
    burst: int

    @property
    def tolerance(self) -> float:
        """How far ahead of ``now`` a bucket's ``tat`` may be and still allow a send."""
        return self.interval * (self.burst - 1)


@dataclass(frozen=True)
class Limits:
    """Telegram's limits for a bot's messages.

    :param overall: sends per second, every chat together
    :param per_chat: sends per second in one chat
    :param per_group: sends per minute in one group or supergroup (all its topics together)
    :param slack: each interval this much longer: a send leaves on time but arrives a few
        milliseconds late or early, and Telegram counts arrivals
    """

    overall: int = 30
    per_chat: int = 1
    per_group: int = 20
    slack: float = 0.05

    @property
    def overall_bucket(self) -> Bucket:
        return self._within(self.overall, 1.0)

    @property
    def chat_bucket(self) -> Bucket:
        return self._within(self.per_chat, 1.0)

    @property
    def group_bucket(self) -> Bucket:
        return self._within(self.per_group, 60.0)

    def _within(self, limit: int, span: float) -> Bucket:
        """Never more than ``limit`` sends in any ``span`` seconds, as Telegram counts them.

        A bucket of ``b`` tokens refilled every ``t`` seconds lets ``b + span / t`` through in
        ``span`` (a full bucket, then the refills), so a bucket as deep as the limit would let
        nearly twice the limit through in the first minute. One token, refilled ``limit - 1``
        times a span, keeps to the limit in every window; the steady rate loses one send a
        span (19 a minute in a group rather than 20).
        """
        refills = max(limit - 1, 1)
        return Bucket(span * (1 + self.slack) / refills, 1)


TELEGRAM_LIMITS = Limits()


def take(buckets: list[Bucket], tats: list[float], now: float) -> tuple[float, list[float]]:
    """Take one token from every bucket, or from none.

    :param tats: each bucket's stored ``tat`` (0 for a bucket never used)
    :returns: ``(0, new tats)`` when allowed; else ``(seconds to wait, tats unchanged)``
    """
    wait = 0.0
    for bucket, tat in zip(buckets, tats, strict=True):
        wait = max(wait, max(tat, now) - bucket.tolerance - now)
    if wait > 0:
        return wait, list(tats)
    return 0.0, [max(tat, now) + b.interval for b, tat in zip(buckets, tats, strict=True)]


def pause(bucket: Bucket, tat: float, now: float, seconds: float) -> float:
    """The ``tat`` after Telegram said "retry after ``seconds``": nothing passes before then.

    >>> pause(Bucket(3.0, 1), 0.0, now=100.0, seconds=5)
    105.0
    """
    return max(tat, now + seconds + bucket.tolerance)
