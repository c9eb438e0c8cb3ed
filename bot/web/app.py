"""The authors' and leads' web page (``faqbot web``): routes, services, security headers.

::

    GET  /login, POST /login, POST /logout          auth.py, views/login.py
    GET  /                                          overview: gap report, self-service chart
    GET  /articles?sort=&order=&days=               per-article numbers
    GET  /articles/{id}                             an article as the bot sends it
    GET  /phrasings                                 suggested phrasings waiting for a lead
    POST /phrasings/{id}/approve, .../reject        Learning.approve / reject
    GET  /try?q=                                    what the bot decides for a question

Nothing global: :func:`build_app` takes every service and puts them in the application
(``app[SERVICES]``); the views read them from there.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import tzinfo
from zoneinfo import ZoneInfo

from aiohttp import web

from bot.learning import Learning
from bot.telegram.answers import Answers
from bot.telegram.database import Database
from bot.texts import Texts
from bot.tickets import Clock, utc_now
from bot.web.auth import Sessions, auth_middleware
from bot.web.gaps import GapSource

__all__ = ["SERVICES", "Services", "build_app"]

logger = logging.getLogger("bot.web")

# No script at all, styles only from the page itself, forms only to this site, never framed.
_SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


@dataclass(frozen=True)
class Services:
    """What the views use.

    :param answers: the knowledge base served; a reload swaps its version in place
    :param learning: the suggestion path (approve and reject write through it)
    :param gaps: builds the content-gap report for the overview
    :param tz: whose days the charts count (the desk's timezone)
    :param login_delay: seconds a wrong token waits before the answer (slows guessing)
    """

    db: Database
    answers: Answers
    learning: Learning
    texts: Texts
    sessions: Sessions
    gaps: GapSource
    tz: tzinfo
    clock: Clock
    login_delay: float


SERVICES = web.AppKey("services", Services)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def build_app(
    *,
    token: str,
    db: Database,
    answers: Answers,
    learning: Learning,
    tz: str | tzinfo = "Europe/Moscow",
    clock: Clock = utc_now,
    login_delay: float = 1.0,
    gaps: GapSource | None = None,
) -> web.Application:
    """The web application; serve it with ``aiohttp.web.run_app`` or an ``AppRunner``.

    :param token: ``WEB_TOKEN``, what the login form asks for
    :param db: the bot's database (attempts, votes, tickets, suggestions)
    :param answers: the knowledge base, as the bot searches it
    :param learning: built with ``on_written`` reloading ``answers`` (see ``faqbot web``), so
        that an approved phrasing shows at once
    :param tz: the desk's timezone, for dates and per-day numbers
    :param clock: "now"; tests stop it
    :param login_delay: seconds a wrong token waits
    :param gaps: the content-gap report; the one of :mod:`bot.reports` when omitted
    """
    from bot.web.views import routes

    zone = ZoneInfo(tz) if isinstance(tz, str) else tz
    sessions = Sessions(token, clock=clock)
    app = web.Application(middlewares=[_security_headers, auth_middleware(sessions)])
    app[SERVICES] = Services(
        db=db,
        answers=answers,
        learning=learning,
        texts=Texts(tz=zone, clock=clock),
        sessions=sessions,
        gaps=gaps or GapSource(),
        tz=zone,
        clock=clock,
        login_delay=login_delay,
    )
    app.add_routes(routes())
    return app


@web.middleware
async def _security_headers(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        response = await handler(request)
    except web.HTTPException as error:
        error.headers.update(_SECURITY_HEADERS)
        raise
    response.headers.update(_SECURITY_HEADERS)
    return response
