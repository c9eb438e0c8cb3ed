"""The desk's figures as text: the console tables and the README section."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from datetime import date

from benchmarks.desk.statistics import Flow, Phase, Result
from benchmarks.measure import PERCENTILES, hardware, percentile


def _ms(value: float) -> str:
    """A duration given in ms: ``85 ms``, ``4.5 s``."""
    if value != value:
        return "–"
    return f"{value / 1000:.1f} s" if value >= 1000 else f"{value:.0f} ms"


def _rate(value: float) -> str:
    return "–" if value != value else f"{value:.0f}"


_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


def _rows(results: Sequence[Result]) -> list[tuple[Result, str, str, Flow]]:
    rows = []
    for result in results:
        for phase in result.phases:
            label = phase.name
            if phase.stops or phase.kills:
                label = f"burst, {phase.stops} restarts" + (
                    f", {phase.kills} kills" if phase.kills else ""
                )
            rows.append((result, label, "customer → topic", phase.customers))
            if phase.agents is not None:
                rows.append((result, label, "agent → customer", phase.agents))
    return rows


def table(results: Sequence[Result]) -> str:
    """Counts and the end-to-end figures, one row per phase and direction."""
    lines = [
        "| database | phase | direction | sent | stored | delivered | lost | not stored | "
        "duplicated | out of order | latency p50 / p95 / p99 | relayed/s | ÷ plain send |",
        "|:--|:--|:--|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for result, label, direction, flow in _rows(results):
        latency = " / ".join(_ms(percentile(flow.latency_ms, q)) for q in (0.5, 0.95, 0.99))
        lines.append(
            f"| {_NAMES[result.backend]} | {label} | {direction} | {flow.sent} | {flow.stored} | "
            f"{flow.delivered} | {flow.lost} | {flow.not_stored} | {flow.duplicated} | "
            f"{flow.out_of_order} | {latency} | {flow.per_second:.0f} | "
            f"{flow.per_second / result.baseline_per_second:.2f} |"
        )
    return "\n".join(lines)


def split_table(results: Sequence[Result]) -> str:
    """Where the time goes: the handlers storing the rows, then the relay copying them."""
    lines = [
        "| database | phase | direction | to the row p50 / p99 | row to copy p50 / p99 "
        "| relay alone, /s | ÷ plain send |",
        "|:--|:--|:--|--:|--:|--:|--:|",
    ]
    for result, label, direction, flow in _rows(results):
        alone = flow.relay_alone_per_second
        lines.append(
            f"| {_NAMES[result.backend]} | {label} | {direction} | "
            f"{_ms(percentile(flow.storing_ms, 0.5))} / {_ms(percentile(flow.storing_ms, 0.99))} | "
            f"{_ms(percentile(flow.relaying_ms, 0.5))} / "
            f"{_ms(percentile(flow.relaying_ms, 0.99))} | {_rate(alone)} | "
            f"{'–' if alone != alone else f'{alone / result.baseline_per_second:.2f}'} |"
        )
    return "\n".join(lines)


def _restarts(result: Result) -> Phase:
    return result.phases[1]


def _drained(result: Result) -> float:
    """The relay's rate alone, draining the backlog it found on start (first copy to last)."""
    found = [p for p in result.phases if p.name.startswith("backlog")]
    return found[0].customers.relay_alone_per_second if found else float("nan")


def _saturated(results: Sequence[Result]) -> list[str]:
    """The phase with Telegram's limits on, when it ran: the agents' answers while the group
    was saturated, against the target."""
    lines = []
    for result in results:
        for phase in result.phases[2:]:
            agents = phase.agents
            if agents is None:
                continue
            p95 = percentile(agents.latency_ms, 0.95)
            lines.append(
                f"- {_NAMES[result.backend]}, Telegram's limits on: {phase.customers.sent} "
                f"customer messages into a group that takes 20 a minute, "
                f"{phase.customers.delivered} in their topics after "
                f"{phase.customers.seconds:.0f} s; meanwhile {agents.sent} agents' answers "
                f"reached the customers in p50 {_ms(percentile(agents.latency_ms, 0.5))}, p95 "
                f"{_ms(p95)} (target ≤ 2 s: {'met' if p95 <= 2000 else 'not met'}); "
                f"{phase.refused} sends refused with 429."
            )
    return lines


def summary(results: Sequence[Result]) -> str:
    lines = []
    for result in results:
        restarts = _restarts(result)
        lines.append(
            f"{_NAMES[result.backend]}: {result.tickets} tickets, {result.topics} topics "
            f"({result.topics_created} createForumTopic calls, {result.distinct_topics} distinct "
            f"in the database), filed through the form in "
            f"{result.filing_s:.1f} s; plain sendMessage {result.baseline_per_second:.0f}/s, "
            f"the relay's posts sent directly {_rate(result.posts_per_second)}/s; "
            f"{restarts.cancelled_handlers} update handlers still running when the app was "
            "closed"
        )
        for problem, count in result.problems.most_common(8):
            lines.append(f"  logged {count}×  {problem}")
    lines += _saturated(results)
    return "\n".join(lines)


def section(results: Sequence[Result], args: argparse.Namespace, seconds: float) -> str:
    """The README's figures: the date and machine, the main table, a line per database."""
    hw = hardware()
    command = (
        f"python -m benchmarks.desk_reliability --customers {args.customers} "
        f"--messages {args.messages} --restarts {args.restarts} --replies {args.replies}"
        + (f" --kills {args.kills}" if args.kills else "")
        + (
            f" --limited-customers {args.limited_customers} --limited-messages "
            f"{args.limited_messages} --limited-replies {args.limited_replies}"
        )
    )
    lines = [
        f"_{date.today().isoformat()}, {hw['cpu']}, {hw['cores']} cores (shared), "
        f"Python {hw['python']}, commit {hw['commit'] or 'unknown'}; `{command}`, "
        f"{seconds:.0f} s; {PERCENTILES}._",
        "",
        table(results),
        "",
    ]
    for result in results:
        burst, restarts = result.phases[0].customers, _restarts(result)
        alone = _drained(result)
        ratio = "–" if alone != alone else f"{alone / result.baseline_per_second:.2f}×"
        posts = result.posts_per_second
        same = "–" if alone != alone or posts != posts else f"{alone / posts:.2f}×"
        lines.append(
            f"- {_NAMES[result.backend]}: {result.tickets} tickets, {result.topics} topics; "
            f"plain `sendMessage` {result.baseline_per_second:.0f}/s, the relay alone (draining "
            f"the backlog it found on start, first copy to last) {_rate(alone)}/s, "
            f"{ratio}; the relay's own posts (its template, HTML) sent directly "
            f"{_rate(posts)}/s, so the relay runs at {same} of sending the same posts; "
            "in the burst, p50 "
            f"{_ms(percentile(burst.storing_ms, 0.5))} to the row, then "
            f"{_ms(percentile(burst.relaying_ms, 0.5))} to the copy; "
            f"{restarts.cancelled_handlers} update handlers were still running at the "
            f"{restarts.stops + restarts.kills} stops."
        )
    lines += _saturated(results)
    return "\n".join(lines)
