"""``send_text``: a sendMessage read for its id alone, otherwise aiogram's own (defaults,
errors)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.emulator import FakeUser, TelegramEmulator
from bot.emulator.client import make_bot
from bot.telegram.sending import send_text


def _customer(telegram: TelegramEmulator) -> FakeUser:
    """A customer who has started the bot, so it may write to them."""
    anna = telegram.new_user("Анна")
    telegram.send_text(anna, anna.private_chat, "/start")
    return anna


@pytest_asyncio.fixture
async def html_bot(telegram: TelegramEmulator) -> AsyncIterator[Bot]:
    bot = make_bot(telegram, default=DefaultBotProperties(parse_mode="HTML"))
    yield bot
    await bot.session.close()


async def test_the_id_returned_is_the_message_the_customer_sees(
    telegram: TelegramEmulator, html_bot: Bot
) -> None:
    anna = _customer(telegram)
    first = await send_text(html_bot, anna.id, "первое")
    second = await send_text(html_bot, anna.id, "второе")
    shown = {message["text"]: message["message_id"] for message in telegram.sent_messages(anna.id)}
    assert shown == {"первое": first, "второе": second}


async def test_the_bots_defaults_and_every_other_field_reach_telegram(
    telegram: TelegramEmulator, html_bot: Bot
) -> None:
    anna = _customer(telegram)
    button = InlineKeyboardButton(text="Да", callback_data="yes")
    markup = InlineKeyboardMarkup(inline_keyboard=[[button]])
    await send_text(html_bot, anna.id, "<b>Готово</b>", reply_markup=markup)
    [message] = telegram.sent_messages(anna.id)
    assert message["text"] == "Готово"  # sent as HTML, the bot's default
    assert message["entities"][0]["type"] == "bold"
    assert message["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "yes"


async def test_telegram_refusals_are_aiograms_errors(
    telegram: TelegramEmulator, html_bot: Bot
) -> None:
    anna = _customer(telegram)
    telegram.block(anna)
    with pytest.raises(TelegramForbiddenError, match="blocked"):
        await send_text(html_bot, anna.id, "вы здесь?")
    with pytest.raises(TelegramBadRequest):
        await send_text(html_bot, 424242, "нет такого чата")
