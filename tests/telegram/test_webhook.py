"""Webhook mode: updates delivered by Telegram's POSTs; anyone without the secret gets 403."""

from __future__ import annotations

import aiohttp
import pytest
from aiogram.client.telegram import TelegramAPIServer

from bot.emulator import TelegramEmulator
from bot.emulator.client import LocalSession
from bot.emulator.driver import Chat
from bot.serving import Answers
from bot.telegram import build_app
from tests.bot.db.fixtures import ScratchDatabase
from tests.telegram.conftest import Clock, make_settings, with_services

SECRET = "s3cret_Token-1"
HEADER = "X-Telegram-Bot-Api-Secret-Token"


async def test_webhook_serves_customers_and_refuses_requests_without_the_secret(
    telegram: TelegramEmulator, database: ScratchDatabase, answers: Answers, clock: Clock
) -> None:
    app = build_app(
        *with_services(make_settings(telegram, database), database.engine, answers, clock),
        session=LocalSession(api=TelegramAPIServer.from_base(telegram.base_url)),
    )
    try:
        server = await app.start_webhook(secret=SECRET, port=0, path="/telegram/hook")
        info = await app.bot.get_webhook_info()
        assert info.url == server.url
        chat = Chat(telegram, telegram.new_user("Анна"))
        answer = await chat.say("не приходит код из смс")  # delivered by the emulator's POST
        assert answer["text"].startswith("Не приходит код для входа")

        update = {
            "update_id": 999,
            "message": {
                "message_id": 999,
                "date": 0,
                "chat": {"id": chat.user.id, "type": "private"},
                "from": chat.user.to_json(),
                "text": "/help",
            },
        }
        async with aiohttp.ClientSession() as http:
            for headers in ({}, {HEADER: "wrong"}, {HEADER: SECRET.lower()}):
                async with http.post(server.url, json=update, headers=headers) as response:
                    assert response.status == 403, headers
            async with http.post(server.url, json=update, headers={HEADER: SECRET}) as response:
                assert response.status == 200
        reply = await chat.reply()  # the forged-but-authorised update was served
        assert reply["text"].startswith("Как со мной общаться")
    finally:
        # Back to "no webhook" before the emulator stops: its delivery task, cancelled in the
        # same tick as it is woken (TelegramEmulator.stop), would swallow the cancellation on
        # Python 3.11 (asyncio.wait_for, gh-86296) and never end.
        await app.bot.delete_webhook()
        await app.close()


@pytest.mark.parametrize("secret", [""])
async def test_webhook_without_a_secret_does_not_start(
    telegram: TelegramEmulator,
    sqlite_database: ScratchDatabase,
    answers: Answers,
    clock: Clock,
    secret: str,
) -> None:
    app = build_app(
        *with_services(
            make_settings(telegram, sqlite_database), sqlite_database.engine, answers, clock
        ),
        session=LocalSession(api=TelegramAPIServer.from_base(telegram.base_url)),
    )
    try:
        with pytest.raises(ValueError, match="WEBHOOK_SECRET"):
            await app.start_webhook(secret=secret, port=0)
    finally:
        await app.close()


async def test_a_bot_without_html_by_default_is_refused(
    telegram: TelegramEmulator, sqlite_database: ScratchDatabase, answers: Answers
) -> None:
    from aiogram import Bot

    plain = Bot(
        telegram.token, session=LocalSession(api=TelegramAPIServer.from_base(telegram.base_url))
    )
    try:
        with pytest.raises(ValueError, match="HTML"):
            build_app(
                *with_services(
                    make_settings(telegram, sqlite_database), sqlite_database.engine, answers
                ),
                bot=plain,
            )
    finally:
        await plain.session.close()
