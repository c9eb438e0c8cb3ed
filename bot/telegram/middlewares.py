"""Cross-cutting work around every update: flood protection, one knowledge-base version.

The services reach handlers whole, through the dispatcher's data (``services``): handlers
open short transactions themselves (``services.database``) and commit before they call
Telegram, which a session held for the whole update would not allow.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import CallbackQuery, Chat, Message, TelegramObject, User

from bot.serving import Services
from bot.serving.rate_limit import Exemption, RateLimiter
from bot.texts import Texts

__all__ = ["PinAnswersMiddleware", "RateLimitMiddleware"]

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


class RateLimitMiddleware(BaseMiddleware):
    """Drops a customer's updates over the per-minute limit; says so once per minute.

    Only private chats count: the agents' group is not a customer. A form's own steps (the
    conversation has an FSM state) are not counted, and ``exempt`` lets through what must
    never be dropped (a message for an open ticket).

    :param limiter: counts the updates
    :param texts: for the "slow down" message
    :param exempt: asked about an update over the limit; True hands it on all the same
    """

    def __init__(self, limiter: RateLimiter, texts: Texts, exempt: Exemption | None = None) -> None:
        self.limiter = limiter
        self.texts = texts
        self.exempt = exempt

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        user: User | None = data.get("event_from_user")
        chat: Chat | None = data.get("event_chat")
        if user is None or chat is None or chat.type != "private":
            return await handler(event, data)
        if data.get("raw_state") is not None:  # a step of a form: the bot searches nothing
            return await handler(event, data)
        verdict = await self.limiter.hit(user.id)
        if verdict.allowed or (self.exempt is not None and await self.exempt(user.id)):
            return await handler(event, data)
        if isinstance(event, CallbackQuery):
            await event.answer()
        elif isinstance(event, Message) and verdict.warn:
            await event.answer(self.texts.render("rate_limited", retry_after=verdict.retry_after))
        return None


class PinAnswersMiddleware(BaseMiddleware):
    """Hands each update's handlers :meth:`Answers.pinned`: one knowledge-base version for the
    whole update, even if a hot reload swaps the shared ``answers`` while a handler awaits.

    Register it on ``dispatcher.update`` as an outer middleware: the dispatcher's ``services``
    are in ``data`` there, and what it puts back reaches every router, the error handler too.
    """

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        services = data.get("services")
        if isinstance(services, Services):
            data["services"] = dataclasses.replace(services, answers=services.answers.pinned())
        return await handler(event, data)
