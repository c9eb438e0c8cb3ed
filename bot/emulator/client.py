"""aiogram's side of the emulator: a Bot pointed at it, and a Dispatcher polling it in a block.

The tests, the benchmarks and a developer's local tries all use these; the pytest fixtures
built on them stay in ``tests/emulator_fixtures.py`` so that nothing here needs pytest.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

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
