"""Engine and session factory, and the start-up check that the database answers."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping
from typing import Any

from sqlalchemy import event, exc, make_url, text
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

__all__ = ["DatabaseUnavailable", "check_database", "create_engine", "create_sessionmaker"]

# How long an SQLite writer waits for another one before "database is locked".
SQLITE_BUSY_TIMEOUT_S = 30
_DRIVER_SETTLE_S = 0.05
POOL_WAIT_S = 60.0
"""How long a transaction waits for a free connection when the pool is in use."""
PING_IDLE_S = 1.0
"""A PostgreSQL connection idle in the pool longer than this is pinged before use (one left
by a restarted server is replaced, not handed to a transaction); one back within this time is
not. SQLAlchemy's ``pool_pre_ping`` pings every checkout, and asyncpg's ping is three round
trips (BEGIN, a query, ROLLBACK): under load that was a third of the bot's database calls."""


class DatabaseUnavailable(Exception):
    """The database did not answer ``SELECT 1``; the URL is shown without its password."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(url, reason)
        self.url = url
        self.reason = reason

    def __str__(self) -> str:
        return (
            f"database {self.url} is unavailable: {self.reason}. "
            "Check DATABASE_URL and that the server is running."
        )


def create_engine(
    url: str | URL,
    *,
    echo: bool = False,
    connect_args: Mapping[str, Any] | None = None,
    connections: int = 15,
    ping_idle_s: float = PING_IDLE_S,
) -> AsyncEngine:
    """An async engine set up for the backend in ``url``.

    SQLite gets WAL, foreign keys and ``BEGIN IMMEDIATE`` transactions; PostgreSQL gets a
    pool of at most ``connections``, where a caller over the limit waits for a connection (up
    to :data:`POOL_WAIT_S`) instead of failing. The pool keeps what it opened: a connection
    closed after each burst is opened again at the next one (TCP, TLS negotiation,
    authentication, and asyncpg's prepared statements lost with it), which under load cost
    more CPU than the queries. Connections idle for a while are pinged (:data:`PING_IDLE_S`).

    :param url: an async URL (``sqlite+aiosqlite://...``, ``postgresql+asyncpg://...``)
    :param echo: log SQL
    :param connect_args: passed to the driver, e.g. asyncpg's ``server_settings``
    :param connections: the PostgreSQL pool's size, its overflow included
        (:meth:`bot.settings.Settings.pool_connections`)
    :param ping_idle_s: PostgreSQL: ping a pooled connection idle longer than this
    """
    url = make_url(url)
    args = dict(connect_args or {})
    if url.get_backend_name() != "sqlite":
        engine = create_async_engine(
            url,
            echo=echo,
            connect_args=args,
            pool_size=connections,
            max_overflow=0,
            pool_timeout=POOL_WAIT_S,
        )
        _ping_when_idle(engine, ping_idle_s)
        return engine
    args.setdefault("timeout", SQLITE_BUSY_TIMEOUT_S)
    engine = create_async_engine(url, echo=echo, connect_args=args)
    _configure_sqlite(engine, in_memory=url.database in (None, "", ":memory:"))
    return engine


def _ping_when_idle(engine: AsyncEngine, idle_s: float) -> None:
    """Ping a connection on checkout if it sat in the pool longer than ``idle_s``.

    Raising ``DisconnectionError`` from a checkout listener makes the pool drop the connection
    and hand out another (SQLAlchemy's "pessimistic" disconnect handling, done by hand).
    """
    dialect = engine.sync_engine.dialect

    @event.listens_for(engine.sync_engine, "checkin")
    def _on_checkin(_dbapi_connection: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine.sync_engine, "checkout")
    def _on_checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        since = record.info.get("idle_since")
        if since is None or time.monotonic() - since <= idle_s:
            return  # new, or back in the pool a moment ago
        try:
            dialect.do_ping(dbapi_connection)
        except dialect.loaded_dbapi.Error as error:
            if dialect.is_disconnect(error, dbapi_connection, None):
                raise exc.DisconnectionError(str(error)) from error
            raise


def _configure_sqlite(engine: AsyncEngine, *, in_memory: bool) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the sqlite3 module, emit BEGIN: the module's legacy mode
        # skips BEGIN before SELECT and SAVEPOINT, which breaks savepoints and DDL rollback.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        if not in_memory:
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        # IMMEDIATE takes the write lock up front. A deferred transaction that reads and
        # then writes fails at once with "database is locked" when another writer got in
        # between; an immediate one waits its turn (busy timeout) instead.
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions that keep loaded values after commit (handlers read them afterwards)."""
    return async_sessionmaker(engine, expire_on_commit=False)


async def check_database(engine: AsyncEngine) -> None:
    """Run ``SELECT 1``; raise :class:`DatabaseUnavailable` with one clear line if it fails."""
    try:
        async with engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
    except Exception as exc:  # any driver or network failure means the same thing here
        # After a failed connect aiosqlite stops its worker thread without waiting for it;
        # if the loop closes first, the thread prints "Event loop is closed" under our one
        # clear line (omnilib/aiosqlite#241, fix pending in PR #389). Give it a moment.
        await asyncio.sleep(_DRIVER_SETTLE_S)
        raise DatabaseUnavailable(
            engine.url.render_as_string(hide_password=True), _first_line(exc)
        ) from exc


def _first_line(exc: BaseException) -> str:
    cause = getattr(exc, "orig", None) or exc
    lines = str(cause).strip().splitlines()
    return f"{type(cause).__name__}: {lines[0] if lines else ''}".rstrip(": ")
