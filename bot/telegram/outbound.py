"""Every send to Telegram paced to its limits, with a queue per destination chat.

Telegram allows a bot about 30 messages a second overall, one a second in a chat and 20 a
minute in a group (every topic of the agents' forum is the same group); over that it answers
429 with ``retry_after``. This request middleware sits under every ``bot.send_*`` call, so
handlers and workers keep calling aiogram as usual, and:

- takes a token for the destination from the :class:`~bot.serving.send_budget.SendBudget`
  (in Redis when configured: every process of the bot spends one budget) before the request,
  waiting for it when the buckets are empty;
- queues the callers of one destination in this process first come, first served, so the
  agents' group running out of its minute's budget makes only the group's senders wait: a
  reply to a customer goes out at once; a send that finds nobody queued for its destination
  and a token in every bucket goes straight out, side by side with others (with no limits,
  every send);
- meets a 429 by pausing that destination alone for ``retry_after`` and sending again.

Other methods (edits, topics, callback answers) are not counted; a 429 on them is waited out
by their caller alone.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from aiogram import Bot
from aiogram.client.session.middlewares.base import (
    BaseRequestMiddleware,
    NextRequestMiddlewareType,
)
from aiogram.exceptions import TelegramRetryAfter
from aiogram.methods import Response, TelegramMethod
from aiogram.methods.base import TelegramType

from bot.serving.send_budget import Destination, SendBudget

__all__ = ["SENDS", "Outbound"]

logger = logging.getLogger(__name__)

SENDS = frozenset(
    {
        "sendMessage", "sendPhoto", "sendDocument", "sendSticker", "sendVoice", "sendVideo",
        "sendAudio", "sendAnimation", "sendVideoNote", "sendMediaGroup", "sendLocation",
        "sendVenue", "sendContact", "sendPoll", "sendDice", "copyMessage", "copyMessages",
        "forwardMessage", "forwardMessages",
    }
)  # fmt: skip
"""Methods that post a message, and so count against Telegram's limits."""


class Outbound(BaseRequestMiddleware):
    """The outbound scheduler: ``bot.session.middleware(Outbound(budget))``.

    :param budget: the limits' buckets (in memory, or shared in Redis)
    :param attempts: 429s one call meets at most; the last is raised
    :param longest: a longer ``retry_after`` is raised at once (the caller decides: a worker
        keeps its stored row for later rather than hold a task for minutes)
    """

    def __init__(self, budget: SendBudget, *, attempts: int = 8, longest: float = 120.0) -> None:
        self.budget = budget
        self.attempts = attempts
        self.longest = longest
        self._queues: dict[Destination, tuple[asyncio.Lock, int]] = {}

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        chat: Destination | None = getattr(method, "chat_id", None)
        counted = method.__api_method__ in SENDS and chat is not None
        for attempt in range(1, self.attempts + 1):
            try:
                if not counted:
                    return await make_request(bot, method)
                assert chat is not None
                if chat not in self._queues and await self.budget.take(chat) == 0:
                    # Nobody queued for it and a token spent: no queue to keep in order.
                    return await make_request(bot, method)
                async with self._queue(chat):
                    await self._admit(chat)
                    return await make_request(bot, method)
            except TelegramRetryAfter as error:
                if attempt == self.attempts or error.retry_after > self.longest:
                    raise
                logger.info(
                    "%s to %s: flood control, %s s", method.__api_method__, chat, error.retry_after
                )
                if counted:
                    assert chat is not None
                    await self.budget.pause(chat, error.retry_after)
                else:
                    await asyncio.sleep(error.retry_after)
        raise AssertionError("unreachable")  # pragma: no cover

    async def wait(self, chat: Destination) -> float:
        """Seconds a send to ``chat`` would wait for its budget now (nothing spent)."""
        return await self.budget.peek(chat)

    async def _admit(self, chat: Destination) -> None:
        while (wait := await self.budget.take(chat)) > 0:
            await asyncio.sleep(wait)

    @asynccontextmanager
    async def _queue(self, chat: Destination) -> AsyncIterator[None]:
        """First come, first served per destination (a group's topics are one destination)."""
        lock, users = self._queues.get(chat, (asyncio.Lock(), 0))
        self._queues[chat] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._queues[chat]
            if users == 1:
                del self._queues[chat]
            else:
                self._queues[chat] = (lock, users - 1)
