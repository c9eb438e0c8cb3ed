"""Bot API errors as Telegram reports them: HTTP status plus an ``ok: false`` body.

::

    ApiError                 one failed method call, e.g. 400 "Bad Request: chat not found"
    MarkupError              HTML/MarkdownV2 that Telegram can't parse (becomes a 400)
"""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """A Bot API call that Telegram answers with ``{"ok": false, ...}``.

    :param error_code: HTTP status and ``error_code`` field (400, 401, 403, 404, 409, 429)
    :param description: Telegram's exact wording, e.g. ``"Bad Request: chat not found"``
    :param retry_after: seconds for a 429 answer, sent as ``parameters.retry_after``
    """

    def __init__(self, error_code: int, description: str, *, retry_after: int | None = None):
        super().__init__(description)
        self.error_code = error_code
        self.description = description
        self.retry_after = retry_after

    def __str__(self) -> str:
        return f"{self.error_code} {self.description}"

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.error_code,
            "description": self.description,
        }
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


def bad_request(detail: str) -> ApiError:
    """A 400 answer; ``detail`` is the text after ``"Bad Request: "``."""
    return ApiError(400, f"Bad Request: {detail}")


class MarkupError(ValueError):
    """Formatted text that Telegram refuses with "can't parse entities: <message>".

    :param message: tdlib's wording, e.g. ``Unsupported start tag "foo" at byte offset 0``
    """

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message
