"""Run the benchmark suite: answer quality against classic baselines, then speed and memory.

    .venv/bin/python -m benchmarks [--quick | --no-speed] [--write-readme]

Prints the tables, saves the raw figures to ``benchmarks/results/latest.json`` and, with
``--write-readme``, puts the tables into README.md between the benchmark markers.
See ``benchmarks/README.md`` for what each figure means.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Sequence
from datetime import date
from typing import Any

from benchmarks import quality, report, speed
from benchmarks.measure import hardware
from benchmarks.readme import BENCHMARKS, write_readme

RESULTS = speed.ROOT / "benchmarks" / "results" / "latest.json"
README = speed.ROOT / "README.md"


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Answer quality on the dev sets and speed on synthetic KBs, with baselines.",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="speed on 1k and 10k articles only, with fewer questions (about 3 minutes)",
    )
    parser.add_argument(
        "--write-readme",
        action="store_true",
        help="write the tables into README.md between the benchmark markers",
    )
    parser.add_argument(
        "--no-speed",
        action="store_true",
        help="answer quality only (speed has its own section: python -m benchmarks.speed_section)",
    )
    args = parser.parse_args(argv)
    started = time.perf_counter()
    results: dict[str, Any] = {
        "date": date.today().isoformat(),
        "quick": args.quick,
        "hardware": hardware(speed.ROOT),
    }

    print("Answer quality on the dev sets...", flush=True)
    results["quality"] = quality.run()
    print(report.quality_tables(results["quality"]) + "\n", flush=True)

    if not args.no_speed:
        plan = speed.QUICK if args.quick else speed.FULL
        sizes = ", ".join(f"{n:,}" for n in plan.sizes)
        print(f"Speed on synthetic KBs of {sizes} articles, one process each...", flush=True)
        results["speed"] = speed.run(plan, log=lambda line: print(line, flush=True))
        print("\n" + report.speed_tables(results["speed"]), flush=True)
    results["duration_s"] = round(time.perf_counter() - started)

    hw = results["hardware"]
    print(
        f"\n{results['date']}, {hw['cpu']}, {hw['cores']} cores, Python {hw['python']}, "
        f"commit {hw['commit']}; {results['duration_s']} s in all."
    )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"Raw figures: {RESULTS.relative_to(speed.ROOT)}")
    if args.write_readme:
        write_readme(README, report.section(results), BENCHMARKS)
        print(f"Tables written into {README.relative_to(speed.ROOT)}.")


if __name__ == "__main__":
    main()
