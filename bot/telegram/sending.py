"""A text message sent for its id alone: the relay's posts and the answers to customers.

aiogram reads Telegram's answer to ``sendMessage`` into a whole :class:`~aiogram.types.Message`
(sender, chat, entities, buttons, each a pydantic model bound to the bot), and the busiest
senders read nothing of it but ``message_id``. Here the request is aiogram's own
``SendMessage`` (so the bot's defaults, the request middlewares and the outbound scheduler,
and the mapping of errors to ``TelegramRetryAfter``, ``TelegramForbiddenError`` and the rest
all stay as they are); only the answer is read into :class:`SentId`, which ignores the rest.
"""

from __future__ import annotations

from typing import Any

from aiogram import Bot
from aiogram.methods import SendMessage
from pydantic import BaseModel, ConfigDict

__all__ = ["SendMessageForId", "SentId", "send_text"]


class SentId(BaseModel):
    """What the bot keeps of a message it sent."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    message_id: int


class SendMessageForId(SendMessage):
    """``sendMessage``, its answer read for the message id alone."""

    __returning__ = SentId  # type: ignore[assignment]  # the point: not a whole Message


async def send_text(bot: Bot, chat_id: int, text: str, **fields: Any) -> int:
    """Send ``text`` (and any other ``sendMessage`` field) to ``chat_id``: the new message's id.

    :raises aiogram.exceptions.TelegramAPIError: as ``bot.send_message`` raises it
    """
    sent: Any = await bot(SendMessageForId(chat_id=chat_id, text=text, **fields))
    return int(sent.message_id)
