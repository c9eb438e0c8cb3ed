"""``python -m benchmarks.intake_faults``: what a kill -9 in the middle of a burst costs.

``python -m bot`` runs as a process against the Bot API emulator; customers each send a few
questions at once, the bot is killed (SIGKILL) once it has answered some of them, started
again, and given time to catch up. Counted per message: lost (never answered), answered more
than once, and chats whose answers came out of order; and how long each message waited for its
answer (the restart included). ``--baseline DIR`` runs the bot from another checkout too (e.g.
``git archive <commit> | tar -x -C DIR``), for a before/after table.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import signal
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from redis.asyncio import Redis

from benchmarks.databases import empty_database, postgres_up
from benchmarks.measure import PERCENTILES, hardware, percentile
from benchmarks.readme import INTAKE_FAULTS, write_readme
from bot.emulator import FakeUser, TelegramEmulator

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
ARTICLES = ROOT / "articles"
REDIS_URL = "redis://127.0.0.1:6379/0"
START_UP_S = 120.0
QUIET_S = 5.0
"""After the restart: the run ends when every message is answered, or nothing new came for
this long (the rest is lost)."""
# One reply each, told apart by these words (the demo knowledge base).
QUESTIONS = {
    "не приходит код из смс": "Не приходит код",
    "как завершить поездку": "Как завершить аренду",
    "штраф": "Как оспорить",
    "бонусы": "Бонусные",
}


@dataclass
class Outcome:
    """One run: a backend, a checkout, the counts."""

    backend: str
    code: str
    sent: int = 0
    answered_at_kill: int = 0
    lost: int = 0
    repeated: int = 0
    out_of_order: int = 0
    waits_s: list[float] = field(default_factory=list)


def _which(text: str) -> str | None:
    return next((q for q, words in QUESTIONS.items() if words in text), None)


def count(outcome: Outcome, asked: Sequence[str], answers: Sequence[str]) -> None:
    """Add one chat's figures: ``asked`` in order, ``answers`` (question per reply) in order.

    >>> o = Outcome("sqlite", "x")
    >>> count(o, ["a", "b", "c"], ["a", "a", "c", "b"])
    >>> (o.lost, o.repeated, o.out_of_order)
    (0, 1, 1)
    >>> count(o, ["a", "b"], ["b"])
    >>> (o.lost, o.repeated, o.out_of_order)
    (1, 1, 1)
    """
    for question in asked:
        times = answers.count(question)
        outcome.lost += times == 0
        outcome.repeated += max(0, times - 1)
    first = list(dict.fromkeys(a for a in answers if a in asked))
    outcome.out_of_order += first != [q for q in asked if q in first]


@contextlib.asynccontextmanager
async def bot_process(
    emulator: TelegramEmulator, url: str, folder: Path, run: str, *, redis: bool, source: Path
) -> AsyncIterator[asyncio.subprocess.Process]:
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(folder),
        "BOT_TOKEN": emulator.token,
        "BOT_API_URL": emulator.base_url,
        "DATABASE_URL": url,
        "ARTICLES_DIR": str(ARTICLES),
        "RELOAD_ARTICLES": "false",
        "RATE_LIMIT_PER_MINUTE": "1000000",
        "TELEGRAM_LIMITS": "false",  # the emulator runs without Telegram's limits here
    }
    if source != ROOT:
        env["PYTHONPATH"] = str(source)  # that checkout's bot, ahead of this one's
    if redis:
        env["REDIS_URL"] = REDIS_URL
    with (folder / f"bot-{run}.log").open("wb") as log:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", cwd=folder, env=env, stdout=log, stderr=log
        )
    try:
        await emulator.wait_until_polling(timeout=START_UP_S)
        yield process
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
            await asyncio.wait_for(process.wait(), 60)


def _answers(emulator: TelegramEmulator) -> list[tuple[int, str]]:
    """(chat, question answered) for every bot message in a private chat, in order."""
    found = []
    for call in emulator.calls:
        message = call.message
        if message is None or message["chat"]["id"] < 0:
            continue
        question = _which(message.get("text", ""))
        if question is not None:
            found.append((message["chat"]["id"], question))
    return found


async def _note_first_answers(
    emulator: TelegramEmulator, first: dict[tuple[int, str], float]
) -> None:
    """Until cancelled: when each (chat, question) was first answered, to 10 ms."""
    while True:
        now = time.monotonic()
        for key in _answers(emulator):
            first.setdefault(key, now)
        await asyncio.sleep(0.01)


async def run_once(backend: str, code: str, source: Path, args: argparse.Namespace) -> Outcome:
    outcome = Outcome(backend, code)
    redis = backend.endswith("+redis")
    token = f"{800000 + uuid.uuid4().int % 100000}:intake-faults"
    asked = list(QUESTIONS)[: args.messages]
    with tempfile.TemporaryDirectory(prefix="faqbot-intake-") as tmp:
        folder = Path(tmp)
        async with (
            TelegramEmulator(token=token) as emulator,
            empty_database(backend.partition("+")[0], folder) as url,
        ):
            users: list[FakeUser] = [
                emulator.new_user(f"Клиент {n}") for n in range(args.customers)
            ]
            sent_at: dict[tuple[int, str], float] = {}
            firsts: dict[tuple[int, str], float] = {}
            watch = asyncio.create_task(_note_first_answers(emulator, firsts))
            async with bot_process(emulator, url, folder, "1", redis=redis, source=source) as bot:
                for question in asked:
                    for user in users:
                        emulator.send_text(user, user.private_chat, question)
                        sent_at[(user.id, question)] = time.monotonic()
                outcome.sent = len(sent_at)
                while len(_answers(emulator)) < args.kill_after:
                    await asyncio.sleep(0.005)
                bot.kill()
                await bot.wait()
                outcome.answered_at_kill = len(_answers(emulator))
            async with bot_process(emulator, url, folder, "2", redis=redis, source=source):
                last, seen = time.monotonic(), 0
                while time.monotonic() - last < QUIET_S:
                    answers = _answers(emulator)
                    if len(answers) != seen:
                        last, seen = time.monotonic(), len(answers)
                    if len(set(answers)) == outcome.sent:
                        await asyncio.sleep(1.0)  # room for a repeat to show up
                        break
                    await asyncio.sleep(0.05)
            watch.cancel()
            if redis:
                await _forget_redis_keys(token.partition(":")[0])
        answers = _answers(emulator)
        for user in users:
            count(outcome, asked, [q for chat, q in answers if chat == user.id])
        outcome.waits_s = [firsts[key] - sent_at[key] for key in firsts if key in sent_at]
    return outcome


async def _forget_redis_keys(bot_id: str) -> None:
    redis = Redis.from_url(REDIS_URL)
    try:
        keys = [key async for key in redis.scan_iter(f"faqbot:fsm:{bot_id}:*")]
        if keys:
            await redis.delete(*keys)
    finally:
        await redis.aclose()


def table(outcomes: Sequence[Outcome]) -> str:
    lines = [
        "| database | code | messages | answered at the kill | lost | answered twice "
        "| chats out of order | wait for the answer p50 / p99, s |",
        "|---|---|--:|--:|--:|--:|--:|--:|",
    ]
    for o in outcomes:
        waits = f"{percentile(o.waits_s, 0.5):.1f} / {percentile(o.waits_s, 0.99):.1f}"
        lines.append(
            f"| {o.backend} | {o.code} | {o.sent} | {o.answered_at_kill} | {o.lost} "
            f"| {o.repeated} | {o.out_of_order} | {waits} |"
        )
    return "\n".join(lines)


async def main_async(args: argparse.Namespace) -> list[Outcome]:
    sources = [("this checkout", ROOT)]
    if args.baseline is not None:
        sources.insert(0, (args.baseline_label, args.baseline.resolve()))
    outcomes = []
    for backend in args.backends:
        if backend.startswith("postgresql") and not await postgres_up():
            print(
                f"{backend}: PostgreSQL is not running at 127.0.0.1:5432, skipped", file=sys.stderr
            )
            continue
        for code, source in sources:
            for _ in range(args.repeat):
                outcome = await run_once(backend, code, source, args)
                print(
                    f"  {backend}, {code}: lost {outcome.lost}, twice {outcome.repeated}",
                    file=sys.stderr,
                )
                outcomes.append(outcome)
    return outcomes


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.intake_faults", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--customers", type=int, default=100)
    parser.add_argument(
        "--messages",
        type=int,
        default=2,
        choices=range(1, len(QUESTIONS) + 1),
        help="each customer sends",
    )
    parser.add_argument("--kill-after", type=int, default=20, help="answers seen before the kill")
    parser.add_argument(
        "--backends",
        type=lambda text: [b.strip() for b in text.split(",") if b.strip()],
        default=["sqlite", "postgresql", "postgresql+redis"],
        help="comma-separated: sqlite, postgresql, postgresql+redis",
    )
    parser.add_argument("--baseline", type=Path, help="another checkout to run first, for 'before'")
    parser.add_argument("--baseline-label", default="before")
    parser.add_argument("--repeat", type=int, default=1, help="runs per backend and checkout")
    parser.add_argument("--write-readme", action="store_true")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    outcomes = asyncio.run(main_async(args))
    seconds = time.perf_counter() - started
    hw = hardware()
    where = f"{hw['cores']} CPUs {hw['cpu']}, Python {hw['python']}, commit {hw['commit']}"
    print(table(outcomes))
    print(f"\n{where}; {date.today().isoformat()}; {PERCENTILES}")
    if args.write_readme:
        command = (
            f"python -m benchmarks.intake_faults --customers {args.customers} "
            f"--messages {args.messages} --kill-after {args.kill_after}"
        )
        body = "\n".join(
            [
                f"_{date.today().isoformat()}, {where}; `{command}`, {seconds:.0f} s; "
                f"{PERCENTILES}._",
                "",
                table(outcomes),
            ]
        )
        write_readme(README, body, INTAKE_FAULTS)
        print(f"Figures written into {README.relative_to(ROOT)}.")


if __name__ == "__main__":
    main()
