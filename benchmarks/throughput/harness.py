"""``python -m bot`` as a process of its own against the emulator, and what its log says.

``bot_throughput`` measures the bot as it runs in production: a separate process reading its
settings from the environment, so its CPU is not this process's. (``desk_reliability`` needs to
stop the bot at chosen moments and count its tasks, so it runs it in-process instead:
``benchmarks/desk/harness.py``.)
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import signal
import sys
from collections.abc import AsyncIterator
from pathlib import Path

from redis.asyncio import Redis

from bot.emulator import TelegramEmulator

ROOT = Path(__file__).resolve().parents[2]
ARTICLES = ROOT / "articles"
START_UP_S = 120.0
_HANDLED = re.compile(r"Update id=(\d+) is handled\. Duration (\d+) ms")


REDIS_URL = "redis://127.0.0.1:6379/0"


@contextlib.asynccontextmanager
async def bot_process(
    emulator: TelegramEmulator,
    url: str,
    log: Path,
    *,
    redis: bool = False,
    source: Path | None = None,
) -> AsyncIterator[None]:
    """``python -m bot`` against the emulator, until the block ends (then SIGTERM).

    :param url: the database, empty or not (the bot migrates it at start-up)
    :param log: where the bot's output goes; its folder is the bot's working directory
    :param redis: keep the dialogue state, its locks and the rate limit in Redis
        (:data:`REDIS_URL`); the keys carry the bot id, so give the emulator a token of the
        run's own and drop them after (:func:`forget_redis_keys`)
    :param source: another checkout whose bot to run (``PYTHONPATH``), for a before/after
    """
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": os.environ.get("HOME", str(log.parent)),
        "BOT_TOKEN": emulator.token,
        "BOT_API_URL": emulator.base_url,
        "DATABASE_URL": url,
        "ARTICLES_DIR": str(ARTICLES),
        "RATE_LIMIT_PER_MINUTE": "1000000",
        "TELEGRAM_LIMITS": "false",  # the emulator runs without Telegram's limits here
    }
    if redis:
        env["REDIS_URL"] = REDIS_URL
    if source is not None:
        env["PYTHONPATH"] = str(source)  # that checkout's bot, ahead of this one's
    with log.open("wb") as output:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", cwd=log.parent, env=env, stdout=output, stderr=output
        )
        try:
            await emulator.wait_until_polling(timeout=START_UP_S)
            yield
        finally:
            if process.returncode is None:
                process.send_signal(signal.SIGTERM)
            await asyncio.wait_for(process.wait(), 30)


async def forget_redis_keys(bot_id: int) -> None:
    """Drop the Redis keys a bot with this id left (dialogue state, rate-limit counters)."""
    client = Redis.from_url(REDIS_URL)
    try:
        keys = [key async for key in client.scan_iter(f"faqbot:*:{bot_id}:*")]
        if keys:
            await client.delete(*keys)
    finally:
        await client.aclose()


def handled_durations(log: Path) -> dict[int, int]:
    """aiogram's "Update id=N is handled. Duration D ms" lines from the bot's log."""
    text = log.read_text(encoding="utf-8", errors="replace")
    return {int(update): int(ms) for update, ms in _HANDLED.findall(text)}
