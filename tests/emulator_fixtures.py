"""pytest fixtures for the Bot API emulator: the emulator on 127.0.0.1, and a Bot talking to it.

Wired into ``tests/conftest.py``; the emulator itself and the aiogram glue live in
``bot/emulator`` (the benchmarks use them too, and must not import ``tests``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest_asyncio
from aiogram import Bot

from bot.emulator import TelegramEmulator
from bot.emulator.client import make_bot


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
