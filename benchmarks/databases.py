"""Scratch databases the bot benchmarks run on: made fresh for a run, dropped after it.

Two shapes, because the two benchmarks start the bot differently: ``desk_reliability`` runs it
in this process on an engine it builds, so the database comes migrated
(:func:`migrated_database`); ``bot_throughput`` runs ``python -m bot``, which migrates at
start-up and takes only a URL, so it gets an empty database of its own
(:func:`empty_database`).
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from bot.db.migrate import upgrade
from bot.db.session import create_engine

POSTGRES_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
POSTGRES_SERVER = "postgresql://postgres@127.0.0.1:5432/test"


@dataclass
class Scratch:
    """A migrated database the bot gets a new engine for at every start, as a process would."""

    backend: str
    url: str
    connect_args: dict[str, Any]

    def engine(self) -> AsyncEngine:
        return create_engine(self.url, connect_args=self.connect_args)

    def reader(self) -> AsyncEngine:
        """The benchmark's own engine: plain reads (the bot's SQLite engine takes the write
        lock at BEGIN)."""
        return create_async_engine(self.url, connect_args=self.connect_args)


@contextlib.asynccontextmanager
async def migrated_database(backend: str, folder: Path) -> AsyncIterator[Scratch]:
    """A fresh database at the schema's head: an SQLite file in ``folder``, or a scratch
    schema on PostgreSQL (dropped after); the bot gets a new engine for it at every start."""
    if backend == "sqlite":
        scratch = Scratch(backend, f"sqlite+aiosqlite:///{folder / 'desk.sqlite3'}", {})
        engine = scratch.engine()
        try:
            await upgrade(engine)
        finally:
            await engine.dispose()
        yield scratch
        return
    schema = f"faqbot_desk_{uuid.uuid4().hex[:10]}"
    server = create_engine(POSTGRES_URL)
    try:
        async with server.begin() as connection:
            await connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        scratch = Scratch(backend, POSTGRES_URL, {"server_settings": {"search_path": schema}})
        engine = scratch.engine()
        try:
            await upgrade(engine)
        finally:
            await engine.dispose()
        yield scratch
    finally:
        async with server.begin() as connection:
            await connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        await server.dispose()


@contextlib.asynccontextmanager
async def empty_database(
    backend: str, folder: Path, *, server: str = POSTGRES_SERVER
) -> AsyncIterator[str]:
    """A fresh, empty database URL for the bot (it migrates it at start-up): an SQLite file in
    ``folder``, or a PostgreSQL database made on ``server`` and dropped after.

    :param server: a plain ``postgresql://`` URL of a database on the server to connect to
    """
    if backend == "sqlite":
        yield f"sqlite+aiosqlite:///{folder / 'bench.sqlite3'}"
        return
    name = f"faqbot_scratch_{uuid.uuid4().hex[:10]}"
    connection = await asyncpg.connect(server)
    try:
        await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()
    try:
        yield f"postgresql+asyncpg://{server.partition('://')[2].rpartition('/')[0]}/{name}"
    finally:
        connection = await asyncpg.connect(server)
        try:
            await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await connection.close()


async def postgres_up() -> bool:
    """Whether the PostgreSQL server listens at 127.0.0.1:5432 (else its runs are skipped)."""
    try:
        _, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", 5432), 2)
    except (OSError, TimeoutError):
        return False
    writer.close()
    await writer.wait_closed()
    return True
