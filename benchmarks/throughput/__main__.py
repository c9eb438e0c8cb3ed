"""``python -m benchmarks.throughput``: the same as ``python -m benchmarks.bot_throughput``."""

from __future__ import annotations

from benchmarks.throughput.cli import main

main()
