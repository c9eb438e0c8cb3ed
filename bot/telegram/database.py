"""Short database transactions for the bot, one at a time on SQLite.

Handlers never hold a transaction while they talk to Telegram: they open one, read and write,
commit, and only then send. On SQLite every transaction takes the write lock up front
(``BEGIN IMMEDIATE``, see :mod:`bot.db.session`), and a second writer that finds it taken
sleeps in SQLite's busy handler with growing pauses; queueing the transactions on an
asyncio lock instead hands the database over without those pauses. PostgreSQL needs no lock.

A transaction opened while another one is open in the same task joins it: the FSM storage
(:class:`bot.telegram.storage.SqlStorage`) writing the conversation from inside a handler's
transaction commits together with the handler's rows, in one round of BEGIN and COMMIT.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from contextvars import ContextVar

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from bot.db.session import create_sessionmaker

__all__ = ["Database"]


class Database:
    """Transactions over one engine.

    :param engine: the bot's engine (SQLite or PostgreSQL)
    """

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self.sessions = create_sessionmaker(engine)
        self._turn: asyncio.Lock | None = (
            asyncio.Lock() if engine.dialect.name == "sqlite" else None
        )
        self._open: ContextVar[tuple[AsyncSession, list[Callable[[], None]]] | None] = ContextVar(
            f"transaction-{id(self)}", default=None
        )

    @contextlib.asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """A session in a transaction: committed when the outermost block ends, rolled back
        on error. Inside another transaction of this task, that one's session."""
        joined = self._open.get()
        if joined is not None:
            yield joined[0]
            return
        committed: list[Callable[[], None]] = []
        async with self._turn or contextlib.nullcontext():
            async with self.sessions() as session, session.begin():
                token = self._open.set((session, committed))
                try:
                    yield session
                finally:
                    self._open.reset(token)
        for callback in committed:
            callback()

    def after_commit(self, callback: Callable[[], None]) -> None:
        """Run ``callback`` once the open transaction commits (at once if none is open).

        For memory that mirrors the database: it must not change if the transaction that
        wrote the rows rolls back.
        """
        joined = self._open.get()
        if joined is None:
            callback()
        else:
            joined[1].append(callback)
