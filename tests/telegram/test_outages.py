"""The database away and back: nothing lost, nothing answered twice, no error sent.

PostgreSQL is real; the network to it goes through a TCP relay this test can cut (every
connection dropped, new ones refused) and mend, as a restart of the server looks to the bot.
The shared server on 5432 is never touched.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
from collections.abc import AsyncIterator

import pytest
from aiogram.fsm.storage.base import DefaultKeyBuilder, StorageKey
from redis.asyncio import Redis
from sqlalchemy import make_url
from sqlalchemy.exc import IntegrityError, OperationalError

from bot.db.repo.relay_batches import Mark
from bot.emulator import TelegramEmulator
from bot.serving import Answers, Database
from bot.telegram.app import forget_locks
from bot.telegram.desk.marks import Marks
from bot.telegram.outages import Outage, ReleasingIsolation, is_outage
from tests.bot.db.fixtures import postgres_scratch, require_postgres
from tests.telegram.conftest import Clock, running
from tests.telegram.desk_fixtures import eventually
from tests.telegram.test_journal import ERROR, QUESTIONS, replies
from tests.telegram.test_storage import _redis_listening


class Cable:
    """A TCP relay to ``host:port`` that can be cut and mended."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.cut = False
        self._pipes: set[asyncio.Task[None]] = set()
        self._writers: set[asyncio.StreamWriter] = set()
        self._server: asyncio.Server | None = None
        self.local_port = 0

    async def __aenter__(self) -> Cable:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.local_port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        assert self._server is not None
        self._server.close()
        self.sever()
        await asyncio.gather(*self._pipes, return_exceptions=True)

    def sever(self) -> None:
        """Drop every connection and refuse new ones until :meth:`mend`."""
        self.cut = True
        for writer in list(self._writers):
            writer.transport.abort()
        self._writers.clear()

    def mend(self) -> None:
        self.cut = False

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self.cut:
            writer.transport.abort()
            return
        try:
            up_reader, up_writer = await asyncio.open_connection(self.host, self.port)
        except OSError:
            writer.transport.abort()
            return
        self._writers.update((writer, up_writer))
        for source, sink in ((reader, up_writer), (up_reader, writer)):
            task = asyncio.create_task(self._pipe(source, sink))
            self._pipes.add(task)
            task.add_done_callback(self._pipes.discard)

    async def _pipe(self, source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
        with contextlib.suppress(OSError, ConnectionError):
            while chunk := await source.read(65536):
                sink.write(chunk)
                await sink.drain()
        sink.transport.abort()
        self._writers.discard(sink)


@contextlib.asynccontextmanager
async def behind_a_cable() -> AsyncIterator[tuple[Cable, object]]:
    url = make_url(require_postgres())
    async with Cable(url.host or "127.0.0.1", url.port or 5432) as cable:
        through = url.set(host="127.0.0.1", port=cable.local_port)
        async with postgres_scratch(through.render_as_string(hide_password=False)) as database:
            yield cable, database


@pytest.mark.parametrize(
    ("error", "outage"),
    [
        (ConnectionRefusedError(111, "Connect call failed"), True),
        (OperationalError("SELECT 1", {}, ConnectionResetError()), True),
        (IntegrityError("INSERT", {}, ValueError("duplicate key")), False),
        (OperationalError("INSERT", {}, sqlite3.OperationalError("database is locked")), True),
        (OperationalError("INSERT", {}, sqlite3.OperationalError("no such table: votes")), False),
        (ValueError("a bug"), False),
    ],
)
def test_an_outage_is_a_connection_gone_not_a_query_refused(
    error: BaseException, outage: bool
) -> None:
    assert is_outage(error) is outage


async def test_pauses_grow_from_half_a_second_to_five_and_log_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    outage = Outage("reading updates", first=0.001, longest=0.008)
    pauses = []
    with caplog.at_level(logging.WARNING, logger="bot.telegram.outages"):
        for _ in range(6):
            pauses.append(outage.pause if outage.attempts else outage.first)
            await outage.wait(ConnectionRefusedError("refused"))
        outage.over()
    assert [Outage("x").pause] == [0.5]
    assert pauses == [0.001, 0.001, 0.002, 0.004, 0.008, 0.008]
    lines = [record.getMessage() for record in caplog.records]
    assert len(lines) == 2, lines
    assert lines[0].startswith("reading updates failed (ConnectionRefusedError: refused)")
    assert lines[1].startswith("reading updates works again after")


async def test_the_database_away_mid_burst_loses_and_repeats_nothing(
    telegram: TelegramEmulator, answers: Answers, clock: Clock
) -> None:
    async with behind_a_cable() as (cable, database):
        users = [telegram.new_user(f"Клиент {n}") for n in range(8)]
        async with running(telegram, database, answers, clock):  # type: ignore[arg-type]
            for question in QUESTIONS:
                for user in users:
                    telegram.send_text(user, user.private_chat, question)

            async def some_answered() -> bool:
                return sum(len(replies(telegram, user)) for user in users) >= 3

            await eventually(some_answered, timeout=30)
            cable.sever()  # mid-burst: updates in hand, some stored, some not yet read
            await asyncio.sleep(2.0)
            cable.mend()

            async def all_answered() -> bool:
                return all(len(replies(telegram, user)) >= len(QUESTIONS) for user in users)

            await eventually(all_answered, timeout=60)
            await asyncio.sleep(0.5)  # room for a repeat to show up
        for user in users:
            assert ERROR not in " ".join(replies(telegram, user))
            assert replies(telegram, user) == list(QUESTIONS), user.first_name


async def test_a_start_while_the_database_is_away_waits_for_it(
    telegram: TelegramEmulator, answers: Answers, clock: Clock
) -> None:
    async with behind_a_cable() as (cable, database):
        user = telegram.new_user("Анна")
        cable.sever()
        telegram.send_text(user, user.private_chat, "штраф")
        async with contextlib.AsyncExitStack() as stack:
            starting = asyncio.create_task(
                stack.enter_async_context(running(telegram, database, answers, clock))  # type: ignore[arg-type]
            )
            await asyncio.sleep(1.5)
            cable.mend()
            await starting

            async def answered() -> bool:
                return replies(telegram, user) == ["штраф"]

            await eventually(answered, timeout=30)


async def test_a_conversation_lock_redis_went_away_with_is_released_once_it_is_back() -> None:
    if not _redis_listening():
        pytest.skip("Redis is not running at 127.0.0.1:6379")
    async with Cable("127.0.0.1", 6379) as cable:
        redis = Redis.from_url(f"redis://127.0.0.1:{cable.local_port}/0")
        builder = DefaultKeyBuilder(prefix=f"faqbot-test-outages-{id(cable)}", with_bot_id=True)
        isolation = ReleasingIsolation(redis, key_builder=builder)
        key = StorageKey(bot_id=1, chat_id=2, user_id=3)
        name = builder.build(key, "lock")
        try:
            async with isolation.lock(key):
                assert await redis.exists(name)
                cable.sever()  # Redis away while the lock is held: its release fails
            await asyncio.sleep(0.3)  # the release is left for later, not raised
            cable.mend()

            async def released() -> bool:
                with contextlib.suppress(Exception):
                    return not await redis.exists(name)
                return False

            await eventually(released, timeout=10)  # not the lock's 60 s expiry
            async with isolation.lock(key):  # and it can be taken again at once
                pass
        finally:
            await redis.delete(name)
            await redis.aclose()


async def test_the_locks_of_a_process_found_dead_go_and_a_live_ones_stay() -> None:
    """A replica killed while handling an update leaves its conversation's lock in Redis; the
    survivor that finds it dead deletes it instead of waiting out its 60 s expiry."""
    if not _redis_listening():
        pytest.skip("Redis is not running at 127.0.0.1:6379")
    redis = Redis.from_url("redis://127.0.0.1:6379/0")
    prefix = f"faqbot-test-dead-locks-{id(redis)}"
    builder = DefaultKeyBuilder(prefix=prefix, with_bot_id=True)
    killed = ReleasingIsolation(redis, key_builder=builder, owner="killed")
    alive = ReleasingIsolation(redis, key_builder=builder, owner="alive")
    orphan, busy = StorageKey(bot_id=1, chat_id=2, user_id=2), StorageKey(1, 3, 3)
    try:
        async with contextlib.AsyncExitStack() as held:
            await held.enter_async_context(alive.lock(busy))
            # The killed process never releases: its lock is entered and never left.
            await killed.lock(orphan).__aenter__()
            assert await forget_locks(redis, prefix, of=["killed"]) == 1
            assert not await redis.exists(builder.build(orphan, "lock"))
            assert await redis.exists(builder.build(busy, "lock"))
            async with asyncio.timeout(1):  # free at once, not in a minute
                async with alive.lock(orphan):
                    pass
    finally:
        keys = [key async for key in redis.scan_iter(f"{prefix}:*")]
        if keys:
            await redis.delete(*keys)
        await redis.aclose()


@pytest.mark.postgres
async def test_a_stop_while_the_database_is_away_gives_up_on_its_marks_instead_of_hanging(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A SIGTERM with the database away: the stop ends within its grace, says which marks it
    could not write (their messages go again after the restart), and loses nothing meanwhile."""
    async with behind_a_cable() as (cable, scratch):
        database = Database(scratch.engine)  # type: ignore[attr-defined]
        marks = Marks(database)
        cable.sever()
        marks.add(Mark(message_id=1, chat_id=-100, relayed_id=7))
        with caplog.at_level(logging.WARNING, logger="bot.telegram.desk.marks"):
            assert await marks.close(timeout=0.5) == 1
        assert "1 delivered marks not written" in caplog.text
        cable.mend()
        async with asyncio.timeout(30):  # kept, and written once the database is back
            await marks.flush()
