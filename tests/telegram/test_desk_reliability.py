"""The desk under a burst and across restarts: one topic per ticket, nothing lost, nothing twice."""

from __future__ import annotations

import asyncio

from sqlalchemy import select

from bot.db.models import Ticket, TicketMessage
from bot.emulator import TelegramEmulator
from bot.emulator.client import LocalSession
from bot.emulator.driver import Chat, file_ticket
from bot.serving import Answers
from bot.telegram import App, build_app
from bot.tickets import MessageDirection, TicketStatus
from tests.bot.db.fixtures import ScratchDatabase
from tests.telegram.conftest import Clock, make_settings, rows, running, with_services
from tests.telegram.desk_fixtures import Desk, eventually

BURST = 50


def _second_process(
    telegram: TelegramEmulator,
    database: ScratchDatabase,
    answers: Answers,
    clock: Clock,
    desk: Desk,
) -> App:
    """Another bot process on the same database: only its desk workers run (one poller per
    token is all Telegram allows)."""
    from aiogram.client.telegram import TelegramAPIServer

    settings = make_settings(
        telegram, database, agents_chat_id=desk.chat.id, relay_retry_seconds=0.2
    )
    return build_app(
        *with_services(settings, database.engine, answers, clock),
        session=LocalSession(api=TelegramAPIServer.from_base(telegram.base_url)),
    )


async def _relayed(telegram: TelegramEmulator, desk: Desk, topic: int) -> list[str]:
    return [
        m.get("text", "")
        for m in telegram.sent_messages(desk.chat, topic=topic)
        if m.get("text", "").startswith("сообщение ")
    ]


async def test_a_burst_from_one_customer_makes_one_ticket_and_one_topic(
    desk_bot: App,
    anna: Chat,
    agents: Desk,
    telegram: TelegramEmulator,
    database: ScratchDatabase,
    answers: Answers,
    clock: Clock,
) -> None:
    # Topic creation is held back by flood control while the burst arrives, and a second
    # process races the first for the topic and the deliveries.
    telegram.flood_wait("createForumTopic", retry_after=1, times=2)
    second = _second_process(telegram, database, answers, clock, agents)
    assert second.agents_chat is not None
    second.agents_chat.start()
    try:
        await file_ticket(anna)
        for i in range(BURST):
            telegram.send_text(anna.user, anna.user.private_chat, f"сообщение {i}")

        async def all_relayed() -> bool:
            topics = telegram.topics(agents.chat)
            if not topics:
                return False
            return len(await _relayed(telegram, agents, topics[0]["message_thread_id"])) >= BURST

        await eventually(all_relayed, timeout=20)
        await asyncio.sleep(0.5)  # room for a duplicate to show up, were there one
    finally:
        await second.close()
    [topic] = telegram.topics(agents.chat)
    assert await _relayed(telegram, agents, topic["message_thread_id"]) == [
        f"сообщение {i}" for i in range(BURST)
    ]
    assert len(await rows(database, Ticket)) == 1
    incoming = [
        m for m in await rows(database, TicketMessage) if m.direction is MessageDirection.IN
    ]
    assert len(incoming) == BURST and all(m.delivered for m in incoming)


async def test_a_restart_between_storing_and_relaying_loses_nothing(
    telegram: TelegramEmulator,
    database: ScratchDatabase,
    answers: Answers,
    clock: Clock,
    agents: Desk,
    anna: Chat,
) -> None:
    olga = telegram.new_user("Ольга")
    async with running(telegram, database, answers, clock, agents_chat_id=agents.chat.id):
        await file_ticket(anna)
        await agents.next(topic=None)
        topic = agents.topic_of(1001)
        # The agents' chat is unreachable: the customer's message is stored, not relayed.
        telegram.fail_next("copyMessage", 502, "Bad Gateway", times=100)
        ack = await anna.say("я тут, жду")  # nothing the bot answers: it joins the ticket
        assert ack["text"].startswith("Добавили к заявке")

        async def stored() -> bool:
            messages = await rows(database, TicketMessage)
            return any(m.text == "я тут, жду" and m.attempts >= 1 for m in messages)

        await eventually(stored)
    # The bot is down; the agent answers meanwhile (Telegram keeps the update).
    agents.say(olga, topic, "Уже смотрим!")
    telegram.clear_failures()  # the agents' chat is back
    async with running(telegram, database, answers, clock, agents_chat_id=agents.chat.id):
        relayed = await agents.next(topic)
        assert relayed["text"] == "я тут, жду"
        assert (await anna.reply())["text"] == "Уже смотрим!"

        async def all_delivered() -> bool:
            messages = await rows(database, TicketMessage)
            return all(
                m.delivered for m in messages if m.direction is not MessageDirection.INTERNAL
            )

        await eventually(all_delivered)
    texts = [m.get("text") for m in telegram.sent_messages(agents.chat, topic=topic)]
    assert texts.count("я тут, жду") == 1
    assert [m.get("text") for m in telegram.sent_messages(anna.user.private_chat)].count(
        "Уже смотрим!"
    ) == 1


async def test_someone_not_on_the_allow_list_is_refused(
    telegram: TelegramEmulator,
    database: ScratchDatabase,
    answers: Answers,
    clock: Clock,
    agents: Desk,
    anna: Chat,
) -> None:
    olga = telegram.new_user("Ольга")
    intern = telegram.new_user("Стажёр")
    async with running(
        telegram,
        database,
        answers,
        clock,
        agents_chat_id=agents.chat.id,
        agents=f"{olga.id}:lead",
    ):
        await file_ticket(anna)
        await agents.next(topic=None)
        topic = agents.topic_of(1001)
        agents.say(intern, topic, "/take")
        refusal = await agents.next(topic)
        assert refusal["text"].startswith("⛔")
        agents.say(intern, topic, "Привет, это я")
        assert (await agents.next(topic))["text"].startswith("⛔")
        agents.say(olga, topic, "/take")
        assert (await agents.next(topic))["text"].startswith("🙋")
    async with database.sessions() as session:
        ticket = await session.scalar(select(Ticket))
    assert ticket is not None and ticket.assignee_id == olga.id
    assert not [
        m
        for m in telegram.sent_messages(anna.user.private_chat)
        if "Привет, это я" in m.get("text", "")
    ]


async def test_a_stop_finishes_the_updates_already_fetched(
    telegram: TelegramEmulator,
    database: ScratchDatabase,
    answers: Answers,
    clock: Clock,
    agents: Desk,
    anna: Chat,
) -> None:
    # Telegram counts an update as handed over once the next getUpdates confirms it: a bot
    # stopping with updates in hand must store them before it goes.
    async with running(telegram, database, answers, clock, agents_chat_id=agents.chat.id) as app:
        await file_ticket(anna)
        for i in range(200):
            telegram.send_text(anna.user, anna.user.private_chat, f"сообщение {i}")

        async def fetched() -> bool:
            return telegram.queue.pending_count == 0

        await eventually(fetched)
        lanes = app.receiver.lanes
    # Whatever is left would be handled only after a restart (it is in the journal).
    assert lanes.queued == 0
    stored = [
        m for m in await rows(database, TicketMessage) if m.text and m.text.startswith("сообщение ")
    ]
    assert len(stored) == 200


async def test_the_rating_question_survives_an_outage_and_a_restart(
    telegram: TelegramEmulator,
    database: ScratchDatabase,
    answers: Answers,
    clock: Clock,
    agents: Desk,
    anna: Chat,
) -> None:
    """Stored with the resolution, sent by the relay: like an agent's answer, not lost."""
    olga = telegram.new_user("Ольга")
    settings = {"agents_chat_id": agents.chat.id, "relay_retry_seconds": 0.2}
    async with running(telegram, database, answers, clock, **settings):
        await file_ticket(anna)
        await agents.next(topic=None)
        topic = agents.topic_of(1001)
        # The customer's chat is unreachable (every sendMessage fails) when the agent closes.
        telegram.fail_next("sendMessage", 502, "Bad Gateway", times=10_000)
        agents.say(olga, topic, "/close")

        async def tried() -> bool:
            messages = await rows(database, TicketMessage)
            return any(m.content_type == "csat_question" and m.attempts >= 1 for m in messages)

        await eventually(tried)
    [ticket] = await rows(database, Ticket)
    assert ticket.status is TicketStatus.RESOLVED
    assert ticket.first_response_at is None  # the question is not an answer
    telegram.clear_failures()
    # A new process: the relay finds the question stored and undelivered, and sends it once.
    async with running(telegram, database, answers, clock, **settings):
        rating = await anna.reply()
        assert "Оцените" in rating["text"] and "1001" in rating["text"]
        comment = await anna.press(rating, text="5 ⭐")
        anna.click(comment, text="Пропустить")
        await telegram.wait_until_polling()
    [ticket] = await rows(database, Ticket)
    assert ticket.csat_score == 5
    sent = [m.get("text", "") for m in telegram.sent_messages(anna.user.private_chat)]
    assert sum("Оцените" in text for text in sent) == 1


async def test_reopen_tells_the_customer_through_the_relay(
    telegram: TelegramEmulator,
    database: ScratchDatabase,
    answers: Answers,
    clock: Clock,
    agents: Desk,
    anna: Chat,
) -> None:
    olga = telegram.new_user("Ольга")
    settings = {"agents_chat_id": agents.chat.id, "relay_retry_seconds": 0.2}
    async with running(telegram, database, answers, clock, **settings):
        await file_ticket(anna)
        await agents.next(topic=None)
        topic = agents.topic_of(1001)
        agents.say(olga, topic, "/close")
        assert "Оцените" in (await anna.reply())["text"]
        agents.say(olga, topic, "/reopen")
        notice = await anna.reply()
        assert "1001" in notice["text"]

        async def delivered() -> bool:
            messages = await rows(database, TicketMessage)
            notices = [m for m in messages if m.content_type == "ticket_reopened"]
            return len(notices) == 1 and notices[0].delivered

        await eventually(delivered)
