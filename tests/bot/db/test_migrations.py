"""Alembic revisions: they build exactly the models' schema, on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect
from sqlalchemy.engine import Connection

from bot.db.migrate import (
    ALEMBIC_INI,
    alembic_config,
    current_revision,
    downgrade,
    head_revision,
    upgrade,
    upgrade_sync,
)
from bot.db.models import Base
from tests.bot.db.fixtures import (
    ScratchDatabase,
    postgres_scratch,
    require_postgres,
    sqlite_scratch,
)

VERSIONS = ALEMBIC_INI.parent / "migrations" / "versions"


def _diff(connection: Connection) -> list[Any]:
    return list(compare_metadata(MigrationContext.configure(connection), Base.metadata))


def _tables(connection: Connection) -> set[str]:
    return set(inspect(connection).get_table_names())


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
async def empty_database(
    request: pytest.FixtureRequest, tmp_path: Path
) -> AsyncIterator[ScratchDatabase]:
    if request.param == "postgresql":
        async with postgres_scratch(require_postgres(), migrate=False) as db:
            yield db
    else:
        async with sqlite_scratch(tmp_path, migrate=False) as db:
            yield db


async def test_upgrade_builds_the_models_schema(empty_database: ScratchDatabase) -> None:
    await upgrade(empty_database.engine)
    async with empty_database.engine.connect() as connection:
        assert await connection.run_sync(_diff) == []


async def test_downgrade_empties_and_upgrade_again_rebuilds(
    empty_database: ScratchDatabase,
) -> None:
    await upgrade(empty_database.engine)
    await upgrade(empty_database.engine)  # already at head: nothing to do
    await downgrade(empty_database.engine)
    async with empty_database.engine.connect() as connection:
        assert await connection.run_sync(_tables) == {"alembic_version"}
    await upgrade(empty_database.engine)
    async with empty_database.engine.connect() as connection:
        assert await connection.run_sync(_diff) == []


def _open_ticket_index(connection: Connection) -> dict[str, object]:
    indexes = {ix["name"]: ix for ix in inspect(connection).get_indexes("tickets")}
    return dict(indexes["uq_tickets_customer_id_open"])


async def test_one_open_ticket_index_has_its_predicate(empty_database: ScratchDatabase) -> None:
    # compare_metadata does not look at partial-index predicates, so check this one here.
    await upgrade(empty_database.engine)
    async with empty_database.engine.connect() as connection:
        index = await connection.run_sync(_open_ticket_index)
    assert index["unique"]
    assert index["column_names"] == ["customer_id"]
    options = index.get("dialect_options", {})
    assert isinstance(options, dict)
    predicate = str(options.get(f"{empty_database.backend}_where", ""))
    assert all(status in predicate for status in ("new", "in_progress", "waiting_customer"))
    assert "resolved" not in predicate and "closed" not in predicate


def test_upgrade_sync_works_from_any_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    database = tmp_path / "elsewhere.sqlite3"
    upgrade_sync(f"sqlite+aiosqlite:///{database}")
    assert database.exists()
    assert not (tmp_path / "alembic").exists()


def test_revisions_are_numbered_and_chained() -> None:
    script = ScriptDirectory.from_config(alembic_config("sqlite+aiosqlite://"))
    revisions = list(reversed(list(script.walk_revisions())))
    assert [r.revision for r in revisions][0] == "0001"
    for number, revision in enumerate(revisions, start=1):
        assert revision.revision == f"{number:04d}"
        assert revision.path is not None
        assert re.fullmatch(rf"{number:04d}_[a-z0-9_]+\.py", Path(revision.path).name)
        assert revision.down_revision == (f"{number - 1:04d}" if number > 1 else None)
    assert script.get_current_head() == revisions[-1].revision == head_revision()
    on_disk = [p.name for p in VERSIONS.glob("*.py") if p.name != "__init__.py"]
    assert sorted(on_disk) == sorted(Path(r.path).name for r in revisions if r.path)


async def test_the_stored_revision_is_read_without_alembic(
    empty_database: ScratchDatabase,
) -> None:
    """Start-up skips Alembic when the stored revision is the head: both must be read right."""
    assert await current_revision(empty_database.engine) is None
    await upgrade(empty_database.engine, "0002")
    assert await current_revision(empty_database.engine) == "0002"
    await upgrade(empty_database.engine)  # not at head: Alembic runs and migrates
    assert await current_revision(empty_database.engine) == head_revision()
    async with empty_database.engine.connect() as connection:
        assert await connection.run_sync(_diff) == []


def test_alembic_config_escapes_percent_in_password() -> None:
    url = "postgresql+asyncpg://bot:p%40ss@db/faq"
    assert alembic_config(url).get_main_option("sqlalchemy.url") == url
