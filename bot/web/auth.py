"""Who may see the authors' pages: one shared login token, browser sessions, CSRF tokens.

* ``POST /login`` with the right ``WEB_TOKEN`` (compared with :func:`hmac.compare_digest`)
  starts a session: a random id in an ``HttpOnly``, ``SameSite=Strict`` cookie, looked up in
  memory (a restart logs everyone out; so does changing the token). Sessions expire after
  :data:`SESSION_LIFETIME`.
* A request without a live session is sent to ``/login`` (a ``GET``) or refused with 401
  (anything else).
* Every ``POST`` carries the session's CSRF token in the form field ``csrf`` (or the
  ``X-CSRF-Token`` header); a missing or wrong one is refused with 403. The login form, which
  has no session yet, carries a random value that must match its own short-lived cookie
  (double submit).
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from aiohttp import web
from aiohttp.typedefs import Middleware
from yarl import URL

from bot.tickets import Clock, utc_now

__all__ = [
    "CSRF_FIELD",
    "LOGIN_COOKIE",
    "SESSION_COOKIE",
    "SESSION_KEY",
    "SESSION_LIFETIME",
    "Sessions",
    "WebSession",
    "auth_middleware",
    "check_login_csrf",
    "end_session",
    "login_form_token",
    "remember_login_form",
    "safe_next",
    "start_session",
]

SESSION_COOKIE = "faqbot_session"
LOGIN_COOKIE = "faqbot_login"
CSRF_FIELD = "csrf"
CSRF_HEADER = "X-CSRF-Token"
SESSION_LIFETIME = timedelta(hours=12)
LOGIN_FORM_LIFETIME = timedelta(hours=1)
MAX_SESSIONS = 1000
"""More live sessions than this: the oldest is ended (a flood of logins cannot fill memory)."""

_PUBLIC = frozenset({"/login"})
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass
class WebSession:
    """A logged-in browser.

    :param notices: what the next page shows once (e.g. "the phrasing was added"), as
        ``(template macro, its arguments)``
    """

    id: str
    csrf: str
    expires_at: datetime
    notices: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    def notify(self, kind: str, **details: Any) -> None:
        self.notices.append((kind, details))

    def pop_notices(self) -> list[tuple[str, dict[str, Any]]]:
        notices, self.notices = self.notices, []
        return notices


SESSION_KEY = web.RequestKey("session", WebSession)


class Sessions:
    """The login token and the live sessions.

    :param token: ``WEB_TOKEN``
    :param lifetime: how long a session lives after login
    :param clock: the current time (tests move it)
    """

    def __init__(
        self, token: str, *, lifetime: timedelta = SESSION_LIFETIME, clock: Clock = utc_now
    ) -> None:
        if not token:
            raise ValueError("the login token must not be empty")
        self._token = token.encode("utf-8")
        self.lifetime = lifetime
        self.clock = clock
        self._live: dict[str, WebSession] = {}

    def token_matches(self, offered: str) -> bool:
        """Whether ``offered`` is the login token, in time that does not depend on where they
        differ."""
        return hmac.compare_digest(offered.encode("utf-8"), self._token)

    def start(self) -> WebSession:
        self._forget_expired()
        while len(self._live) >= MAX_SESSIONS:
            del self._live[next(iter(self._live))]
        session = WebSession(
            id=secrets.token_urlsafe(32),
            csrf=secrets.token_urlsafe(32),
            expires_at=self.clock() + self.lifetime,
        )
        self._live[session.id] = session
        return session

    def get(self, session_id: str | None) -> WebSession | None:
        """The live session with this id; ``None`` for an unknown or expired one."""
        if not session_id:
            return None
        session = self._live.get(session_id)
        if session is None:
            return None
        if session.expires_at <= self.clock():
            del self._live[session_id]
            return None
        return session

    def end(self, session_id: str | None) -> None:
        if session_id:
            self._live.pop(session_id, None)

    def _forget_expired(self) -> None:
        now = self.clock()
        for session_id in [i for i, s in self._live.items() if s.expires_at <= now]:
            del self._live[session_id]


def safe_next(target: str | None) -> str:
    """Where to go after login: a path on this site, never another host (``//evil``)."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return "/"
    return target


def _set_cookie(
    response: web.StreamResponse, request: web.Request, name: str, value: str, max_age: timedelta
) -> None:
    response.set_cookie(
        name,
        value,
        max_age=int(max_age.total_seconds()),
        path="/",
        httponly=True,
        samesite="Strict",
        secure=request.secure,
    )


def start_session(sessions: Sessions, request: web.Request, response: web.StreamResponse) -> None:
    """Log the browser in: a new session id in its cookie; the login form's cookie is spent."""
    session = sessions.start()
    _set_cookie(response, request, SESSION_COOKIE, session.id, sessions.lifetime)
    response.del_cookie(LOGIN_COOKIE, path="/")


def end_session(sessions: Sessions, request: web.Request, response: web.StreamResponse) -> None:
    sessions.end(request.cookies.get(SESSION_COOKIE))
    response.del_cookie(SESSION_COOKIE, path="/")


def login_form_token(request: web.Request) -> str:
    """The value the login form must send back: its cookie's, or a new one."""
    return request.cookies.get(LOGIN_COOKIE) or secrets.token_urlsafe(32)


def remember_login_form(request: web.Request, response: web.StreamResponse, value: str) -> None:
    """Set the login form's cookie, which :func:`check_login_csrf` compares with the form."""
    _set_cookie(response, request, LOGIN_COOKIE, value, LOGIN_FORM_LIFETIME)


def check_login_csrf(request: web.Request, offered: str) -> bool:
    """Whether the login form sent back the value of its cookie."""
    expected = request.cookies.get(LOGIN_COOKIE, "")
    return bool(expected) and hmac.compare_digest(offered.encode(), expected.encode())


def auth_middleware(sessions: Sessions) -> Middleware:
    """Let through ``/login`` and requests of a live session; check CSRF on every POST."""

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.path in _PUBLIC:
            return await handler(request)
        session = sessions.get(request.cookies.get(SESSION_COOKIE))
        if session is None:
            if request.method in ("GET", "HEAD"):
                raise web.HTTPSeeOther(URL("/login").with_query(next=request.path_qs))
            raise web.HTTPUnauthorized(text="login required\n")
        if request.method not in _SAFE_METHODS:
            offered = request.headers.get(CSRF_HEADER)
            if offered is None:
                form = await request.post()
                value = form.get(CSRF_FIELD)
                offered = value if isinstance(value, str) else ""
            if not hmac.compare_digest(offered.encode(), session.csrf.encode()):
                raise web.HTTPForbidden(text="missing or wrong CSRF token: reload the page\n")
        request[SESSION_KEY] = session
        return await handler(request)

    return middleware
