"""Engine set-up and the start-up database check."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.db.session import DatabaseUnavailable, check_database, create_engine
from tests.bot.db.fixtures import ScratchDatabase, require_postgres


async def test_check_database_passes_on_a_live_database(database: ScratchDatabase) -> None:
    await check_database(database.engine)


@pytest.mark.parametrize(
    "url",
    [
        "postgresql+asyncpg://bot:TOPSECRET@127.0.0.1:1/faq",
        "sqlite+aiosqlite:////nonexistent-dir/for/faqbot.sqlite3",
    ],
)
async def test_unreachable_database_is_one_clear_line(url: str) -> None:
    engine = create_engine(url)
    try:
        with pytest.raises(DatabaseUnavailable) as caught:
            await check_database(engine)
    finally:
        await engine.dispose()
    message = str(caught.value)
    assert "TOPSECRET" not in message
    assert "\n" not in message
    assert message.startswith(f"database {engine.url.render_as_string(hide_password=True)} ")
    assert "Check DATABASE_URL" in message


async def test_sqlite_has_foreign_keys_and_wal(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'x.sqlite3'}")
    try:
        async with engine.connect() as connection:
            assert (await connection.scalar(text("PRAGMA foreign_keys"))) == 1
            assert (await connection.scalar(text("PRAGMA journal_mode"))) == "wal"
    finally:
        await engine.dispose()


async def test_in_memory_sqlite_works() -> None:
    engine = create_engine("sqlite+aiosqlite://")
    try:
        await check_database(engine)
    finally:
        await engine.dispose()


async def _backend_pid(engine: AsyncEngine) -> int:
    async with engine.connect() as connection:
        return int(await connection.scalar(text("SELECT pg_backend_pid()")))


async def _kill(pid: int) -> None:
    killer = create_engine(require_postgres())
    try:
        async with killer.connect() as connection:
            await connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    finally:
        await killer.dispose()


async def test_postgres_pool_keeps_its_connections() -> None:
    """Opened under load, kept after it: the next burst does not pay for new connections."""
    engine = create_engine(require_postgres(), connections=10)

    async def burst() -> set[int]:
        async with contextlib.AsyncExitStack() as stack:
            connections = [await stack.enter_async_context(engine.connect()) for _ in range(8)]
            return {int(await c.scalar(text("SELECT pg_backend_pid()"))) for c in connections}

    try:
        first = await burst()
        assert engine.sync_engine.pool.checkedin() == 8
        assert await burst() == first
    finally:
        await engine.dispose()


async def test_connection_killed_while_idle_is_replaced_on_checkout() -> None:
    engine = create_engine(require_postgres(), ping_idle_s=0.0)
    try:
        pid = await _backend_pid(engine)
        await _kill(pid)
        await asyncio.sleep(0.05)
        assert await _backend_pid(engine) != pid  # pinged, dropped, a new one opened
    finally:
        await engine.dispose()


async def test_connection_back_a_moment_ago_is_not_pinged() -> None:
    """The converse, to show that the ping is what replaced it above: within
    ``ping_idle_s`` the pool hands the dead connection out, and the query fails."""
    engine = create_engine(require_postgres(), ping_idle_s=3600.0)
    try:
        pid = await _backend_pid(engine)
        await _kill(pid)
        await asyncio.sleep(0.05)
        with pytest.raises(DBAPIError):
            await _backend_pid(engine)
        assert await _backend_pid(engine) != pid  # the pool was invalidated: new one
    finally:
        await engine.dispose()
