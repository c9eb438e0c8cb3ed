"""``/login`` and ``/logout``: the token form, and the session it starts or ends."""

from __future__ import annotations

import asyncio

from aiohttp import web

from bot.web.auth import (
    SESSION_COOKIE,
    check_login_csrf,
    end_session,
    login_form_token,
    remember_login_form,
    safe_next,
    start_session,
)
from bot.web.pages import render
from bot.web.site import site

__all__ = ["form", "logout", "submit"]


def _page(request: web.Request, *, next_path: str, wrong: bool) -> web.Response:
    value = login_form_token(request)
    response = render(
        request,
        "login",
        status=401 if wrong else 200,
        login_csrf=value,
        next=next_path,
        wrong=wrong,
    )
    remember_login_form(request, response, value)
    return response


async def form(request: web.Request) -> web.StreamResponse:
    next_path = safe_next(request.query.get("next"))
    if site(request).sessions.get(request.cookies.get(SESSION_COOKIE)) is not None:
        raise web.HTTPSeeOther(next_path)
    return _page(request, next_path=next_path, wrong=False)


async def submit(request: web.Request) -> web.StreamResponse:
    data = await request.post()
    token, csrf, next_path = (str(data.get(name, "")) for name in ("token", "csrf", "next"))
    if not check_login_csrf(request, csrf):
        raise web.HTTPForbidden(text="the login form has expired: open /login again\n")
    sessions = site(request).sessions
    if not sessions.token_matches(token):
        await asyncio.sleep(site(request).login_delay)
        return _page(request, next_path=safe_next(next_path), wrong=True)
    response = web.Response(status=303, headers={"Location": safe_next(next_path)})
    start_session(sessions, request, response)
    return response


async def logout(request: web.Request) -> web.StreamResponse:
    response = web.Response(status=303, headers={"Location": "/login"})
    end_session(site(request).sessions, request, response)
    return response
