"""A Telegram message as a ticket stores it: one reading for the customer's and the agent's side.

Both sides keep the same fields (text or caption, media kind and file id, where the original
is, what it replies to), so the relay can copy it either way and thread replies by it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aiogram.types import Message

__all__ = ["StoredFields", "attachment_of", "replied_to", "stored_fields"]

_MEDIA = ("document", "video", "voice", "audio", "video_note", "animation", "sticker")


@dataclass(frozen=True)
class StoredFields:
    """What ``bot.db.repo.add_message`` keeps of a Telegram message (its keyword arguments)."""

    text: str | None
    author_id: int | None
    content_type: str
    file_id: str | None
    source_chat_id: int
    source_message_id: int
    reply_to_message_id: int | None

    def as_kwargs(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "author_id": self.author_id,
            "content_type": self.content_type,
            "file_id": self.file_id,
            "source_chat_id": self.source_chat_id,
            "source_message_id": self.source_message_id,
            "reply_to_message_id": self.reply_to_message_id,
        }


def attachment_of(message: Message) -> tuple[str, str] | None:
    """``(kind, file_id)`` of a media message, the largest size of a photo; else ``None``."""
    if message.photo:
        return "photo", message.photo[-1].file_id
    for kind in _MEDIA:
        media = getattr(message, kind, None)
        if media is not None:
            return kind, media.file_id
    return None


def replied_to(message: Message) -> int | None:
    """The id of the message ``message`` replies to, if it really is a reply.

    In a forum topic every message "replies" to the topic's first message; that is not a
    reply anyone wrote.
    """
    reply = message.reply_to_message
    if reply is None:
        return None
    if message.is_topic_message and reply.message_id == message.message_thread_id:
        return None
    return reply.message_id


def stored_fields(message: Message, *, formatted: bool = False) -> StoredFields:
    """The fields to store for ``message``.

    :param formatted: keep the text as HTML (an agent's bold, links and code travel to the
        customer; ``html_text`` escapes the rest); a customer's words are stored as typed
    """
    plain = message.text if message.text is not None else message.caption
    text = message.html_text if formatted and plain is not None else plain
    attachment = attachment_of(message)
    return StoredFields(
        text=text,
        author_id=message.from_user.id if message.from_user else None,
        content_type=attachment[0] if attachment else "text",
        file_id=attachment[1] if attachment else None,
        source_chat_id=message.chat.id,
        source_message_id=message.message_id,
        reply_to_message_id=replied_to(message),
    )
