"""Database fixtures: an empty, migrated database per test, on SQLite and on PostgreSQL.

Import them where pytest looks for fixtures, e.g. in ``tests/conftest.py``::

    from tests.bot.db.fixtures import *  # noqa: F403  (the names are in __all__)

``database`` runs a test twice, once per backend; ``sqlite_database`` and
``postgres_database`` pick one; ``db_session`` is a session on ``database``.

Isolation: each SQLite test gets its own file, copied from one migrated per test process.
Each test process migrates its own PostgreSQL schema once (dropped at exit) and every test
starts with its tables emptied and ids reset: much faster than DDL per test, and separate
from other runs sharing the server. Tests that change the schema itself use
:func:`postgres_scratch` / :func:`sqlite_scratch`, which build a fresh one.

PostgreSQL tests are skipped, with the reason, only when nothing listens at the server's
address; ``FAQBOT_TEST_POSTGRES_URL`` overrides the default URL.
"""

from __future__ import annotations

import asyncio
import atexit
import os
import shutil
import socket
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest
from sqlalchemy import make_url, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.db.migrate import upgrade
from bot.db.models import Base
from bot.db.session import create_engine, create_sessionmaker

__all__ = [
    "POSTGRES_URL",
    "ScratchDatabase",
    "database",
    "db_session",
    "postgres_database",
    "postgres_scratch",
    "postgres_url",
    "require_postgres",
    "sqlite_database",
    "sqlite_scratch",
]

POSTGRES_URL = os.environ.get(
    "FAQBOT_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
)


@dataclass(frozen=True)
class ScratchDatabase:
    """A migrated database that lives for one test."""

    backend: str  # "sqlite" or "postgresql"
    url: str
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]


@cache
def _listening(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=2):
            return True
    except OSError:
        return False


def require_postgres(url: str = POSTGRES_URL) -> str:
    """``url`` if a server listens there; otherwise skip the test, saying why."""
    parsed = make_url(url)
    host, port = parsed.host or "127.0.0.1", parsed.port or 5432
    if not _listening(host, port):
        pytest.skip(f"PostgreSQL is not running at {host}:{port} (FAQBOT_TEST_POSTGRES_URL)")
    return url


# --- fresh databases, for tests of the schema itself ----------------------------------------


@asynccontextmanager
async def sqlite_scratch(
    folder: Path, *, migrate: bool = True, name: str = "faqbot-test.sqlite3"
) -> AsyncIterator[ScratchDatabase]:
    """A new SQLite file database ``folder/name``."""
    url = f"sqlite+aiosqlite:///{folder / name}"
    engine = create_engine(url)
    try:
        if migrate:
            await upgrade(engine)
        yield ScratchDatabase("sqlite", url, engine, create_sessionmaker(engine))
    finally:
        await engine.dispose()


def _in_schema(url: str, schema: str) -> AsyncEngine:
    return create_engine(url, connect_args={"server_settings": {"search_path": schema}})


@asynccontextmanager
async def postgres_scratch(url: str, *, migrate: bool = True) -> AsyncIterator[ScratchDatabase]:
    """A new schema on the PostgreSQL server at ``url``, dropped afterwards."""
    schema = f"faqbot_test_{uuid.uuid4().hex[:12]}"
    await _execute(url, f'CREATE SCHEMA "{schema}"')
    try:
        engine = _in_schema(url, schema)
        try:
            if migrate:
                await upgrade(engine)
            yield ScratchDatabase("postgresql", url, engine, create_sessionmaker(engine))
        finally:
            await engine.dispose()
    finally:
        await _execute(url, f'DROP SCHEMA "{schema}" CASCADE')


async def _execute(url: str, statement: str) -> None:
    engine = create_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.execute(text(statement))
    finally:
        await engine.dispose()


# --- reused, emptied databases, for everything else -----------------------------------------

_schemas: dict[str, str] = {}  # server URL -> this process's migrated schema


def _empty_tables_sql() -> str:
    tables = [table.name for table in reversed(Base.metadata.sorted_tables)]
    deletes = "".join(f"DELETE FROM {name};" for name in tables)
    resets = "".join(
        f"PERFORM setval(pg_get_serial_sequence('{name}', 'id'), 1, false);" for name in tables
    )
    # One statement, one round trip.
    return f"DO $$ BEGIN {deletes} {resets} END $$"


def _drop_schema_at_exit(url: str, schema: str) -> None:
    try:
        asyncio.run(_execute(url, f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    except Exception:  # the server may be gone by now; a leftover schema is harmless
        pass


@asynccontextmanager
async def _reused_postgres(url: str) -> AsyncIterator[ScratchDatabase]:
    schema = _schemas.get(url)
    if schema is None:
        schema = f"faqbot_test_{uuid.uuid4().hex[:12]}"
        await _execute(url, f'CREATE SCHEMA "{schema}"')
        atexit.register(_drop_schema_at_exit, url, schema)
        engine = _in_schema(url, schema)
        await upgrade(engine)
        _schemas[url] = schema
    else:
        engine = _in_schema(url, schema)
        async with engine.begin() as connection:
            await connection.execute(text(_empty_tables_sql()))
    try:
        yield ScratchDatabase("postgresql", url, engine, create_sessionmaker(engine))
    finally:
        await engine.dispose()


@asynccontextmanager
async def _copied_sqlite(folder: Path, template_dir: Path) -> AsyncIterator[ScratchDatabase]:
    template = template_dir / "migrated.sqlite3"
    if not template.exists():
        template_dir.mkdir(parents=True, exist_ok=True)
        async with sqlite_scratch(template_dir, name=template.name):
            pass  # disposing the engine checkpoints the WAL into the file
    shutil.copyfile(template, folder / "faqbot-test.sqlite3")
    async with sqlite_scratch(folder, migrate=False) as db:
        yield db


def _template_dir(factory: pytest.TempPathFactory) -> Path:
    return factory.getbasetemp() / "faqbot-migrated-sqlite"


@pytest.fixture
def postgres_url() -> str:
    return require_postgres()


@pytest.fixture
async def sqlite_database(
    tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[ScratchDatabase]:
    async with _copied_sqlite(tmp_path, _template_dir(tmp_path_factory)) as db:
        yield db


@pytest.fixture
async def postgres_database(postgres_url: str) -> AsyncIterator[ScratchDatabase]:
    async with _reused_postgres(postgres_url) as db:
        yield db


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
async def database(
    request: pytest.FixtureRequest, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[ScratchDatabase]:
    """An empty, migrated database; tests using it run once per backend."""
    if request.param == "postgresql":
        async with _reused_postgres(require_postgres()) as db:
            yield db
    else:
        async with _copied_sqlite(tmp_path, _template_dir(tmp_path_factory)) as db:
            yield db


@pytest.fixture
async def db_session(database: ScratchDatabase) -> AsyncIterator[AsyncSession]:
    """A session on :func:`database`; commit or not, the next test starts empty."""
    async with database.sessions() as session:
        yield session
