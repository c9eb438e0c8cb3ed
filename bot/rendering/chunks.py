"""Cut text with entities into Telegram-sized messages, preferably between paragraphs.

telegramify's own ``split_entities`` cuts at the last newline that fits, which can leave a
heading at the bottom of one message and its paragraph in the next, and it keeps the
whitespace at the edges of each piece. Telegram trims a message's edges itself; trimming them
here keeps every entity offset one we computed. It also ignores formatting past the 100th
entity of a message, which ``split_entities`` does not know.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bot.rendering.markdown import Entity, utf16_offsets

if TYPE_CHECKING:
    from aiogram.types import MessageEntity

__all__ = ["MAX_ENTITIES", "MAX_LENGTH", "Chunk", "entities_to_json", "split"]

# sendMessage: "1-4096 characters after entities parsing". Counted here in UTF-16 units,
# never fewer than characters, so an emoji-heavy text stays safe either way.
MAX_LENGTH = 4096
# Telegram silently ignores formatting after the 100th entity of a message
# (rubenlagus/TelegramBots#854, tdlib/telegram-bot-api#820).
MAX_ENTITIES = 100

# Break preferences, best first: a paragraph, a line, a word.
_BREAKS = ("\n\n", "\n", " ")


@dataclass(frozen=True)
class Chunk:
    """One message: send ``text`` with ``entities`` and ``parse_mode=None``.

    ``parse_mode=None`` matters: aiogram adds the bot's default parse mode otherwise, and the
    Bot API takes ``entities`` *instead of* a parse mode, not beside one.
    """

    text: str
    entities: tuple[MessageEntity, ...] = ()

    def as_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for ``message.answer(**chunk.as_kwargs())`` or ``bot.send_message``.

        Same shape as :meth:`aiogram.utils.formatting.Text.as_kwargs`.
        """
        return {"text": self.text, "entities": list(self.entities), "parse_mode": None}


def entities_to_json(entities: Sequence[MessageEntity]) -> list[dict[str, Any]]:
    """Entities as the Bot API's JSON objects (only the fields that are set).

    :param entities: e.g. ``chunk.entities``
    """
    return [e.model_dump(mode="json", exclude_none=True) for e in entities]


def split(
    text: str,
    entities: Sequence[Entity],
    *,
    limit: int = MAX_LENGTH,
    max_entities: int = MAX_ENTITIES,
) -> list[Chunk]:
    """Cut ``text`` into chunks of at most ``limit`` UTF-16 units and ``max_entities`` entities.

    Cuts go at the last paragraph break in the second half of the window, else the last line
    break, else the last space; a single word longer than ``limit`` is cut where it must.
    Whitespace at the edges of each chunk is dropped; entities are clipped and re-based.

    :param text: plain text
    :param entities: entities of ``text``, offsets in UTF-16 code units
    :param limit: maximum chunk length in UTF-16 code units
    :param max_entities: maximum number of entities in a chunk
    :return: chunks in reading order, none of them empty; ``[]`` for blank text
    """
    if limit < 2:
        raise ValueError(f"limit must leave room for a surrogate pair, got {limit}")
    offsets = utf16_offsets(text)
    ordered = sorted(entities, key=lambda e: (e.offset, -e.length))
    chunks: list[Chunk] = []
    start = _skip_space(text, 0)
    while start < len(text):
        end = _cut(text, offsets, ordered, start, limit, max_entities)
        stop = end
        while stop > start and text[stop - 1].isspace():
            stop -= 1
        chunks.append(_chunk(text, offsets, ordered, start, stop))
        start = _skip_space(text, end)
    return chunks


def _skip_space(text: str, index: int) -> int:
    while index < len(text) and text[index].isspace():
        index += 1
    return index


def _cut(
    text: str,
    offsets: list[int],
    entities: Sequence[Entity],
    start: int,
    limit: int,
    max_entities: int,
) -> int:
    """Index just past the end of the chunk that begins at ``start``."""
    window = _last_index_within(offsets, start, offsets[start] + limit)
    window = min(window, _entity_bound(offsets, entities, start, max_entities))
    if window >= len(text):
        return len(text)
    window = max(window, start + 1)  # one character always fits: limit >= 2
    half = start + (window - start) // 2
    for mark in _BREAKS:
        # A break may sit just past the window: its first character is whitespace.
        found = text.rfind(mark, start + 1, window + len(mark))
        if found > half:
            return found
    for mark in _BREAKS:
        found = text.rfind(mark, start + 1, window + len(mark))
        if found > start:
            return found
    return window


def _last_index_within(offsets: list[int], start: int, budget: int) -> int:
    """Largest index ``i >= start`` with ``offsets[i] <= budget`` (binary search)."""
    low, high = start, len(offsets) - 1
    while low < high:
        middle = (low + high + 1) // 2
        if offsets[middle] <= budget:
            low = middle
        else:
            high = middle - 1
    return low


def _entity_bound(
    offsets: list[int], entities: Sequence[Entity], start: int, max_entities: int
) -> int:
    """Index before which a chunk starting at ``start`` holds at most ``max_entities``."""
    begin = offsets[start]
    live = [e for e in entities if e.offset + e.length > begin]
    if len(live) <= max_entities:
        return len(offsets) - 1
    # ``live`` is sorted by offset: the chunk must end before entity number max+1 starts.
    bound = live[max_entities].offset
    return _last_index_within(offsets, start, bound)


def _chunk(
    text: str, offsets: list[int], entities: Sequence[Entity], start: int, stop: int
) -> Chunk:
    low, high = offsets[start], offsets[stop]
    clipped: list[MessageEntity] = []
    for entity in entities:
        begin = max(entity.offset, low)
        end = min(entity.offset + entity.length, high)
        if end > begin:
            clipped.append(_to_aiogram(entity, offset=begin - low, length=end - begin))
    return Chunk(text[start:stop], tuple(clipped))


def _to_aiogram(entity: Entity, *, offset: int, length: int) -> MessageEntity:
    fields = {
        key: value
        for key, value in entity.to_dict().items()
        if key not in ("offset", "length", "user")
    }
    # aiogram is imported here, not at the top: the terminal chat renders plain text and must not
    # wait seconds for aiogram's import.
    from aiogram.types import MessageEntity

    # A text_mention's user would need a full aiogram User; articles never produce one.
    return MessageEntity(offset=offset, length=length, **fields)
