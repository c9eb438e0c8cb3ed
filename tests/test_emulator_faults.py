"""The emulator's fault injector: 502s and held calls, switched by a handle or over HTTP."""

from __future__ import annotations

import aiohttp
import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import TelegramNetworkError, TelegramServerError

from bot.emulator import TelegramEmulator
from bot.emulator.faults import ApiFaults


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_share_of_calls_answered_502() -> None:
    faults = ApiFaults(seed=1)
    faults.set(bad_gateway=0.3)
    drawn = [faults.draw("sendMessage") for _ in range(2000)]
    failed = sum(1 for fault in drawn if fault is not None)
    assert 450 < failed < 750  # 30 % of 2000, give or take
    assert all(f.error is not None and f.error.error_code == 502 for f in drawn if f)
    assert faults.answered_502 == failed


def test_only_the_methods_named_and_never_getme() -> None:
    faults = ApiFaults()
    faults.set(bad_gateway=1.0, methods={"sendMessage"})
    assert faults.draw("sendMessage") is not None
    assert faults.draw("copyMessage") is None
    faults.set(bad_gateway=1.0, sparing={"getUpdates"})
    assert faults.draw("getMe") is None
    assert faults.draw("getUpdates") is None
    assert faults.draw("sendMessage") is not None


def test_faults_end_at_their_deadline() -> None:
    clock = Clock()
    faults = ApiFaults(clock=clock)
    faults.set(hold=65.0, seconds=3.0)
    assert faults.draw("getUpdates") == faults.draw("sendMessage")
    assert faults.held == 2
    clock.now += 3.0
    assert faults.draw("sendMessage") is None
    assert not faults.active


@pytest.mark.parametrize(("name", "value"), [("bad_gateway", 1.5), ("hold_share", -0.1)])
def test_a_share_outside_zero_to_one_is_refused(name: str, value: float) -> None:
    with pytest.raises(ValueError, match=name):
        ApiFaults().set(**{name: value})


async def test_the_bot_sees_502_and_the_call_does_not_run(
    telegram: TelegramEmulator, telegram_bot: Bot
) -> None:
    user = telegram.new_user("Анна")
    telegram.send_text(user, user.private_chat, "/start")  # the bot may write to them now
    telegram.faults.set(bad_gateway=1.0, methods={"sendMessage"})
    with pytest.raises(TelegramServerError, match="Bad Gateway"):
        await telegram_bot.send_message(user.id, "не дойдёт")
    assert telegram.sent_messages(user.private_chat) == []
    telegram.faults.clear()
    await telegram_bot.send_message(user.id, "дойдёт")
    assert [m["text"] for m in telegram.sent_messages(user.private_chat)] == ["дойдёт"]


async def test_a_held_call_times_out_and_never_runs(telegram: TelegramEmulator) -> None:
    user = telegram.new_user("Борис")
    telegram.send_text(user, user.private_chat, "/start")  # the bot may write to them now
    session = AiohttpSession(api=TelegramAPIServer.from_base(telegram.base_url), timeout=0.3)
    bot = Bot(telegram.token, session=session)
    try:
        telegram.faults.set(hold=2.0, methods={"sendMessage"})
        with pytest.raises(TelegramNetworkError):
            await bot.send_message(user.id, "зависнет")
        telegram.faults.clear()
        await bot.send_message(user.id, "пройдёт")
    finally:
        await bot.session.close()
    assert [m["text"] for m in telegram.sent_messages(user.private_chat)] == ["пройдёт"]
    assert telegram.faults.held == 1


async def test_switched_over_http(telegram: TelegramEmulator, telegram_bot: Bot) -> None:
    user = telegram.new_user("Вера")
    telegram.send_text(user, user.private_chat, "/start")  # the bot may write to them now
    async with aiohttp.ClientSession() as http:
        async with http.post(
            f"{telegram.base_url}/_faults", json={"bad_gateway": 1.0, "seconds": 30}
        ) as response:
            assert (await response.json())["result"]["active"] is True
        with pytest.raises(TelegramServerError):
            await telegram_bot.send_message(user.id, "нет")
        async with http.post(f"{telegram.base_url}/_faults", json={}) as response:
            assert (await response.json())["result"] == {
                "active": False,
                "bad_gateway": 1,
                "held": 0,
            }
        async with http.post(f"{telegram.base_url}/_faults", json={"hold": -1}) as response:
            assert response.status == 400
    await telegram_bot.send_message(user.id, "да")
