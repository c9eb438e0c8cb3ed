"""Bring a database to the latest schema with the Alembic revisions shipped in the package."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import URL, Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.db.session import create_engine

__all__ = ["ALEMBIC_INI", "alembic_config", "downgrade", "upgrade", "upgrade_sync"]

ALEMBIC_INI = Path(__file__).with_name("alembic.ini")
"""Found next to this module, so it works installed and from any working directory."""


def alembic_config(url: str | URL) -> Config:
    """The package's Alembic config with ``sqlalchemy.url`` set to ``url``."""
    config = Config(str(ALEMBIC_INI))
    if isinstance(url, URL):
        url = url.render_as_string(hide_password=False)
    # ConfigParser interpolates "%": a percent-encoded password would break without this.
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


async def upgrade(target: str | AsyncEngine, revision: str = "head") -> None:
    """Migrate to ``revision`` (the newest by default).

    :param target: a database URL, or an engine to reuse (e.g. one with a ``search_path``)
    :param revision: Alembic revision id
    """
    await _run(target, command.upgrade, revision)


async def downgrade(target: str | AsyncEngine, revision: str = "base") -> None:
    """Migrate down to ``revision`` (an empty schema by default)."""
    await _run(target, command.downgrade, revision)


def upgrade_sync(url: str, revision: str = "head") -> None:
    """:func:`upgrade` for callers without an event loop (not from inside one)."""
    asyncio.run(upgrade(url, revision))


async def _run(
    target: str | AsyncEngine, step: Callable[[Config, str], None], revision: str
) -> None:
    engine = create_engine(target) if isinstance(target, str) else target
    config = alembic_config(engine.url)

    def run(connection: Connection) -> None:
        config.attributes["connection"] = connection
        step(config, revision)

    try:
        async with engine.begin() as connection:
            await connection.run_sync(run)
    finally:
        if engine is not target:
            await engine.dispose()
