"""Which process handles a chat now: PostgreSQL advisory locks, one connection per process.

Several replicas behind one URL receive any chat's updates, and a chat's updates must be
handled one after another. A replica owns a chat while it holds the chat's session-level
advisory lock (``pg_try_advisory_lock``) on a connection of its own, kept open for that
alone: PostgreSQL grants it to one session at a time, and drops every lock of a session
whose connection ends, so a replica killed with SIGKILL frees its chats by dying. Nothing
is written to a table, and a lock costs one round trip to take and one to give back.

The connection is a plain asyncpg one, not from the engine's pool: a pooled connection given
back would keep its session's locks for whoever borrows it next. It runs in autocommit, so it
never sits idle in a transaction.

::

    locks = await ChatLocks.connect(url, prefix="7000")
    if await locks.try_own("1001"):   # this process handles chat 1001 now
        ...
        await locks.release("1001")
    await locks.close()               # every lock still held goes with the connection
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Awaitable, Callable, Iterable
from typing import TypeVar

import asyncpg
from sqlalchemy.engine import URL, make_url

__all__ = ["ChatLocks", "lock_id"]

logger = logging.getLogger(__name__)

T = TypeVar("T")


def lock_id(prefix: str, key: str) -> int:
    """The advisory lock's 64-bit key for a chat: a stable hash of ``prefix`` and ``key``.

    Two chats that hash alike share an owner, which costs a chat's update at most one sweep's
    wait, never its order. The prefix (the bot's id) keeps two bots on one database apart.

    >>> lock_id("7000", "1001") == lock_id("7000", "1001") != lock_id("7001", "1001")
    True
    """
    digest = hashlib.blake2b(f"{prefix}:{key}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def plain_dsn(url: str | URL) -> str:
    """``postgresql+asyncpg://...`` as the ``postgresql://...`` asyncpg takes."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


class ChatLocks:
    """The chats this process owns, as advisory locks held on one connection.

    :param connection: an asyncpg connection for the locks alone (see :meth:`connect`)
    :param prefix: mixed into every lock key (the bot's id)
    :param dsn: where to connect again if the connection is lost
    """

    def __init__(self, connection: asyncpg.Connection, *, prefix: str, dsn: str = "") -> None:
        self.connection = connection
        self._dsn = dsn
        self.prefix = prefix
        self._owned: set[str] = set()
        # One query at a time on a connection: asyncpg refuses a second one meanwhile.
        self._turn = asyncio.Lock()

    @classmethod
    async def connect(cls, url: str | URL, *, prefix: str) -> ChatLocks:
        """Open the locks' own connection to the database at ``url``."""
        dsn = plain_dsn(url)
        return cls(await asyncpg.connect(dsn), prefix=prefix, dsn=dsn)

    @property
    def owned(self) -> frozenset[str]:
        """The chats this process holds the lock of."""
        return frozenset(self._owned)

    def owns(self, key: str) -> bool:
        return key in self._owned

    async def try_own(self, key: str) -> bool:
        """Take the chat if no process holds it; ``True`` if this one does now."""
        return key in await self.try_own_many([key])

    async def try_own_many(self, keys: Iterable[str]) -> set[str]:
        """Take every chat of ``keys`` nobody holds, in one round trip.

        :returns: the chats this process holds now (the ones it held before included)
        """
        keys = list(keys)
        wanted = {lock_id(self.prefix, key): key for key in keys if key not in self._owned}
        held = {key for key in keys if key in self._owned}
        if not wanted:
            return held
        async with self._turn:
            if self.connection.is_closed():
                await self._reconnect()
            rows = await self.connection.fetch(
                "SELECT k FROM unnest($1::bigint[]) AS k WHERE pg_try_advisory_lock(k)",
                list(wanted),
            )
        taken = {wanted[row["k"]] for row in rows}
        self._owned |= taken
        return held | taken

    async def read(self, query: Callable[[asyncpg.Connection], Awaitable[T]]) -> T:
        """Run a read on the locks' connection, in turn with the lock calls: it sees what was
        committed before a lock this process just took or gave back, in one round trip and
        without the engine's pool."""
        async with self._turn:
            if self.connection.is_closed():
                await self._reconnect()
            return await query(self.connection)

    async def _reconnect(self) -> None:
        """The connection died (the server restarted): its locks are gone with it, so this
        process owns nothing now; the chats in hand may meet another owner's (logged)."""
        if self._owned:
            logger.error(
                "the chat locks' connection was lost: %d chats may be handled twice meanwhile",
                len(self._owned),
            )
        self._owned.clear()
        self.connection = await asyncpg.connect(self._dsn)

    async def release(self, key: str) -> None:
        """Give the chat back; another process may take it at once."""
        if key not in self._owned:
            return
        self._owned.discard(key)
        async with self._turn:
            if self.connection.is_closed():
                return  # gone with the connection
            released = await self.connection.fetchval(
                "SELECT pg_advisory_unlock($1)", lock_id(self.prefix, key)
            )
        if not released:  # the connection was replaced, or a bug: say so, nothing to undo
            logger.error("chat %s: its lock was not held when released", key)

    async def close(self) -> None:
        """Close the connection: PostgreSQL releases every lock it held."""
        self._owned.clear()
        async with self._turn:
            await self.connection.close()
