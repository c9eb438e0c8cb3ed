"""A local Telegram Bot API emulator for end-to-end tests of the bot (see README.md)."""

from __future__ import annotations

from .entities import Entity, FormattedText, utf16_len
from .errors import ApiError, MarkupError
from .html_markup import parse_html
from .markdown_v2 import parse_markdown_v2
from .people import FakeChat, FakeUser
from .recorder import Call
from .server import DEFAULT_TOKEN, TelegramEmulator

__all__ = [
    "DEFAULT_TOKEN",
    "ApiError",
    "Call",
    "Entity",
    "FakeChat",
    "FakeUser",
    "FormattedText",
    "MarkupError",
    "TelegramEmulator",
    "parse_html",
    "parse_markdown_v2",
    "utf16_len",
]
