"""Two ``faqbot run --webhook`` processes behind one URL, sharing PostgreSQL and Redis: every
update handled once, by one of them, each chat's answers in the order asked; one replica
killed with SIGKILL mid-burst, and the other carries on with nothing lost.

The deployment is the one the README documents, on loopback: the emulator's webhook posts to
the round-robin balancer (nginx's place), which passes each request to the next replica.
"""

from __future__ import annotations

import asyncio
import os
import signal
from collections import Counter
from pathlib import Path

import pytest

from benchmarks.databases import empty_database
from benchmarks.throughput.replicas import forget_redis_keys, replica_set
from bot.db.models import TicketMessage
from bot.emulator import FakeUser, TelegramEmulator
from bot.emulator.driver import Chat, file_ticket
from bot.serving import Answers, Database
from bot.settings import Settings
from bot.telegram import App
from bot.telegram.desk.relay import Relay
from bot.tickets import MessageDirection
from tests.bot.db.fixtures import ScratchDatabase, require_postgres
from tests.telegram.conftest import rows
from tests.telegram.desk_fixtures import Desk, eventually
from tests.telegram.test_journal import QUESTIONS, replies
from tests.telegram.test_storage import _redis_listening

CUSTOMERS = 30
IN_FLIGHT = Settings.model_fields["max_updates_in_flight"].default
ASKED = list(QUESTIONS)[:3]
# A bot id of these tests' own: the Redis keys carry it.
TOKEN = f"{800000 + os.getpid() % 100000}:replicas-test"
ANSWERED_S = 180  # two processes and the emulator on two shared, busy cores


# The process tests take ``answers``: building it here writes the articles' embeddings into
# the session's cache, which the replicas then read instead of each embedding them again.


@pytest.fixture
def servers() -> str:
    """The PostgreSQL server's URL, once Redis answers too."""
    url = require_postgres().replace("postgresql+asyncpg", "postgresql")
    if not _redis_listening():
        pytest.skip("Redis is not running at 127.0.0.1:6379")
    return url


def _burst(telegram: TelegramEmulator, users: list[FakeUser]) -> None:
    """Every customer asks every question at once, one after another."""
    for question in ASKED:
        for user in users:
            telegram.send_text(user, user.private_chat, question)


def _collapsed(answers: list[str]) -> list[str]:
    """Answers with a repeat of the one before removed (an update in hand at the kill)."""
    return [a for n, a in enumerate(answers) if n == 0 or answers[n - 1] != a]


@pytest.mark.postgres
@pytest.mark.redis
async def test_two_replicas_answer_every_update_once_and_each_chat_in_order(
    tmp_path: Path, servers: str, answers: Answers
) -> None:
    async with (
        TelegramEmulator(token=TOKEN) as telegram,
        empty_database("postgresql", tmp_path, server=servers) as url,
    ):
        users = [telegram.new_user(f"Клиент {n}") for n in range(CUSTOMERS)]
        try:
            async with replica_set(telegram, url, tmp_path, 2) as fleet:
                _burst(telegram, users)

                async def all_answered() -> bool:
                    return all(len(replies(telegram, u)) >= len(ASKED) for u in users)

                await eventually(all_answered, timeout=ANSWERED_S)
                await asyncio.sleep(1.0)  # room for a duplicate to show up, were there one
                await telegram.webhook.delete()
            handled = fleet.handled()
        finally:
            await forget_redis_keys(TOKEN.partition(":")[0])
    answered = {user.first_name: replies(telegram, user) for user in users}
    assert {name: got for name, got in answered.items() if got != ASKED} == {}
    every = Counter(update_id for ids in handled for update_id in ids)
    assert len(every) == CUSTOMERS * len(ASKED)
    assert [update for update, times in every.items() if times > 1] == []
    assert all(handled), f"a replica handled nothing: {[len(ids) for ids in handled]}"


@pytest.mark.postgres
@pytest.mark.redis
async def test_a_replica_killed_mid_burst_leaves_nothing_unanswered(
    tmp_path: Path, servers: str, answers: Answers
) -> None:
    async with (
        TelegramEmulator(token=TOKEN) as telegram,
        empty_database("postgresql", tmp_path, server=servers) as url,
    ):
        users = [telegram.new_user(f"Клиент {n}") for n in range(CUSTOMERS)]
        try:
            async with replica_set(telegram, url, tmp_path, 2) as fleet:
                victim = fleet.replicas[0]
                _burst(telegram, users)

                async def some_handled_by_the_victim() -> bool:
                    return len(fleet.handled()[0]) >= 5

                await eventually(some_handled_by_the_victim, timeout=ANSWERED_S)
                victim.send_signal(signal.SIGKILL)
                assert await asyncio.wait_for(victim.wait(), 30) == -signal.SIGKILL
                at_kill = sum(len(replies(telegram, u)) for u in users)
                assert at_kill < CUSTOMERS * len(ASKED), "the kill came after the burst"

                async def all_answered() -> bool:
                    return all(len(replies(telegram, u)) >= len(ASKED) for u in users)

                await eventually(all_answered, timeout=ANSWERED_S)
                await asyncio.sleep(1.0)
                await telegram.webhook.delete()
                survivor_log = fleet.logs[1].read_text(encoding="utf-8", errors="replace")
        finally:
            await forget_redis_keys(TOKEN.partition(":")[0])
    answered = {user.first_name: replies(telegram, user) for user in users}
    wrong = {name: got for name, got in answered.items() if _collapsed(got) != ASKED}
    assert wrong == {}, f"answered {at_kill} before the kill"
    twice = sum(len(got) - len(ASKED) for got in answered.values())
    # Only the updates in hand at the kill (handled, mark not committed): one per chat at most.
    assert twice <= IN_FLIGHT, answered
    assert "Traceback" not in survivor_log, survivor_log[-3000:]


async def test_two_replicas_relays_deliver_each_ticket_message_once_and_in_order(
    desk_bot: App, anna: Chat, agents: Desk, telegram: TelegramEmulator, database: ScratchDatabase
) -> None:
    """Every replica runs the relay: a second one over the same database (as another process
    would have) races the bot's own for every message; each claim is one conditional UPDATE."""
    await file_ticket(anna)
    await agents.next(topic=None)  # the card
    topic = agents.topic_of(1001)
    desk = desk_bot.agents_chat
    assert desk is not None
    services = desk_bot.services
    other = Relay(
        desk_bot.bot,
        Database(database.engine),
        services.texts,
        services.answers,
        desk.topics,
        desk.chat_id,
        clock=services.clock,  # claims compare times: every replica's clock must agree
        retry_seconds=0.05,
    )
    other.start()
    sent = [f"сообщение {n}" for n in range(12)]
    try:
        for text in sent:
            telegram.send_text(anna.user, anna.user.private_chat, text)

        async def all_delivered() -> bool:
            messages = await rows(database, TicketMessage)
            inbound = [m for m in messages if m.direction is MessageDirection.IN and m.text in sent]
            return len(inbound) == len(sent) and all(m.delivered for m in inbound)

        await eventually(all_delivered, timeout=60)
        await asyncio.sleep(0.5)  # room for a second send, were there one
    finally:
        await other.stop()
    relayed = [m.get("text") for m in telegram.sent_messages(agents.chat, topic=topic)]
    assert [text for text in relayed if text in sent] == sent
