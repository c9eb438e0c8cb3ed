"""SLA reminders and breach notices in the agents' chat, over the Bot API emulator.

The watch runs against a real database (SQLite and PostgreSQL) and a clock the test moves;
each test calls :meth:`SlaWatch.tick` itself rather than wait for the background loop.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest_asyncio
from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.enums import ParseMode
from aiogram.methods import SendMessage
from sqlalchemy import select

from bot.db import repo
from bot.db.models import SlaNotice, Ticket
from bot.desk.roles import AgentRole, Roster
from bot.emulator import FakeChat, FakeUser, TelegramEmulator
from bot.emulator.client import make_bot
from bot.emulator.state import JSON
from bot.serving.database import Database
from bot.serving.service_levels import ServiceLevels
from bot.telegram.desk.chat import topic_link
from bot.telegram.desk.sla_watch import SlaWatch
from bot.texts import Texts
from bot.tickets import Priority, TicketDraft
from tests.bot.db.fixtures import ScratchDatabase
from tests.telegram.conftest import Clock

REMIND = timedelta(minutes=15)
SUBJECT = "Код <из> SMS & не приходит"


@dataclass
class Scene:
    """The agents' chat, a lead, and the services a watch is built from."""

    telegram: TelegramEmulator
    bot: Bot
    db: Database
    texts: Texts
    desk: ServiceLevels
    clock: Clock
    chat: FakeChat
    lead: FakeUser

    def watch(self, roster: Roster | None = None) -> SlaWatch:
        return SlaWatch(
            self.bot,
            self.db,
            self.texts,
            self.desk,
            self.chat.id,
            roster if roster is not None else Roster({self.lead.id: AgentRole.LEAD}),
            remind_before=REMIND,
            interval=0.05,
            clock=self.clock,
        )

    async def ticket(self, telegram_id: int = 42, *, topic: bool = True) -> Ticket:
        """A new ticket of a customer, with a forum topic unless ``topic=False``."""
        async with self.db.transaction() as session:
            customer = await repo.upsert_customer(
                session, telegram_id=telegram_id, chat_id=telegram_id, first_name="Анна"
            )
            opened = await repo.open_ticket(
                session,
                customer,
                TicketDraft.from_question(SUBJECT),
                policy=self.desk.policy,
                hours=self.desk.hours,
                now=self.clock,
            )
        if topic:
            await self.give_topic(opened.ticket)
        return opened.ticket

    async def give_topic(self, ticket: Ticket) -> int:
        created = await self.bot.create_forum_topic(self.chat.id, f"#{ticket.number}")
        async with self.db.transaction() as session:
            stored = await repo.get_ticket(session, ticket.id)
            assert stored is not None
            await repo.set_topic(session, stored, created.message_thread_id, now=self.clock)
        ticket.topic_id = created.message_thread_id
        return created.message_thread_id

    async def next(self, topic: int | None = None) -> JSON:
        return await self.telegram.next_bot_message(self.chat, topic=topic, timeout=2)

    def messages(self) -> list[JSON]:
        """The bot's text messages in the chat (not the service messages of new topics)."""
        return [m for m in self.telegram.sent_messages(self.chat) if "text" in m]


@pytest_asyncio.fixture
async def scene(
    telegram: TelegramEmulator, database: ScratchDatabase, clock: Clock
) -> AsyncIterator[Scene]:
    bot = make_bot(telegram, default=DefaultBotProperties(parse_mode=ParseMode.HTML))
    db = Database(database.engine)
    lead = telegram.new_user("Ирина")
    async with db.transaction() as session:
        await repo.upsert_agent(
            session,
            telegram_id=lead.id,
            first_name="Ирина",
            last_name=None,
            username="irina",
            role=AgentRole.LEAD,
        )
    try:
        yield Scene(
            telegram,
            bot,
            db,
            Texts(tz="Europe/Moscow", clock=clock),
            ServiceLevels(clock=clock),
            clock,
            telegram.new_supergroup("Агенты", is_forum=True),
            lead,
        )
    finally:
        await bot.session.close()


def links(message: JSON) -> list[str]:
    return [e["url"] for e in message.get("entities", []) if e["type"] == "text_link"]


async def notices(scene: Scene) -> list[tuple[str, bool]]:
    async with scene.db.transaction() as session:
        rows = await session.scalars(select(SlaNotice).order_by(SlaNotice.id))
        return [(row.kind.value, row.delivered_at is not None) for row in rows]


async def test_reminder_then_breach_each_sent_once(scene: Scene) -> None:
    ticket = await scene.ticket()
    due = ticket.first_response_due  # 16:00 in Moscow: four working hours after 12:00
    watch = scene.watch()

    scene.clock.now = due - timedelta(hours=1)
    assert await watch.tick() == 0
    assert scene.messages() == []

    scene.clock.now = due - timedelta(minutes=10)
    assert await watch.tick() == 1
    reminder = await scene.next(ticket.topic_id)
    assert reminder["text"] == "⏰ До срока первого ответа 10 минут (до 16:00)"

    scene.clock.now = due + timedelta(minutes=5)
    assert await watch.tick() == 1
    breach = await scene.next(ticket.topic_id)
    assert breach["text"] == "🚨 Срок первого ответа нарушен (был до 16:00)"
    notice = await scene.next()
    assert notice.get("message_thread_id") is None  # General
    assert notice["text"].startswith(
        f"🚨 Заявка #{ticket.number}: нарушен срок первого ответа (был до 16:00)\n«{SUBJECT}»\n"
        "Исполнитель не назначен\nОткрыть тему заявки\nИрина"
    )
    assert links(notice) == [
        topic_link(scene.chat.id, ticket.topic_id),
        f"tg://user?id={scene.lead.id}",
    ]

    assert await watch.tick() == 0
    restarted = scene.watch()
    assert await restarted.tick() == 0
    assert len(scene.messages()) == 3
    assert await notices(scene) == [
        ("first_response_soon", True),
        ("first_response_breached", True),
    ]


async def test_a_bot_down_through_the_window_sends_only_the_breach(scene: Scene) -> None:
    ticket = await scene.ticket()
    scene.clock.now = ticket.resolution_due + timedelta(hours=1)
    assert await scene.watch().tick() == 2  # first response and resolution, both breached
    texts = [m["text"] for m in scene.messages() if m.get("message_thread_id") == ticket.topic_id]
    assert texts == [
        "🚨 Срок первого ответа нарушен (истёк 15 января, 16:00)",
        "🚨 Срок решения нарушен (был до 18:00)",
    ]
    assert [kind for kind, _ in await notices(scene)] == [
        "first_response_breached",
        "resolution_breached",
    ]


async def test_a_ticket_gets_its_notice_once_it_has_a_topic(scene: Scene) -> None:
    ticket = await scene.ticket(topic=False)
    watch = scene.watch()
    scene.clock.now = ticket.first_response_due - timedelta(minutes=5)
    assert await watch.tick() == 0
    assert scene.messages() == []
    assert await notices(scene) == [("first_response_soon", False)]

    topic = await scene.give_topic(ticket)
    scene.clock.now += timedelta(minutes=1)
    assert await watch.tick() == 1
    assert (await scene.next(topic))["text"] == "⏰ До срока первого ответа 4 минуты (до 16:00)"


async def test_a_reminder_that_waited_too_long_gives_way_to_the_breach(scene: Scene) -> None:
    ticket = await scene.ticket(topic=False)
    watch = scene.watch()
    scene.clock.now = ticket.first_response_due - timedelta(minutes=5)
    assert await watch.tick() == 0

    topic = await scene.give_topic(ticket)
    scene.clock.now = ticket.first_response_due + timedelta(minutes=1)
    assert await watch.tick() == 1
    assert (await scene.next(topic))["text"].startswith("🚨 Срок первого ответа нарушен")
    assert await notices(scene) == [
        ("first_response_soon", True),  # dropped unsent
        ("first_response_breached", True),
    ]
    assert len(scene.messages()) == 2  # the breach, in the topic and in General


async def test_a_priority_change_earns_a_new_reminder(scene: Scene) -> None:
    ticket = await scene.ticket()
    watch = scene.watch()
    scene.clock.now = ticket.first_response_due - timedelta(minutes=10)
    assert await watch.tick() == 1
    await scene.next(ticket.topic_id)

    async with scene.db.transaction() as session:
        stored = await repo.get_ticket(session, ticket.id)
        assert stored is not None
        await repo.set_priority(
            session, stored, Priority.LOW, policy=scene.desk.policy, hours=scene.desk.hours
        )
        later = stored.first_response_due
    scene.clock.now = later - timedelta(minutes=15)
    assert await watch.tick() == 1
    assert (await scene.next(ticket.topic_id))["text"].startswith(
        "⏰ До срока первого ответа 15 минут"
    )


async def test_a_refused_message_is_sent_at_the_next_check(scene: Scene) -> None:
    ticket = await scene.ticket()
    watch = scene.watch()
    scene.clock.now = ticket.first_response_due + timedelta(minutes=1)
    scene.telegram.fail_next("sendMessage", 500, "Internal Server Error")
    assert await watch.tick() == 0
    assert await notices(scene) == [("first_response_breached", False)]
    assert scene.messages() == []

    refused: list[SendMessage] = []

    async def refuse_general_once(make_request: Any, bot: Bot, method: Any) -> Any:
        if isinstance(method, SendMessage) and method.message_thread_id is None and not refused:
            refused.append(method)
            scene.telegram.fail_next("sendMessage", 500, "Internal Server Error")
        return await make_request(bot, method)

    scene.bot.session.middleware(refuse_general_once)
    assert await watch.tick() == 0  # in the topic, but not to the leads
    assert await notices(scene) == [("first_response_breached", False)]
    assert await watch.tick() == 1  # to the leads; the topic is not told twice
    assert [m.get("message_thread_id") for m in scene.messages()] == [ticket.topic_id, None]
    assert await watch.tick() == 0


async def test_without_an_allow_list_the_recorded_leads_are_mentioned(scene: Scene) -> None:
    ticket = await scene.ticket()
    scene.clock.now = ticket.first_response_due + timedelta(minutes=1)
    assert await scene.watch(Roster()).tick() == 1
    await scene.next(ticket.topic_id)
    assert f"tg://user?id={scene.lead.id}" in links(await scene.next())


async def test_two_watches_send_once(scene: Scene) -> None:
    ticket = await scene.ticket()
    scene.clock.now = ticket.first_response_due + timedelta(minutes=1)
    sent = await asyncio.gather(scene.watch().tick(), scene.watch().tick())
    assert sorted(sent) == [0, 1]
    assert len(scene.messages()) == 2


async def test_the_background_loop_checks_and_stops(scene: Scene) -> None:
    ticket = await scene.ticket()
    scene.clock.now = ticket.first_response_due - timedelta(minutes=3)
    watch = scene.watch()
    watch.start()
    try:
        reminder = await scene.next(ticket.topic_id)
    finally:
        await watch.stop()
    assert reminder["text"] == "⏰ До срока первого ответа 3 минуты (до 16:00)"
    assert await notices(scene) == [("first_response_soon", True)]


class ProcessDied(BaseException):
    """The process ends where it stands (not an error a worker could catch and log)."""


async def test_a_notice_claimed_by_a_process_that_died_before_sending_is_sent_later(
    scene: Scene,
) -> None:
    ticket = await scene.ticket()
    scene.clock.now = ticket.first_response_due + timedelta(minutes=1)

    async def die_on_send(make_request: Any, bot: Bot, method: Any) -> Any:
        if isinstance(method, SendMessage):
            raise ProcessDied
        return await make_request(bot, method)

    dying = make_bot(scene.telegram, default=DefaultBotProperties(parse_mode=ParseMode.HTML))
    dying.session.middleware(die_on_send)
    try:
        first = SlaWatch(
            dying, scene.db, scene.texts, scene.desk, scene.chat.id,
            Roster({scene.lead.id: AgentRole.LEAD}), remind_before=REMIND, clock=scene.clock,
        )  # fmt: skip
        try:
            await first.tick()
        except ProcessDied:
            pass  # claimed, never sent: everything the process knew is gone with it
    finally:
        await dying.session.close()
    assert await notices(scene) == [("first_response_breached", False)]
    restarted = scene.watch()
    assert await restarted.tick() == 0  # the claim may still be a live worker's
    assert scene.messages() == []
    scene.clock.now += timedelta(seconds=61)  # no live worker holds a claim this long
    assert await restarted.tick() == 1
    assert await notices(scene) == [("first_response_breached", True)]
    assert [m.get("message_thread_id") for m in scene.messages()] == [ticket.topic_id, None]
    assert await restarted.tick() == 0
