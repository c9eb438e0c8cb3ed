"""Engine set-up and the start-up database check."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from bot.db.session import DatabaseUnavailable, check_database, create_engine
from tests.bot.db.fixtures import ScratchDatabase


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
