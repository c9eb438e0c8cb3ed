"""Database.reading: one read without BEGIN and COMMIT where the backend allows it."""

from __future__ import annotations

from sqlalchemy import text

from bot.serving import Database
from tests.bot.db.fixtures import ScratchDatabase

# Two statements in one transaction see one transaction id; in autocommit each statement is a
# transaction of its own, with an id of its own.
XID = text("SELECT txid_current()")


async def test_a_read_on_postgresql_sends_no_begin(postgres_database: ScratchDatabase) -> None:
    database = Database(postgres_database.engine)
    async with database.reading() as session:
        assert await session.scalar(XID) != await session.scalar(XID)
    async with database.transaction() as session:
        assert await session.scalar(XID) == await session.scalar(XID)


async def test_a_read_inside_a_transaction_joins_it(postgres_database: ScratchDatabase) -> None:
    database = Database(postgres_database.engine)
    async with database.transaction() as outer:
        async with database.reading() as session:
            assert session is outer


async def test_a_read_on_sqlite_is_a_transaction(sqlite_database: ScratchDatabase) -> None:
    """SQLite's transactions take the write turn: a read takes it too, in order."""
    database = Database(sqlite_database.engine)
    async with database.reading() as session:
        assert database._open.get() is not None
        assert await session.scalar(text("SELECT 1")) == 1
