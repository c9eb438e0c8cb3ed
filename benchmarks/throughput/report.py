"""The throughput figures as text: the console table and the README section."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from datetime import date

from benchmarks.measure import PERCENTILES, hardware, percentile
from benchmarks.throughput.timing import Result


def table(results: Sequence[Result]) -> str:
    """One row per database and load: counts, rate, and the three latencies' p50 / p99."""
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
    """The line under the table: where and on which commit the figures were taken."""
    hw = hardware()
    return f"{hw['cores']} CPUs {hw['cpu']}, Python {hw['python']}, commit {hw['commit']}"


def section(results: Sequence[Result], args: argparse.Namespace, seconds: float) -> str:
    """The README's figures: the date, machine and command, then the table."""
    rates = ",".join(f"{rate:g}" for rate in args.rates)
    command = (
        f"python -m benchmarks.bot_throughput --customers {args.customers} "
        f"--questions {args.questions} --rates {rates} --duration {args.duration:g}"
    )
    return "\n".join(
        [
            f"_{date.today().isoformat()}, {machine()}; `{command}`, {seconds:.0f} s; "
            f"{PERCENTILES}._",
            "",
            table(results),
        ]
    )
