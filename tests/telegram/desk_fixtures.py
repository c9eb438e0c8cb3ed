"""The bot with an agents' desk: a forum supergroup and its agents (a customer files a ticket
with ``bot.emulator.driver.file_ticket``)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import pytest_asyncio

from bot.emulator import FakeChat, FakeUser, TelegramEmulator
from bot.emulator.state import JSON
from bot.serving import Answers
from bot.telegram import App
from tests.bot.db.fixtures import ScratchDatabase
from tests.telegram.conftest import Clock, running


@dataclass
class Desk:
    """The agents' supergroup as a test sees it."""

    telegram: TelegramEmulator
    chat: FakeChat

    def topic_of(self, number: int) -> int:
        """The thread id of the topic named after ticket ``number``."""
        for topic in self.telegram.topics(self.chat):
            if f"#{number} " in topic["name"]:
                return int(topic["message_thread_id"])
        raise LookupError(f"no topic for #{number}: {self.telegram.topics(self.chat)}")

    def topic_name(self, topic: int) -> str:
        [found] = [t for t in self.telegram.topics(self.chat) if t["message_thread_id"] == topic]
        return str(found["name"])

    async def next(self, topic: int | None, timeout: float = 5.0) -> JSON:
        return await self.telegram.next_bot_message(self.chat, topic=topic, timeout=timeout)

    def say(self, agent: FakeUser, topic: int, text: str, **kwargs: Any) -> JSON:
        return self.telegram.send_text(agent, self.chat, text, topic=topic, **kwargs)


@pytest_asyncio.fixture
async def agents(telegram: TelegramEmulator) -> Desk:
    return Desk(telegram, telegram.new_supergroup("Поддержка: агенты", is_forum=True))


@pytest_asyncio.fixture
async def desk_bot(
    telegram: TelegramEmulator,
    database: ScratchDatabase,
    answers: Answers,
    clock: Clock,
    agents: Desk,
) -> AsyncIterator[App]:
    """The bot with the desk in ``agents``, on SQLite and on PostgreSQL."""
    async with running(
        telegram, database, answers, clock, agents_chat_id=agents.chat.id, relay_retry_seconds=0.2
    ) as app:
        yield app


async def eventually(check: Callable[[], Awaitable[bool]], timeout: float = 5.0) -> None:
    """Wait until ``check()`` holds (the bot writes its bookkeeping after Telegram answers)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not await check():
        if asyncio.get_running_loop().time() > deadline:
            raise TimeoutError(f"{check.__name__} did not hold within {timeout} s")
        await asyncio.sleep(0.02)
