"""The Telegram Bot API emulator, driven by a real aiogram Bot over HTTP."""

from __future__ import annotations

import asyncio
import contextlib
import html
from typing import Any

import aiohttp
import pytest
from aiogram import Bot, Dispatcher, F
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramConflictError,
    TelegramForbiddenError,
    TelegramRetryAfter,
    TelegramUnauthorizedError,
)
from aiogram.types import (
    BotCommand,
    BufferedInputFile,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    MessageEntity,
    ReplyParameters,
)
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import web
from hypothesis import given
from hypothesis import strategies as st

from bot.emulator import (
    MarkupError,
    TelegramEmulator,
    parse_html,
    parse_markdown_v2,
    utf16_len,
)
from bot.emulator.client import LocalSession, make_bot, polling
from tests import emulator_fixtures

telegram = emulator_fixtures.telegram
telegram_bot = emulator_fixtures.telegram_bot


def keyboard(*buttons: InlineKeyboardButton) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[list(buttons)])


# --- the Bot API over HTTP ---------------------------------------------------------------


async def test_get_me_returns_the_bot_as_a_full_user(telegram_bot: Bot) -> None:
    me = await telegram_bot.get_me()
    assert me.is_bot and me.id == 123456 and me.username == "faq_test_bot"
    assert me.can_join_groups is True and me.supports_inline_queries is False


async def test_wrong_token_is_unauthorized(telegram: TelegramEmulator) -> None:
    api = TelegramAPIServer.from_base(telegram.base_url)
    stranger = Bot("999:other-token", session=LocalSession(api=api))
    try:
        with pytest.raises(TelegramUnauthorizedError, match="Unauthorized"):
            await stranger.get_me()
    finally:
        await stranger.session.close()


async def test_unknown_method_is_not_found_and_forms_and_json_both_work(
    telegram: TelegramEmulator,
) -> None:
    url = f"{telegram.base_url}/bot{telegram.token}"
    async with aiohttp.ClientSession() as http:
        async with http.post(f"{url}/sendCarrierPigeon", json={}) as response:
            assert response.status == 404
            assert await response.json() == {
                "ok": False,
                "error_code": 404,
                "description": "Not Found: method not found",
            }
        async with http.post(f"{url}/GETME", data={}) as response:
            assert (await response.json())["result"]["is_bot"] is True
        anna = telegram.new_user()
        telegram.send_text(anna, anna.private_chat, "привет")
        body = {"chat_id": anna.id, "text": "<b>json</b>", "parse_mode": "HTML"}
        async with http.post(f"{url}/sendMessage", json=body) as response:
            result = (await response.json())["result"]
    assert result["text"] == "json" and result["entities"][0]["type"] == "bold"
    assert telegram.calls[-1].params["chat_id"] == anna.id


async def test_send_message_echoes_text_entities_markup_and_reply(
    telegram: TelegramEmulator, telegram_bot: Bot
) -> None:
    anna = telegram.new_user("Анна")
    question = telegram.send_text(anna, anna.private_chat, "Как пополнить счёт?")
    sent = await telegram_bot.send_message(
        anna.id,
        "<b>Пополнение</b> &amp; оплата 😀 <i>тут</i>",
        parse_mode="HTML",
        reply_markup=keyboard(InlineKeyboardButton(text="Помогло", callback_data="fb:1:yes")),
        reply_parameters=ReplyParameters(message_id=question["message_id"]),
    )
    assert sent.text == "Пополнение & оплата 😀 тут"
    assert sent.from_user is not None and sent.from_user.is_bot
    assert sent.message_id == question["message_id"] + 1
    assert sent.reply_to_message is not None and sent.reply_to_message.text == question["text"]
    assert [(e.type, e.offset, e.length) for e in sent.entities or []] == [
        ("bold", 0, 10),
        ("italic", 23, 3),  # the emoji counts as two UTF-16 code units
    ]
    assert sent.reply_markup is not None
    assert sent.reply_markup.inline_keyboard[0][0].callback_data == "fb:1:yes"
    assert await telegram.next_bot_message(anna.private_chat) == telegram.sent_messages(anna.id)[0]


@pytest.mark.parametrize(
    ("text", "parse_mode", "description"),
    [
        (
            "<p>Абзац</p>",
            "HTML",
            'Bad Request: can\'t parse entities: Unsupported start tag "p" at byte offset 0',
        ),
        (
            "<b>жирный",
            "HTML",
            "Bad Request: can't parse entities: Can't find end tag corresponding to start "
            'tag "b"',
        ),
        ("a" * 4097, None, "Bad Request: message is too long"),
        ("<b> </b>", "HTML", "Bad Request: text must be non-empty"),
        ("", None, "Bad Request: message text is empty"),
        (
            "Итого: 5.",
            "MarkdownV2",
            "Bad Request: can't parse entities: Character '.' is reserved and must be escaped "
            "with the preceding '\\'",
        ),
    ],
)
async def test_bad_text_is_refused_with_telegrams_wording(
    telegram: TelegramEmulator,
    telegram_bot: Bot,
    text: str,
    parse_mode: str | None,
    description: str,
) -> None:
    anna = telegram.new_user()
    telegram.send_text(anna, anna.private_chat, "/start")
    with pytest.raises(TelegramBadRequest) as caught:
        await telegram_bot.send_message(anna.id, text, parse_mode=parse_mode)
    assert caught.value.message == description
    assert telegram.sent_messages(anna.id) == []


async def test_4096_characters_are_allowed_even_with_surrogate_pairs(
    telegram: TelegramEmulator, telegram_bot: Bot
) -> None:
    anna = telegram.new_user()
    telegram.send_text(anna, anna.private_chat, "/start")
    sent = await telegram_bot.send_message(anna.id, "😀" * 4096)
    assert sent.text is not None and utf16_len(sent.text) == 8192


@pytest.mark.parametrize(
    ("button", "description"),
    [
        (
            InlineKeyboardButton(text="Да", callback_data="x" * 65),
            "Bad Request: BUTTON_DATA_INVALID",
        ),
        (
            InlineKeyboardButton(text="Да"),
            "Bad Request: can't parse inline keyboard button: Text buttons are unallowed in "
            "the inline keyboard",
        ),
        (
            InlineKeyboardButton(text="Да", url="https://example.com", callback_data="yes"),
            "Bad Request: can't parse inline keyboard button: exactly one of the optional "
            "fields must be used, got url, callback_data (the emulator is stricter than "
            "Telegram here, which uses url and ignores the rest)",
        ),
    ],
)
async def test_bad_inline_button_is_refused(
    telegram: TelegramEmulator,
    telegram_bot: Bot,
    button: InlineKeyboardButton,
    description: str,
) -> None:
    anna = telegram.new_user()
    telegram.send_text(anna, anna.private_chat, "/start")
    with pytest.raises(TelegramBadRequest) as caught:
        await telegram_bot.send_message(anna.id, "?", reply_markup=keyboard(button))
    assert caught.value.message == description


async def test_64_byte_callback_data_is_fine(telegram: TelegramEmulator, telegram_bot: Bot) -> None:
    anna = telegram.new_user()
    telegram.send_text(anna, anna.private_chat, "/start")
    data = "ж" * 32  # 64 bytes in UTF-8
    await telegram_bot.send_message(
        anna.id, "?", reply_markup=keyboard(InlineKeyboardButton(text="Да", callback_data=data))
    )


async def test_unknown_chat_and_blocked_user_are_refused(
    telegram: TelegramEmulator, telegram_bot: Bot
) -> None:
    with pytest.raises(TelegramBadRequest, match="Bad Request: chat not found"):
        await telegram_bot.send_message(424242, "привет")
    anna = telegram.new_user()
    telegram.send_text(anna, anna.private_chat, "/start")
    telegram.block(anna)
    with pytest.raises(TelegramForbiddenError, match="bot was blocked by the user"):
        await telegram_bot.send_message(anna.id, "привет")


async def test_forum_topic_is_created_and_messages_go_into_it(
    telegram: TelegramEmulator, telegram_bot: Bot
) -> None:
    agents = telegram.new_supergroup("Агенты")
    topic = await telegram_bot.create_forum_topic(agents.id, "Тикет #7: не проходит оплата")
    assert topic.message_thread_id > 1 and topic.icon_color == 0x6FB9F0
    sent = await telegram_bot.send_message(
        agents.id, "Новый тикет", message_thread_id=topic.message_thread_id
    )
    assert sent.message_thread_id == topic.message_thread_id and sent.is_topic_message
    assert sent.reply_to_message is not None
    assert sent.reply_to_message.forum_topic_created is not None
    assert sent.reply_to_message.forum_topic_created.name == "Тикет #7: не проходит оплата"
    assert await telegram_bot.close_forum_topic(agents.id, topic.message_thread_id)
    assert telegram.topics(agents) == [{**topic.model_dump(exclude_none=True), "is_closed": True}]

    agent = telegram.new_user("Олег")
    reply = telegram.send_text(agent, agents, "Беру", topic=topic.message_thread_id)
    assert reply["is_topic_message"] and reply["message_thread_id"] == topic.message_thread_id

    for thread_id in (1, 999):  # "General" can't be addressed; 999 doesn't exist
        with pytest.raises(TelegramBadRequest, match="Bad Request: message thread not found"):
            await telegram_bot.send_message(agents.id, "?", message_thread_id=thread_id)


async def test_chat_members_bot_is_admin_users_join_by_writing(
    telegram: TelegramEmulator, telegram_bot: Bot
) -> None:
    agents = telegram.new_supergroup("Агенты")
    oleg = telegram.new_user("Олег")
    me = await telegram_bot.get_chat_member(agents.id, telegram.bot.id)
    assert me.status == "administrator"
    assert (await telegram_bot.get_chat_member(agents.id, oleg.id)).status == "left"
    telegram.send_text(oleg, agents, "всем привет")
    assert (await telegram_bot.get_chat_member(agents.id, oleg.id)).status == "member"
    telegram.set_member(agents, oleg, "creator")
    assert (await telegram_bot.get_chat_member(agents.id, oleg.id)).status == "creator"
    chat = await telegram_bot.get_chat(agents.id)
    assert chat.type == "supergroup" and chat.is_forum and chat.title == "Агенты"


async def test_edit_keeps_telegrams_rules(telegram: TelegramEmulator, telegram_bot: Bot) -> None:
    anna = telegram.new_user()
    question = telegram.send_text(anna, anna.private_chat, "/start")
    markup = keyboard(InlineKeyboardButton(text="Да", callback_data="yes"))
    sent = await telegram_bot.send_message(anna.id, "Вопрос", reply_markup=markup)
    with pytest.raises(TelegramBadRequest, match="message is not modified: specified new"):
        await telegram_bot.edit_message_text(
            text="Вопрос", chat_id=anna.id, message_id=sent.message_id, reply_markup=markup
        )
    edited = await telegram_bot.edit_message_text(
        text="Вопрос закрыт", chat_id=anna.id, message_id=sent.message_id
    )
    assert isinstance(edited, Message) and edited.edit_date is not None
    assert edited.reply_markup is None  # an edit without reply_markup removes the keyboard
    with pytest.raises(TelegramBadRequest, match="message can't be edited"):
        await telegram_bot.edit_message_text(
            text="?", chat_id=anna.id, message_id=question["message_id"]
        )
    with pytest.raises(TelegramBadRequest, match="message to edit not found"):
        await telegram_bot.edit_message_text(text="?", chat_id=anna.id, message_id=999)
    assert await telegram_bot.delete_message(anna.id, sent.message_id)
    with pytest.raises(TelegramBadRequest, match="message to delete not found"):
        await telegram_bot.delete_message(anna.id, sent.message_id)
    assert telegram.sent_messages(anna.id) == []


async def test_media_uploads_file_ids_and_captions(
    telegram: TelegramEmulator, telegram_bot: Bot
) -> None:
    anna = telegram.new_user()
    photo = telegram.send_photo(anna, anna.private_chat, caption="скриншот ошибки")
    uploaded = await telegram_bot.send_document(
        anna.id, BufferedInputFile(b"%PDF-1.4", filename="инструкция.pdf"), caption="Вот"
    )
    assert uploaded.document is not None and uploaded.document.file_name == "инструкция.pdf"
    assert uploaded.document.mime_type == "application/pdf" and uploaded.caption == "Вот"
    again = await telegram_bot.send_photo(anna.id, photo["photo"][-1]["file_id"])
    assert again.photo is not None and again.photo[-1].width == photo["photo"][-1]["width"]
    await telegram_bot.send_sticker(anna.id, "CAACAgIAAxkBAAEsticker")
    await telegram_bot.send_voice(anna.id, BufferedInputFile(b"OggS", filename="v.ogg"))
    with pytest.raises(TelegramBadRequest, match="Bad Request: message caption is too long"):
        await telegram_bot.send_photo(anna.id, photo["photo"][0]["file_id"], caption="я" * 1025)
    kinds = [next(k for k in ("document", "photo", "sticker", "voice") if k in m)
             for m in telegram.sent_messages(anna.id)]  # fmt: skip
    assert kinds == ["document", "photo", "sticker", "voice"]


async def test_copy_and_forward_a_user_message_to_the_agents(
    telegram: TelegramEmulator, telegram_bot: Bot
) -> None:
    anna = telegram.new_user("Анна")
    agents = telegram.new_supergroup("Агенты")
    question = telegram.send_text(anna, anna.private_chat, "Не приходит SMS")
    copied = await telegram_bot.copy_message(agents.id, anna.id, question["message_id"])
    forwarded = await telegram_bot.forward_message(agents.id, anna.id, question["message_id"])
    assert telegram.message(agents, copied.message_id)["text"] == "Не приходит SMS"
    assert forwarded.forward_origin is not None and forwarded.forward_origin.type == "user"
    assert forwarded.text == "Не приходит SMS"
    with pytest.raises(TelegramBadRequest, match="message to copy not found"):
        await telegram_bot.copy_message(agents.id, anna.id, 999)


async def test_entities_are_checked_in_utf16_code_units(
    telegram: TelegramEmulator, telegram_bot: Bot
) -> None:
    anna = telegram.new_user()
    telegram.send_text(anna, anna.private_chat, "/start")
    text = "Привет 😀 мир"  # 12 characters, 13 UTF-16 code units
    good = MessageEntity(type="bold", offset=10, length=3)
    sent = await telegram_bot.send_message(anna.id, text, entities=[good])
    assert [e.model_dump() for e in sent.entities or []] == [good.model_dump()]
    with pytest.raises(TelegramBadRequest, match="outside the text of 13 UTF-16 code units"):
        await telegram_bot.send_message(
            anna.id, text, entities=[MessageEntity(type="bold", offset=10, length=4)]
        )
    with pytest.raises(TelegramBadRequest, match="Unsupported type specified"):
        await telegram_bot.send_message(
            anna.id, text, entities=[MessageEntity(type="sparkles", offset=0, length=1)]
        )


async def test_lenient_mode_accepts_what_telegram_accepts() -> None:
    async with TelegramEmulator(pedantic=False) as lenient:
        bot = make_bot(lenient)
        try:
            anna = lenient.new_user()
            lenient.send_text(anna, anna.private_chat, "/start")
            sent = await bot.send_message(
                anna.id,
                "AT&T <b>ok</b>",
                parse_mode="HTML",
                reply_markup=keyboard(
                    InlineKeyboardButton(text="Да", url="https://example.com", callback_data="x")
                ),
            )
            assert sent.text == "AT&T ok"
            assert sent.reply_markup is not None
            assert sent.reply_markup.inline_keyboard[0][0].callback_data is None  # url wins
            clipped = await bot.send_message(
                anna.id, "абв", entities=[MessageEntity(type="bold", offset=1, length=10)]
            )
            assert [(e.offset, e.length) for e in clipped.entities or []] == [(1, 2)]
        finally:
            await bot.session.close()


async def test_flood_wait_becomes_telegram_retry_after(
    telegram: TelegramEmulator, telegram_bot: Bot
) -> None:
    anna = telegram.new_user()
    telegram.send_text(anna, anna.private_chat, "/start")
    telegram.flood_wait("sendMessage", retry_after=7)
    with pytest.raises(TelegramRetryAfter) as caught:
        await telegram_bot.send_message(anna.id, "раз")
    assert caught.value.retry_after == 7
    await telegram_bot.send_message(anna.id, "два")


async def test_commands_and_chat_actions(telegram: TelegramEmulator, telegram_bot: Bot) -> None:
    commands = [BotCommand(command="start", description="Начать"),
                BotCommand(command="ticket", description="Создать заявку")]  # fmt: skip
    assert await telegram_bot.set_my_commands(commands)
    assert telegram.commands() == [c.model_dump(exclude_none=True) for c in commands]
    with pytest.raises(TelegramBadRequest, match="BOT_COMMAND_INVALID"):
        await telegram_bot.set_my_commands([BotCommand(command="Не команда", description="x")])
    assert await telegram_bot.delete_my_commands()
    assert telegram.commands() == []
    anna = telegram.new_user()
    telegram.send_text(anna, anna.private_chat, "/start")
    assert await telegram_bot.send_chat_action(anna.id, "typing")


# --- delivering updates ----------------------------------------------------------------


async def test_polling_dispatcher_echoes_a_user_message(
    telegram: TelegramEmulator, telegram_bot: Bot
) -> None:
    dp = Dispatcher()

    @dp.message(F.text)
    async def echo(message: Message) -> None:
        await message.answer(html.escape(f"Вы написали: {message.text}"), parse_mode="HTML")

    anna = telegram.new_user("Анна")
    async with polling(dp, telegram_bot, telegram):
        sent = telegram.send_text(anna, anna.private_chat, "/start <код>")
        assert sent["entities"] == [{"offset": 0, "length": 6, "type": "bot_command"}]
        reply = await telegram.next_bot_message(anna.private_chat)
        telegram.send_text(anna, anna.private_chat, "ещё")
        second = await telegram.next_bot_message(anna.private_chat)
    assert reply["text"] == "Вы написали: /start <код>"
    assert second["text"] == "Вы написали: ещё"
    updates = await telegram.wait_for("getUpdates", lambda call: bool(call.result))
    assert updates.params["allowed_updates"] == ["message"]


async def test_every_user_action_is_a_valid_aiogram_update(
    telegram: TelegramEmulator, telegram_bot: Bot
) -> None:
    dp = Dispatcher()
    seen: list[tuple[str, str, int | None]] = []

    @dp.message()
    async def on_message(message: Message, bot: Bot) -> None:
        seen.append((message.chat.type, message.content_type, message.message_thread_id))
        await bot.send_message(anna.id, "ok")

    @dp.edited_message()
    async def on_edit(message: Message, bot: Bot) -> None:
        seen.append(("edited", message.text or "", None))
        await bot.send_message(anna.id, "ok")

    anna = telegram.new_user("Анна", username="anna_k")
    oleg = telegram.new_user("Олег")
    agents = telegram.new_supergroup("Агенты")
    dm = anna.private_chat
    async with polling(dp, telegram_bot, telegram):
        question = telegram.send_text(anna, dm, "Не проходит оплата https://pay.example.com")
        telegram.send_photo(anna, dm, caption="скриншот")
        telegram.send_document(anna, dm, file_name="чек.pdf")
        telegram.send_sticker(anna, dm)
        telegram.send_voice(anna, dm, duration=5)
        telegram.send_contact(anna, dm)
        telegram.edit_text(question, "Не проходит оплата картой")
        topic = telegram.create_topic(oleg, agents, "Оплата")
        thread = topic["message_thread_id"]
        telegram.send_text(oleg, agents, "Смотрю", topic=thread)
        for _ in range(9):
            await telegram.next_bot_message(dm)
    assert sorted(seen) == sorted(
        [
            ("private", "text", None),
            ("private", "photo", None),
            ("private", "document", None),
            ("private", "sticker", None),
            ("private", "voice", None),
            ("private", "contact", None),
            ("edited", "Не проходит оплата картой", None),
            ("supergroup", "forum_topic_created", thread),
            ("supergroup", "text", thread),
        ]
    )


async def test_button_press_reaches_the_callback_handler(
    telegram: TelegramEmulator, telegram_bot: Bot
) -> None:
    dp = Dispatcher()

    @dp.callback_query(F.data == "fb:yes")
    async def thanks(callback: CallbackQuery) -> None:
        await callback.answer("Спасибо!")
        assert isinstance(callback.message, Message)
        await callback.message.edit_reply_markup(reply_markup=None)

    anna = telegram.new_user()
    telegram.send_text(anna, anna.private_chat, "/start")
    sent = await telegram_bot.send_message(
        anna.id,
        "Помог ответ?",
        reply_markup=keyboard(
            InlineKeyboardButton(text="Да", callback_data="fb:yes"),
            InlineKeyboardButton(text="Нет", callback_data="fb:no"),
        ),
    )
    async with polling(dp, telegram_bot, telegram):
        press = telegram.press_button(telegram.sent_messages(anna.id)[0], text="Да")
        answer = await telegram.wait_for("answerCallbackQuery")
        await telegram.wait_for("editMessageReplyMarkup")
    assert answer.params == {"callback_query_id": press["id"], "text": "Спасибо!"}
    assert telegram.callback_answer(press) == {"text": "Спасибо!"}
    assert "reply_markup" not in telegram.message(anna.private_chat, sent.message_id)
    with pytest.raises(TelegramBadRequest, match="query is too old and response timeout"):
        await telegram_bot.answer_callback_query(press["id"])
    with pytest.raises(ValueError, match="no button 'fb:maybe'"):
        telegram.press_button(telegram.message(anna.private_chat, sent.message_id), "fb:maybe")


async def test_long_poll_waits_for_an_update_and_offset_confirms(
    telegram: TelegramEmulator, telegram_bot: Bot
) -> None:
    anna = telegram.new_user()
    waiting = asyncio.create_task(telegram_bot.get_updates(timeout=30))
    await telegram.wait_until_polling()
    telegram.send_text(anna, anna.private_chat, "привет")
    first = await asyncio.wait_for(waiting, 2)
    assert [u.message.text for u in first if u.message] == ["привет"]
    assert len(await telegram_bot.get_updates()) == 1  # not confirmed yet
    assert await telegram_bot.get_updates(offset=first[-1].update_id + 1) == []


async def test_a_second_poller_ends_the_first_with_a_conflict(
    telegram: TelegramEmulator, telegram_bot: Bot
) -> None:
    first = asyncio.create_task(telegram_bot.get_updates(timeout=30))
    await telegram.wait_until_polling()
    assert await telegram_bot.get_updates(timeout=0) == []
    with pytest.raises(TelegramConflictError, match="terminated by other getUpdates request"):
        await asyncio.wait_for(first, 2)


async def _serve_webhook(dp: Dispatcher, bot: Bot, secret: str) -> tuple[web.AppRunner, str]:
    app = web.Application()
    SimpleRequestHandler(dp, bot, secret_token=secret, handle_in_background=False).register(
        app, path="/webhook"
    )
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    return runner, f"http://{host}:{port}/webhook"


async def test_webhook_delivers_with_the_secret_and_runs_the_reply_method(
    telegram: TelegramEmulator, telegram_bot: Bot
) -> None:
    dp = Dispatcher()

    @dp.message()
    async def answer_in_reply(message: Message) -> Any:
        return message.answer("Принято")  # returned, so it travels in the webhook's answer

    runner, url = await _serve_webhook(dp, telegram_bot, secret="s3cret-token")
    try:
        assert await telegram_bot.set_webhook(url, secret_token="s3cret-token")
        with pytest.raises(TelegramConflictError, match="can't use getUpdates method"):
            await telegram_bot.get_updates()
        anna = telegram.new_user()
        telegram.send_text(anna, anna.private_chat, "вопрос")
        reply = await telegram.next_bot_message(anna.private_chat)
        assert reply["text"] == "Принято"  # so aiogram accepted the secret header
        assert telegram.calls[-1].source == "webhook_reply"
        info = await telegram_bot.get_webhook_info()
        assert info.url == url and info.pending_update_count == 0

        assert await telegram_bot.set_webhook(url, secret_token="wrong")
        telegram.send_text(anna, anna.private_chat, "ещё вопрос")
        for _ in range(200):  # each failed delivery is retried 0.05 s later
            info = await telegram_bot.get_webhook_info()
            if info.last_error_message:
                break
            await asyncio.sleep(0.01)
        assert info.last_error_message == "Wrong response from the webhook: 401 Unauthorized"
        assert info.pending_update_count == 1
        assert await telegram_bot.delete_webhook(drop_pending_updates=True)
        assert await telegram_bot.get_updates() == []
    finally:
        await runner.cleanup()


# --- the HTML parser, table-driven -----------------------------------------------------

HTML_OK = [
    ("просто текст", "просто текст", []),
    ("<b>ж</b><strong>ж</strong>", "жж", [("bold", 0, 1, {}), ("bold", 1, 1, {})]),
    ("<B>верхний</B>", "верхний", [("bold", 0, 7, {})]),
    ("<i>к</i><em>к</em><u>п</u><ins>п</ins>", "ккпп",
     [("italic", 0, 1, {}), ("italic", 1, 1, {}),
      ("underline", 2, 1, {}), ("underline", 3, 1, {})]),
    ("<s>a</s><strike>b</strike><del>c</del>", "abc",
     [("strikethrough", 0, 1, {}), ("strikethrough", 1, 1, {}), ("strikethrough", 2, 1, {})]),
    ('<span class="tg-spoiler">x</span><tg-spoiler>y</tg-spoiler>', "xy",
     [("spoiler", 0, 1, {}), ("spoiler", 1, 1, {})]),
    ('<a href="https://example.com/?a=1&amp;b=2">ссылка</a>', "ссылка",
     [("text_link", 0, 6, {"url": "https://example.com/?a=1&b=2"})]),
    ("<a href='javascript:alert(1)'>x</a>", "x", []),  # Telegram drops bad links silently
    ("<code>x = 1</code>", "x = 1", [("code", 0, 5, {})]),
    ('<pre><code class="language-python">print()</code></pre>', "print()",
     [("pre", 0, 7, {"language": "python"})]),
    ("<pre>сырой</pre>", "сырой", [("pre", 0, 5, {})]),
    ("<blockquote>цитата</blockquote>", "цитата", [("blockquote", 0, 6, {})]),
    ("<blockquote expandable>длинная</blockquote>", "длинная",
     [("expandable_blockquote", 0, 7, {})]),
    ('<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>', "👍",
     [("custom_emoji", 0, 2, {"custom_emoji_id": "5368324170671202286"})]),
    ("&lt;тег&gt; &quot;q&quot; &amp; &#128512; &#x41;", '<тег> "q" & 😀 A', []),
    ("AT&T &copy; &unknown; a > b", "AT&T &copy; &unknown; a > b", []),
    ("<b>жир <i>и курсив</i></b>", "жир и курсив", [("bold", 0, 12, {}), ("italic", 4, 8, {})]),
    ("<b>закрыт пустым</>", "закрыт пустым", [("bold", 0, 13, {})]),
    ("😀<b>x</b>", "😀x", [("bold", 2, 1, {})]),
    ("<b></b>пусто", "пусто", []),
]  # fmt: skip


@pytest.mark.parametrize(("source", "text", "entities"), HTML_OK)
def test_html_parses_like_telegram(
    source: str, text: str, entities: list[tuple[str, int, int, dict[str, str]]]
) -> None:
    parsed = parse_html(source)
    assert parsed.text == text
    assert [(e.type, e.offset, e.length, dict(e.extra)) for e in parsed.entities] == entities


HTML_ERRORS = [
    ("<p>x</p>", 'Unsupported start tag "p" at byte offset 0'),
    ("Привет <br>", 'Unsupported start tag "br" at byte offset 13'),  # bytes, not characters
    ("1 < 2", 'Unsupported start tag "" at byte offset 2'),
    ("<b>x", 'Can\'t find end tag corresponding to start tag "b"'),
    ("x</b>", "Unexpected end tag at byte offset 1"),
    ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
    ("<b", "Unclosed start tag at byte offset 0"),
    ("<b>x</b", "Unclosed end tag at byte offset 4"),
    ("<span>x</span>", 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
    ('<a href="x', "Unclosed start tag at byte offset 0"),
    ("<a href=x!>y</a>", "Unexpected end of name token at byte offset 8"),
    ("<b =1>x</b>", 'Empty attribute name in the tag "b" at byte offset 0'),
    ("<tg-emoji emoji-id=abc>x</tg-emoji>", "Invalid custom emoji identifier specified"),
    ('<tg-emoji emoji-id="²">x</tg-emoji>', "Invalid custom emoji identifier specified"),
]


@pytest.mark.parametrize(("source", "message"), HTML_ERRORS)
def test_html_errors_use_telegrams_wording(source: str, message: str) -> None:
    with pytest.raises(MarkupError) as caught:
        parse_html(source)
    assert caught.value.message == message


def test_bare_ampersand_is_text_for_telegram_and_an_error_when_strict() -> None:
    assert parse_html("AT&T").text == "AT&T"
    with pytest.raises(MarkupError, match='Unescaped "&" at byte offset 2'):
        parse_html("AT&T", strict_ampersand=True)
    assert parse_html("AT&amp;T &#38;", strict_ampersand=True).text == "AT&T &"


@given(st.text())
def test_escaped_text_parses_back_to_itself(text: str) -> None:
    parsed = parse_html(html.escape(text, quote=False), strict_ampersand=True)
    assert parsed.text == text and parsed.entities == ()


HTML_PIECES = [*"<>/&;#abi x=\"'ё😀²-1", "tg-emoji", "emoji-id", "tg-time", "unix", "a href"]


@given(st.lists(st.sampled_from(HTML_PIECES)).map("".join))
def test_any_input_parses_or_fails_with_a_markup_error(source: str) -> None:
    with contextlib.suppress(MarkupError):
        parsed = parse_html(source)
        for entity in parsed.entities:
            assert 0 <= entity.offset < entity.offset + entity.length <= utf16_len(parsed.text)


@pytest.mark.parametrize(
    ("source", "text", "entities"),
    [
        (r"*жир* _курсив_ __подч__ ~зач~ ||сп||", "жир курсив подч зач сп",
         ["bold", "italic", "underline", "strikethrough", "spoiler"]),
        (r"[ссылка](https://example.com/a\)b) `код`", "ссылка код", ["text_link", "code"]),
        ("```python\nprint()\n```", "print()\n", ["pre"]),
        (r"1\.5 \- 2\!", "1.5 - 2!", []),
    ],
)  # fmt: skip
def test_markdown_v2_parses_like_telegram(source: str, text: str, entities: list[str]) -> None:
    parsed = parse_markdown_v2(source)
    assert parsed.text == text
    assert [e.type for e in parsed.entities] == entities


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("5.", "Character '.' is reserved and must be escaped with the preceding '\\'"),
        ("*жир", "Can't find end of Bold entity at byte offset 0"),
        ("[x](http://a", "Can't find end of a URL at byte offset 4"),
    ],
)
def test_markdown_v2_errors_use_telegrams_wording(source: str, message: str) -> None:
    with pytest.raises(MarkupError) as caught:
        parse_markdown_v2(source)
    assert caught.value.message == message
