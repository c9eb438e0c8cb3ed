"""The Redis FSM storage: aiogram's keys and lock, fewer round trips, nothing stale."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import pytest
from aiogram.fsm.storage.base import DefaultKeyBuilder, StorageKey
from aiogram.fsm.storage.redis import RedisStorage
from redis.asyncio import Connection, ConnectionPool, Redis
from redis.exceptions import LockNotOwnedError

from bot.telegram.redis_fsm import RedisFsmStorage
from bot.telegram.states import TicketForm
from tests.telegram.test_storage import REDIS_URL, _redis_listening

KEY = StorageKey(bot_id=123456, chat_id=1001, user_id=1001)


class CountingConnection(Connection):
    """A real connection that counts the requests it writes (a pipeline is one)."""

    sent = 0

    async def send_packed_command(self, command: object, check_health: bool = True) -> None:
        type(self).sent += 1
        await super().send_packed_command(command, check_health)


@pytest.fixture
async def redis() -> AsyncIterator[Redis]:
    if not _redis_listening():
        pytest.skip("Redis is not running at 127.0.0.1:6379")
    pool = ConnectionPool.from_url(REDIS_URL, connection_class=CountingConnection)
    client = Redis(connection_pool=pool)
    yield client
    await client.aclose(close_connection_pool=True)


@pytest.fixture
async def prefix(redis: Redis) -> AsyncIterator[str]:
    prefix = f"faqbot-test-{uuid.uuid4().hex[:12]}:fsm"
    yield prefix
    keys = [key async for key in redis.scan_iter(f"{prefix}:*")]
    if keys:
        await redis.delete(*keys)


def _ours(redis: Redis, prefix: str) -> RedisFsmStorage:
    return RedisFsmStorage(redis, key_builder=DefaultKeyBuilder(prefix=prefix, with_bot_id=True))


def _aiograms(redis: Redis, prefix: str) -> RedisStorage:
    return RedisStorage(redis, key_builder=DefaultKeyBuilder(prefix=prefix, with_bot_id=True))


async def _one_question(storage: RedisStorage) -> dict[str, object]:
    """What aiogram and the question handler do with the FSM in one update."""
    async with storage.create_isolation().lock(KEY):
        assert await storage.get_state(KEY) is None  # FSMContextMiddleware
        data = await storage.get_data(KEY)  # dialogue_state.load
        return await storage.update_data(KEY, {"attempt": data.get("attempt", 0) + 1})


async def test_a_question_costs_three_round_trips_not_six(redis: Redis, prefix: str) -> None:
    async def count(storage: RedisStorage) -> int:
        await _one_question(storage)  # the connection opened, the release script loaded
        CountingConnection.sent = 0
        await _one_question(storage)
        return CountingConnection.sent

    theirs = await count(_aiograms(redis, prefix))
    ours = await count(_ours(redis, prefix))
    # Lock and read, write, release; aiogram's reads the state and the data twice apart.
    assert (theirs, ours) == (6, 3)
    assert await _ours(redis, prefix).get_data(KEY) == {"attempt": 4}


async def test_reads_what_aiogram_wrote_and_writes_what_it_reads(redis: Redis, prefix: str) -> None:
    theirs, ours = _aiograms(redis, prefix), _ours(redis, prefix)
    await theirs.set_state(KEY, TicketForm.when)
    await theirs.set_data(KEY, {"draft": {"question": "«ёж» <3"}})
    async with ours.create_isolation().lock(KEY):
        assert await ours.get_state(KEY) == "TicketForm:when"
        assert await ours.get_data(KEY) == {"draft": {"question": "«ёж» <3"}}
        await ours.set_state(KEY, TicketForm.impact)
        await ours.update_data(KEY, {"n": [1, 2]})
        # Written through at once, not at the release.
        assert await theirs.get_state(KEY) == "TicketForm:impact"
        assert await theirs.get_data(KEY) == {"draft": {"question": "«ёж» <3"}, "n": [1, 2]}
        assert await ours.get_state(KEY) == "TicketForm:impact"
        await ours.set_state(KEY, None)
        await ours.set_data(KEY, {})
        assert (await ours.get_state(KEY), await ours.get_data(KEY)) == (None, {})
    assert (await theirs.get_state(KEY), await theirs.get_data(KEY)) == (None, {})


async def test_data_handed_out_is_a_copy(redis: Redis, prefix: str) -> None:
    ours = _ours(redis, prefix)
    await ours.set_data(KEY, {"draft": {"question": "a"}})
    async with ours.create_isolation().lock(KEY):
        (await ours.get_data(KEY))["draft"]["question"] = "changed by the caller"
        assert await ours.get_data(KEY) == {"draft": {"question": "a"}}


async def test_one_conversation_at_a_time_across_processes(redis: Redis, prefix: str) -> None:
    """Two storages stand for two processes: the second waits for the first's release, then
    reads what the first wrote (not what was there when it started waiting)."""
    first, second = _ours(redis, prefix), _ours(redis, prefix)
    order: list[str] = []
    holding = asyncio.Event()

    async def one() -> None:
        async with first.create_isolation().lock(KEY):
            holding.set()
            await asyncio.sleep(0.3)
            await first.update_data(KEY, {"by": "first"})
            order.append("first done")

    async def two() -> None:
        await holding.wait()
        async with second.create_isolation().lock(KEY):
            order.append("second in")
            assert await second.get_data(KEY) == {"by": "first"}

    await asyncio.gather(one(), two())
    assert order == ["first done", "second in"]


async def test_outside_the_lock_reads_go_to_redis(redis: Redis, prefix: str) -> None:
    """A task that outlives its update, or another conversation, is not served the copy."""
    ours, theirs = _ours(redis, prefix), _aiograms(redis, prefix)
    other = StorageKey(bot_id=123456, chat_id=1002, user_id=1002)
    late: list[asyncio.Task[dict[str, object]]] = []
    started = asyncio.Event()

    async def after_the_update() -> dict[str, object]:
        started.set()
        await asyncio.sleep(0.2)
        return await ours.get_data(KEY)

    async with ours.create_isolation().lock(KEY):
        await theirs.set_data(other, {"chat": 1002})
        assert await ours.get_data(other) == {"chat": 1002}
        late.append(asyncio.create_task(after_the_update()))
        await started.wait()
    await theirs.set_data(KEY, {"written": "after the release"})
    assert await late[0] == {"written": "after the release"}


async def test_a_lock_that_expired_is_reported_at_the_release(redis: Redis, prefix: str) -> None:
    ours = _ours(redis, prefix)
    with pytest.raises(LockNotOwnedError):
        async with ours.create_isolation(lock_kwargs={"timeout": 0.1}).lock(KEY):
            await asyncio.sleep(0.3)
