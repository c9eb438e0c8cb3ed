"""Agents' notes in a ticket: kept in its history, never relayed to the customer.

``/note text`` and a message starting with ``//`` in the topic both end here.
"""

from __future__ import annotations

from aiogram.types import Message

from bot.db.models import Ticket
from bot.db.repo import add_message
from bot.serving import Services
from bot.tickets import MessageDirection

__all__ = ["NOTE_PREFIX", "store_note"]

NOTE_PREFIX = "//"
"""A message in the topic that starts with this is a note, not an answer."""


async def store_note(message: Message, ticket: Ticket, text: str, *, services: Services) -> None:
    """Keep an agents' note in the ticket's history; it is never relayed."""
    async with services.database.transaction() as session:
        await add_message(
            session,
            ticket,
            direction=MessageDirection.INTERNAL,
            text=text.strip(),
            author_id=message.from_user.id if message.from_user else None,
            source_chat_id=message.chat.id,
            source_message_id=message.message_id,
            now=services.clock,
        )
