"""What every view shares: rendering a page from ``bot/templates/web/``, the period asked for."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from aiohttp import web

from bot.web.auth import SESSION_KEY
from bot.web.site import site

__all__ = ["PERIODS", "Window", "render", "window"]

PERIODS = (7, 30, 90, 365)
"""The periods offered, in days."""
DEFAULT_DAYS = 30


def render(
    request: web.Request, template: str, *, status: int = 200, **context: Any
) -> web.Response:
    """``web/<template>.html.j2`` as the response, with what the layout needs.

    The layout gets ``csrf`` (for the forms), ``notices`` (shown once) and ``path`` (the
    current menu item).
    """
    session = request.get(SESSION_KEY)
    page = site(request).texts.render(
        f"web/{template}.html",
        csrf=session.csrf if session is not None else "",
        notices=session.pop_notices() if session is not None else [],
        logged_in=session is not None,
        path=request.path,
        **context,
    )
    return web.Response(text=page, content_type="text/html", charset="utf-8", status=status)


@dataclass(frozen=True)
class Window:
    """The period a page covers: the last ``days`` days, up to now."""

    days: int
    since: datetime
    until: datetime


def window(request: web.Request) -> Window:
    """``?days=N`` if it is one of :data:`PERIODS`, else the default 30 days."""
    try:
        days = int(request.query.get("days", DEFAULT_DAYS))
    except ValueError:
        days = DEFAULT_DAYS
    if days not in PERIODS:
        days = DEFAULT_DAYS
    until = site(request).clock()
    return Window(days, until - timedelta(days=days), until)
