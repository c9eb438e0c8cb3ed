"""The ledger: what was sent, matched with what was stored and what arrived, per fault.

Pure. Texts carry their sender and number (:mod:`benchmarks.desk.messages`), so a copy in a
topic or a customer's chat is matched to what was sent by text alone, and
:func:`benchmarks.desk.statistics.tally` does the matching; the ledger keeps each fault's
messages apart and reduces them to the table's six figures per direction.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from benchmarks.desk.messages import Copy
from benchmarks.desk.statistics import tally

__all__ = ["Count", "Ledger", "Row", "count", "windows"]

Key = tuple[int, int]
"""(customer, number): the customer's n-th text, or the n-th answer in their topic."""


@dataclass(frozen=True)
class Count:
    """One direction under one fault.

    ``lost`` is every message sent and never delivered, stored or not; ``duplicated`` every
    copy beyond the first; ``out_of_order`` every copy that came after a later message of the
    same sender in the same chat.
    """

    sent: int = 0
    stored: int = 0
    delivered: int = 0
    lost: int = 0
    duplicated: int = 0
    out_of_order: int = 0

    def __add__(self, other: Count) -> Count:
        return Count(
            *(getattr(self, name) + getattr(other, name) for name in self.__dataclass_fields__)
        )

    @property
    def clean(self) -> bool:
        return self.lost == self.duplicated == self.out_of_order == 0


def count(
    sent: Mapping[Key, float], stored: Mapping[Key, float], copies: Mapping[Key, list[Copy]]
) -> Count:
    """Match one direction's messages.

    >>> c = lambda m, p=0: Copy(0.0, 1, 7, m, p)
    >>> count({(1, 0): 0.0, (1, 1): 0.0, (1, 2): 0.0}, {(1, 0): 0.1, (1, 1): 0.1},
    ...       {(1, 0): [c(11), c(13)], (1, 1): [c(12)]})
    Count(sent=3, stored=2, delivered=2, lost=1, duplicated=1, out_of_order=1)
    """
    flow = tally(dict(sent), dict(stored), dict(copies))
    return Count(
        sent=flow.sent,
        stored=flow.stored,
        delivered=flow.delivered,
        lost=flow.lost + flow.not_stored,
        duplicated=flow.duplicated,
        out_of_order=flow.out_of_order,
    )


def windows(
    sent: Mapping[Key, float],
    delivered_at: Mapping[Key, float],
    copies: Mapping[Key, list[Copy]],
) -> list[float]:
    """Milliseconds from Telegram taking each message to its "delivered" mark's moment: a
    kill inside this window sends the message again after the restart.

    >>> windows({(1, 0): 0.0, (1, 1): 0.0}, {(1, 0): 10.004}, {(1, 0): [Copy(10.0, 1, 7, 3)]})
    [4.0]
    """
    found = []
    for key in sent:
        if key in delivered_at and copies.get(key):
            first = min(copy.at for copy in copies[key])
            found.append(round((delivered_at[key] - first) * 1000, 3))
    return found


@dataclass
class Row:
    """A line of the fault table: a deployment under one fault, both directions."""

    deployment: str
    fault: str
    customers: Count
    """Customers' messages to the ticket's topic."""
    agents: Count
    """Agents' answers to the customer."""
    seconds: float = 0.0
    note: str = ""

    @property
    def total(self) -> Count:
        return self.customers + self.agents


@dataclass
class Ledger:
    """Messages sent under each fault, numbered on from one fault to the next."""

    to_topics: dict[str, dict[Key, float]] = field(default_factory=dict)
    to_customers: dict[str, dict[Key, float]] = field(default_factory=dict)
    _next: dict[tuple[str, int], int] = field(default_factory=dict)

    def number(self, direction: str, customer: int) -> int:
        """The next number of ``customer``'s messages going ``direction`` (``in``/``out``)."""
        n = self._next.get((direction, customer), 0)
        self._next[(direction, customer)] = n + 1
        return n

    def customer_sent(self, fault: str, customer: int, at: float) -> int:
        """Note a customer's text sent under ``fault``; its number."""
        n = self.number("in", customer)
        self.to_topics.setdefault(fault, {})[(customer, n)] = at
        return n

    def agent_sent(self, fault: str, customer: int, at: float) -> int:
        """Note an agent's answer in ``customer``'s topic sent under ``fault``; its number."""
        n = self.number("out", customer)
        self.to_customers.setdefault(fault, {})[(customer, n)] = at
        return n

    def expected(self, fault: str) -> int:
        return len(self.to_topics.get(fault, {})) + len(self.to_customers.get(fault, {}))

    def row(
        self,
        deployment: str,
        fault: str,
        stored: tuple[Mapping[Key, float], Mapping[Key, float]],
        copies: tuple[Mapping[Key, list[Copy]], Mapping[Key, list[Copy]]],
    ) -> Row:
        """The fault's line: ``stored`` and ``copies`` are (to topics, to customers)."""
        return Row(
            deployment,
            fault,
            count(self.to_topics.get(fault, {}), stored[0], copies[0]),
            count(self.to_customers.get(fault, {}), stored[1], copies[1]),
        )
