"""How every benchmark turns timings into figures: one percentile, and the machine they ran on.

Percentiles are nearest-rank, here and only here, so that a p99 means the same in every table
of the README: the smallest measured value with at least that share of the values at or below
it, always one of the measured values (no interpolation). Every report that prints a
percentile says so once, with :data:`PERCENTILES`.
"""

from __future__ import annotations

import math
import os
import platform
import subprocess
from collections.abc import Sequence
from pathlib import Path

PERCENTILES = "percentiles are nearest-rank"
"""The sentence a report prints once beside its p50/p95/p99 columns."""


def percentile(values: Sequence[float], share: float) -> float:
    """Nearest-rank percentile: the smallest value with ``share`` of the values at or below it.

    >>> percentile([5, 1, 4, 2, 3], 0.5), percentile(range(1, 101), 0.99)
    (3, 99)
    >>> percentile([10.0, 20.0], 0.99), percentile([], 0.5)
    (20.0, nan)

    :param values: the measurements, in any order
    :param share: between 0 and 1, e.g. ``0.99`` for p99
    :returns: one of ``values``, or NaN when there are none (a table shows "–")
    """
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def hardware(root: Path | None = None) -> dict[str, str | int | None]:
    """The CPU model, core count, Python version, OS and the commit the figures are about.

    :param root: the repository, for the commit (default: this checkout)
    """
    cpu = None
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    commit = None
    try:
        cwd = root or Path(__file__).resolve().parents[1]
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=cwd, capture_output=True, text=True
        )
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=cwd,
            capture_output=True,
            text=True,
        )
        if head.returncode == 0:
            commit = head.stdout.strip() + ("+changes" if dirty.stdout.strip() else "")
    except OSError:
        pass
    return {
        "cpu": cpu or platform.processor() or "unknown CPU",
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "system": f"{platform.system()} {platform.release()}",
        "commit": commit,
    }
