"""Lanes: one chat's updates one after another, chats side by side, never more than the limit."""

from __future__ import annotations

import asyncio
import random

import pytest

from bot.telegram.lanes import Lanes


async def test_each_key_keeps_its_order_while_keys_run_at_once() -> None:
    rng = random.Random(12)
    handled: dict[str, list[int]] = {}
    running = 0
    most = 0

    async def handle(item: tuple[str, int]) -> None:
        nonlocal running, most
        running += 1
        most = max(most, running)
        await asyncio.sleep(rng.random() / 200)  # later items often finish first elsewhere
        handled.setdefault(item[0], []).append(item[1])
        running -= 1

    lanes: Lanes[tuple[str, int]] = Lanes(handle, limit=5)
    for n in range(20):
        for key in ("a", "b", "c", "d", "e", "f", "g", "h"):
            lanes.put(key, (key, n))
    assert await lanes.drain(timeout=10) == 0
    assert handled == {key: list(range(20)) for key in "abcdefgh"}
    assert most == 5


async def test_a_failed_item_is_logged_and_the_lane_goes_on(
    caplog: pytest.LogCaptureFixture,
) -> None:
    seen: list[int] = []

    async def handle(item: int) -> None:
        if item == 1:
            raise RuntimeError("boom")
        seen.append(item)

    lanes: Lanes[int] = Lanes(handle, limit=2)
    for item in range(3):
        lanes.put("chat", item)
    await lanes.drain(timeout=5)
    assert seen == [0, 2]
    assert "boom" in caplog.text


async def test_a_drain_that_runs_out_of_time_cancels_and_says_how_many_are_left() -> None:
    release = asyncio.Event()

    async def handle(item: int) -> None:
        await release.wait()

    lanes: Lanes[int] = Lanes(handle, limit=1)
    for item in range(3):
        lanes.put("chat", item)
    assert await lanes.drain(timeout=0.05) == 3
    assert lanes.queued == 0


async def test_the_reader_waits_for_room_but_not_behind_one_chat() -> None:
    release = asyncio.Event()

    async def handle(item: int) -> None:
        await release.wait()

    lanes: Lanes[int] = Lanes(handle, limit=2)
    for item in range(6):
        lanes.put("flood", item)  # one chat: one slot taken, the other free
    await asyncio.sleep(0.01)
    await asyncio.wait_for(lanes.wait_for_room(2, 100), 1)  # a free slot: read on
    lanes.put("other", 99)  # both slots taken now
    await asyncio.sleep(0.01)
    waiting = asyncio.create_task(lanes.wait_for_room(2, 100))
    await asyncio.sleep(0.01)
    assert not waiting.done()
    release.set()
    await asyncio.wait_for(waiting, 1)
    await lanes.drain(timeout=1)
