"""``python -m benchmarks.bot_throughput``: the arguments, the runs per database, the output."""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from benchmarks.databases import postgres_up
from benchmarks.measure import PERCENTILES
from benchmarks.readme import BOT_THROUGHPUT, write_readme
from benchmarks.throughput.load import run_backend
from benchmarks.throughput.report import machine, section, table
from benchmarks.throughput.timing import Result

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"


async def main_async(args: argparse.Namespace) -> list[Result]:
    results: list[Result] = []
    for backend in args.backends:
        if backend.startswith("postgresql") and not await postgres_up():
            print(
                f"{backend}: PostgreSQL is not running at 127.0.0.1:5432, skipped", file=sys.stderr
            )
            continue
        results.extend(await run_backend(backend, args))
    return results


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
        default=["sqlite", "postgresql", "postgresql+redis"],
        help="comma-separated: sqlite, postgresql, postgresql+redis",
    )
    parser.add_argument(
        "--code", type=Path, help="run another checkout's bot (e.g. a baseline), not this one's"
    )
    parser.add_argument("--write-readme", action="store_true")
    args = parser.parse_args(argv)
    if args.write_readme and args.code is not None:
        parser.error("--write-readme writes this checkout's figures; drop --code")
    started = time.perf_counter()
    results = asyncio.run(main_async(args))
    seconds = time.perf_counter() - started
    print(table(results))
    print(f"\n{machine()}; {time.strftime('%Y-%m-%d')}; {PERCENTILES}")
    if args.write_readme:
        write_readme(README, section(results, args, seconds), BOT_THROUGHPUT)
        print(f"Figures written into {README.relative_to(ROOT)}.")
