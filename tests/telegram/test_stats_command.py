"""/stats in the agents' chat, end to end: the router over the Bot API emulator and a real
database (SQLite and PostgreSQL), on a seeded Wednesday."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta

import pytest_asyncio
from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.enums import ParseMode

from bot.db import repo
from bot.db.models import AttemptDecision
from bot.desk.roles import AgentRole, Roster
from bot.emulator import FakeChat, FakeUser, TelegramEmulator
from bot.emulator.client import make_bot, polling
from bot.emulator.state import JSON
from bot.serving import Answers, Learning, Services
from bot.serving.database import Database
from bot.serving.service_levels import ServiceLevels
from bot.telegram.desk.access import Gate
from bot.telegram.desk.stats import get_router
from bot.texts import Texts
from bot.tickets import MessageDirection, TicketDraft
from tests.bot.db.fixtures import ScratchDatabase
from tests.telegram.conftest import WORKING_HOURS, Clock


@dataclass
class Room:
    telegram: TelegramEmulator
    chat: FakeChat
    agent: FakeUser
    topic: int

    async def ask(self, user: FakeUser, text: str, *, topic: int | None = None) -> JSON:
        self.telegram.send_text(user, self.chat, text, topic=topic)
        return await self.telegram.next_bot_message(self.chat, topic=topic, timeout=3)


async def seed(db: Database, agent: int) -> None:
    """Two questions at 11:00 and 11:45 Moscow time; the first led to a ticket at 11:30,
    answered by the agent in 12 minutes, resolved at 12:00 and rated 5."""
    async with db.transaction() as session:
        anna = await repo.upsert_customer(session, telegram_id=1, chat_id=1, first_name="Анна")
        boris = await repo.upsert_customer(session, telegram_id=2, chat_id=2, first_name="Борис")
        for customer, minutes in ((anna, -60), (boris, -15)):
            moment = WORKING_HOURS + timedelta(minutes=minutes)
            await repo.record_attempt(
                session,
                customer=customer,
                query_text="вопрос",
                decision=AttemptDecision.ANSWER,
                confidence=0.9,
                chosen_article_id="end-trip",
                now=lambda moment=moment: moment,
            )
        desk = ServiceLevels()
        opened = await repo.open_ticket(
            session,
            anna,
            TicketDraft.from_question("не приходит смс"),
            policy=desk.policy,
            hours=desk.hours,
            now=lambda: WORKING_HOURS - timedelta(minutes=30),
        )
        ticket = opened.ticket
        await repo.assign(session, ticket, agent)
        await repo.add_message(
            session,
            ticket,
            direction=MessageDirection.OUT,
            text="смотрим",
            author_id=agent,
            now=lambda: WORKING_HOURS - timedelta(minutes=18),
        )
        await repo.resolve(session, ticket, now=lambda: WORKING_HOURS)
        await repo.set_csat(session, ticket, 5)


@pytest_asyncio.fixture
async def room(
    telegram: TelegramEmulator, database: ScratchDatabase, clock: Clock, answers: Answers
) -> AsyncIterator[Room]:
    """The /stats router polling the emulator; one agent on the allow-list."""
    bot: Bot = make_bot(telegram, default=DefaultBotProperties(parse_mode=ParseMode.HTML))
    db = Database(database.engine)
    chat = telegram.new_supergroup("Агенты", is_forum=True)
    agent = telegram.new_user("Ольга", username="olga")
    topic = (await bot.create_forum_topic(chat.id, "#1001")).message_thread_id
    await seed(db, agent.id)
    services = Services(
        answers=answers,
        database=db,
        texts=Texts(tz="Europe/Moscow", clock=clock),
        levels=ServiceLevels(clock=clock),
        learning=Learning(db, answers, clock=clock),
    )
    dp = Dispatcher(
        services=services,
        gate=Gate(bot, db, Roster({agent.id: AgentRole.AGENT}), chat.id, clock=clock),
    )
    dp.include_router(get_router(chat.id))
    try:
        async with polling(dp, bot, telegram, handle_as_tasks=False):
            yield Room(telegram, chat, agent, topic)
    finally:
        await bot.session.close()


async def test_stats_for_today_in_a_topic(room: Room) -> None:
    reply = await room.ask(room.agent, "/stats", topic=room.topic)
    assert reply["message_thread_id"] == room.topic
    lines = reply["text"].split("\n")
    assert lines[:9] == [
        "📊 Статистика за сегодня",
        "",
        "Заявок открыто: 1 · решено или закрыто: 1",
        "Самообслуживание: 50% (1 из 2 вопросов)",
        "Первый ответ, медиана: 12 минут",
        "Нарушения SLA: первый ответ — 0, решение — 0",
        "CSAT: 5,0 (1 оценка)",
        "",
        "По агентам (взято · решено · первый ответ · CSAT):",
    ]
    assert lines[9] == "• Ольга: 1 · 1 · 12 минут · 5,0"  # the name the gate recorded
    assert "не создал заявку в течение 24 часов" in lines[-1]


async def test_stats_for_a_week_in_general(room: Room) -> None:
    reply = await room.ask(room.agent, "/stats@faq_test_bot неделю")
    assert reply.get("message_thread_id") is None
    assert reply["text"].startswith("📊 Статистика за эту неделю\n\nЗаявок открыто: 1 ·")


async def test_an_unknown_period_lists_the_accepted_ones(room: Room) -> None:
    reply = await room.ask(room.agent, "/stats год", topic=room.topic)
    assert reply["text"] == (
        "⚠️ не знаю период «год»: укажите сегодня, неделя, месяц, today, week, month"
    )


async def test_stats_are_for_agents_only(room: Room) -> None:
    guest = room.telegram.new_user("Гость")
    reply = await room.ask(guest, "/stats", topic=room.topic)
    assert reply["text"].startswith("⛔ Это доступно только агентам поддержки.")


async def test_stats_elsewhere_are_not_answered(room: Room) -> None:
    other = room.telegram.new_supergroup("Другая группа", is_forum=False)
    room.telegram.send_text(room.agent, other, "/stats")
    room.telegram.send_text(room.agent, room.agent.private_chat, "/stats")
    # Updates are handled one by one, in order: once this one is answered, so were those.
    await room.ask(room.agent, "/stats", topic=room.topic)
    assert room.telegram.sent_messages(other) == []
    assert room.telegram.sent_messages(room.agent.private_chat) == []
