"""``python -m benchmarks.faults [--quick] [--write-readme]``: the fault table."""

from __future__ import annotations

from benchmarks.faults.cli import main

main()
