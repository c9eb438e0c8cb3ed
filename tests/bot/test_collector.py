"""Start-up runs without automatic garbage collection, and turns it back on whatever happens."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest

from bot.collector import collections_paused


class Node:
    """A reference cycle's member: only the collector reclaims it."""

    def __init__(self) -> None:
        self.me = self


@pytest.fixture(autouse=True)
def collector_as_it_was() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.unfreeze()  # whatever an earlier test's start-up froze
    yield
    gc.unfreeze()  # the test process's objects back where collections see them
    if enabled:
        gc.enable()
    else:
        gc.disable()


def test_no_automatic_collection_while_starting_up() -> None:
    gc.enable()
    with collections_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_resume_collects_freezes_what_lives_and_turns_collection_back_on() -> None:
    gc.enable()
    with collections_paused() as resume:
        garbage = weakref.ref(Node())
        kept = Node()
        resume()
        assert gc.isenabled()
        assert garbage() is None  # the cycle built during start-up was collected once
        assert gc.get_freeze_count() > 0  # what start-up built is out of later collections' way
        assert kept.me is kept
    assert gc.isenabled()


def test_a_start_up_that_fails_turns_collection_back_on() -> None:
    gc.enable()
    with pytest.raises(RuntimeError), collections_paused():
        raise RuntimeError("the database does not answer")
    assert gc.isenabled()
    assert gc.get_freeze_count() == 0


def test_collection_left_off_by_the_caller_stays_off() -> None:
    gc.disable()
    with collections_paused() as resume:
        resume()
    assert not gc.isenabled()
