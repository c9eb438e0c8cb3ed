"""Chat ownership on a real PostgreSQL: one process at a time holds a chat, and a killed one
lets go of its chats with its connection."""

from __future__ import annotations

import asyncio
import signal
import sys
import uuid
from collections.abc import AsyncIterator

import pytest

from bot.telegram.chat_locks import ChatLocks, lock_id, plain_dsn
from tests.bot.db.fixtures import require_postgres

pytestmark = pytest.mark.postgres


@pytest.fixture
def prefix() -> str:
    """A bot id of the test's own: the server's lock keys are shared with every other run."""
    return f"test-{uuid.uuid4().hex}"


@pytest.fixture
async def two(prefix: str) -> AsyncIterator[tuple[ChatLocks, ChatLocks]]:
    """Two replicas' locks on the same database."""
    url = require_postgres()
    first = await ChatLocks.connect(url, prefix=prefix)
    second = await ChatLocks.connect(url, prefix=prefix)
    try:
        yield first, second
    finally:
        await first.close()
        await second.close()


async def test_a_chat_is_held_by_one_replica_until_it_gives_it_back(
    two: tuple[ChatLocks, ChatLocks],
) -> None:
    first, second = two
    assert await first.try_own("1001")
    assert await first.try_own("1001")  # held already: still its own
    assert not await second.try_own("1001")
    assert await second.try_own("1002")  # another chat is free
    assert first.owned == {"1001"} and second.owned == {"1002"}

    await first.release("1001")
    assert await second.try_own("1001")
    assert not await first.try_own("1001")


async def test_one_round_trip_takes_every_free_chat_and_leaves_the_held_ones(
    two: tuple[ChatLocks, ChatLocks],
) -> None:
    first, second = two
    assert await first.try_own_many(["1", "2"]) == {"1", "2"}
    assert await second.try_own_many(["1", "2", "3", "4"]) == {"3", "4"}
    assert await first.try_own_many(["2", "3", "5"]) == {"2", "5"}


async def test_closing_gives_back_every_chat(two: tuple[ChatLocks, ChatLocks], prefix: str) -> None:
    first, second = two
    assert await first.try_own_many(["7", "8"]) == {"7", "8"}
    await first.close()
    assert await second.try_own_many(["7", "8"]) == {"7", "8"}


async def test_a_replica_killed_with_sigkill_frees_its_chats(
    two: tuple[ChatLocks, ChatLocks], prefix: str
) -> None:
    _, survivor = two
    holder = (
        "import asyncio, asyncpg, sys\n"
        "async def main():\n"
        "    c = await asyncpg.connect(sys.argv[1])\n"
        "    assert await c.fetchval('SELECT pg_try_advisory_lock($1)', int(sys.argv[2]))\n"
        "    print('held', flush=True)\n"
        "    await asyncio.sleep(600)\n"
        "asyncio.run(main())\n"
    )
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        holder,
        plain_dsn(require_postgres()),
        str(lock_id(prefix, "4242")),
        stdout=asyncio.subprocess.PIPE,
    )
    try:
        assert process.stdout is not None
        assert await asyncio.wait_for(process.stdout.readline(), 30) == b"held\n"
        assert not await survivor.try_own("4242")
    finally:
        process.send_signal(signal.SIGKILL)
        await process.wait()
    # The server notices the closed socket at once; allow it a moment on a busy machine.
    for _ in range(100):
        if await survivor.try_own("4242"):
            break
        await asyncio.sleep(0.05)
    assert survivor.owns("4242")


async def test_prefixes_keep_two_bots_apart(prefix: str) -> None:
    url = require_postgres()
    one = await ChatLocks.connect(url, prefix=prefix)
    other = await ChatLocks.connect(url, prefix=f"{prefix}-other")
    try:
        assert await one.try_own("1001")
        assert await other.try_own("1001")
    finally:
        await one.close()
        await other.close()


async def test_a_read_runs_on_the_locks_connection_in_turn_with_the_locks(
    two: tuple[ChatLocks, ChatLocks],
) -> None:
    first, second = two
    assert await first.try_own("1001")
    held = await first.read(
        lambda connection: connection.fetchval(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()"
        )
    )
    assert held == 1  # the same session as the lock: what it reads follows what it locked
    first.connection.terminate()  # the server restarted: the locks went with the connection
    assert await first.read(lambda connection: connection.fetchval("SELECT 1")) == 1
    assert first.owned == frozenset() and await second.try_own("1001")
