"""The intake journal end to end: every update stored, handled once, each chat in order.

The bot runs in this process against the emulator (see ``conftest.running``); the crash and
signal cases, which need a process to die, are in ``test_crash.py``.
"""

from __future__ import annotations

import asyncio

import aiohttp
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import Update

from bot.db.models import ReceivedUpdate, UpdateState
from bot.emulator import FakeUser, TelegramEmulator
from bot.emulator.client import LocalSession
from bot.emulator.driver import Chat, file_ticket
from bot.serving import Answers, Database
from bot.telegram import build_app, make_bot
from bot.telegram.journal import Journal
from tests.bot.db.fixtures import ScratchDatabase
from tests.telegram.conftest import Clock, make_settings, rows, running, with_services
from tests.telegram.desk_fixtures import Desk, eventually
from tests.telegram.test_storage import REDIS_URL, redis_prefix  # noqa: F401

# Each gets one reply, told apart by these words.
QUESTIONS = {
    "не приходит код из смс": "Не приходит код",
    "как завершить поездку": "Как завершить аренду",
    "штраф": "Как оспорить",
    "бонусы": "Бонусные",
}
ERROR = "Что-то пошло не так"


def replies(telegram: TelegramEmulator, user: FakeUser) -> list[str]:
    """Which question each of the bot's messages to ``user`` answers, in order."""
    found = []
    for message in telegram.sent_messages(user.private_chat):
        text = message.get("text", "")
        found.append(next((q for q, words in QUESTIONS.items() if words in text), text[:40]))
    return found


async def test_every_customer_is_answered_once_and_in_order_with_few_updates_in_flight(
    telegram: TelegramEmulator, database: ScratchDatabase, answers: Answers, clock: Clock
) -> None:
    users = [telegram.new_user(f"Клиент {n}") for n in range(25)]
    async with running(telegram, database, answers, clock, max_updates_in_flight=3):
        for question in QUESTIONS:
            for user in users:
                telegram.send_text(user, user.private_chat, question)

        async def all_answered() -> bool:
            return all(len(replies(telegram, user)) >= len(QUESTIONS) for user in users)

        await eventually(all_answered, timeout=60)
    for user in users:
        assert replies(telegram, user) == list(QUESTIONS), user.first_name
    stored = await rows(database, ReceivedUpdate)
    assert len(stored) == len(users) * len(QUESTIONS)
    assert {row.state for row in stored} == {UpdateState.HANDLED}


async def test_stored_updates_are_handled_after_a_restart_and_a_resent_one_only_once(
    telegram: TelegramEmulator, database: ScratchDatabase, answers: Answers, clock: Clock
) -> None:
    anna = telegram.new_user("Анна")
    # A bot that stored these and died before handling them (Telegram, never told, still
    # has them: the next bot gets them from the journal and from getUpdates).
    message = telegram.send_text(anna, anna.private_chat, "не приходит код из смс")
    stored = Update.model_validate({"update_id": 1, "message": message})
    dead = make_bot(make_settings(telegram, database), session=LocalSession())
    try:
        journal = Journal(Database(database.engine), dead)
        assert await journal.store([stored]) == [stored]
        assert await journal.store([stored]) == []  # sent again: stored once
    finally:
        await dead.session.close()
    telegram.send_text(anna, anna.private_chat, "бонусы")
    async with running(telegram, database, answers, clock):

        async def both_answered() -> bool:
            return len(replies(telegram, anna)) >= 2

        await eventually(both_answered, timeout=10)
        await asyncio.sleep(0.3)  # room for a duplicate to show up, were there one
    assert replies(telegram, anna) == ["не приходит код из смс", "бонусы"]
    assert [row.update_id for row in await rows(database, ReceivedUpdate)] == [1, 2]


async def test_a_webhook_answers_200_once_the_update_is_stored_and_handles_a_resend_once(
    telegram: TelegramEmulator, database: ScratchDatabase, answers: Answers, clock: Clock
) -> None:
    app = build_app(
        *with_services(make_settings(telegram, database), database.engine, answers, clock),
        session=LocalSession(api=TelegramAPIServer.from_base(telegram.base_url)),
    )
    anna = telegram.new_user("Анна")
    update = {
        "update_id": 77,
        "message": {
            "message_id": 1,
            "date": 0,
            "chat": {"id": anna.id, "type": "private"},
            "from": anna.to_json(),
            "text": "не приходит код из смс",
        },
    }
    try:
        server = await app.start_webhook(secret="s3cret", port=0)
        await Chat(telegram, anna).say("бонусы")  # delivered by the emulator's POST
        headers = {"X-Telegram-Bot-Api-Secret-Token": "s3cret"}
        async with aiohttp.ClientSession() as http:
            for _ in range(2):  # Telegram resends when it missed the first answer
                async with http.post(server.url, json=update, headers=headers) as response:
                    assert response.status == 200
                assert [row.update_id for row in await rows(database, ReceivedUpdate)] == [1, 77]
        await Chat(telegram, anna).reply()
        await app.receiver.drain()
        await asyncio.sleep(0.2)
    finally:
        await app.bot.delete_webhook()
        await app.close()
    assert replies(telegram, anna) == ["бонусы", "не приходит код из смс"]


async def test_a_burst_right_after_a_ticket_reaches_the_topic_whole_and_in_order(
    telegram: TelegramEmulator,
    database: ScratchDatabase,
    answers: Answers,
    clock: Clock,
    agents: Desk,
) -> None:
    anna = Chat(telegram, telegram.new_user("Анна"))
    # The default flood limit: 20 updates a minute. The form's own steps do not count, and
    # what goes to an open ticket is never dropped.
    async with running(
        telegram,
        database,
        answers,
        clock,
        agents_chat_id=agents.chat.id,
        rate_limit_per_minute=20,
    ):
        await file_ticket(anna)
        for n in range(20):
            telegram.send_text(anna.user, anna.user.private_chat, f"сообщение {n}")

        def relayed() -> list[str]:
            topics = telegram.topics(agents.chat)
            if not topics:
                return []
            topic = topics[0]["message_thread_id"]
            return [
                m.get("text", "")
                for m in telegram.sent_messages(agents.chat, topic=topic)
                if m.get("text", "").startswith("сообщение ")
            ]

        async def all_relayed() -> bool:
            return len(relayed()) >= 20

        await eventually(all_relayed, timeout=20)
        assert relayed() == [f"сообщение {n}" for n in range(20)]
    texts = [m.get("text", "") for m in telegram.sent_messages(anna.user.private_chat)]
    assert not [text for text in texts if "слишком" in text.lower() or ERROR in text]


async def test_a_crowd_on_a_small_redis_pool_waits_its_turn_and_gets_no_error(
    telegram: TelegramEmulator,
    postgres_database: ScratchDatabase,
    answers: Answers,
    clock: Clock,
    redis_prefix: str,  # noqa: F811
) -> None:
    # 2 updates in flight: a Redis pool of 8 and a database pool of 8 for 120 customers
    # asking at once (before: one unbounded pool that raised "Too many connections").
    users = [telegram.new_user(f"Гость {n}") for n in range(120)]
    async with running(
        telegram,
        postgres_database,
        answers,
        clock,
        redis_url=REDIS_URL,
        redis_prefix=redis_prefix,
        max_updates_in_flight=2,
    ) as app:
        assert app.redis is not None
        assert app.redis.connection_pool.max_connections == 8
        for question in ("не приходит код из смс", "бонусы"):
            for user in users:
                telegram.send_text(user, user.private_chat, question)

        async def all_answered() -> bool:
            return all(len(replies(telegram, user)) >= 2 for user in users)

        await eventually(all_answered, timeout=90)
    for user in users:
        assert replies(telegram, user) == ["не приходит код из смс", "бонусы"]


async def test_a_handled_mark_rides_the_next_transaction_and_a_restart_skips_it(
    telegram: TelegramEmulator, database: ScratchDatabase
) -> None:
    anna = telegram.new_user("Анна")
    updates = [
        Update.model_validate(
            {"update_id": n, "message": telegram.send_text(anna, anna.private_chat, f"{n}")}
        )
        for n in (1, 2)
    ]
    bot = make_bot(make_settings(telegram, database), session=LocalSession())
    try:
        db = Database(database.engine)
        journal = Journal(db, bot)
        await journal.store(updates)
        marked = asyncio.create_task(journal.handled(1))
        await asyncio.sleep(0)  # the mark waits for a transaction to ride
        async with db.transaction():
            pass  # a handler's, say
        for _ in range(3):  # the future's callbacks, not the journal's own 5 ms commit
            await asyncio.sleep(0)
        assert marked.done()  # committed with that transaction
        again = Journal(Database(database.engine), bot)  # as after a restart
        assert [u.update_id for u in await again.unhandled()] == [2]
    finally:
        await bot.session.close()
