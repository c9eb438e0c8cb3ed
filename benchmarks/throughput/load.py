"""The customers' load on one database: a warm-up, the closed loop, then each open-loop rate."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import random
import sys
import tempfile
import time
import uuid
from pathlib import Path

from benchmarks.databases import empty_database
from benchmarks.throughput.harness import bot_process, forget_redis_keys, handled_durations
from benchmarks.throughput.timing import Result, Telegram
from bot.emulator import FakeUser

# Answered or clarified by the demo KB: one reply message each.
QUESTIONS = (
    "не приходит код из смс",
    "как завершить поездку",
    "тариф",
    "штраф",
    "бонусы",
    "поцарапал машину",
    "почему списали деньги",
    "деньги",
    "сколько стоит",
    "аккаунт",
    "заправка",
    "документы",
)


async def closed_loop(telegram: Telegram, customers: int, questions: int, seed: int) -> None:
    rng = random.Random(seed)
    users = [telegram.emulator.new_user(f"Клиент {n}") for n in range(customers)]

    async def customer(user: FakeUser) -> None:
        for _ in range(questions):
            telegram.ask(user, rng.choice(QUESTIONS))
            await telegram.reply(user)

    await asyncio.gather(*(customer(user) for user in users))


async def open_loop(telegram: Telegram, rate: float, duration: float, seed: int) -> None:
    rng = random.Random(seed)
    # Enough customers that each asks about once a second: people do not type faster.
    users = [telegram.emulator.new_user(f"Гость {n}") for n in range(max(1, int(rate)))]
    total = int(rate * duration)
    start = time.perf_counter()
    for n in range(total):
        delay = start + n / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        telegram.ask(users[n % len(users)], rng.choice(QUESTIONS))
    for user in users:
        with contextlib.suppress(TimeoutError):
            await telegram.reply(user)


async def run_backend(backend: str, args: argparse.Namespace) -> list[Result]:
    """The runs on one backend: ``sqlite``, ``postgresql``, or ``postgresql+redis`` (the
    dialogue state, its locks and the rate limit in Redis, as in production)."""
    results = []
    database, _, store = backend.partition("+")
    redis = store == "redis"
    bot_id = 800000 + uuid.uuid4().int % 100000  # Redis keys of this run's own
    with tempfile.TemporaryDirectory(prefix="faqbot-bench-") as tmp:
        folder = Path(tmp)
        async with empty_database(database, folder) as url:
            telegram = Telegram(token=f"{bot_id}:bot-throughput")
            async with telegram.emulator:
                log = folder / "bot.log"
                async with bot_process(telegram.emulator, url, log, redis=redis, source=args.code):
                    warm = telegram.emulator.new_user("Разогрев")
                    for question in QUESTIONS:
                        telegram.ask(warm, question)
                        await telegram.reply(warm)
                    for rate in (None, *args.rates):
                        telegram.sent.clear()
                        since = len(telegram.log.calls)
                        if rate is None:
                            await closed_loop(telegram, args.customers, args.questions, args.seed)
                            label = f"closed, {args.customers} customers"
                        else:
                            await open_loop(telegram, rate, args.duration, args.seed)
                            label = f"open, {rate:g}/s"
                        calls = range(since, len(telegram.log.calls))
                        results.append((backend, label, calls, list(telegram.sent)))
                        print(f"  {backend}: {label} done", file=sys.stderr)
                if redis:
                    await forget_redis_keys(bot_id)
                handled = handled_durations(log)
                measured = []
                for name, label, calls, sent in results:
                    telegram.sent = sent
                    measured.append(telegram.measure(name, label, calls, handled))
                return measured
    return []
