"""The throughput table shows nearest-rank percentiles, and its README section says so."""

from __future__ import annotations

import argparse

from benchmarks.throughput.report import section, table
from benchmarks.throughput.timing import Result


def result() -> Result:
    return Result(
        "sqlite",
        "open, 20/s",
        updates=4,
        lost=0,
        seconds=2.0,
        end_to_end_ms=[40.0, 10.0, 30.0, 20.0],
        bot_ms=[1.0, 2.0, 3.0, 4.0],
        handler_ms=[5.0, 6.0, 7.0, 8.0],
    )


def test_the_table_shows_measured_values_at_p50_and_p99() -> None:
    row = table([result()]).splitlines()[-1]
    assert "| 20.0 / 40.0 |" in row  # nearest-rank: the 2nd and the 4th of 4, no interpolation
    assert "| 2 |" in row  # 4 updates in 2 s


def test_the_section_names_the_command_and_the_percentiles() -> None:
    args = argparse.Namespace(customers=5, questions=5, rates=[20.0], duration=3.0)
    shown = section([result()], args, seconds=12.3)
    assert "--rates 20 --duration 3" in shown
    assert "percentiles are nearest-rank" in shown
    assert shown.endswith(table([result()]))
