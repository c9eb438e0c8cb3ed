"""The bot under Telegram's flood control (the emulator's limits on): its sends are paced to
the limits (a 429 that still comes is waited out); every customer gets every answer, in order,
and no error text."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest_asyncio

from bot.emulator import TelegramEmulator
from bot.serving import Answers
from tests.bot.db.fixtures import ScratchDatabase
from tests.telegram.conftest import Clock, running
from tests.telegram.desk_fixtures import eventually
from tests.telegram.test_journal import QUESTIONS, replies


@pytest_asyncio.fixture
async def limited() -> AsyncIterator[TelegramEmulator]:
    async with TelegramEmulator(limits=True) as emulator:
        yield emulator
    assert not emulator.internal_errors, emulator.internal_errors


async def test_customers_asking_faster_than_telegram_lets_the_bot_answer_get_every_answer(
    limited: TelegramEmulator, database: ScratchDatabase, answers: Answers, clock: Clock
) -> None:
    users = [limited.new_user(f"Клиент {n}") for n in range(12)]
    async with running(limited, database, answers, clock):
        for question in list(QUESTIONS)[:3]:
            for user in users:
                limited.send_text(user, user.private_chat, question)

        async def all_answered() -> bool:
            return all(len(replies(limited, user)) >= 3 for user in users)

        await eventually(all_answered, timeout=30)
    assert limited.flood is not None
    # Paced by the outbound scheduler: a refusal is rare (a send delayed in transit), never
    # one per answer as without it.
    assert limited.flood.refused <= 3
    for user in users:
        assert replies(limited, user) == list(QUESTIONS)[:3]
