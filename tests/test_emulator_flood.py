"""The emulator's flood control: Telegram's 429 with retry_after, on when a test asks for it."""

from __future__ import annotations

import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramRetryAfter

from bot.emulator import ApiError, TelegramEmulator
from bot.emulator.client import make_bot
from bot.emulator.flood import FloodControl, FloodLimits


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def refused(control: FloodControl, method: str, chat_id: int) -> int | None:
    """The retry_after of a refusal, or None when the send passes."""
    try:
        control.admit(method, chat_id)
    except ApiError as error:
        assert error.error_code == 429
        assert error.description == f"Too Many Requests: retry after {error.retry_after}"
        return error.retry_after
    return None


def test_one_send_a_second_in_a_chat() -> None:
    clock = Clock()
    control = FloodControl(clock=clock)
    assert refused(control, "sendMessage", 1001) is None
    assert refused(control, "sendMessage", 1001) == 1
    assert refused(control, "sendMessage", 1002) is None  # another chat
    assert refused(control, "editMessageText", 1001) is None  # not a send
    assert refused(control, "answerCallbackQuery", 1001) is None
    clock.now += 1.0
    assert refused(control, "copyMessage", 1001) is None
    assert control.refused == 1


def test_thirty_sends_a_second_overall() -> None:
    clock = Clock()
    control = FloodControl(clock=clock)
    for chat in range(30):
        assert refused(control, "sendMessage", 1000 + chat) is None
    assert refused(control, "sendMessage", 2000) == 1
    clock.now += 1.0
    assert refused(control, "sendMessage", 2000) is None


def test_twenty_a_minute_in_a_group() -> None:
    clock = Clock()
    control = FloodControl(clock=clock)
    for _ in range(20):
        assert refused(control, "sendMessage", -100123) is None
        clock.now += 1.0
    # The first of the 20 leaves the window 60 s after it was sent: 40 s from now.
    assert refused(control, "sendMessage", -100123) == 40


def test_limits_of_ones_own() -> None:
    control = FloodControl(FloodLimits(overall=100, per_chat=3, per_group=100), clock=Clock())
    assert [refused(control, "sendMessage", 1) for _ in range(4)] == [None, None, None, 1]


async def _send_twice(telegram: TelegramEmulator) -> None:
    anna = telegram.new_user("Анна")
    telegram.send_text(anna, anna.private_chat, "/start")  # the chat exists now
    bot: Bot = make_bot(telegram)
    try:
        await bot.send_message(anna.id, "раз")
        await bot.send_message(anna.id, "два")
    finally:
        await bot.session.close()


async def test_off_by_default(telegram: TelegramEmulator) -> None:
    await _send_twice(telegram)
    assert telegram.flood is None


async def test_on_it_answers_429_as_telegram_does() -> None:
    async with TelegramEmulator(limits=True) as telegram:
        with pytest.raises(TelegramRetryAfter) as caught:
            await _send_twice(telegram)
    assert caught.value.retry_after == 1
    assert telegram.flood is not None and telegram.flood.refused == 1
