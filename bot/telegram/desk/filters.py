"""Which updates belong to the agents' desk."""

from __future__ import annotations

from aiogram.filters import Filter
from aiogram.types import CallbackQuery, Message

__all__ = ["InAgentsChat", "InTopic"]


class InAgentsChat(Filter):
    """A message or button press in the agents' chat."""

    def __init__(self, chat_id: int) -> None:
        self.chat_id = chat_id

    async def __call__(self, event: Message | CallbackQuery) -> bool:
        if isinstance(event, CallbackQuery):
            return event.message is not None and event.message.chat.id == self.chat_id
        return event.chat.id == self.chat_id


class InTopic(Filter):
    """A message inside a forum topic (not General): where tickets are discussed."""

    async def __call__(self, message: Message) -> bool:
        return bool(message.is_topic_message) and message.message_thread_id is not None
