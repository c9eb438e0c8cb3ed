"""aiogram glue for tests: a Bot pointed at the emulator, polling in a block, pytest fixtures.

Wire the fixtures into ``tests/conftest.py`` with
``from tests.telegram_emulator.fixtures import telegram, telegram_bot  # noqa: F401``.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

import pytest_asyncio
from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer

from .server import TelegramEmulator


class LocalSession(AiohttpSession):
    """AiohttpSession without the 0.25 s pause in ``close()``.

    aiogram waits there for SSL connections to shut down (aiohttp's graceful-shutdown advice);
    the emulator speaks plain HTTP on 127.0.0.1, so every test would wait for nothing.
    """

    async def close(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()


def make_bot(telegram: TelegramEmulator, **kwargs: Any) -> Bot:
    """An aiogram Bot that talks to the emulator; close ``bot.session`` when done.

    :param kwargs: passed to ``Bot``, e.g. ``default=DefaultBotProperties(parse_mode="HTML")``
    """
    session = LocalSession(api=TelegramAPIServer.from_base(telegram.base_url))
    return Bot(telegram.token, session=session, **kwargs)


@contextlib.asynccontextmanager
async def polling(
    dp: Dispatcher, bot: Bot, telegram: TelegramEmulator, **kwargs: Any
) -> AsyncIterator[None]:
    """Run ``dp.start_polling(bot)`` for the duration of the block, then stop it.

    The block starts once the bot waits in getUpdates. The bot's session stays open.

    :param kwargs: passed to ``start_polling``, e.g. ``handle_as_tasks=False``
    """
    task = asyncio.create_task(
        dp.start_polling(bot, handle_signals=False, close_bot_session=False, **kwargs)
    )
    try:
        await telegram.wait_until_polling()
        yield
    finally:
        if not task.done():
            await dp.stop_polling()
        await task


@pytest_asyncio.fixture
async def telegram() -> AsyncIterator[TelegramEmulator]:
    """The emulator, listening on 127.0.0.1; stopped after the test.

    Fails the test if the emulator itself crashed on a call (it answered 500 then).
    """
    async with TelegramEmulator() as emulator:
        yield emulator
    assert not emulator.internal_errors, f"emulator bugs: {emulator.internal_errors!r}"


@pytest_asyncio.fixture
async def telegram_bot(telegram: TelegramEmulator) -> AsyncIterator[Bot]:
    """An aiogram Bot using the ``telegram`` emulator; its HTTP session is closed after."""
    bot = make_bot(telegram)
    try:
        yield bot
    finally:
        await bot.session.close()
