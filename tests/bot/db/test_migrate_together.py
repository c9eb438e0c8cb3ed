"""Replicas starting together on one PostgreSQL database migrate it once, the others wait."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import text

from bot.db.migrate import head_revision, upgrade
from tests.bot.db.fixtures import postgres_scratch, require_postgres

pytestmark = pytest.mark.postgres


async def test_three_starts_at_once_migrate_an_empty_database_once() -> None:
    async with postgres_scratch(require_postgres(), migrate=False) as db:
        # Three connections of one pool, each its own transaction: without the migration's
        # advisory lock they trip over each other (here they wait on each other for good).
        async with asyncio.timeout(120):
            await asyncio.gather(*(upgrade(db.engine) for _ in range(3)))
        async with db.engine.connect() as connection:
            versions = (
                await connection.execute(text("SELECT version_num FROM alembic_version"))
            ).all()
        assert versions == [(head_revision(),)]
