"""``python -m benchmarks.intake_cost``: the bot's CPU time per update, this checkout vs another.

On a shared machine updates/s swing with the neighbours' load (the throughput benchmark's
closed loop gave 42–158 updates/s for the same code within minutes); the CPU seconds the bot
process itself spends per update hardly do. ``python -m bot`` runs against the emulator, its
start-up is left out (CPU read from ``/proc`` once it polls), then customers each ask in a
closed loop and the CPU spent is divided by the updates. ``--baseline DIR`` runs another
checkout too, alternating, ``--repeat`` times each. Linux only.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from benchmarks.databases import empty_database, postgres_up
from benchmarks.intake_faults import QUESTIONS, ROOT, _which, bot_process
from benchmarks.measure import PERCENTILES, hardware, percentile
from bot.emulator import FakeUser, TelegramEmulator

TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User and system CPU of a process so far, from ``/proc/<pid>/stat``."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


async def run_once(backend: str, source: Path, args: argparse.Namespace) -> tuple[float, float]:
    """CPU ms per update and updates/s for one run."""
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory(prefix="faqbot-cost-") as tmp:
        folder = Path(tmp)
        async with (
            TelegramEmulator() as emulator,
            empty_database(backend, folder) as url,
            bot_process(emulator, url, folder, "1", redis=False, source=source) as bot,
        ):
            users = [emulator.new_user(f"Клиент {n}") for n in range(args.customers)]

            async def customer(user: FakeUser) -> None:
                for _ in range(args.questions):
                    emulator.send_text(user, user.private_chat, rng.choice(list(QUESTIONS)))
                    await emulator.next_bot_message(user.private_chat, timeout=60)

            # One question each first: the first customer message warms the caches up.
            await asyncio.gather(*(_warm(emulator, user) for user in users))
            before, started = cpu_seconds(bot.pid), time.perf_counter()
            await asyncio.gather(*(customer(user) for user in users))
            spent, seconds = cpu_seconds(bot.pid) - before, time.perf_counter() - started
    updates = args.customers * args.questions
    return spent / updates * 1000, updates / seconds


async def _warm(emulator: TelegramEmulator, user: FakeUser) -> None:
    emulator.send_text(user, user.private_chat, "бонусы")
    message = await emulator.next_bot_message(user.private_chat, timeout=60)
    assert _which(message.get("text", "")) == "бонусы"


async def main_async(args: argparse.Namespace) -> list[tuple[str, str, list[float], list[float]]]:
    sources = [("this checkout", ROOT)]
    if args.baseline is not None:
        sources.insert(0, (args.baseline_label, args.baseline.resolve()))
    rows = []
    for backend in args.backends:
        if backend == "postgresql" and not await postgres_up():
            print("postgresql: not running at 127.0.0.1:5432, skipped", file=sys.stderr)
            continue
        results: dict[str, tuple[list[float], list[float]]] = {c: ([], []) for c, _ in sources}
        for _ in range(args.repeat):
            for code, source in sources:  # alternating: the neighbours' load hits both
                cpu_ms, rate = await run_once(backend, source, args)
                results[code][0].append(cpu_ms)
                results[code][1].append(rate)
                print(f"  {backend}, {code}: {cpu_ms:.2f} ms CPU, {rate:.0f}/s", file=sys.stderr)
        rows.extend((backend, code, *results[code]) for code, _ in sources)
    return rows


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.intake_cost")
    parser.add_argument("--customers", type=int, default=50)
    parser.add_argument("--questions", type=int, default=10, help="each asks, closed loop")
    parser.add_argument("--backends", type=lambda t: t.split(","), default=["sqlite", "postgresql"])
    parser.add_argument("--baseline", type=Path)
    parser.add_argument("--baseline-label", default="before")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    rows = asyncio.run(main_async(args))
    print(
        "| database | code | runs | bot CPU per update, ms (median; min–max) | updates/s (median) |"
    )
    print("|---|---|--:|--:|--:|")
    for backend, code, cpu, rates in rows:
        print(
            f"| {backend} | {code} | {len(cpu)} | {percentile(cpu, 0.5):.2f} "
            f"({min(cpu):.2f}–{max(cpu):.2f}) | {percentile(rates, 0.5):.0f} |"
        )
    hw = hardware()
    print(f"\n{hw['cores']} CPUs {hw['cpu']}, commit {hw['commit']}; {PERCENTILES}")


if __name__ == "__main__":
    main()
