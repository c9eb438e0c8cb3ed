"""The relay's lanes and failures: a permanent refusal is a visible failed state, a passing one
is retried with a backoff, and an agent's answer does not wait behind the agents' group."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator

import pytest_asyncio

from bot.db.models import TicketMessage
from bot.emulator import TelegramEmulator
from bot.emulator.driver import Chat, file_ticket
from bot.serving import Answers
from bot.telegram import App
from bot.tickets import MessageDirection
from tests.bot.db.fixtures import ScratchDatabase
from tests.telegram.conftest import Clock, rows, running
from tests.telegram.desk_fixtures import Desk, eventually


def _sends_to(telegram: TelegramEmulator, chat_id: int, text: str) -> int:
    return sum(
        1
        for call in telegram.calls
        if call.method == "sendMessage"
        and call.params.get("chat_id") == chat_id
        and call.params.get("text") == text
    )


async def test_a_reply_to_a_customer_who_blocked_the_bot_fails_visibly_and_once(
    desk_bot: App,
    telegram: TelegramEmulator,
    database: ScratchDatabase,
    agents: Desk,
    anna: Chat,
) -> None:
    olga = telegram.new_user("Ольга")
    await file_ticket(anna)
    await agents.next(topic=None)
    topic = agents.topic_of(1001)
    telegram.block(anna.user)
    agents.say(olga, topic, "Уже смотрим!")
    notice = await agents.next(topic)
    assert notice["text"].startswith(
        "⚠️ Сообщение по заявке №1001 не доставлено клиенту: клиент заблокировал бота"
    )
    assert "Уже смотрим!" in notice["text"]
    [answer] = [m for m in await rows(database, TicketMessage) if m.text == "Уже смотрим!"]
    assert answer.failed and answer.failure == "blocked" and not answer.delivered
    # Relay rounds every 0.2 s: a second attempt would have come by now.
    agents.say(olga, topic, "Вы здесь?")
    await agents.next(topic)
    assert _sends_to(telegram, anna.user.id, "Уже смотрим!") == 1


async def test_a_passing_failure_is_tried_again_after_a_backoff(
    desk_bot: App,
    telegram: TelegramEmulator,
    database: ScratchDatabase,
    agents: Desk,
    anna: Chat,
) -> None:
    olga = telegram.new_user("Ольга")
    await file_ticket(anna)
    await agents.next(topic=None)
    topic = agents.topic_of(1001)
    telegram.fail_next("sendMessage", 502, "Bad Gateway", times=2)
    started = time.monotonic()
    agents.say(olga, topic, "Уже смотрим!")
    assert (await anna.reply())["text"] == "Уже смотрим!"
    # Backoffs of 0.2 s, then 0.4 s: not sooner, and not given up.
    assert time.monotonic() - started >= 0.6
    [answer] = [m for m in await rows(database, TicketMessage) if m.text == "Уже смотрим!"]

    async def marked() -> bool:
        [stored] = [m for m in await rows(database, TicketMessage) if m.id == answer.id]
        return stored.delivered

    await eventually(marked)
    [answer] = [m for m in await rows(database, TicketMessage) if m.id == answer.id]
    assert answer.attempts == 3 and not answer.failed and answer.error is not None


@pytest_asyncio.fixture
async def limited() -> AsyncIterator[TelegramEmulator]:
    async with TelegramEmulator(limits=True) as emulator:
        yield emulator
    assert not emulator.internal_errors, emulator.internal_errors


async def test_an_agents_answer_does_not_wait_behind_a_busy_agents_group(
    limited: TelegramEmulator, database: ScratchDatabase, answers: Answers, clock: Clock
) -> None:
    agents = Desk(limited, limited.new_supergroup("Поддержка: агенты", is_forum=True))
    anna, boris = Chat(limited, limited.new_user("Анна")), Chat(limited, limited.new_user("Борис"))
    olga = limited.new_user("Ольга")
    settings = {"agents_chat_id": agents.chat.id, "relay_retry_seconds": 0.2}
    async with running(limited, database, answers, clock, **settings):
        await file_ticket(anna)
        await file_ticket(boris)
        anna_topic, boris_topic = agents.topic_of(1001), agents.topic_of(1002)
        burst = [f"подробность {n}" for n in range(10)]
        for text in burst:  # one a second is all the group takes: a backlog of seconds
            limited.send_text(boris.user, boris.user.private_chat, text)

        def relayed() -> list[str]:  # one by one, or joined into posts while the group waits
            sent = limited.sent_messages(agents.chat, topic=boris_topic)
            return [line for m in sent for line in m.get("text", "").split("\n") if line in burst]

        async def first_relayed() -> bool:
            return len(relayed()) >= 1

        await eventually(first_relayed, timeout=15)
        started = time.monotonic()
        agents.say(olga, anna_topic, "Уже смотрим!")
        answer = await anna.reply(timeout=10)
        waited = time.monotonic() - started
        assert answer["text"] == "Уже смотрим!"
        assert waited <= 2.0, waited
        assert len(relayed()) < len(burst)  # the group's backlog was still there

        async def all_relayed() -> bool:
            return len(relayed()) == len(burst)

        await eventually(all_relayed, timeout=30)
        assert relayed() == burst  # in order
    customers = [m for m in await rows(database, TicketMessage) if m.text in burst]
    assert all(m.direction is MessageDirection.IN and m.delivered for m in customers)


async def test_a_burst_of_twenty_reaches_a_short_group_complete_in_order_and_joined(
    limited: TelegramEmulator, database: ScratchDatabase, answers: Answers, clock: Clock
) -> None:
    agents = Desk(limited, limited.new_supergroup("Поддержка: агенты", is_forum=True))
    anna = Chat(limited, limited.new_user("Анна"))
    burst = [f"подробность {n}" for n in range(20)]
    settings = {"agents_chat_id": agents.chat.id, "relay_retry_seconds": 0.2}
    async with running(limited, database, answers, clock, **settings):
        await file_ticket(anna)
        topic = agents.topic_of(1001)
        for text in burst:
            limited.send_text(anna.user, anna.user.private_chat, text)

        def posts() -> list[str]:
            sent = limited.sent_messages(agents.chat, topic=topic)
            return [m.get("text", "") for m in sent if "подробность" in m.get("text", "")]

        def seen() -> list[str]:
            return [line for post in posts() for line in post.split("\n") if line in burst]

        async def complete() -> bool:
            return len(seen()) >= len(burst)

        await eventually(complete, timeout=40)
    assert seen() == burst  # every one, once, in order
    assert len(posts()) < len(burst) // 2  # joined while the group waited for its budget
    assert limited.flood is not None and limited.flood.refused == 0
