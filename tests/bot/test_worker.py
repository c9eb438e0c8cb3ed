"""The background loop the relay and the SLA watch share (bot.serving.worker)."""

from __future__ import annotations

import asyncio
import logging

import pytest

from bot.serving import Worker


class Counting(Worker):
    """Counts its rounds; fails the rounds listed in ``failing``; can be held mid-round."""

    def __init__(self, *, interval: float, failing: frozenset[int] = frozenset()) -> None:
        super().__init__("counting", interval=interval)
        self.rounds = 0
        self.failing = failing
        self.finished = 0
        self.ran = asyncio.Event()
        self.hold: asyncio.Event | None = None

    async def round(self) -> int:
        self.rounds += 1
        self.ran.set()
        if self.hold is not None:
            await self.hold.wait()
        if self.rounds in self.failing:
            raise RuntimeError(f"round {self.rounds} broke")
        self.finished += 1
        return self.rounds


async def next_round(worker: Counting) -> None:
    worker.ran.clear()
    await asyncio.wait_for(worker.ran.wait(), 2)


async def test_wake_runs_a_round_before_the_interval() -> None:
    worker = Counting(interval=60)
    worker.start()
    await next_round(worker)
    worker.wake()
    await next_round(worker)
    await worker.stop()
    assert worker.rounds == 2


async def test_rounds_repeat_at_the_interval() -> None:
    worker = Counting(interval=0.01)
    worker.start()
    for _ in range(3):
        await next_round(worker)
    await worker.stop()
    assert worker.rounds >= 3


async def test_a_failing_round_is_logged_and_the_loop_goes_on(
    caplog: pytest.LogCaptureFixture,
) -> None:
    worker = Counting(interval=60, failing=frozenset({1}))
    with caplog.at_level(logging.ERROR, logger="bot.serving.worker"):
        worker.start()
        await next_round(worker)
        worker.wake()
        await next_round(worker)
        await worker.stop()
    assert worker.finished == 1
    assert "counting: round failed" in caplog.text
    assert "round 1 broke" in caplog.text


async def test_a_lasting_failure_is_logged_ever_more_rarely_and_its_end_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    worker = Counting(interval=0.001, failing=frozenset(range(1, 10)))
    with caplog.at_level(logging.INFO, logger="bot.serving.worker"):
        worker.start()
        while worker.finished < 2:
            await next_round(worker)
        await worker.stop()
    messages = [r.getMessage() for r in caplog.records]
    assert [r.exc_info is not None for r in caplog.records] == [True, False, False, False, False]
    assert messages[0] == "counting: round failed; next one in 0.0 s"
    assert messages[1:4] == [
        f"counting: {n} rounds failed in a row, the last with RuntimeError('round {n} broke')"
        for n in (2, 4, 8)
    ]
    assert messages[4] == "counting: rounds work again after 9 failed"


async def test_stop_finishes_the_round_in_flight() -> None:
    worker = Counting(interval=60)
    worker.hold = asyncio.Event()
    worker.start()
    await next_round(worker)
    stopping = asyncio.create_task(worker.stop())
    await asyncio.sleep(0.01)
    assert worker.stopping and not stopping.done()
    worker.hold.set()
    await asyncio.wait_for(stopping, 2)
    assert worker.finished == 1


async def test_start_twice_runs_one_loop_and_a_stopped_worker_starts_again() -> None:
    worker = Counting(interval=60)
    worker.start()
    worker.start()
    await next_round(worker)
    await worker.stop()
    assert worker.rounds == 1
    worker.start()
    await next_round(worker)
    await worker.stop()
    assert worker.rounds == 2
