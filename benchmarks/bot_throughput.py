"""End-to-end throughput and latency of the Telegram bot, through the Bot API emulator.

    .venv/bin/python -m benchmarks.bot_throughput [--customers 50] [--rates 100,200] [--duration 10]

The bot runs as it does in production, in a process of its own (``python -m bot``, long
polling, the demo KB, its own database); this process plays Telegram (the emulator from
``bot/emulator``) and the customers. Two runs per database, SQLite and PostgreSQL:

* **closed loop**: ``--customers`` customers each ask ``--questions`` questions, one after
  another, each as soon as the previous one is answered: how many updates per second the bot
  handles when it is the bottleneck;
* **open loop**: questions arrive at each of ``--rates`` per second for ``--duration`` s, spread
  over many customers, whatever the bot does: the latency customers see at that load.

Latency is measured on the emulator's clock: *end to end* from the moment an update is queued
to the moment the bot's reply arrives; *bot* from the moment the bot fetched the update
(its getUpdates answer) to the reply's arrival, i.e. without the time the update waited in
Telegram's queue. *handler* is aiogram's own log line ("Update id=... is handled. Duration N
ms"): from the start of the update's processing to its end, reply sent. Questions are ones
the demo KB answers or clarifies (one message each), so every update gets exactly one reply;
*lost* counts updates without a reply. Percentiles are nearest-rank (``benchmarks/measure.py``).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import random
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.bot_process import bot_process, handled_durations
from benchmarks.databases import empty_database, postgres_up
from benchmarks.measure import PERCENTILES, hardware, percentile
from bot.emulator import FakeUser, TelegramEmulator
from bot.emulator.recorder import Call, CallLog

ROOT = Path(__file__).resolve().parents[1]
DRAIN_S = 30.0

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


class TimedCallLog(CallLog):
    """The emulator's call log, with the moment each call was answered, and the bot's
    messages counted per chat.

    Waiting here costs nothing per call; the emulator's own ``next_bot_message`` rescans the
    whole log for every waiter at every call, which at thousands of calls and dozens of
    waiting customers makes the emulator, not the bot, the bottleneck.
    """

    def __init__(self) -> None:
        super().__init__()
        self.times: list[float] = []
        self.replies: dict[int, int] = defaultdict(int)
        self._waiters: dict[int, list[tuple[int, asyncio.Future[None]]]] = defaultdict(list)

    def record(self, call: Call) -> None:
        self.times.append(time.perf_counter())
        self.calls.append(call)  # CallLog.record would wake every wait_for; none is used here
        if call.method == "sendMessage" and call.message is not None:
            chat_id = call.message["chat"]["id"]
            self.replies[chat_id] += 1
            waiting = self._waiters[chat_id]
            for count, future in [w for w in waiting if w[0] <= self.replies[chat_id]]:
                waiting.remove((count, future))
                if not future.done():
                    future.set_result(None)

    async def wait_replies(self, chat_id: int, count: int, timeout: float) -> None:
        """Until the bot has sent ``count`` messages to ``chat_id``."""
        if self.replies[chat_id] >= count:
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters[chat_id].append((count, future))
        await asyncio.wait_for(future, timeout)


@dataclass
class Sent:
    chat_id: int
    update_id: int
    at: float


@dataclass
class Result:
    backend: str
    mode: str
    updates: int
    lost: int
    seconds: float
    end_to_end_ms: list[float] = field(default_factory=list)
    bot_ms: list[float] = field(default_factory=list)
    handler_ms: list[float] = field(default_factory=list)

    @property
    def per_second(self) -> float:
        return (self.updates - self.lost) / self.seconds if self.seconds else 0.0


class Telegram:
    """The emulator with timing, and the bookkeeping of who asked what when."""

    def __init__(self) -> None:
        self.emulator = TelegramEmulator()
        self.log = TimedCallLog()
        self.emulator.log = self.log
        self.sent: list[Sent] = []
        self.asked: dict[int, int] = defaultdict(int)  # questions per chat, one reply each

    def ask(self, user: FakeUser, text: str) -> None:
        self.asked[user.id] += 1
        self.emulator.send_text(user, user.private_chat, text)
        update_id = self.emulator.queue._pending[-1]["update_id"]  # the one just queued
        self.sent.append(Sent(user.id, update_id, time.perf_counter()))

    async def reply(self, user: FakeUser, timeout: float = DRAIN_S) -> None:
        """Until the bot has answered everything ``user`` asked so far."""
        await self.log.wait_replies(user.id, self.asked[user.id], timeout)

    def measure(self, backend: str, mode: str, calls: range, handled: dict[int, int]) -> Result:
        """Match each question to the reply in its chat (the k-th to the k-th).

        :param calls: the positions in the call log of this run's calls
        """
        delivered: dict[int, float] = {}
        replies: dict[int, list[float]] = defaultdict(list)
        log, times = self.log.calls, self.log.times
        for index in calls:
            call = log[index]
            if call.method == "getUpdates" and call.ok:
                for update in call.result:
                    delivered.setdefault(update["update_id"], times[index])
            elif call.method == "sendMessage" and call.message is not None:
                replies[call.message["chat"]["id"]].append(times[index])
        asked: dict[int, list[Sent]] = defaultdict(list)
        for sent in self.sent:
            asked[sent.chat_id].append(sent)
        result = Result(backend, mode, len(self.sent), 0, 0.0)
        last = max((t for chat in replies.values() for t in chat), default=0.0)
        first = min((s.at for s in self.sent), default=0.0)
        result.seconds = max(0.0, last - first)
        for chat_id, questions in asked.items():
            answers = replies.get(chat_id, [])
            result.lost += max(0, len(questions) - len(answers))
            for sent, answered in zip(questions, answers, strict=False):
                result.end_to_end_ms.append((answered - sent.at) * 1000)
                if sent.update_id in delivered:
                    result.bot_ms.append((answered - delivered[sent.update_id]) * 1000)
                if sent.update_id in handled:
                    result.handler_ms.append(handled[sent.update_id])
        return result


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
    results = []
    with tempfile.TemporaryDirectory(prefix="faqbot-bench-") as tmp:
        folder = Path(tmp)
        async with empty_database(backend, folder) as url:
            telegram = Telegram()
            async with telegram.emulator:
                log = folder / "bot.log"
                async with bot_process(telegram.emulator, url, log):
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
                handled = handled_durations(log)
                measured = []
                for name, label, calls, sent in results:
                    telegram.sent = sent
                    measured.append(telegram.measure(name, label, calls, handled))
                return measured
    return []


def table(results: Sequence[Result]) -> str:
    head = (
        "| database | load | updates | lost | updates/s | end-to-end p50 / p99 ms "
        "| bot p50 / p99 ms | handler p50 / p99 ms |"
    )
    lines = [head, "|---|---|---:|---:|---:|---:|---:|---:|"]
    for r in results:

        def pair(values: list[float]) -> str:
            return f"{percentile(values, 0.5):.1f} / {percentile(values, 0.99):.1f}"

        lines.append(
            f"| {r.backend} | {r.mode} | {r.updates} | {r.lost} | {r.per_second:.0f} "
            f"| {pair(r.end_to_end_ms)} | {pair(r.bot_ms)} | {pair(r.handler_ms)} |"
        )
    return "\n".join(lines)


def machine() -> str:
    hw = hardware(ROOT)
    return f"{hw['cores']} CPUs {hw['cpu']}, Python {hw['python']}, commit {hw['commit']}"


async def main_async(args: argparse.Namespace) -> None:
    results: list[Result] = []
    for backend in args.backends:
        if backend == "postgresql" and not await postgres_up():
            print("postgresql: not running at 127.0.0.1:5432, skipped", file=sys.stderr)
            continue
        results.extend(await run_backend(backend, args))
    print(table(results))
    print(f"\n{machine()}; {time.strftime('%Y-%m-%d')}; {PERCENTILES}")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.bot_throughput",
        description="Bot throughput and latency through the Bot API emulator.",
    )
    parser.add_argument("--customers", type=int, default=50, help="closed loop: customers")
    parser.add_argument("--questions", type=int, default=20, help="closed loop: each asks")
    parser.add_argument(
        "--rates",
        type=lambda text: [float(r) for r in text.split(",") if r.strip()],
        default=[100.0, 200.0],
        help="open loop: offered updates/s, comma-separated",
    )
    parser.add_argument("--duration", type=float, default=10.0, help="open loop: seconds")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--backends",
        type=lambda text: [b.strip() for b in text.split(",") if b.strip()],
        default=["sqlite", "postgresql"],
        help="comma-separated: sqlite, postgresql",
    )
    asyncio.run(main_async(parser.parse_args(argv)))


if __name__ == "__main__":
    main()
