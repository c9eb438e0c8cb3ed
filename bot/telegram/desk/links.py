"""Links into the agents' chat."""

from __future__ import annotations

__all__ = ["topic_link"]


def topic_link(chat_id: int, topic_id: int) -> str:
    """``https://t.me/c/<id>/<topic>``: opens the topic for members of a private supergroup.

    >>> topic_link(-1001234567890, 42)
    'https://t.me/c/1234567890/42'
    """
    internal = (
        str(chat_id).removeprefix("-100") if str(chat_id).startswith("-100") else str(abs(chat_id))
    )
    return f"https://t.me/c/{internal}/{topic_id}"
