"""The authors' and leads' web page (``faqbot web``): routes, services, security headers.

::

    GET  /login, POST /login, POST /logout          auth.py, views/login.py
    GET  /                                          overview: gap report, self-service chart
    GET  /articles?sort=&order=&days=               per-article numbers
    GET  /articles/{id}                             an article as the bot sends it
    GET  /phrasings                                 suggested phrasings waiting for a lead
    POST /phrasings/{id}/approve, .../reject        Learning.approve / reject
    GET  /try?q=                                    what the bot decides for a question

Nothing global: :func:`build_app` takes the services and puts them in the application
(``app[SITE]``, :mod:`bot.web.site`); the views read them from there.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from aiohttp import web

from bot.serving import Services
from bot.web.auth import Sessions, auth_middleware
from bot.web.gaps import GapSource
from bot.web.site import SITE, Site

__all__ = ["build_app"]

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


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def build_app(
    *,
    token: str,
    services: Services,
    login_delay: float = 1.0,
    gaps: GapSource | None = None,
) -> web.Application:
    """The web application; serve it with ``aiohttp.web.run_app`` or an ``AppRunner``.

    :param token: ``WEB_TOKEN``, what the login form asks for
    :param services: the bot's services; their learning reloads the answers after a write (see
        :mod:`bot.startup`), so that an approved phrasing shows at once. Dates and per-day
        numbers are in the desk's timezone, "now" is the services' clock.
    :param login_delay: seconds a wrong token waits
    :param gaps: the content-gap report; the one of :mod:`bot.reports` when omitted
    """
    from bot.web.views import routes

    sessions = Sessions(token, clock=services.clock)
    app = web.Application(middlewares=[_security_headers, auth_middleware(sessions)])
    app[SITE] = Site(
        services=services, sessions=sessions, gaps=gaps or GapSource(), login_delay=login_delay
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
