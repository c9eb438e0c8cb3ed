"""The fault table, and the README section it goes in (:data:`benchmarks.readme.FAULT_TABLE`)."""

from __future__ import annotations

from collections.abc import Sequence

from benchmarks.faults.ledger import Count, Row

__all__ = ["section", "table"]


def _pair(rows: Row, name: str) -> str:
    customers, agents = getattr(rows.customers, name), getattr(rows.agents, name)
    return f"{customers} + {agents}"


def _flag(count: Count, name: str) -> str:
    value = getattr(count, name)
    return f"**{value}**" if value else "0"


def table(rows: Sequence[Row]) -> str:
    """One line per deployment and fault; *sent*, *stored*, *delivered* are "customers'
    messages to the topics + agents' answers to the customers", the rest both together.

    >>> print(table([Row("sqlite", "kill -9 ×10", Count(4, 4, 4), Count(2, 2, 1, 1), 9.5)]))
    | deployment | fault | sent | stored | delivered | lost | duplicated | out of order | s | note |
    |---|---|--:|--:|--:|--:|--:|--:|--:|---|
    | sqlite | kill -9 ×10 | 4 + 2 | 4 + 2 | 4 + 1 | **1** | 0 | 0 | 10 |  |
    """
    lines = [
        "| deployment | fault | sent | stored | delivered | lost | duplicated | out of order "
        "| s | note |",
        "|---|---|--:|--:|--:|--:|--:|--:|--:|---|",
    ]
    for row in rows:
        total = row.total
        lines.append(
            f"| {row.deployment} | {row.fault} | {_pair(row, 'sent')} | {_pair(row, 'stored')} "
            f"| {_pair(row, 'delivered')} | {_flag(total, 'lost')} "
            f"| {_flag(total, 'duplicated')} | {_flag(total, 'out_of_order')} "
            f"| {row.seconds:.0f} | {row.note} |"
        )
    return "\n".join(lines)


def section(rows: Sequence[Row], header: str) -> str:
    """The README section's body: a line saying when, where and how, then the table."""
    return f"{header}\n\n{table(rows)}"
