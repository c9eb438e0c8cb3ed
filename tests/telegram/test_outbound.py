"""The outbound scheduler: Telegram's limits as buckets shared through Redis, a wait per
destination, and a 429 that pauses only the chat it was about (real emulator over HTTP)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramNetworkError
from redis.asyncio import Redis

from bot.emulator import TelegramEmulator
from bot.emulator.client import make_bot
from bot.serving.buckets import Limits
from bot.serving.send_budget import MemoryBudget, RedisBudget, SendBudget
from bot.settings import Settings
from bot.telegram.app import make_bot as make_app_bot
from bot.telegram.outbound import Outbound
from tests.telegram.test_storage import REDIS_URL, redis_prefix  # noqa: F401  (a fixture)

GROUP = -1001
ONLY_GROUPS = Limits(overall=1000, per_chat=1000, per_group=4, slack=0)


@pytest.fixture
async def redis() -> AsyncIterator[Redis]:
    client = Redis.from_url(REDIS_URL)
    yield client
    await client.aclose()


@pytest.mark.redis
async def test_two_schedulers_spend_one_group_budget_through_redis(
    redis: Redis,
    redis_prefix: str,  # noqa: F811
) -> None:
    first = RedisBudget(redis, ONLY_GROUPS, prefix=redis_prefix)
    second = RedisBudget(redis, ONLY_GROUPS, prefix=redis_prefix)
    # Four a minute, never more in any minute: one send, then one every 20 s.
    assert await first.take(GROUP) == 0
    # The second waits its turn whichever process asks (about 20 s; a loaded machine may
    # take seconds between the calls, so the bound is loose, the point is "not 0").
    assert 10 < await second.take(GROUP) <= 20
    assert 10 < await first.peek(GROUP) <= 20
    # another group has its own budget (a millisecond of rounding in Redis aside)
    assert await first.take(-1002) < 0.01
    # Two budgets in memory would each have let a send through: that is what Redis fixes.
    apart = [MemoryBudget(ONLY_GROUPS), MemoryBudget(ONLY_GROUPS)]
    assert [await budget.take(GROUP) for budget in apart] == [0, 0]


@pytest.mark.redis
async def test_a_pause_seen_by_one_scheduler_holds_for_the_other(
    redis: Redis,
    redis_prefix: str,  # noqa: F811
) -> None:
    first = RedisBudget(redis, prefix=redis_prefix)
    second = RedisBudget(redis, prefix=redis_prefix)
    await first.pause(GROUP, 3)
    assert 2.5 < await second.peek(GROUP) <= 3
    assert await second.peek(42) == 0  # a customer's chat is not paused


@pytest.fixture
async def limited() -> AsyncIterator[TelegramEmulator]:
    async with TelegramEmulator(limits=True) as emulator:
        yield emulator
    assert not emulator.internal_errors, emulator.internal_errors


def scheduled(telegram: TelegramEmulator, budget: SendBudget) -> Bot:
    bot = make_bot(telegram)
    bot.session.middleware(Outbound(budget))
    return bot


async def test_a_customer_reply_goes_out_at_once_while_the_agents_group_is_throttled(
    limited: TelegramEmulator,
) -> None:
    agents = limited.new_supergroup("Поддержка: агенты", is_forum=True)
    customer = limited.new_user("Анна")
    limited.send_text(customer, customer.private_chat, "/start")  # the chat exists now
    bot = scheduled(limited, MemoryBudget())
    try:
        # Three posts into the group: one a second there, so two wait their turn.
        posts = [asyncio.create_task(bot.send_message(agents.id, f"в тему {n}")) for n in range(3)]
        await asyncio.sleep(0.3)
        assert sum(task.done() for task in posts) == 1
        started = time.monotonic()
        await bot.send_message(customer.id, "ответ агента")
        assert time.monotonic() - started < 0.5
        assert not posts[-1].done()  # the group still waits its turn
        await asyncio.gather(*posts)
    finally:
        await bot.session.close()
    assert limited.flood is not None and limited.flood.refused == 0  # paced, never refused
    texts = [m.get("text") for m in limited.sent_messages(agents)]
    assert texts == [f"в тему {n}" for n in range(3)]  # in the order they were sent


async def test_a_429_for_the_group_pauses_the_group_alone(telegram: TelegramEmulator) -> None:
    agents = telegram.new_supergroup("Поддержка: агенты", is_forum=True)
    customer = telegram.new_user("Анна")
    telegram.send_text(customer, customer.private_chat, "/start")
    bot = scheduled(telegram, MemoryBudget())
    telegram.flood_wait("sendMessage", retry_after=2)
    try:
        started = time.monotonic()
        to_group = asyncio.create_task(bot.send_message(agents.id, "в тему"))
        await asyncio.sleep(0.2)  # the group's send met the 429 first
        await bot.send_message(customer.id, "ответ агента")
        assert time.monotonic() - started < 1.0
        await to_group
        assert time.monotonic() - started >= 2.0  # sent again once retry_after had passed
    finally:
        await bot.session.close()


async def test_a_hung_call_is_given_up_after_the_bots_own_time_out(
    telegram: TelegramEmulator,
) -> None:
    """``BOT_API_TIMEOUT_SECONDS``, not aiogram's minute: a chat's sends wait behind it."""
    user = telegram.new_user("Борис")
    telegram.send_text(user, user.private_chat, "/start")  # the bot may write to them now
    settings = Settings(
        _env_file=None,
        bot_token=telegram.token,
        bot_api_url=telegram.base_url,
        bot_api_timeout_seconds=0.5,
    )
    bot = make_app_bot(settings)
    try:
        telegram.faults.set(hold=30.0, methods={"sendMessage"})
        # Raised while the emulator still holds the call: the client gave up, the call never ran.
        with pytest.raises(TelegramNetworkError):
            await bot.send_message(user.id, "зависнет")
        telegram.faults.clear()
        await bot.send_message(user.id, "пройдёт")
    finally:
        await bot.session.close()
    assert [m["text"] for m in telegram.sent_messages(user.private_chat)] == ["пройдёт"]
