"""What the Bot API does to a message text or caption before sending it.

parse_mode or entities → FormattedText, then trimming, then the length limits, in the order
telegram-bot-api's get_formatted_text and tdlib's process_input_message_text apply them.
"""

from __future__ import annotations

from typing import Any

from .entities import FormattedText, entity_from_json, sort_entities, trim, utf16_len
from .errors import ApiError, MarkupError, bad_request
from .html_markup import parse_html
from .markdown_v2 import parse_markdown_v2

TEXT_LIMIT = 4096  # characters (Unicode code points, as tdlib's utf8_length counts them)
CAPTION_LIMIT = 1024
_RAW_LIMIT = 1 << 15  # bytes of the raw text before parsing


def parse_formatted(
    text: str, parse_mode: str | None, entities: Any, *, pedantic: bool
) -> FormattedText:
    """Apply ``parse_mode`` or the explicit ``entities``; no trimming or limits yet.

    :param pedantic: also reject what Telegram silently tolerates: a bare ``&`` in HTML and
        entities that reach outside the text (a classic ``len()``-instead-of-UTF-16 bug)
    :raises ApiError: 400 with Telegram's wording
    """
    if len(text.encode("utf-8")) > _RAW_LIMIT:
        raise bad_request("text is too long")
    mode = (parse_mode or "").lower()
    if text and mode and mode != "none":
        try:
            if mode == "html":
                return parse_html(text, strict_ampersand=pedantic)
            if mode == "markdownv2":
                return parse_markdown_v2(text)
        except MarkupError as error:
            raise bad_request(f"can't parse entities: {error.message}") from None
        if mode == "markdown":
            raise ApiError(
                400,
                "Bad Request: the emulator does not implement the legacy Markdown parse mode; "
                "use HTML or MarkdownV2",
            )
        raise bad_request("unsupported parse_mode")

    parsed = []
    if isinstance(entities, list):
        for raw in entities:
            try:
                entity = entity_from_json(raw)
            except ValueError as error:
                raise bad_request(f"can't parse MessageEntity: {error}") from None
            if entity is not None:
                parsed.append(entity)
    elif entities is not None:
        raise bad_request("can't parse entities JSON object")
    if pedantic:
        size = utf16_len(text)
        for entity in parsed:
            if entity.offset < 0 or entity.length <= 0 or entity.offset + entity.length > size:
                raise bad_request(
                    f"entity {entity.type} at offset {entity.offset} with length "
                    f"{entity.length} is outside the text of {size} UTF-16 code units "
                    "(the emulator is stricter than Telegram here, which clips it silently)"
                )
    return FormattedText(text, sort_entities(parsed))


def message_text(
    text: str | None, parse_mode: str | None, entities: Any, *, pedantic: bool
) -> FormattedText:
    """The text of sendMessage/editMessageText as Telegram stores it.

    :raises ApiError: "message text is empty", "text must be non-empty",
        "message is too long", "can't parse entities: ..."
    """
    if not text:
        raise bad_request("message text is empty")
    formatted = trim(parse_formatted(text, parse_mode, entities, pedantic=pedantic))
    if not formatted.text:
        raise bad_request("text must be non-empty")
    if len(formatted.text) > TEXT_LIMIT:
        raise bad_request("message is too long")
    return formatted


def caption(
    text: str | None, parse_mode: str | None, entities: Any, *, pedantic: bool
) -> FormattedText:
    """A media caption as Telegram stores it; may be empty.

    :raises ApiError: "message caption is too long", "can't parse entities: ..."
    """
    if not text:
        return FormattedText("")
    formatted = trim(parse_formatted(text, parse_mode, entities, pedantic=pedantic))
    if len(formatted.text) > CAPTION_LIMIT:
        raise bad_request("message caption is too long")
    return formatted
