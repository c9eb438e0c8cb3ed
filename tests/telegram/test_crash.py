"""``python -m bot`` stopped mid-burst, by SIGKILL or SIGTERM, then started again: every
message is answered, each customer's answers come in the order asked, and a message is
answered twice only if it was in hand when the process was killed (handled, its mark not yet
committed: at most one per chat, at most ``MAX_UPDATES_IN_FLIGHT`` in all). A SIGTERM answers
everything exactly once.

Telegram forgets an update once the bot confirms it; the intake journal stores it first
(:mod:`bot.telegram.journal`). These tests run the bot as a real process against the emulator,
on a scratch SQLite file and on a scratch PostgreSQL database with Redis.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
from pathlib import Path

import pytest
from redis.asyncio import Redis

from benchmarks.databases import empty_database
from bot.emulator import FakeUser, TelegramEmulator
from bot.settings import Settings
from tests.bot.db.fixtures import require_postgres
from tests.telegram.conftest import ARTICLES
from tests.telegram.desk_fixtures import eventually
from tests.telegram.test_journal import QUESTIONS, replies
from tests.telegram.test_run import START_UP_S
from tests.telegram.test_storage import _redis_listening

CUSTOMERS = 40
IN_FLIGHT = Settings.model_fields["max_updates_in_flight"].default
ASKED = list(QUESTIONS)[:2]
# A bot id of these tests' own: the subprocess's Redis keys carry it (and its own database).
TOKEN = f"{700000 + os.getpid() % 100000}:crash-test"
REDIS_URL = "redis://127.0.0.1:6379/0"


def _database(backend: str, folder: Path) -> contextlib.AbstractAsyncContextManager[str]:
    """A database URL for the bot process: an SQLite file, or a PostgreSQL database made for
    this test (the bot migrates it at start-up) and dropped after it."""
    if backend == "sqlite":
        return empty_database(backend, folder)
    server = require_postgres().replace("postgresql+asyncpg", "postgresql")
    return empty_database(backend, folder, server=server)


async def _forget_redis_keys(bot_id: str) -> None:
    redis = Redis.from_url(REDIS_URL)
    try:
        keys = [key async for key in redis.scan_iter(f"faqbot:fsm:{bot_id}:*")]
        if keys:
            await redis.delete(*keys)
    finally:
        await redis.aclose()


async def _start(
    telegram: TelegramEmulator,
    url: str,
    folder: Path,
    run: int,
    *,
    redis: bool,
    cache: dict[str, str],
) -> asyncio.subprocess.Process:
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(folder),
        "BOT_TOKEN": telegram.token,
        "BOT_API_URL": telegram.base_url,
        "DATABASE_URL": url,
        "ARTICLES_DIR": str(ARTICLES),
        "RELOAD_ARTICLES": "false",
        "RATE_LIMIT_PER_MINUTE": "100000",
        "TELEGRAM_LIMITS": "false",  # the emulator here runs without Telegram's limits
        **cache,
    }
    if redis:
        env["REDIS_URL"] = REDIS_URL
    log = (folder / f"bot-{run}.log").open("wb")
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", cwd=folder, env=env, stdout=log, stderr=log
    )
    log.close()
    await telegram.wait_until_polling(timeout=START_UP_S)
    return process


def _answered(telegram: TelegramEmulator) -> int:
    return sum(1 for call in telegram.calls if call.method == "sendMessage" and call.message)


@pytest.mark.parametrize(
    ("backend", "stop"),
    [
        ("sqlite", signal.SIGKILL),
        pytest.param("postgresql+redis", signal.SIGKILL, marks=pytest.mark.redis),
        pytest.param("postgresql+redis", signal.SIGTERM, marks=pytest.mark.redis),
    ],
    ids=["sqlite-kill", "postgresql-redis-kill", "postgresql-redis-term"],
)
async def test_a_bot_stopped_mid_burst_answers_every_message_once_and_in_order(
    tmp_path: Path, backend: str, stop: signal.Signals, warm_cache: dict[str, str]
) -> None:
    redis = backend.endswith("+redis")
    if redis and not _redis_listening():
        pytest.skip("Redis is not running at 127.0.0.1:6379")
    async with (
        TelegramEmulator(token=TOKEN) as telegram,
        _database(backend.partition("+")[0], tmp_path) as url,
    ):
        users: list[FakeUser] = [telegram.new_user(f"Клиент {n}") for n in range(CUSTOMERS)]
        process = await _start(telegram, url, tmp_path, 1, redis=redis, cache=warm_cache)
        try:
            for question in ASKED:
                for user in users:
                    telegram.send_text(user, user.private_chat, question)

            async def some_answered() -> bool:
                return _answered(telegram) >= 10

            await eventually(some_answered, timeout=30)
            process.send_signal(stop)
            assert await asyncio.wait_for(process.wait(), 60) == (
                -signal.SIGKILL if stop == signal.SIGKILL else 0
            )
            at_stop = _answered(telegram)
            first_log = (tmp_path / "bot-1.log").read_text(encoding="utf-8", errors="replace")
            assert " failed" not in first_log and "ConnectionError" not in first_log, first_log
            if stop == signal.SIGKILL:
                assert at_stop < CUSTOMERS * len(ASKED), "the kill came after the burst"

            process = await _start(telegram, url, tmp_path, 2, redis=redis, cache=warm_cache)

            async def all_answered() -> bool:
                return all(len(replies(telegram, user)) >= len(ASKED) for user in users)

            # Well within the 60 s a killed process's Redis locks would hold the restart up.
            await eventually(all_answered, timeout=40)
            await asyncio.sleep(1.0)  # room for a duplicate to show up, were there one
        finally:
            if process.returncode is None:
                process.send_signal(signal.SIGTERM)
                await asyncio.wait_for(process.wait(), 60)
            if redis:
                await _forget_redis_keys(TOKEN.partition(":")[0])
        answered = {user.first_name: replies(telegram, user) for user in users}
        wrong = {name: got for name, got in answered.items() if _collapsed(got) != ASKED}
        assert wrong == {}, f"answered {at_stop} before the stop"
        twice = sum(len(got) - len(ASKED) for got in answered.values())
        assert twice <= (IN_FLIGHT if stop == signal.SIGKILL else 0), answered


def _collapsed(answers: list[str]) -> list[str]:
    """Answers with a repeat of the one before removed (an update in hand at the kill)."""
    return [a for n, a in enumerate(answers) if n == 0 or answers[n - 1] != a]
