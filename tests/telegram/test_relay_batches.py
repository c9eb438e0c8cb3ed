"""One lane's batch against the emulator and a real database: sent in order from one claim,
and a refused send marks only what went out (on SQLite and on PostgreSQL).

The batch is delivered by a :class:`~bot.telegram.desk.batches.Batches` built here, with no
bot polling, so what one claim takes is known: the rows stored before the call.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest_asyncio
from aiogram.client.default import DefaultBotProperties

from bot.business_hours import BusinessHours
from bot.db import repo
from bot.db.models import TicketMessage
from bot.emulator import FakeChat, FakeUser, TelegramEmulator
from bot.emulator.client import make_bot
from bot.serving import Answers, Database
from bot.telegram.desk.batches import Batches, Turns
from bot.telegram.desk.marks import Marks
from bot.texts import Texts
from bot.tickets import MessageDirection, SlaPolicy, TicketDraft
from tests.bot.db.fixtures import ScratchDatabase
from tests.telegram.conftest import Clock, rows

IN = MessageDirection.IN


@dataclass
class Lane:
    """A customer's ticket with a topic in the agents' forum, and the relay's batches."""

    telegram: TelegramEmulator
    batches: Batches
    desk: FakeChat
    customer: FakeUser
    ticket_id: int
    topic: int
    database: ScratchDatabase

    async def store(self, texts: list[str], *, copied: bool) -> list[int]:
        """The customer's messages, stored for the topic: copies of what they sent the bot
        (``copied``), or texts with no original (the bot writes them itself)."""
        ids = []
        async with self.database.sessions() as session, session.begin():
            ticket = await repo.get_ticket(session, self.ticket_id)
            assert ticket is not None
            for text in texts:
                source = {}
                if copied:
                    sent = self.telegram.send_text(self.customer, self.customer.private_chat, text)
                    source = {
                        "source_chat_id": self.customer.id,
                        "source_message_id": sent["message_id"],
                    }
                added = await repo.add_message(session, ticket, direction=IN, text=text, **source)
                ids.append(added.message.id)
        return ids

    def in_topic(self) -> list[str]:
        sent = self.telegram.sent_messages(self.desk, topic=self.topic)
        return [m["text"] for m in sent if "text" in m]


@pytest_asyncio.fixture
async def lane(
    telegram: TelegramEmulator, database: ScratchDatabase, answers: Answers, clock: Clock
) -> AsyncIterator[Lane]:
    desk = telegram.new_supergroup("Поддержка: агенты", is_forum=True)
    customer = telegram.new_user("Анна")
    bot = make_bot(telegram, default=DefaultBotProperties(parse_mode="HTML"))
    topic = (await bot.create_forum_topic(desk.id, "#1001 Анна")).message_thread_id
    async with database.sessions() as session, session.begin():
        who = await repo.upsert_customer(
            session, telegram_id=customer.id, chat_id=customer.id, first_name="Анна"
        )
        draft = TicketDraft.from_question("не приходит смс", ("Код из СМС",))
        opened = await repo.open_ticket(
            session, who, draft, policy=SlaPolicy(), hours=BusinessHours.weekdays(), now=clock
        )
        await repo.set_topic(session, opened.ticket, topic, now=clock)
        ticket_id = opened.ticket.id
    db = Database(database.engine)
    batches = Batches(
        bot,
        db,
        Texts(clock=clock),
        answers,
        desk.id,
        marks=Marks(db, clock=clock),
        turns=Turns(None),
        clock=clock,
        retry_seconds=30,
    )
    try:
        yield Lane(telegram, batches, desk, customer, ticket_id, topic, database)
    finally:
        await bot.session.close()


async def _stored(lane: Lane, ids: list[int]) -> list[TicketMessage]:
    return [m for m in await rows(lane.database, TicketMessage) if m.id in ids]


async def test_one_claim_sends_the_lanes_messages_in_order(lane: Lane) -> None:
    texts = [f"подробность {n}" for n in range(6)]
    ids = await lane.store(texts, copied=True)
    assert await lane.batches.deliver((lane.ticket_id, IN))
    assert lane.in_topic() == texts
    stored = await _stored(lane, ids)
    assert all(m.delivered and m.attempts == 1 for m in stored)
    copies = [m.relay_message_id for m in stored]
    assert copies == sorted(copies) and len(set(copies)) == len(texts)
    assert not await lane.batches.deliver((lane.ticket_id, IN))  # nothing left, nothing sent
    assert len(lane.in_topic()) == len(texts)


async def test_a_passing_refusal_in_a_batch_marks_only_what_went_out(lane: Lane) -> None:
    # Two copies (copyMessage), then a text of the bot's own (sendMessage) that Telegram
    # refuses for a while, then one more copy.
    ids = await lane.store(["раз", "два"], copied=True)
    ids += await lane.store(["три"], copied=False)
    ids += await lane.store(["четыре"], copied=True)
    lane.telegram.fail_next("sendMessage", 502, "Bad Gateway")
    assert await lane.batches.deliver((lane.ticket_id, IN))
    assert lane.in_topic() == ["раз", "два"]
    one, two, three, four = await _stored(lane, ids)
    assert one.delivered and two.delivered
    assert not three.delivered and not three.failed and three.retry_at is not None
    assert three.attempts == 1 and "Bad Gateway" in (three.error or "")
    # Never sent: back in the lane as it was, behind the third.
    assert not four.delivered and four.attempts == 0 and four.claimed_at is None
    assert not await lane.batches.deliver((lane.ticket_id, IN))  # the third's backoff holds
    assert lane.in_topic() == ["раз", "два"]


async def test_a_permanent_refusal_in_a_batch_fails_that_message_and_the_rest_go_on(
    lane: Lane,
) -> None:
    ids = await lane.store(["раз"], copied=True)
    ids += await lane.store(["два"], copied=False)
    ids += await lane.store(["три"], copied=True)
    lane.telegram.fail_next("sendMessage", 400, "Bad Request: message is too long")
    assert await lane.batches.deliver((lane.ticket_id, IN))
    assert lane.in_topic() == ["раз", "три"]
    one, two, three = await _stored(lane, ids)
    assert one.delivered and three.delivered
    assert two.failed and two.failure == "rejected" and not two.delivered
    [notice] = [
        m for m in lane.telegram.sent_messages(lane.desk) if "не попало" in m.get("text", "")
    ]
    assert notice["text"].startswith("⚠️ Сообщение клиента по заявке №1001 не попало в тему")
    assert "message_thread_id" not in notice  # in General: the topic may be what is gone
