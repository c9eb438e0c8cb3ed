"""``python -m benchmarks.desk_reliability``: the agents' desk under a burst and restarts.

The command the README names; the benchmark itself lives in :mod:`benchmarks.desk`, one job
per module (see its docstring for what is measured and how).
"""

from __future__ import annotations

from benchmarks.desk.cli import main, main_async

__all__ = ["main", "main_async"]

if __name__ == "__main__":
    main()
