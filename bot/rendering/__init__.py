"""Articles in Markdown rendered as Telegram messages (text + entities) or as plain text."""

from __future__ import annotations

from bot.rendering.article import render_article, render_plain
from bot.rendering.chunks import MAX_ENTITIES, MAX_LENGTH, Chunk, entities_to_json, split

__all__ = [
    "MAX_ENTITIES",
    "MAX_LENGTH",
    "Chunk",
    "entities_to_json",
    "render_article",
    "render_plain",
    "split",
]
