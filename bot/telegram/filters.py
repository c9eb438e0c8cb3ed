"""Filters as coroutines, where ``F.`` magic would do.

aiogram 3.31 runs every synchronous filter, a magic filter included, through
``asyncio.to_thread``: a thread hop per check, about twenty per update across the routers. In
a busy bot each hop waits for the GIL behind the event loop; these filters run inline.
"""

from __future__ import annotations

from typing import Any

from aiogram.filters import Filter
from aiogram.types import CallbackQuery, Message

from bot.dialogue import slash_command

__all__ = ["HasContact", "HasFile", "HasText", "PrivateChat", "SlashCommand"]


class PrivateChat(Filter):
    """A message or button press in a private chat with the bot (customers, not groups)."""

    async def __call__(self, event: Message | CallbackQuery) -> bool:
        if isinstance(event, CallbackQuery):
            return event.message is not None and event.message.chat.type == "private"
        return event.chat.type == "private"


class HasText(Filter):
    """A text message, an empty text included (``F.text`` would let ``""`` through to the
    fallback as if it were a sticker)."""

    async def __call__(self, message: Message) -> bool:
        return message.text is not None


class HasContact(Filter):
    """A shared contact (Telegram's "share my phone number" button)."""

    async def __call__(self, message: Message) -> bool:
        return message.contact is not None


class HasFile(Filter):
    """A photo or a document: what the ticket form keeps as an attachment."""

    async def __call__(self, message: Message) -> bool:
        return bool(message.photo) or message.document is not None


class SlashCommand(Filter):
    """A message that starts with a command (``/settings``, ``/menu@faqbot``); gives the
    handler its name as ``command``. The bot's own commands are taken by routers before."""

    async def __call__(self, message: Message) -> bool | dict[str, Any]:
        command = slash_command(message.text or "")
        return {"command": command} if command else False
