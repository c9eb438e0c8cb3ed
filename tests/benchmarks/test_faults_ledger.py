"""The fault benchmark's ledger: sent, matched with stored and delivered, counted per fault."""

from __future__ import annotations

import doctest

from benchmarks.desk.messages import Copy
from benchmarks.faults import ledger, report
from benchmarks.faults.ledger import Count, Ledger


def copy(message_id: int, chat: int = 1, thread: int | None = 7, position: int = 0) -> Copy:
    return Copy(0.0, chat, thread, message_id, position)


def test_each_fault_numbers_on_and_counts_only_its_own_messages() -> None:
    book = Ledger()
    assert [book.customer_sent("kill", 0, 0.0) for _ in range(3)] == [0, 1, 2]
    assert book.customer_sent("502", 0, 0.0) == 3  # numbered on, never reused
    assert book.agent_sent("502", 0, 0.0) == 0
    stored_in = {(0, n): 0.0 for n in range(4)}
    to_topics = {(0, 0): [copy(10)], (0, 1): [copy(11)], (0, 2): [copy(12)], (0, 3): [copy(13)]}
    to_customers = {(0, 0): [copy(50, chat=2, thread=None), copy(51, chat=2, thread=None)]}
    kill = book.row("sqlite", "kill", (stored_in, {}), (to_topics, to_customers))
    assert kill.customers == Count(sent=3, stored=3, delivered=3)
    assert kill.agents == Count()
    gateway = book.row("sqlite", "502", (stored_in, {(0, 0): 0.0}), (to_topics, to_customers))
    assert gateway.customers == Count(sent=1, stored=1, delivered=1)
    assert gateway.agents == Count(sent=1, stored=1, delivered=1, duplicated=1)
    assert not gateway.total.clean and kill.total.clean
    assert book.expected("502") == 2


def test_lost_counts_the_stored_and_the_never_stored() -> None:
    sent = {(0, 0): 0.0, (0, 1): 0.0, (0, 2): 0.0}
    counted = ledger.count(sent, {(0, 0): 0.0, (0, 1): 0.0}, {(0, 0): [copy(5)]})
    assert counted == Count(sent=3, stored=2, delivered=1, lost=2)


def test_texts_joined_in_one_post_keep_their_order_by_position() -> None:
    sent = {(0, n): 0.0 for n in range(3)}
    in_order = {(0, n): [copy(9, position=n)] for n in range(3)}
    assert ledger.count(sent, sent, in_order).out_of_order == 0
    swapped = {(0, 0): [copy(9, position=1)], (0, 1): [copy(9, position=0)], (0, 2): [copy(10)]}
    assert ledger.count(sent, sent, swapped).out_of_order == 1


def test_docstring_examples() -> None:
    for module in (ledger, report):
        failed, tried = doctest.testmod(module)
        assert tried and not failed
