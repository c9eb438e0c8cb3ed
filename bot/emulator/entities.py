"""Message entities: offsets in UTF-16 code units, ordering and trimming as tdlib does them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

# The entity types the Bot API accepts in ``entities``; tdlib's Client::get_text_entity_type.
# The auto-detected ones (mention, url, ...) are accepted and then recomputed by Telegram.
KNOWN_TYPES = frozenset(
    {
        "mention", "hashtag", "cashtag", "bot_command", "url", "email", "phone_number",
        "bank_card_number", "bold", "italic", "underline", "strikethrough", "spoiler",
        "code", "pre", "text_link", "text_mention", "custom_emoji", "blockquote",
        "expandable_blockquote", "date_time",
    }
)  # fmt: skip

# Telegram ignores these when a bot sends them and finds them in the text itself.
_DETECTED_TYPES = frozenset(
    {
        "mention",
        "hashtag",
        "cashtag",
        "bot_command",
        "url",
        "email",
        "phone_number",
        "bank_card_number",
    }
)

# MessageEntity::get_type_priority: equal offset and length are ordered by this.
_PRIORITY = {
    "blockquote": 0, "expandable_blockquote": 0, "pre": 11, "code": 20, "date_time": 30,
    "text_link": 49, "text_mention": 49, "bold": 90, "italic": 91, "underline": 92,
    "strikethrough": 93, "spoiler": 94, "custom_emoji": 99,
}  # fmt: skip


@dataclass(frozen=True)
class Entity:
    """One MessageEntity; ``offset`` and ``length`` count UTF-16 code units."""

    type: str
    offset: int
    length: int
    extra: tuple[tuple[str, Any], ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"offset": self.offset, "length": self.length, "type": self.type, **dict(self.extra)}

    def sort_key(self) -> tuple[int, int, int]:
        priority = _PRIORITY.get(self.type, 50)
        if self.type == "pre" and self.extra:
            priority = 10  # PreCode comes before Pre
        return (self.offset, -self.length, priority)


@dataclass(frozen=True)
class FormattedText:
    """Plain text with its entities, what Telegram stores after parsing markup."""

    text: str
    entities: tuple[Entity, ...] = field(default=())

    def entities_json(self) -> list[dict[str, Any]]:
        return [entity.to_json() for entity in self.entities]


def utf16_len(text: str) -> int:
    """Length as Telegram counts entity offsets: UTF-16 code units (an emoji is 2)."""
    return len(text.encode("utf-16-le")) // 2


def sort_entities(entities: list[Entity]) -> tuple[Entity, ...]:
    return tuple(sorted(entities, key=Entity.sort_key))


def trim(formatted: FormattedText) -> FormattedText:
    """Strip leading and trailing spaces and newlines, shifting and clipping entities.

    Telegram does this to every message text and caption (tdlib's fix_formatted_text
    treats only ' ' and '\\n' as blank here).
    """
    text = formatted.text
    stripped_left = text.lstrip(" \n")
    left = len(text) - len(stripped_left)  # ASCII, so code points equal UTF-16 units
    result = stripped_left.rstrip(" \n")
    size = utf16_len(result)
    kept: list[Entity] = []
    for entity in formatted.entities:
        start = max(entity.offset - left, 0)
        end = min(entity.offset + entity.length - left, size)
        if end > start:
            kept.append(Entity(entity.type, start, end - start, entity.extra))
    return FormattedText(result, sort_entities(kept))


def entity_from_json(raw: Any) -> Entity | None:
    """Read one entity the bot sent; ``None`` for types Telegram recomputes itself.

    :raises ValueError: with tdlib's wording, for the caller to wrap in a 400
    """
    if not isinstance(raw, dict):
        raise ValueError("expected an Object")
    for name in ("offset", "length"):
        if name not in raw:
            raise ValueError(f'Can\'t find field "{name}"')
        if not isinstance(raw[name], int) or isinstance(raw[name], bool):
            raise ValueError(f'Field "{name}" must be a Number')
    kind = raw.get("type")
    if not isinstance(kind, str) or not kind:
        raise ValueError("Type is not specified")
    if kind not in KNOWN_TYPES:
        raise ValueError("Unsupported type specified")
    if kind in _DETECTED_TYPES:
        return None
    extra: list[tuple[str, Any]] = []
    required = {"text_link": "url", "text_mention": "user", "custom_emoji": "custom_emoji_id"}
    if kind in required:
        name = required[kind]
        if name not in raw:
            raise ValueError(f'Can\'t find field "{name}"')
        extra.append((name, raw[name]))
    if kind == "pre" and raw.get("language"):
        extra.append(("language", raw["language"]))
    return Entity(kind, raw["offset"], raw["length"], tuple(extra))


# What Telegram highlights by itself in a user's message; enough for commands and links.
_AUTO_PATTERNS = (
    ("bot_command", re.compile(r"(?<![\w/])/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?")),
    ("url", re.compile(r"\bhttps?://[^\s<>\"]+[^\s<>\".,;:!?)\]]")),
    ("mention", re.compile(r"(?<![\w@])@[A-Za-z0-9_]{4,32}\b")),
    ("hashtag", re.compile(r"(?<![\w#])#\w+")),
)


def detect_entities(text: str) -> tuple[Entity, ...]:
    """Entities Telegram adds to a message typed in a client: /commands, links, @names, #tags."""
    found: list[Entity] = []
    for kind, pattern in _AUTO_PATTERNS:
        for match in pattern.finditer(text):
            offset = utf16_len(text[: match.start()])
            found.append(Entity(kind, offset, utf16_len(match.group())))
    return sort_entities(found)


_LINK_SCHEMES = frozenset({"http", "https", "tg", "ton", "tonsite"})
_DOMAIN = re.compile(r"^[\w-]+(\.[\w-]+)+(:\d+)?([/?#]\S*)?$")


def check_link(url: str) -> str:
    """The link Telegram keeps for a text_link, or ``""`` when it drops the entity silently.

    A simplified LinkManager::get_checked_link: http(s) needs a host, a bare domain gets
    ``http://``, tg:// and ton:// pass, anything else (``javascript:``, spaces) is dropped.
    """
    url = url.strip()
    scheme, sep, rest = url.partition("://")
    if not sep:
        return f"http://{url}" if _DOMAIN.match(url) else ""
    if scheme.lower() not in _LINK_SCHEMES or not rest or any(ch.isspace() for ch in rest):
        return ""
    return url
