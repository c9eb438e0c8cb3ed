"""Bring a database to the latest schema with the Alembic revisions shipped in the package.

A database already at the newest revision is the usual case at start-up, and Alembic costs a
quarter of a second to import and read its scripts: :func:`upgrade` first reads the stored
revision with one query and compares it with :func:`head_revision`, read from the file names
(``0005_customer_contact.py`` is revision ``0005``; a test holds Alembic to the same head).

Replicas starting together on one PostgreSQL database migrate it once: the migration runs
in a transaction that first takes the advisory lock :data:`MIGRATION_LOCK`; the others wait
for that transaction to commit, find the database at the target and do nothing.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import text
from sqlalchemy.engine import URL, Connection
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.db.session import create_engine

if TYPE_CHECKING:
    from alembic.config import Config

__all__ = [
    "ALEMBIC_INI",
    "MIGRATION_LOCK",
    "VERSIONS",
    "alembic_config",
    "current_revision",
    "downgrade",
    "head_revision",
    "upgrade",
    "upgrade_sync",
]

ALEMBIC_INI = Path(__file__).with_name("alembic.ini")
"""Found next to this module, so it works installed and from any working directory."""
VERSIONS = Path(__file__).with_name("migrations") / "versions"
_NUMBERED = re.compile(r"^(\d{4})_\w+\.py$")
MIGRATION_LOCK = 0x66617162_6F74_0001  # "faqbot", 1: one key for every faqbot database
"""The transaction-level advisory lock a PostgreSQL migration holds."""


def alembic_config(url: str | URL) -> Config:
    """The package's Alembic config with ``sqlalchemy.url`` set to ``url``."""
    from alembic.config import Config

    config = Config(str(ALEMBIC_INI))
    if isinstance(url, URL):
        url = url.render_as_string(hide_password=False)
    # ConfigParser interpolates "%": a percent-encoded password would break without this.
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def head_revision(versions: Path = VERSIONS) -> str:
    """The newest revision shipped: the highest numbered migration file."""
    numbers = [m.group(1) for p in versions.iterdir() if (m := _NUMBERED.match(p.name))]
    return max(numbers)


async def current_revision(engine: AsyncEngine) -> str | None:
    """The revision the database is at; None for a database Alembic never touched."""
    try:
        async with engine.connect() as connection:
            rows = (await connection.execute(text("SELECT version_num FROM alembic_version"))).all()
    except DBAPIError:  # no such table yet
        return None
    return rows[0][0] if len(rows) == 1 else None


async def upgrade(target: str | AsyncEngine, revision: str = "head") -> None:
    """Migrate to ``revision`` (the newest by default); nothing to import when already there.

    :param target: a database URL, or an engine to reuse (e.g. one with a ``search_path``)
    :param revision: Alembic revision id
    """
    await _run(target, "upgrade", revision, skip_if_at_head=revision == "head")


async def downgrade(target: str | AsyncEngine, revision: str = "base") -> None:
    """Migrate down to ``revision`` (an empty schema by default)."""
    await _run(target, "downgrade", revision)


def upgrade_sync(url: str, revision: str = "head") -> None:
    """:func:`upgrade` for callers without an event loop (not from inside one)."""
    asyncio.run(upgrade(url, revision))


async def _run(
    target: str | AsyncEngine,
    step: str,
    revision: str,
    *,
    skip_if_at_head: bool = False,
) -> None:
    engine = create_engine(target) if isinstance(target, str) else target
    try:
        if skip_if_at_head and await current_revision(engine) == head_revision():
            return
        from alembic import command

        config = alembic_config(engine.url)
        command_step: Callable[[Config, str], None] = getattr(command, step)

        def run(connection: Connection) -> None:
            config.attributes["connection"] = connection
            command_step(config, revision)

        async with engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                await connection.execute(
                    text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK}
                )
                # Another process may have migrated while this one waited for the lock.
                if skip_if_at_head and await current_revision(engine) == head_revision():
                    return
            await connection.run_sync(run)
    finally:
        if engine is not target:
            await engine.dispose()
