"""``python -m benchmarks.startup``: how long ``faqbot run`` takes to poll, and to answer.

A restarted bot is measured the way a customer meets it: from the launch of ``python -m bot``
(against the Bot API emulator, an SQLite database already migrated, the embedding cache warm)
to its first ``getUpdates`` ("polling"), and to its answer to a question sent at launch
("first answer": the question waits in Telegram meanwhile). Beside it, in the same run, the
floor nothing in this repository can lower: a bare ``python -c "import aiogram"``, which builds
aiogram's ~650 pydantic models. ``--baseline DIR`` runs another checkout too, alternating.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from benchmarks.databases import empty_database
from benchmarks.intake_faults import ROOT, START_UP_S, _which, bot_process
from benchmarks.measure import hardware, percentile
from benchmarks.readme import START_UP, write_readme
from bot.emulator import TelegramEmulator

QUESTION = "бонусы"


def import_aiogram_s() -> float:
    """Seconds for a fresh interpreter to import aiogram and exit."""
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import aiogram"], check=True)
    return time.perf_counter() - started


async def launch_s(
    emulator: TelegramEmulator, source: Path, folder: Path, url: str
) -> tuple[float, float]:
    """Seconds from launch to polling, and to the answer of a question sent at launch.

    One emulator for every launch, as Telegram is one: update ids go on growing, and the
    bot's journal (which remembers them) sees each update once.
    """
    user = emulator.new_user("Клиент")
    started = time.perf_counter()
    emulator.send_text(user, user.private_chat, QUESTION)
    async with bot_process(emulator, url, folder, "start", redis=False, source=source):
        polling = time.perf_counter() - started
        message = await emulator.next_bot_message(user.private_chat, timeout=START_UP_S)
        answered = time.perf_counter() - started
    if _which(message.get("text", "")) != QUESTION:
        raise RuntimeError(f"the bot answered something else: {message.get('text', '')[:80]!r}")
    return polling, answered


async def measure(sources: Sequence[tuple[str, Path]], repeat: int) -> dict[str, list[list[float]]]:
    """Per checkout: [polling s], [first answer s], [import aiogram s]; runs alternate."""
    results: dict[str, list[list[float]]] = {name: [[], [], []] for name, _ in sources}
    with tempfile.TemporaryDirectory(prefix="faqbot-startup-") as tmp:
        folder = Path(tmp)
        async with TelegramEmulator() as emulator, empty_database("sqlite", folder) as url:
            # A first launch migrates the database and fills the embedding cache: not counted.
            await launch_s(emulator, ROOT, folder, url)
            for _ in range(repeat):
                for name, source in sources:
                    polling, answered = await launch_s(emulator, source, folder, url)
                    floor = import_aiogram_s()
                    for column, value in zip(
                        results[name], (polling, answered, floor), strict=True
                    ):
                        column.append(value)
                    print(
                        f"  {name}: polling {polling:.2f} s, answer {answered:.2f} s, "
                        f"import aiogram {floor:.2f} s",
                        file=sys.stderr,
                    )
    return results


def table(results: dict[str, list[list[float]]]) -> str:
    lines = [
        "| code | runs | to polling, s (median; min–max) | to first answer, s | "
        "`import aiogram` alone, s |",
        "|---|--:|--:|--:|--:|",
    ]
    for name, (polling, answered, floor) in results.items():
        lines.append(
            f"| {name} | {len(polling)} | {percentile(polling, 0.5):.2f} "
            f"({min(polling):.2f}–{max(polling):.2f}) | {percentile(answered, 0.5):.2f} | "
            f"{percentile(floor, 0.5):.2f} |"
        )
    hw = hardware()
    lines.append(
        f"\n{hw['cores']} CPUs {hw['cpu']}, commit {hw['commit']}; load average "
        f"{os.getloadavg()[0]:.1f} at the end."
    )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.startup")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--baseline", type=Path, help="another checkout, run alternately")
    parser.add_argument("--baseline-label", default="before")
    parser.add_argument("--readme", action="store_true", help="write the table into README.md")
    args = parser.parse_args(argv)
    sources = [("this checkout", ROOT)]
    if args.baseline is not None:
        sources.insert(0, (args.baseline_label, args.baseline.resolve()))
    body = table(asyncio.run(measure(sources, args.repeat)))
    print(body)
    if args.readme:
        write_readme(ROOT / "README.md", body, START_UP)


if __name__ == "__main__":
    main()
