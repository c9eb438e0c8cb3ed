"""End-to-end fixtures: the bot over real HTTP against the Bot API emulator and a real database.

``bot`` runs the whole application (``build_app``, long polling in a task) on the ``database``
fixture, so every test that uses it runs on SQLite and on PostgreSQL. The knowledge base is the
demo one in ``articles/``, indexed once per session. The clock stands still on a working
Wednesday, so SLA texts do not depend on when the tests run.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.emulator import TelegramEmulator
from bot.emulator.client import LocalSession
from bot.emulator.driver import Chat
from bot.emulator.state import JSON
from bot.serving import Answers, Database, Services
from bot.settings import Settings
from bot.telegram import App, build_app
from bot.tickets import Clock as ClockFunction
from bot.tickets import utc_now
from kb import load_folder
from kb.index import Index
from tests.bot.db.fixtures import ScratchDatabase
from tests.emulator_fixtures import telegram as telegram_fixture  # noqa: F401

ARTICLES = Path(__file__).resolve().parents[2] / "articles"
WORKING_HOURS = datetime(2025, 1, 15, 9, 0, tzinfo=UTC)  # Wednesday, 12:00 in Moscow
NIGHT = datetime(2025, 1, 15, 20, 0, tzinfo=UTC)  # Wednesday, 23:00 in Moscow


@pytest.fixture(scope="session")
def answers() -> Answers:
    """The demo knowledge base, searchable; built once (about a second)."""
    result = load_folder(ARTICLES)
    assert not result.problems, result.problems
    return Answers(Index.build(result.catalog)).warm_up()


@pytest.fixture
def warm_cache(answers: Answers) -> dict[str, str]:
    """Environment for a bot started as a process: the suite's embeddings cache, which already
    holds the demo KB's passages (``answers`` embedded them). From an empty cache the process
    would embed them itself before polling: ~50 s on a slow two-core machine, past the
    tests' start-up time-out."""
    return {"XDG_CACHE_HOME": os.environ["XDG_CACHE_HOME"]}


@dataclass
class Clock:
    """A clock that stands still until a test moves it."""

    now: datetime = WORKING_HOURS

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


def make_settings(
    telegram: TelegramEmulator, database: ScratchDatabase, **overrides: Any
) -> Settings:
    values: dict[str, Any] = {
        "bot_token": telegram.token,
        "bot_api_url": telegram.base_url,
        "database_url": database.url,
        "redis_url": None,
        "rate_limit_per_minute": 1000,
        # Paced to Telegram's limits only where the emulator enforces them.
        "telegram_limits": telegram.flood is not None,
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)


def with_services(
    settings: Settings, engine: AsyncEngine, answers: Answers, clock: ClockFunction = utc_now
) -> tuple[Settings, Services]:
    """``settings`` and the services over them, as :mod:`bot.startup` builds them."""
    services = Services.from_settings(
        settings, database=Database(engine), answers=answers, clock=clock
    )
    return settings, services


@contextlib.asynccontextmanager
async def running(
    telegram: TelegramEmulator,
    database: ScratchDatabase,
    answers: Answers,
    clock: Callable[[], datetime],
    **settings: Any,
) -> AsyncIterator[App]:
    """The bot polling the emulator until the block ends; then stopped and closed."""
    redis_prefix = settings.pop("redis_prefix", "faqbot")
    limiter = settings.pop("limiter", None)
    app = build_app(
        *with_services(
            make_settings(telegram, database, **settings), database.engine, answers, clock
        ),
        session=LocalSession(api=_api(telegram)),
        redis_prefix=redis_prefix,
        limiter=limiter,
    )
    task = asyncio.create_task(app.run_polling())
    try:
        await telegram.wait_until_polling()
        yield app
    finally:
        await app.stop()
        await task
        await app.close()


def _api(telegram: TelegramEmulator) -> Any:
    from aiogram.client.telegram import TelegramAPIServer

    return TelegramAPIServer.from_base(telegram.base_url)


@pytest_asyncio.fixture
async def bot(
    telegram: TelegramEmulator,
    database: ScratchDatabase,
    answers: Answers,
    clock: Clock,
) -> AsyncIterator[App]:
    """The bot, polling the emulator, on SQLite and on PostgreSQL."""
    async with running(telegram, database, answers, clock) as app:
        yield app


@pytest.fixture
def anna(telegram: TelegramEmulator) -> Chat:
    return Chat(telegram, telegram.new_user("Анна"))


async def rows(database: ScratchDatabase, model: type[Any]) -> list[Any]:
    """Every row of a table, in id order."""
    from sqlalchemy import select

    async with database.sessions() as session:
        return list(
            (await session.scalars(select(model).order_by(*model.__mapper__.primary_key))).all()
        )


def sent_params(telegram: TelegramEmulator, message: JSON) -> JSON:
    """The parameters of the Bot API call that created ``message``."""
    for call in telegram.calls:
        if (
            call.message is not None
            and call.message["message_id"] == message["message_id"]
            and (call.message["chat"]["id"] == message["chat"]["id"])
        ):
            return call.params
    raise LookupError(f"no call created message {message['message_id']}")


# The desk's fixtures (agents' supergroup, the bot with a desk); imported last, since they
# build on the ones above.
from tests.telegram.desk_fixtures import agents, desk_bot  # noqa: E402, F401
