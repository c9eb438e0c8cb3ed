"""``python -m benchmarks.intake_cost``: the bot's CPU time per update, this checkout vs another.

On a shared machine updates/s swing with the neighbours' load (the throughput benchmark's
closed loop gave 42–158 updates/s for the same code within minutes); the CPU seconds the bot
process itself spends per update hardly do. ``python -m bot`` runs against the emulator, its
start-up is left out (CPU read from ``/proc`` once it polls; the articles' vectors are copied
from this user's embedding cache), every question is asked once (the engine keeps recent
question vectors, so none is embedded in the loop), then customers each ask in a closed loop
and the CPU spent is divided by the updates. ``--baseline DIR`` runs another
checkout too, alternating, ``--repeat`` times each. ``postgresql+redis`` keeps the dialogue
state, its locks and the rate limit in Redis (``REDIS_URL``), as the issue-12 target names.
``--profile DIR`` records this checkout's closed loops with py-spy (``DIR/<backend>-<n>.txt``,
collapsed stacks: ``py-spy`` is in the ``dev`` extra). Linux only.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import shutil
import signal
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Sequence
from pathlib import Path

from benchmarks.databases import empty_database, postgres_up
from benchmarks.intake_faults import QUESTIONS, ROOT, _forget_redis_keys, _which, bot_process
from benchmarks.measure import PERCENTILES, hardware, percentile
from bot.emulator import FakeUser, TelegramEmulator

TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User and system CPU of a process so far, from ``/proc/<pid>/stat``."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


@contextlib.asynccontextmanager
async def profiled(pid: int, output: Path | None) -> AsyncIterator[None]:
    """py-spy records ``pid`` while the block runs (nothing if ``output`` is None).

    Collapsed stacks (one line per stack, its sample count last), idle frames left out: what
    the process spends its CPU on. py-spy samples from outside; the bot pays nothing for it.
    """
    if output is None:
        yield
        return
    spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    process = await asyncio.create_subprocess_exec(
        spy, "record", "--pid", str(pid), "--format", "raw", "--output", str(output),
        "--rate", "200", "--nonblocking",
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
    )  # fmt: skip
    await asyncio.sleep(1.0)  # attached before the load starts
    try:
        yield
    finally:
        process.send_signal(signal.SIGINT)  # py-spy writes the file on SIGINT
        await asyncio.wait_for(process.wait(), 60)


async def run_once(
    backend: str, source: Path, args: argparse.Namespace, profile: Path | None = None
) -> tuple[float, float]:
    """CPU ms per update and updates/s for one run.

    :param profile: where py-spy writes the closed loop's stacks (no profiling if None)
    """
    rng = random.Random(args.seed)
    database, _, store = backend.partition("+")
    redis = store == "redis"
    # A bot id of its own per run: the Redis keys (dialogue state) start empty, as the tables do.
    token = f"{800000 + uuid.uuid4().int % 100000}:intake-cost"
    with tempfile.TemporaryDirectory(prefix="faqbot-cost-") as tmp:
        folder = Path(tmp)
        _copy_passage_vectors(folder)
        async with (
            TelegramEmulator(token=token) as emulator,
            empty_database(database, folder) as url,
            bot_process(emulator, url, folder, "1", redis=redis, source=source) as bot,
        ):
            users = [emulator.new_user(f"Клиент {n}") for n in range(args.customers)]

            async def customer(user: FakeUser) -> None:
                for _ in range(args.questions):
                    emulator.send_text(user, user.private_chat, rng.choice(list(QUESTIONS)))
                    await emulator.next_bot_message(user.private_chat, timeout=60)

            # One question each first: the first customer message warms the caches up; and
            # every question once, so that none is embedded inside the measured loop.
            for question in QUESTIONS:
                emulator.send_text(users[0], users[0].private_chat, question)
                await emulator.next_bot_message(users[0].private_chat, timeout=60)
            await asyncio.gather(*(_warm(emulator, user) for user in users))
            async with profiled(bot.pid, profile):
                before, started = cpu_seconds(bot.pid), time.perf_counter()
                await asyncio.gather(*(customer(user) for user in users))
                spent, seconds = cpu_seconds(bot.pid) - before, time.perf_counter() - started
        if redis:
            await _forget_redis_keys(token.partition(":")[0])
    updates = args.customers * args.questions
    return spent / updates * 1000, updates / seconds


def _copy_passage_vectors(home: Path) -> None:
    """The articles' vectors from this user's embedding cache into the bot's ``HOME``: each
    run's bot starts in a fresh home, and embedding the demo KB again took it minutes on the
    loaded machine. Only the start-up is spared; nothing measured depends on it."""
    shared = Path.home() / ".cache" / "faqbot" / "embeddings"
    target = home / ".cache" / "faqbot" / "embeddings"
    target.mkdir(parents=True, exist_ok=True)
    for file in shared.glob("*.passage.npz"):
        shutil.copyfile(file, target / file.name)


async def _warm(emulator: TelegramEmulator, user: FakeUser) -> None:
    emulator.send_text(user, user.private_chat, "бонусы")
    message = await emulator.next_bot_message(user.private_chat, timeout=60)
    assert _which(message.get("text", "")) == "бонусы"


async def main_async(args: argparse.Namespace) -> list[tuple[str, str, list[float], list[float]]]:
    sources = [("this checkout", args.code.resolve())]
    if args.baseline is not None:
        sources.insert(0, (args.baseline_label, args.baseline.resolve()))
    rows: list[tuple[str, str, list[float], list[float]]] = []
    for backend in args.backends:
        if backend.startswith("postgresql") and not await postgres_up():
            print(
                f"{backend}: PostgreSQL is not running at 127.0.0.1:5432, skipped", file=sys.stderr
            )
            continue
        results: dict[str, tuple[list[float], list[float]]] = {c: ([], []) for c, _ in sources}
        for run in range(args.repeat):
            for code, source in sources:  # alternating: the neighbours' load hits both
                profile = None
                if args.profile is not None and code == "this checkout":
                    args.profile.mkdir(parents=True, exist_ok=True)
                    profile = args.profile / f"{backend}-{run + 1}.txt"
                cpu_ms, rate = await run_once(backend, source, args, profile)
                results[code][0].append(cpu_ms)
                results[code][1].append(rate)
                print(f"  {backend}, {code}: {cpu_ms:.2f} ms CPU, {rate:.0f}/s", file=sys.stderr)
        rows.extend((backend, code, *results[code]) for code, _ in sources)
    return rows


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.intake_cost")
    parser.add_argument("--customers", type=int, default=50)
    parser.add_argument("--questions", type=int, default=10, help="each asks, closed loop")
    parser.add_argument(
        "--backends",
        type=lambda t: t.split(","),
        default=["sqlite", "postgresql", "postgresql+redis"],
        help="comma-separated: sqlite, postgresql, postgresql+redis",
    )
    parser.add_argument("--baseline", type=Path)
    parser.add_argument(
        "--code",
        type=Path,
        default=ROOT,
        help="the checkout measured as 'this checkout' (a snapshot: edits here do not leak in)",
    )
    parser.add_argument("--baseline-label", default="before")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--profile", type=Path, help="py-spy this checkout's runs into DIR")
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
