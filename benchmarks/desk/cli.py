"""``python -m benchmarks.desk_reliability``: the arguments, the run per database, the output."""

from __future__ import annotations

import argparse
import asyncio
import time
from collections.abc import Sequence
from pathlib import Path

from benchmarks.desk.report import section, split_table, summary, table
from benchmarks.desk.scenario import log, run_backend
from benchmarks.desk.statistics import Result
from benchmarks.measure import PERCENTILES
from benchmarks.readme import DESK_RELIABILITY, write_readme
from bot.serving import Answers
from kb import load_folder
from kb.index import Index

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"


def load_answers() -> Answers:
    loaded = load_folder(ROOT / "articles")
    if loaded.problems:
        raise SystemExit(f"the demo KB has problems: {loaded.problems[:3]}")
    return Answers(Index.build(loaded.catalog)).warm_up()


async def main_async(args: argparse.Namespace) -> list[Result]:
    answers = load_answers()
    results = []
    for backend in args.backend:
        log(f"{backend}...")
        results.append(await run_backend(backend, args, answers))
    return results


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.desk_reliability",
        description="The agents' desk under a burst and across restarts: lost, duplicated, "
        "out-of-order messages, latency and throughput against plain sendMessage.",
    )
    parser.add_argument("--customers", type=int, default=20)
    parser.add_argument("--messages", type=int, default=50, help="per customer and burst")
    parser.add_argument("--restarts", type=int, default=3, help="graceful stops mid-burst")
    parser.add_argument("--kills", type=int, default=0, help="hard stops mid-burst (slow)")
    parser.add_argument("--replies", type=int, default=10, help="agents' replies per topic")
    parser.add_argument(
        "--limited-customers",
        type=int,
        default=6,
        help="customers of the phase with Telegram's limits on, half of them sending a burst, "
        "half answered by agents (0: no such phase)",
    )
    parser.add_argument("--limited-messages", type=int, default=10, help="per customer, limits on")
    parser.add_argument("--limited-replies", type=int, default=5, help="per topic, limits on")
    parser.add_argument(
        "--backend",
        choices=["sqlite", "postgresql", "both"],
        default="both",
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--write-readme", action="store_true")
    args = parser.parse_args(argv)
    args.backend = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    started = time.perf_counter()
    results = asyncio.run(main_async(args))
    seconds = time.perf_counter() - started
    print(table(results))
    print()
    print(split_table(results))
    print(summary(results))
    print(f"{seconds:.0f} s in all; {PERCENTILES}.")
    if args.write_readme:
        write_readme(README, section(results, args, seconds), DESK_RELIABILITY)
        print(f"Figures written into {README.relative_to(ROOT)}.")


if __name__ == "__main__":
    main()
