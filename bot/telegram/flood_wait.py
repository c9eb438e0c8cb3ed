"""Telegram's flood control met by waiting: a refused send is sent again after ``retry_after``.

Over its limits (about 30 messages a second overall, one a second in a chat, 20 a minute in
a group) Telegram refuses a send with 429 and says how long to wait. aiogram raises
``TelegramRetryAfter`` and does not retry; a handler would fail and the customer would get
the error text instead of the answer (itself refused, likely). Waiting holds the update's
in-flight slot, so a bot over the limit slows down as a whole, which is the point.
"""

from __future__ import annotations

import asyncio
import logging

from aiogram import Bot
from aiogram.client.session.middlewares.base import (
    BaseRequestMiddleware,
    NextRequestMiddlewareType,
)
from aiogram.exceptions import TelegramRetryAfter
from aiogram.methods import Response, TelegramMethod
from aiogram.methods.base import TelegramType

__all__ = ["WaitOutFloodControl"]

logger = logging.getLogger(__name__)


class WaitOutFloodControl(BaseRequestMiddleware):
    """A request middleware: ``bot.session.middleware(WaitOutFloodControl())``.

    :param attempts: sends of one call at most; the last refusal is raised
    :param longest: a longer ``retry_after`` is raised at once (the caller decides)
    """

    def __init__(self, *, attempts: int = 5, longest: float = 60.0) -> None:
        self.attempts = attempts
        self.longest = longest

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        for attempt in range(1, self.attempts + 1):
            try:
                return await make_request(bot, method)
            except TelegramRetryAfter as error:
                if attempt == self.attempts or error.retry_after > self.longest:
                    raise
                logger.info(
                    "%s: flood control, sending again in %s s",
                    method.__api_method__,
                    error.retry_after,
                )
                await asyncio.sleep(error.retry_after)
        raise AssertionError("unreachable")  # pragma: no cover
