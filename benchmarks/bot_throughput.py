"""``python -m benchmarks.bot_throughput``: the bot's updates per second and latency.

The command the README names; the benchmark itself lives in :mod:`benchmarks.throughput`, one
job per module (see its docstring for what is measured and how).
"""

from __future__ import annotations

from benchmarks.throughput.cli import main, main_async

__all__ = ["main", "main_async"]

if __name__ == "__main__":
    main()
