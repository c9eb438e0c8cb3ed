"""Short database transactions for the bot, one at a time on SQLite.

Handlers never hold a transaction while they talk to Telegram: they open one, read and write,
commit, and only then send. On SQLite every transaction takes the write lock up front
(``BEGIN IMMEDIATE``, see :mod:`bot.db.session`), and a second writer that finds it taken
sleeps in SQLite's busy handler with growing pauses; queueing the transactions on an
asyncio lock instead hands the database over without those pauses. PostgreSQL needs no lock.

A transaction opened while another one is open in the same task joins it: the FSM storage
(:class:`bot.telegram.storage.SqlStorage`) writing the conversation from inside a handler's
transaction commits together with the handler's rows, in one round of BEGIN and COMMIT.

A :class:`Passenger` rides along: whatever it has waiting (the intake journal's "handled"
marks) is written into the next transaction that commits, whoever opened it, instead of
queueing a transaction of its own behind everyone else's.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator, Callable
from contextvars import ContextVar
from typing import Any, Protocol

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.orm import Session

from bot.db.models import Ticket, TicketMessage

__all__ = ["Database", "Landed", "Passenger"]

Landed = Callable[[bool], None]
"""Told whether the transaction a passenger wrote into committed (True) or rolled back."""


class Passenger(Protocol):
    async def board(self, session: AsyncSession) -> Landed | None:
        """Write what is waiting into ``session``, about to commit; None if nothing was."""
        ...


_TICKET_WRITE = "ticket_write"


class _WatchedSession(Session):
    """Notes in ``info`` whether a flush added a ticket or a ticket message."""


@event.listens_for(_WatchedSession, "before_flush")
def _note_ticket_writes(session: Session, _context: Any, _instances: Any) -> None:
    if not session.info.get(_TICKET_WRITE) and any(
        isinstance(row, (TicketMessage, Ticket)) for row in session.new
    ):
        session.info[_TICKET_WRITE] = True


class Database:
    """Transactions over one engine.

    :param engine: the bot's engine (SQLite or PostgreSQL)
    :param worker: who this process is when it claims a delivery
        (:mod:`bot.serving.liveness`); a new id for every process if omitted
    """

    def __init__(self, engine: AsyncEngine, *, worker: str | None = None) -> None:
        self.engine = engine
        self.worker = worker or uuid.uuid4().hex
        # Keep loaded values after commit: handlers read them afterwards.
        self.sessions = async_sessionmaker(
            engine, expire_on_commit=False, sync_session_class=_WatchedSession
        )
        self._ticket_listeners: list[Callable[[], None]] = []
        self._passengers: list[Passenger] = []
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
        landed: list[Landed] = []
        try:
            async with self._turn or contextlib.nullcontext():
                async with self.sessions() as session, session.begin():
                    token = self._open.set((session, committed))
                    try:
                        yield session
                        for passenger in self._passengers:
                            outcome = await passenger.board(session)
                            if outcome is not None:
                                landed.append(outcome)
                    finally:
                        self._open.reset(token)
        except BaseException:
            for outcome in landed:
                outcome(False)
            raise
        for outcome in landed:
            outcome(True)
        for callback in committed:
            callback()
        if session.sync_session.info.pop(_TICKET_WRITE, False):
            for listener in self._ticket_listeners:
                listener()

    @contextlib.asynccontextmanager
    async def reading(self) -> AsyncIterator[AsyncSession]:
        """A session for one read, without a transaction around it where that saves work.

        On PostgreSQL the statement runs in autocommit: a lone SELECT is its own transaction
        there anyway, and BEGIN and COMMIT would be two more round trips. SQLite takes its
        write lock at BEGIN (see :mod:`bot.db.session`), so there, and inside an open
        transaction of this task, this is :meth:`transaction`. Nothing is written through it.
        """
        if self._turn is not None or self._open.get() is not None:
            async with self.transaction() as session:
                yield session
            return
        async with self.engine.connect() as connection:
            await connection.execution_options(isolation_level="AUTOCOMMIT")
            async with AsyncSession(bind=connection, expire_on_commit=False) as session:
                yield session

    def on_ticket_write(self, listener: Callable[[], None]) -> None:
        """Call ``listener`` after every commit that stored a new ticket or ticket message
        (the relay wakes up: there is a topic to create or a message to deliver)."""
        self._ticket_listeners.append(listener)

    def carry(self, passenger: Passenger) -> None:
        """Let ``passenger`` write into every transaction from now on, just before it commits."""
        self._passengers.append(passenger)

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
