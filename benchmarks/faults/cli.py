"""``python -m benchmarks.faults``: the arguments, a run per deployment, the table."""

from __future__ import annotations

import argparse
import asyncio
import random
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from benchmarks.faults.ledger import Row
from benchmarks.faults.report import section, table
from benchmarks.faults.scenarios import DEPLOYMENTS, log, run_deployment
from benchmarks.measure import hardware
from benchmarks.readme import FAULT_TABLE, write_readme

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
QUICK = {"customers": 6, "per_burst": 3, "kills": 3}


async def main_async(args: argparse.Namespace) -> list[Row]:
    rng = random.Random(args.seed)
    rows: list[Row] = []
    for kind in args.deployments:
        log(f"{kind}...")
        rows.extend(await run_deployment(kind, args, rng))
    return rows


def command(args: argparse.Namespace) -> str:
    if args.quick:
        return "python -m benchmarks.faults --quick"
    return (
        f"python -m benchmarks.faults --customers {args.customers} --per-burst {args.per_burst} "
        f"--kills {args.kills}"
    )


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.faults",
        description="faqbot run under kill -9, database and Redis restarts, Bot API 502s and "
        "time-outs: sent / stored / delivered / lost / duplicated / out of order.",
    )
    parser.add_argument("--quick", action="store_true", help=f"a short run: {QUICK}")
    parser.add_argument("--customers", type=int, default=20)
    parser.add_argument("--per-burst", type=int, default=5, help="texts per customer and burst")
    parser.add_argument("--kills", type=int, default=10)
    parser.add_argument(
        "--kill-within", type=float, default=1.5, help="a kill comes 0..this many s into a burst"
    )
    parser.add_argument("--away", type=float, default=3.0, help="s a restarted server is away")
    parser.add_argument("--patience", type=float, default=30.0)
    parser.add_argument("--no-time-outs", action="store_true", help="skip the 65 s holds")
    parser.add_argument(
        "--deployments",
        type=lambda text: [d.strip() for d in text.split(",") if d.strip()],
        default=list(DEPLOYMENTS),
        help=f"comma-separated: {', '.join(DEPLOYMENTS)}",
    )
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--keep-logs", type=Path, help="copy the bot processes' logs here")
    parser.add_argument("--write-readme", action="store_true")
    args = parser.parse_args(argv)
    if args.quick:
        for name, value in QUICK.items():
            setattr(args, name, value)
    started = time.perf_counter()
    rows = asyncio.run(main_async(args))
    seconds = time.perf_counter() - started
    hw = hardware()
    label = "quick run" if args.quick else "full run"
    header = (
        f"_{datetime.now(UTC):%Y-%m-%d}, {label}: {hw['cores']} CPUs {hw['cpu']}, "
        f"Python {hw['python']}, commit {hw['commit']}; `{command(args)}`, {seconds:.0f} s._"
    )
    print(table(rows))
    print(f"\n{header}")
    if args.write_readme:
        write_readme(README, section(rows, header), FAULT_TABLE)
        print(f"Figures written into {README.relative_to(ROOT)}.")
