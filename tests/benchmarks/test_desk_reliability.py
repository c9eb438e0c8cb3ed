"""The desk reliability benchmark runs end to end on a tiny load and finds nothing lost."""

from __future__ import annotations

import argparse

from benchmarks.desk.cli import main_async
from benchmarks.desk.report import table


async def test_a_tiny_run_loses_duplicates_and_reorders_nothing() -> None:
    args = argparse.Namespace(
        customers=2,
        messages=5,
        restarts=1,
        kills=0,
        replies=2,
        limited_customers=2,  # one sends a burst into the saturated group, one is answered
        limited_messages=4,
        limited_replies=2,
        backend=["sqlite"],
        seed=7,
        write_readme=False,
    )
    [result] = await main_async(args)
    shown = table([result])
    assert "SQLite" in shown
    assert [phase.name for phase in result.phases][-1] == "Telegram's limits, group saturated"
    assert result.tickets == result.topics == result.distinct_topics == 2
    for phase in result.phases:
        assert phase.cancelled_handlers == 0  # a stop finishes the updates it fetched
        for flow in (phase.customers, phase.agents):
            if flow is None:
                continue
            assert flow.lost == 0 and flow.duplicated == 0 and flow.out_of_order == 0, shown
            assert flow.not_stored == 0, shown
