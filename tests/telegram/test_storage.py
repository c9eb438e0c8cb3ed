"""FSM storage: our SQL one on SQLite and PostgreSQL, and Redis when ``REDIS_URL`` is set."""

from __future__ import annotations

import socket
import uuid
from collections.abc import AsyncIterator

import pytest
from aiogram.fsm.storage.base import StorageKey
from aiogram.fsm.storage.redis import RedisStorage
from redis.asyncio import Redis

from bot.db.models import FsmRecord, Ticket
from bot.emulator import TelegramEmulator
from bot.emulator.driver import Chat, buttons
from bot.serving import Answers, Database
from bot.telegram import SqlStorage
from bot.telegram.states import TicketForm
from tests.bot.db.fixtures import ScratchDatabase
from tests.telegram.conftest import Clock, rows, running

REDIS_URL = "redis://127.0.0.1:6379/0"
KEY = StorageKey(bot_id=123456, chat_id=1001, user_id=1001)


async def test_sql_storage_keeps_state_and_data_across_instances(
    database: ScratchDatabase,
) -> None:
    storage = SqlStorage(Database(database.engine))
    assert await storage.get_state(KEY) is None and await storage.get_data(KEY) == {}
    await storage.set_state(KEY, TicketForm.when)
    await storage.set_data(KEY, {"draft": {"question": "<3 & «ёж»"}, "n": [1, 2]})
    assert await storage.update_data(KEY, {"attempt": 7}) == {
        "draft": {"question": "<3 & «ёж»"},
        "n": [1, 2],
        "attempt": 7,
    }
    again = SqlStorage(Database(database.engine))  # as after a restart
    assert await again.get_state(KEY) == "TicketForm:when"
    assert (await again.get_data(KEY))["attempt"] == 7
    other = StorageKey(bot_id=123456, chat_id=1002, user_id=1002)
    assert await again.get_state(other) is None


async def test_sql_storage_forgets_a_key_with_nothing_in_it(database: ScratchDatabase) -> None:
    storage = SqlStorage(Database(database.engine))
    await storage.set_state(KEY, "TicketForm:what")
    await storage.set_data(KEY, {"a": 1})
    await storage.set_state(KEY, None)
    assert await storage.get_data(KEY) == {"a": 1}  # data outlives the state
    await storage.set_data(KEY, {})
    assert await rows(database, FsmRecord) == []


def _redis_listening() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=2):
            return True
    except OSError:
        return False


@pytest.fixture
async def redis_prefix() -> AsyncIterator[str]:
    """A key prefix of this test's own; its keys are deleted afterwards."""
    if not _redis_listening():
        pytest.skip("Redis is not running at 127.0.0.1:6379")
    prefix = f"faqbot-test-{uuid.uuid4().hex[:12]}"
    yield prefix
    redis = Redis.from_url(REDIS_URL)
    try:
        keys = [key async for key in redis.scan_iter(f"{prefix}:*")]
        if keys:
            await redis.delete(*keys)
    finally:
        await redis.aclose()


@pytest.mark.redis
async def test_redis_keeps_the_form_across_a_restart(
    telegram: TelegramEmulator,
    sqlite_database: ScratchDatabase,
    answers: Answers,
    clock: Clock,
    redis_prefix: str,
) -> None:
    chat = Chat(telegram, telegram.new_user("Вера"))
    settings = {"redis_url": REDIS_URL, "redis_prefix": redis_prefix}
    async with running(telegram, sqlite_database, answers, clock, **settings) as app:
        assert isinstance(app.dispatcher.storage, RedisStorage)
        step = await chat.say("рецепт борща")
        step = await chat.press(step, text="Оставить как есть")
        step = await chat.say("вчера")
    assert await rows(sqlite_database, FsmRecord) == []  # nothing in SQL: it is all in Redis
    async with running(telegram, sqlite_database, answers, clock, **settings):
        for _ in range(4):  # error, tried, device, order
            step = await chat.press(step, text=buttons(step)[0])
        step = await chat.say("Пропустить")
        step = await chat.press(step, text="🟢 Не срочно")
        step = await chat.press(step, text="Неудобно, но терпимо")
        created = await chat.press(step, text="Отправить")
    assert "Заявка №1001 создана" in created["text"]
    [ticket] = await rows(sqlite_database, Ticket)
    assert ticket.when_happened == "вчера"
