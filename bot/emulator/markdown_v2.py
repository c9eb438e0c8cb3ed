"""Telegram's MarkdownV2 parse mode: a port of tdlib's ``parse_markdown_v2``.

Covers bold, italic, underline, strikethrough, spoiler, code, pre, links, custom emoji and
block quotes, and rejects unescaped reserved characters with Telegram's wording.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .entities import Entity, FormattedText, check_link, sort_entities
from .errors import MarkupError

_SPACE = frozenset(b" \t\r\n\0\v")
_RESERVED = b"_*[]()~`>#+-=|{}.!\n"
# tdlib's names for entity types, used in "Can't find end of Bold entity ..."
_TD_NAME = {
    "bold": "Bold", "italic": "Italic", "underline": "Underline", "strikethrough": "Strikethrough",
    "spoiler": "Spoiler", "code": "Code", "pre": "Pre", "pre_code": "PreCode",
    "text_link": "TextUrl", "custom_emoji": "CustomEmoji", "blockquote": "BlockQuote",
}  # fmt: skip
_EMOJI_URL = re.compile(r"^tg://emoji\?id=(\d+)$")


@dataclass
class _Open:
    kind: str
    argument: str
    utf16_offset: int
    source_offset: int  # byte offset of the opening marker, for error messages
    text_start: int  # where the entity's content starts in the output bytes


def _reserved(byte: int) -> MarkupError:
    return MarkupError(
        f"Character '{chr(byte)}' is reserved and must be escaped with the preceding '\\'"
    )


def _unclosed(entity: _Open) -> MarkupError:
    name = _TD_NAME[entity.kind]
    return MarkupError(f"Can't find end of {name} entity at byte offset {entity.source_offset}")


def parse_markdown_v2(source: str) -> FormattedText:
    """Parse a MarkdownV2 message into plain text and entities.

    >>> parse_markdown_v2(r"*Итого:* 5\\.").text
    'Итого: 5.'

    :raises MarkupError: e.g. ``Character '.' is reserved and must be escaped with the
        preceding '\\'``
    """
    data = source.encode("utf-8")
    size = len(data)

    def at(index: int) -> int:
        return data[index] if index < size else 0

    def read_url(start: int) -> tuple[str, int]:
        """Read ``(url)`` whose text begins at ``start``; returns the URL and the ')' index."""
        j = start
        url = bytearray()
        while j < size and data[j] != ord(")"):
            if data[j] == ord("\\") and 0 < at(j + 1) <= 126:
                url.append(data[j + 1])
                j += 2
                continue
            url.append(data[j])
            j += 1
        if at(j) != ord(")"):
            raise MarkupError(f"Can't find end of a URL at byte offset {start}")
        return url.decode("utf-8", "replace"), j

    out = bytearray()
    utf16 = 0
    entities: list[Entity] = []
    nested: list[_Open] = []
    have_blockquote = False
    can_start_blockquote = True
    i = 0
    while i < size:
        byte = data[i]
        if byte == ord("\\") and 0 < at(i + 1) <= 126:
            i += 1
            utf16 += 1
            out.append(data[i])
            if data[i] != ord("\r"):
                can_start_blockquote = data[i] == ord("\n")
            i += 1
            continue
        in_code = bool(nested) and nested[-1].kind in {"code", "pre", "pre_code"}
        if byte not in (b"`" if in_code else _RESERVED):
            if not 0x80 <= byte < 0xC0:
                utf16 += 1 + (byte >= 0xF0)
                if byte != ord("\r"):
                    can_start_blockquote = False
            out.append(byte)
            i += 1
            continue

        top = nested[-1].kind if nested else None
        if have_blockquote and byte == ord("\n") and at(i + 1) != ord(">"):
            is_end = True
        else:
            is_end = {
                "bold": byte == ord("*"),
                "italic": byte == ord("_") and at(i + 1) != ord("_"),
                "code": byte == ord("`"),
                "pre": byte == ord("`") and at(i + 1) == ord("`") and at(i + 2) == ord("`"),
                "text_link": byte == ord("]"),
                "underline": byte == ord("_") and at(i + 1) == ord("_"),
                "strikethrough": byte == ord("~"),
                "spoiler": byte == ord("|") and at(i + 1) == ord("|"),
                "custom_emoji": byte == ord("]"),
            }.get("pre" if top == "pre_code" else (top or ""), False)

        if not is_end:
            start = i
            argument = ""
            kind: str | None
            if byte == ord("_"):
                kind = "italic"
                if at(i + 1) == ord("_"):
                    kind = "underline"
                    i += 1
            elif byte == ord("*"):
                kind = "bold"
            elif byte == ord("~"):
                kind = "strikethrough"
            elif byte == ord("|"):
                if at(i + 1) != ord("|"):
                    raise _reserved(byte)
                i += 1
                kind = "spoiler"
            elif byte == ord("["):
                kind = "text_link"
            elif byte == ord("`"):
                kind = "code"
                if at(i + 1) == ord("`") and at(i + 2) == ord("`"):
                    i += 3
                    kind = "pre"
                    language_end = i
                    while at(language_end) not in _SPACE and at(language_end) != ord("`"):
                        language_end += 1
                    if i != language_end and language_end < size and at(language_end) != ord("`"):
                        kind = "pre_code"
                        argument = data[i:language_end].decode("utf-8", "replace")
                        i = language_end
                    if at(i) in b"\r\n":  # one line break after ``` is not part of the code
                        pair = at(i + 1) in b"\r\n" and at(i) != at(i + 1)
                        i += 2 if pair else 1
                    i -= 1
            elif byte == ord("!"):
                if at(i + 1) != ord("["):
                    raise _reserved(byte)
                i += 1
                kind = "custom_emoji"
            elif byte == ord("\n"):
                utf16 += 1
                out.append(byte)
                can_start_blockquote = True
                kind = None
            elif byte == ord(">"):
                if not can_start_blockquote:
                    raise _reserved(byte)
                kind = None if have_blockquote else "blockquote"
                have_blockquote = True
            else:
                raise _reserved(byte)
            i += 1
            if kind is not None:
                nested.append(_Open(kind, argument, utf16, start, len(out)))
            continue

        # end of an entity
        kind = nested[-1].kind
        if byte == ord("\n") and kind != "blockquote":
            opened = nested[-1].source_offset
            just_opened = opened == i - 2 or (opened == i - 3 and out[-1:] == b"\r")
            if kind != "spoiler" or not just_opened:
                raise _unclosed(nested[-1])
            nested.pop()  # "**>...||" closes an expandable block quote
            if nested[-1].kind != "blockquote":
                raise _unclosed(nested[-1])
            kind = "expandable_blockquote"
        opened_entity = nested[-1]
        skip = utf16 == opened_entity.utf16_offset
        extra: tuple[tuple[str, str], ...] = ()
        entity_kind = kind
        if kind in {"underline", "spoiler"}:
            i += 1
        elif kind in {"pre", "pre_code"}:
            i += 2
            entity_kind = "pre"
            if kind == "pre_code":
                extra = (("language", opened_entity.argument),)
        elif kind == "text_link":
            if at(i + 1) != ord("("):
                url = out[opened_entity.text_start :].decode("utf-8", "replace")
            else:
                url, i = read_url(i + 2)
            url = check_link(url)
            skip = skip or not url
            extra = (("url", url),)
        elif kind == "custom_emoji":
            if at(i + 1) != ord("("):
                raise MarkupError("The entity must contain a tg://emoji or tg://time URL")
            url, i = read_url(i + 2)
            match = _EMOJI_URL.match(url)
            if match is None:
                raise MarkupError("Invalid tg://emoji or tg://time URL specified")
            extra = (("custom_emoji_id", match.group(1)),)
        elif kind in {"blockquote", "expandable_blockquote"}:
            have_blockquote = False
            out.append(byte)
            can_start_blockquote = True
            utf16 += 1
            skip = False
        if not skip:
            offset = opened_entity.utf16_offset
            entities.append(Entity(entity_kind, offset, utf16 - offset, extra))
        nested.pop()
        i += 1

    if have_blockquote:
        kind = "blockquote"
        if nested[-1].kind == "spoiler" and nested[-1].source_offset == size - 2:
            nested.pop()
            kind = "expandable_blockquote"
        if nested[-1].kind == "blockquote":
            offset = nested[-1].utf16_offset
            if utf16 != offset:
                entities.append(Entity(kind, offset, utf16 - offset))
            nested.pop()
    if nested:
        raise _unclosed(nested[-1])
    return FormattedText(out.decode("utf-8"), sort_entities(entities))
