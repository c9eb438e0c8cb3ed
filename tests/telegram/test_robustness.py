"""Hostile and odd input over HTTP: markup in names and questions, huge and empty texts,
stickers, voice, edits, forged or stale buttons, floods, and a handler that fails."""

from __future__ import annotations

import copy
import logging

import pytest
from sqlalchemy import text

from bot.emulator import TelegramEmulator
from bot.emulator.driver import Chat
from bot.emulator.state import JSON
from bot.serving import Answers
from bot.serving.rate_limit import MemoryRateLimiter
from bot.telegram import App
from tests.bot.db.fixtures import ScratchDatabase
from tests.telegram.conftest import Clock, running

OUTDATED = "Эта кнопка уже не действует. Напишите, пожалуйста, вопрос ещё раз."


def press_forged(telegram: TelegramEmulator, chat: Chat, message: JSON, data: str) -> JSON:
    """A callback query with ``data`` no button of ``message`` carries (an old client, a forger)."""
    record = telegram.state.find_chat(message["chat"]["id"])
    stored = record.messages[message["message_id"]]
    query = telegram.state.new_callback_query(chat.user, stored, data)
    payload = {
        "id": query.id,
        "from": chat.user.to_json(),
        "message": copy.deepcopy(stored),
        "chat_instance": "1",
        "data": data,
    }
    telegram.queue.push("callback_query", payload)
    return payload


async def test_markup_in_a_name_is_shown_literally(bot: App, telegram: TelegramEmulator) -> None:
    chat = Chat(telegram, telegram.new_user("<b>Анна</b> & <3"))
    reply = await chat.say("/start")
    assert reply["text"].startswith("Здравствуйте, <b>Анна</b> & <3!")
    assert not [e for e in reply.get("entities", []) if e["offset"] < 30]


@pytest.mark.parametrize("question", ["<b>рецепт</b> борща <3 & co", "рецепт: a < b && c > d </i>"])
async def test_markup_in_a_question_is_shown_literally(bot: App, anna: Chat, question: str) -> None:
    form = await anna.say(question)  # nothing in the KB: the form quotes the question
    assert question in form["text"]


async def test_a_huge_message_is_refused_politely(bot: App, anna: Chat) -> None:
    reply = await anna.say("поездка " * 1250)
    assert reply["text"] == "Сообщение слишком длинное. Пожалуйста, уложитесь в 1000 символов."


@pytest.mark.parametrize("blank", ["", "   \n\t "])
async def test_an_empty_message_gets_a_hint(bot: App, anna: Chat, blank: str) -> None:
    reply = await anna.say(blank)
    assert reply["text"] == "Кажется, сообщение пустое. Напишите, пожалуйста, вопрос текстом."


@pytest.mark.parametrize("media", ["sticker", "voice", "document"])
async def test_media_without_a_ticket_gets_a_polite_reply(
    bot: App, anna: Chat, telegram: TelegramEmulator, media: str
) -> None:
    getattr(telegram, f"send_{media}")(anna.user, anna.user.private_chat)
    reply = await anna.reply()
    assert reply["text"].startswith("Пока я понимаю только текст.")


async def test_an_edited_message_is_not_taken_for_a_new_one(
    bot: App, anna: Chat, telegram: TelegramEmulator
) -> None:
    await anna.say("не приходит код из смс")
    telegram.edit_text(anna.sent[-1], "не приходит код из смс!!!")
    reply = await anna.reply()
    assert reply["text"].startswith("Я вижу только новые сообщения")


@pytest.mark.parametrize(
    "data",
    [
        "garbage",
        "vote:1:ffffffffffff:1",  # an article no longer in the knowledge base
        "vote:not-a-number:x:1",
        "pick:0:ffffffffffff",
        "form:when:skip",  # a form button with no form
        "csat:999999:5",  # nobody's ticket
        "close:abc",
        "x" * 64,
    ],
)
async def test_forged_or_stale_buttons_get_a_polite_popup(
    bot: App, anna: Chat, telegram: TelegramEmulator, data: str
) -> None:
    menu = await anna.say("/start")
    query = press_forged(telegram, anna, menu, data)
    answer = await anna.callback_answer(query)
    assert answer["text"] == OUTDATED
    # Still alive and talking.
    assert (await anna.say("/help"))["text"].startswith("Как со мной общаться")


async def test_a_flood_is_answered_once_then_dropped(
    telegram: TelegramEmulator, database: ScratchDatabase, answers: Answers, clock: Clock
) -> None:
    limiter = MemoryRateLimiter(3, clock=lambda: 30.0)  # one minute that never ends
    async with running(telegram, database, answers, clock, limiter=limiter):
        anna = Chat(telegram, telegram.new_user("Анна"))
        for _ in range(3):
            await anna.say("/help")
        slow_down = await anna.say("/help")
        assert slow_down["text"].startswith("Слишком много сообщений подряд.")
        anna.telegram.send_text(anna.user, anna.user.private_chat, "/help")  # dropped quietly
        boris = Chat(telegram, telegram.new_user("Борис"))
        assert (await boris.say("/help"))["text"].startswith("Как со мной общаться")
    assert len(telegram.sent_messages(anna.user.private_chat)) == 4


async def test_a_failing_handler_is_logged_with_the_update_and_the_customer_told(
    telegram: TelegramEmulator,
    sqlite_database: ScratchDatabase,
    answers: Answers,
    clock: Clock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    async with sqlite_database.engine.begin() as connection:
        await connection.execute(text("DROP TABLE votes"))
        await connection.execute(text("DROP TABLE attempts"))
    async with running(telegram, sqlite_database, answers, clock):
        anna = Chat(telegram, telegram.new_user("Анна"))
        with caplog.at_level(logging.ERROR, logger="bot.telegram"):
            reply = await anna.say("не приходит код из смс")
        assert reply["text"].startswith("Что-то пошло не так")
        assert "Traceback" not in reply["text"]
    [record] = [r for r in caplog.records if r.name == "bot.telegram"]
    update_id = _update_of(telegram, anna.sent[-1])
    assert record.getMessage().startswith(f"update {update_id} failed: OperationalError")
    assert record.exc_info is not None


def _update_of(telegram: TelegramEmulator, message: JSON) -> int:
    """The id of the update that delivered ``message`` to the bot."""
    for call in telegram.calls:
        if call.method == "getUpdates" and call.ok:
            for update in call.result:
                if update.get("message", {}).get("message_id") == message["message_id"]:
                    return int(update["update_id"])
    raise LookupError("the bot never received the message")


async def test_group_chats_are_not_served(bot: App, anna: Chat, telegram: TelegramEmulator) -> None:
    group = telegram.new_supergroup("Посторонние", is_forum=False)
    telegram.send_text(anna.user, group, "не приходит код из смс")
    reply = await anna.say("/help")  # the private chat is answered; the group never is
    assert reply["text"].startswith("Как со мной общаться")
    assert telegram.sent_messages(group) == []
