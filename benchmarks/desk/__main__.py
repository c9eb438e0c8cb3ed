"""``python -m benchmarks.desk``: the same command as ``python -m benchmarks.desk_reliability``."""

from __future__ import annotations

from benchmarks.desk.cli import main

main()
