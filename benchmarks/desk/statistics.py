"""A phase's figures: messages matched by text into lost, duplicated, out of order, latency.

Pure: :func:`tally` takes what was sent, stored and delivered (with their moments) and counts;
the percentiles of its latencies are taken in the report, with :mod:`benchmarks.measure`.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from benchmarks.desk.messages import Copy


@dataclass
class Flow:
    """One direction of one phase: customers → topics, or agents → customers."""

    sent: int = 0
    stored: int = 0
    delivered: int = 0
    lost: int = 0
    not_stored: int = 0
    duplicated: int = 0
    out_of_order: int = 0
    seconds: float = 0.0
    latency_ms: list[float] = field(default_factory=list, repr=False)
    """From the update queued to the first copy (or message) delivered."""
    storing_ms: list[float] = field(default_factory=list, repr=False)
    """From the update queued to its row (``created_at``): the handlers' part."""
    relaying_ms: list[float] = field(default_factory=list, repr=False)
    """From the row to the copy: the relay's part."""
    relay_alone_per_second: float = float("nan")
    """Copies per second once every row of the phase was stored (nothing else to do)."""

    @property
    def per_second(self) -> float:
        return self.delivered / self.seconds if self.seconds else 0.0


@dataclass
class Phase:
    name: str
    customers: Flow
    agents: Flow | None = None
    stops: int = 0
    kills: int = 0
    cancelled_handlers: int = 0  # updates fetched, still being handled when the process ended
    refused: int = 0  # sends Telegram answered with 429 (with its limits on)


@dataclass
class Result:
    backend: str
    tickets: int
    topics: int
    topics_created: int  # createForumTopic calls Telegram answered
    distinct_topics: int
    filing_s: float
    phases: list[Phase]
    baseline_per_second: float
    problems: Counter[str]
    posts_per_second: float = float("nan")
    """The relay's own posts sent directly (its template, HTML), one after another."""


def tally(
    sent: dict[tuple[int, int], float],
    stored: dict[tuple[int, int], float],
    copies: dict[tuple[int, int], list[Copy]],
) -> Flow:
    """Match what was sent with what was stored and what Telegram received, by text.

    :param sent: when each update was queued
    :param stored: when each row was made
    :param copies: what the bot sent with each text
    """
    flow = Flow(sent=len(sent), stored=len(stored.keys() & sent.keys()))
    firsts: list[float] = []
    places: dict[object, list[tuple[int, int, int, int]]] = defaultdict(list)
    for key, at in sent.items():
        arrived = copies.get(key, [])
        if not arrived:
            flow.lost += key in stored
            flow.not_stored += key not in stored
            continue
        flow.delivered += 1
        flow.duplicated += len(arrived) - 1
        first = min(arrived, key=lambda c: c.at)
        firsts.append(first.at)
        flow.latency_ms.append((first.at - at) * 1000)
        if key in stored:
            flow.storing_ms.append((stored[key] - at) * 1000)
            flow.relaying_ms.append((first.at - stored[key]) * 1000)
        for copy in arrived:
            places[(copy.chat_id, copy.thread)].append(
                (copy.message_id, copy.position, key[0], key[1])
            )
    for received in places.values():
        latest: dict[int, int] = {}
        for _, _, author, n in sorted(received):
            if n < latest.get(author, -1):
                flow.out_of_order += 1
            latest[author] = max(n, latest.get(author, -1))
    if firsts:
        flow.seconds = max(firsts) - min(sent.values())
        last_row = max((stored[key] for key in sent if key in stored), default=0.0)
        after = [at for at in firsts if at > last_row]
        if len(after) >= 20:  # fewer says nothing about a rate
            flow.relay_alone_per_second = len(after) / (max(after) - last_row)
    return flow
