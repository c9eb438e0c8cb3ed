"""Bot API method parameters: read once from the HTTP request, then typed.

Bots send JSON bodies, urlencoded forms or multipart forms (aiogram's AiohttpSession sends a
form, multipart when a file is attached). In forms every value is a string and nested objects
(reply_markup, entities, ...) are JSON strings; files are parts referenced as ``attach://name``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from .errors import ApiError, bad_request

JSON_FIELDS = frozenset(
    {
        "reply_markup", "entities", "caption_entities", "reply_parameters", "commands", "scope",
        "allowed_updates", "link_preview_options", "media", "permissions",
    }
)  # fmt: skip
INT_FIELDS = frozenset(
    {
        "message_id", "message_thread_id", "user_id", "offset", "limit", "timeout",
        "reply_to_message_id", "cache_time", "icon_color", "max_connections", "duration",
        "width", "height",
    }
)  # fmt: skip
CHAT_FIELDS = frozenset({"chat_id", "from_chat_id"})  # an integer id or an "@username"
_INTEGER = re.compile(r"^-?\d+$")


@dataclass(frozen=True)
class UploadedFile:
    """A file part of a multipart request."""

    filename: str
    content: bytes


def _typed(name: str, value: str) -> Any:
    if name in JSON_FIELDS:
        try:
            return json.loads(value)
        except ValueError:
            what = "reply keyboard markup" if name == "reply_markup" else name.replace("_", " ")
            raise bad_request(f"can't parse {what} JSON object") from None
    if (name in INT_FIELDS or name in CHAT_FIELDS) and _INTEGER.match(value.strip()):
        return int(value)
    return value


def decode(raw: Mapping[str, Any], files: Mapping[str, UploadedFile]) -> dict[str, Any]:
    """Give form values their JSON types and replace ``attach://name`` with the file.

    :raises ApiError: 400 when a JSON field is not JSON
    """
    params: dict[str, Any] = {}
    for name, value in raw.items():
        if isinstance(value, str):
            if value.startswith("attach://") and value[len("attach://") :] in files:
                params[name] = files[value[len("attach://") :]]
                continue
            params[name] = _typed(name, value)
        else:
            params[name] = value
    for name, file in files.items():
        params.setdefault(name, file)  # a file sent directly as the "photo" field
    return params


async def read_request(request: web.Request) -> dict[str, Any]:
    """All parameters of one Bot API request: query string plus JSON or form body."""
    raw: dict[str, Any] = dict(request.query)
    files: dict[str, UploadedFile] = {}
    if request.content_type == "application/json":
        try:
            body = await request.json()
        except ValueError:
            raise bad_request("can't parse JSON encoded request parameters") from None
        if not isinstance(body, dict):
            raise bad_request("can't parse JSON encoded request parameters")
        raw.update(body)
    elif request.method == "POST" and request.can_read_body:
        form = await request.post()
        for name, value in form.items():
            if isinstance(value, web.FileField):
                files[name] = UploadedFile(value.filename, value.file.read())
            elif isinstance(value, bytes):
                raw[name] = value.decode("utf-8", "replace")
            else:
                raw[name] = value
    return decode(raw, files)


class Params(Mapping[str, Any]):
    """Typed access to one call's parameters, with Telegram's errors for bad ones."""

    def __init__(self, values: Mapping[str, Any]):
        self._values = dict(values)

    def __getitem__(self, name: str) -> Any:
        return self._values[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def text(self, name: str) -> str | None:
        value = self._values.get(name)
        if value is None:
            return None
        return value if isinstance(value, str) else str(value)

    def integer(self, name: str, *, missing: str | None = None) -> int | None:
        """An integer field; ``missing`` is the 400 detail when it is absent or not a number."""
        value = self._values.get(name)
        if isinstance(value, bool):
            value = None
        if isinstance(value, str) and _INTEGER.match(value.strip()):
            value = int(value)
        if not isinstance(value, int):
            if missing is not None:
                raise bad_request(missing)
            return None
        return value

    def flag(self, name: str) -> bool:
        value = self._values.get(name)
        if isinstance(value, str):
            return value.strip().lower() in {"true", "1"}
        return bool(value)

    def chat_id(self, name: str = "chat_id") -> int | str:
        value = self._values.get(name)
        if value is None or value == "":
            raise bad_request(f"{name} is empty")
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise ApiError(400, "Bad Request: chat not found")
        return value
