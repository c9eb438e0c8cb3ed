"""A local stand-in for Telegram's Bot API over real HTTP (see README.md).

The tests, the benchmarks and a developer's local tries run the real bot against it; it needs
nothing from them (``client`` points an aiogram Bot at it, ``driver`` plays a customer).
"""

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
