"""Telegram's HTML parse mode: a port of tdlib's ``parse_html`` with the same error wording.

tdlib (td/telegram/MessageEntity.cpp) walks the UTF-8 bytes, so byte offsets in the errors
are byte offsets into the UTF-8 text, not character indexes. A bare ``&`` that does not start
``&lt; &gt; &amp; &quot;`` or ``&#NN;``/``&#xNN;`` is kept as text by Telegram; with
``strict_ampersand=True`` it is an error instead, to catch user text that was not escaped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from .entities import Entity, FormattedText, check_link, sort_entities
from .errors import MarkupError

ALLOWED_TAGS = frozenset(
    {
        "a", "b", "strong", "i", "em", "s", "strike", "del", "u", "ins", "tg-spoiler",
        "tg-emoji", "tg-time", "span", "pre", "code", "blockquote",
    }
)  # fmt: skip

_SPACE = frozenset(b" \t\r\n\0\v")  # tdutils is_space; 0 is the end of the C string
_SIMPLE = {
    "b": "bold", "strong": "bold", "i": "italic", "em": "italic", "u": "underline",
    "ins": "underline", "s": "strikethrough", "strike": "strikethrough", "del": "strikethrough",
    "tg-spoiler": "spoiler",
}  # fmt: skip
_NAMED = {b"lt": "<", b"gt": ">", b"amp": "&", b"quot": '"'}
_NUMBER = re.compile(r"^-?[0-9]+$")


@dataclass
class _OpenTag:
    name: str
    argument: str
    date: int
    utf16_offset: int
    text_start: int  # where the tag's content starts in the output bytes


def _is_alnum(byte: int) -> bool:
    return chr(byte).isascii() and chr(byte).isalnum()


def decode_entity(data: bytes, pos: int) -> tuple[int, int]:
    """Decode ``&...`` at ``pos``: (code point, position after it), or (0, pos) if it is none.

    tdlib's decode_html_entity: named entities are case-sensitive, ``;`` is optional.
    """
    size = len(data)
    end = pos + 1
    code = 0
    if end < size and data[end] == ord("#"):
        end += 1
        digits = b"0123456789abcdefABCDEF"
        base = 10
        if end < size and data[end] == ord("x"):
            base = 16
            end += 1
        start = end
        while end < size and data[end] in digits[: 10 if base == 10 else 22]:
            end += 1
        code = int(data[start:end], base) if end > start else 0
        if code == 0 or code >= 0x10FFFF or end - pos >= 10:
            return 0, pos
    else:
        while end < size and chr(data[end]).isascii() and chr(data[end]).isalpha():
            end += 1
        name = data[pos + 1 : end]
        if name not in _NAMED:
            return 0, pos
        code = ord(_NAMED[name])
    if end < size and data[end] == ord(";"):
        end += 1
    return code, end


def _encode(code: int) -> bytes:
    return chr(code).encode("utf-8", "surrogatepass")


def _close(tag: _OpenTag, length: int, out: bytearray, found: list[dict[str, Any]]) -> None:
    """Turn a closed tag into an entity, merging ``<pre><code class>`` as tdlib does."""
    offset = tag.utf16_offset
    last = found[-1] if found else None
    same_span = last is not None and last["offset"] == offset and last["length"] == length
    if tag.name in _SIMPLE or tag.name == "span":
        found.append({"type": _SIMPLE.get(tag.name, "spoiler"), "offset": offset, "length": length})
    elif tag.name == "tg-emoji":
        if not _NUMBER.match(tag.argument) or int(tag.argument) <= 0:
            raise MarkupError("Invalid custom emoji identifier specified")
        found.append(
            {
                "type": "custom_emoji",
                "offset": offset,
                "length": length,
                "custom_emoji_id": tag.argument,
            }
        )
    elif tag.name == "tg-time":
        if tag.date > 0:
            entity = {
                "type": "date_time",
                "offset": offset,
                "length": length,
                "unix_time": tag.date,
            }
            if tag.argument:
                entity["date_time_format"] = tag.argument
            found.append(entity)
    elif tag.name == "a":
        url = check_link(tag.argument or out[tag.text_start :].decode("utf-8", "replace"))
        if url:
            found.append({"type": "text_link", "offset": offset, "length": length, "url": url})
    elif tag.name == "pre":
        if same_span and last is not None and last["type"] == "code" and last.get("language"):
            last["type"] = "pre"
        else:
            found.append({"type": "pre", "offset": offset, "length": length})
    elif tag.name == "code":
        if same_span and last is not None and last["type"] == "pre" and tag.argument:
            last["language"] = tag.argument
        else:
            entity = {"type": "code", "offset": offset, "length": length}
            if tag.argument:
                entity["language"] = tag.argument  # dropped below unless a <pre> claims it
            found.append(entity)
    else:  # blockquote
        kind = "expandable_blockquote" if tag.argument else "blockquote"
        found.append({"type": kind, "offset": offset, "length": length})


def _attribute_argument(tag: str, name: bytes, value: str, current: str) -> tuple[str, int | None]:
    """The tag's argument after one attribute, and a tg-time date if this attribute sets it."""
    if tag == "a" and name == b"href":
        return value, None
    if tag == "code" and name == b"class" and value.startswith("language-"):
        return value[len("language-") :], None
    if tag == "span" and name == b"class" and value.startswith("tg-"):
        return value[len("tg-") :], None
    if tag == "tg-emoji" and name == b"emoji-id":
        return value, None
    if tag == "blockquote" and name == b"expandable":
        return "1", None
    if tag == "tg-time" and name == b"unix":
        return current, int(value) if _NUMBER.match(value) else 0
    if tag == "tg-time" and name == b"format":
        return value, None
    return current, None


def parse_html(source: str, *, strict_ampersand: bool = False) -> FormattedText:
    """Parse a message in Telegram's HTML into plain text and entities.

    >>> parse_html("<b>Да</b> &amp; нет").text
    'Да & нет'

    :param source: the ``text`` or ``caption`` the bot sent with ``parse_mode=HTML``
    :param strict_ampersand: reject a bare ``&`` (Telegram accepts it as text)
    :raises MarkupError: with tdlib's message, e.g. ``Unsupported start tag "p" at byte offset 0``
    """
    data = source.encode("utf-8")
    size = len(data)

    def at(index: int) -> int:
        return data[index] if index < size else 0

    out = bytearray()
    utf16 = 0
    found: list[dict[str, Any]] = []
    open_tags: list[_OpenTag] = []
    i = 0
    while i < size:
        byte = data[i]
        if byte == ord("&"):
            code, after = decode_entity(data, i)
            if code:
                out += _encode(code)
                utf16 += 1 + (code > 0xFFFF)
                i = after
                continue
            if strict_ampersand:
                raise MarkupError(
                    f'Unescaped "&" at byte offset {i}; write "&amp;" (the emulator is stricter '
                    'than Telegram here, which keeps a bare "&" as text)'
                )
        if byte != ord("<"):
            if not 0x80 <= byte < 0xC0:
                utf16 += 1 + (byte >= 0xF0)  # 4-byte UTF-8 is a surrogate pair in UTF-16
            out.append(byte)
            i += 1
            continue

        begin = i
        i += 1
        if at(i) != ord("/"):
            while at(i) not in _SPACE and at(i) != ord(">"):
                i += 1
            if at(i) == 0:
                raise MarkupError(f"Unclosed start tag at byte offset {begin}")
            tag = data[begin + 1 : i].lower().decode("utf-8", "replace")
            if tag not in ALLOWED_TAGS:
                raise MarkupError(f'Unsupported start tag "{tag}" at byte offset {begin}')
            argument = ""
            date = 0
            while at(i) != ord(">"):
                while at(i) != 0 and at(i) in _SPACE:
                    i += 1
                if at(i) == ord(">"):
                    break
                name_start = i
                while at(i) not in _SPACE and at(i) not in b"=>/\"'":
                    i += 1
                name = data[name_start:i]
                if not name:
                    raise MarkupError(
                        f'Empty attribute name in the tag "{tag}" at byte offset {begin}'
                    )
                while at(i) != 0 and at(i) in _SPACE:
                    i += 1
                if at(i) != ord("="):
                    if at(i) == 0:
                        raise MarkupError(f'Unclosed start tag "{tag}" at byte offset {begin}')
                    if tag == "blockquote" and name == b"expandable":
                        argument = "1"
                    continue
                i += 1
                while at(i) != 0 and at(i) in _SPACE:
                    i += 1
                if at(i) == 0:
                    raise MarkupError(f'Unclosed start tag "{tag}" at byte offset {begin}')
                if at(i) not in b"'\"":
                    token_start = i
                    while _is_alnum(at(i)) or at(i) in b".-":
                        i += 1
                    value = data[token_start:i].lower().decode("ascii")
                    if at(i) not in _SPACE and at(i) != ord(">"):
                        raise MarkupError(
                            f"Unexpected end of name token at byte offset {token_start}"
                        )
                else:
                    quote = at(i)
                    i += 1
                    raw = bytearray()
                    while at(i) != quote and at(i) != 0:
                        if at(i) == ord("&"):
                            code, after = decode_entity(data, i)
                            if code:
                                raw += _encode(code)
                                i = after
                                continue
                        raw.append(at(i))
                        i += 1
                    if at(i) == quote:
                        i += 1
                    value = raw.decode("utf-8", "replace")
                if at(i) == 0:
                    raise MarkupError(f"Unclosed start tag at byte offset {begin}")
                argument, new_date = _attribute_argument(tag, name, value, argument)
                date = date if new_date is None else new_date
            if tag == "span" and argument != "spoiler":
                raise MarkupError(f'Tag "span" must have class "tg-spoiler" at byte offset {begin}')
            open_tags.append(_OpenTag(tag, argument, date, utf16, len(out)))
        else:
            if not open_tags:
                raise MarkupError(f"Unexpected end tag at byte offset {begin}")
            while at(i) not in _SPACE and at(i) != ord(">"):
                i += 1
            end_tag = data[begin + 2 : i].lower().decode("utf-8", "replace")
            while at(i) != 0 and at(i) in _SPACE:
                i += 1
            if at(i) != ord(">"):
                raise MarkupError(f"Unclosed end tag at byte offset {begin}")
            top = open_tags[-1]
            if end_tag and end_tag != top.name:
                raise MarkupError(
                    f'Unmatched end tag at byte offset {begin}, expected "</{top.name}>", '
                    f'found "</{end_tag}>"'
                )
            if utf16 > top.utf16_offset:
                _close(top, utf16 - top.utf16_offset, out, found)
            open_tags.pop()
        i += 1  # past the '>'
    if open_tags:
        raise MarkupError(f'Can\'t find end tag corresponding to start tag "{open_tags[-1].name}"')
    try:
        text = out.decode("utf-8")
    except UnicodeDecodeError:
        raise MarkupError(
            "Text contains invalid Unicode characters after decoding HTML entities, check for "
            "unmatched surrogate code units"
        ) from None
    entities = []
    for raw_entity in found:
        kind, offset, length = (
            raw_entity.pop("type"),
            raw_entity.pop("offset"),
            raw_entity.pop("length"),
        )
        if kind == "code":
            raw_entity.pop("language", None)
        entities.append(Entity(kind, offset, length, tuple(raw_entity.items())))
    return FormattedText(text, sort_entities(entities))
