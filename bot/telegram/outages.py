"""The database or Redis away for a while: wait for it with a growing pause, lose nothing.

A restart of PostgreSQL or Redis is a few seconds in which every query fails. Three places meet
it, and all wait rather than give up:

- the long-polling reader (:mod:`bot.telegram.polling`): the journal cannot store a batch, so
  nothing is confirmed to Telegram and the batch is read again once the database is back;
- a record of work done outside (:func:`until_written`: the relay's "delivered" mark after
  Telegram took the message), written once the database is back rather than dropped;
- an update being handled (:class:`OutageGuard`): a handler, or aiogram's FSM middleware
  before it, fails on a dropped connection. aiogram's error router would answer the customer
  with the error template and the update would count as handled, its message never stored.
  The guard instead waits and handles the update again, in its lane (the chat's later
  updates wait behind it, so their order holds); the transaction that failed rolled back, so
  nothing is stored twice. A conversation lock in Redis that Redis went away with
  (:class:`ReleasingIsolation`) is released once it is back, not left to its minute's expiry.

Each outage is one log line when it begins and one when it ends, not a line per retry::

    reading updates failed (OperationalError: ...): trying again every 0.5..5 s
    reading updates works again after 6.1 s (9 failed attempts)
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import logging
import sqlite3
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, TypeVar

import asyncpg
from aiogram import BaseMiddleware, Dispatcher
from aiogram.fsm.storage.base import StorageKey
from aiogram.fsm.storage.redis import RedisEventIsolation
from aiogram.types import ErrorEvent, TelegramObject, Update
from redis import exceptions as redis_errors
from redis.asyncio import Redis
from redis.asyncio.lock import Lock
from sqlalchemy import exc as sql_errors

__all__ = [
    "FIRST_PAUSE_S",
    "LONGEST_PAUSE_S",
    "Away",
    "Outage",
    "OutageGuard",
    "ReleasingIsolation",
    "is_outage",
    "until_written",
]

logger = logging.getLogger(__name__)

FIRST_PAUSE_S = 0.5
LONGEST_PAUSE_S = 5.0
_AWAY_SQLSTATES = ("08", "57")
"""SQLSTATE classes of a connection gone: connection exception, operator intervention
(``57P01 terminating connection due to administrator command``, ``57P03 cannot connect now``)."""
_REDIS_AWAY = (redis_errors.ConnectionError, redis_errors.TimeoutError)
_SQLITE_AWAY = ("database is locked", "unable to open database file", "disk i/o error")
"""SQLite's words for a file that cannot be used now (the rest of its errors are bugs)."""


class Away(Exception):
    """Raised out of aiogram's error handling so the guard sees the outage (never escapes it).

    :param error: what the database or Redis raised
    """

    def __init__(self, error: BaseException) -> None:
        super().__init__(error)
        self.error = error

    def __str__(self) -> str:
        return f"{type(self.error).__name__}: {self.error}"


def is_outage(error: BaseException) -> bool:
    """Whether ``error`` says the database or Redis is unreachable (not that a query is wrong).

    Follows the chain of causes: SQLAlchemy wraps the driver's error, which may wrap an
    ``OSError``.
    """
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, (Away, OSError, *_REDIS_AWAY)):
            return True
        if isinstance(current, sqlite3.OperationalError):
            # SQLite says what went wrong only in words: a locked or unreachable file passes,
            # a missing table or column is a bug, and waiting would hide it.
            return str(current).lower().startswith(_SQLITE_AWAY)
        if isinstance(current, sql_errors.DBAPIError) and current.connection_invalidated:
            return True
        if isinstance(current, asyncpg.PostgresConnectionError | asyncpg.InterfaceError):
            return True
        state = getattr(current, "sqlstate", None)
        if isinstance(state, str) and state.startswith(_AWAY_SQLSTATES):
            return True
        orig = getattr(current, "orig", None)
        current = orig if isinstance(orig, BaseException) else current.__cause__
    return False


class Outage:
    """One run of failures of the same thing: pauses growing from ``first`` to ``longest``,
    a log line when it begins and one when it ends.

    :param what: what is being retried, for the log (``"reading updates"``)
    :param first: the first pause, seconds
    :param longest: pauses grow (doubling) to this
    """

    def __init__(
        self, what: str, *, first: float = FIRST_PAUSE_S, longest: float = LONGEST_PAUSE_S
    ) -> None:
        self.what = what
        self.first = first
        self.longest = longest
        self.attempts = 0
        self._began = 0.0

    @property
    def pause(self) -> float:
        """The pause before the next attempt."""
        return float(min(self.longest, self.first * 2.0 ** max(0, self.attempts - 1)))

    async def wait(self, error: BaseException) -> None:
        """``error`` happened: log it if the outage begins now, then pause."""
        self.attempts += 1
        if self.attempts == 1:
            self._began = time.monotonic()
            logger.error(
                "%s failed (%s: %s): trying again every %.1f..%.0f s",
                self.what,
                type(error).__name__,
                str(error).splitlines()[0] if str(error) else "",
                self.first,
                self.longest,
            )
        await asyncio.sleep(self.pause)

    def over(self) -> None:
        """The attempt succeeded: log the end of the outage, if there was one."""
        if self.attempts:
            logger.warning(
                "%s works again after %.1f s (%d failed attempts)",
                self.what,
                time.monotonic() - self._began,
                self.attempts,
            )
        self.attempts = 0


T = TypeVar("T")


async def until_written(write: Callable[[], Awaitable[T]], what: str) -> T:
    """Run ``write`` (one transaction) until it succeeds, waiting out outages.

    For a record of something already done outside, e.g. "delivered" after Telegram took the
    message: dropped, the work would be done again (the message sent twice).

    :param what: for the log (``"marking message 7 relayed"``)
    :raises Exception: whatever ``write`` raised that is not an outage
    """
    outage = Outage(what)
    while True:
        try:
            result = await write()
        except Exception as error:
            if not is_outage(error):
                raise
            await outage.wait(error)
            continue
        outage.over()
        return result


Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


class OutageGuard(BaseMiddleware):
    """Handles an update again, after a pause, while the database or Redis is away.

    Install it with :meth:`install`: it must sit outside aiogram's own middlewares (the FSM
    one reads the conversation's state before any handler runs) and see the outage before the
    error router turns it into a polite reply.
    """

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        outage: Outage | None = None
        while True:
            try:
                result = await handler(event, dict(data))
            except Away as away:
                if outage is None:
                    update_id = getattr(event, "update_id", "?")
                    outage = Outage(f"handling update {update_id} (database or Redis away)")
                await outage.wait(away.error)
                continue
            if outage is not None:
                outage.over()
            return result

    @classmethod
    def install(cls, dispatcher: Dispatcher) -> OutageGuard:
        """Put a guard outside every update middleware of ``dispatcher``, and let outages
        through its error handlers (the dispatcher's own error handlers run first)."""
        guard = cls()
        middlewares = dispatcher.update.outer_middleware
        installed = list(middlewares)
        for middleware in installed:
            middlewares.unregister(middleware)
        middlewares.register(guard)
        for middleware in installed:
            middlewares.register(middleware)
        dispatcher.errors.register(_let_through, _outage_event)
        return guard


def _outage_event(event: ErrorEvent) -> bool:
    return isinstance(event.update, Update) and is_outage(event.exception)


async def _let_through(event: ErrorEvent) -> None:
    raise Away(event.exception)


class ReleasingIsolation(RedisEventIsolation):
    """aiogram's per-conversation lock in Redis, released once Redis is back when Redis went
    away while it was held.

    Redis keeps the lock through a restart (its append-only file), and aiogram's lock would
    hold the conversation until its 60 s expiry: the update handled again after the outage
    would wait for its own lock. Releasing checks the lock's token, so only this holder's
    lock goes; one that expired meanwhile is left alone.

    Each token starts with its process's worker id (``owner``): when a replica is killed, the
    survivors delete its locks (:func:`bot.telegram.app.forget_locks`) instead of waiting out
    their expiry.
    """

    def __init__(self, redis: Redis, *, owner: str = "", **kwargs: Any) -> None:
        super().__init__(redis, **kwargs)
        self.owner = owner

    @contextlib.asynccontextmanager
    async def lock(self, key: StorageKey) -> AsyncIterator[None]:
        held = self.redis.lock(
            name=self.key_builder.build(key, "lock"), **self.lock_kwargs, lock_class=Lock
        )
        token = f"{self.owner}:{uuid.uuid4().hex}".encode()
        try:
            await held.acquire(token=token)
        except Exception as error:
            if is_outage(error):  # the SET may have reached Redis, and its answer not us
                held.local.token = token
                _release_later(held)
            raise
        try:
            yield None
        finally:
            try:
                await held.release()
            except Exception as error:
                if not is_outage(error):
                    raise
                _release_later(held)


_releasing: set[asyncio.Task[None]] = set()


def _release_later(held: Lock) -> None:
    async def release() -> None:
        with contextlib.suppress(redis_errors.LockError):  # expired, or never taken
            await until_written(held.release, f"releasing the conversation lock {held.name!r}")

    task = asyncio.create_task(
        release(), name="release a conversation lock", context=contextvars.Context()
    )
    _releasing.add(task)  # held until done: the loop keeps only weak references
    task.add_done_callback(_releasing.discard)
