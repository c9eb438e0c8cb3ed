"""``/phrasings``: customers' wordings waiting for a lead, added to the article or rejected."""

from __future__ import annotations

from aiohttp import web

from bot.db.models import SuggestionStatus
from bot.db.repo import list_suggestions
from bot.serving.learning import Decided
from bot.web.auth import SESSION_KEY
from bot.web.pages import render
from bot.web.site import site

__all__ = ["approve", "pending", "reject"]

LIMIT = 500


async def pending(request: web.Request) -> web.StreamResponse:
    app = site(request)
    async with app.db.transaction() as session:
        suggestions = await list_suggestions(session, status=SuggestionStatus.PENDING, limit=LIMIT)
    catalog = app.answers.index.catalog
    titles = {
        s.article_id: catalog[s.article_id].title for s in suggestions if s.article_id in catalog
    }
    return render(request, "phrasings", suggestions=suggestions, titles=titles, limit=LIMIT)


async def approve(request: web.Request) -> web.StreamResponse:
    learning = site(request).learning
    decided = await learning.approve(int(request.match_info["suggestion_id"]), by=None)
    return await _done(request, decided)


async def reject(request: web.Request) -> web.StreamResponse:
    learning = site(request).learning
    decided = await learning.reject(int(request.match_info["suggestion_id"]), by=None)
    return await _done(request, decided)


async def _done(request: web.Request, decided: Decided) -> web.StreamResponse:
    """Remember what happened for the next page, and go back where the button was."""
    suggestion = decided.suggestion
    article = site(request).answers.get(suggestion.article_id) if suggestion else None
    request[SESSION_KEY].notify(
        "decided",
        outcome=decided.outcome.value,
        question=suggestion.question if suggestion else "",
        article_id=suggestion.article_id if suggestion else "",
        article_title=article.title if article else "",
        detail=decided.detail,
    )
    form = await request.post()
    back = str(form.get("back", ""))
    # Only the two pages with these buttons: nothing else can be smuggled into the redirect.
    target = back if back == "/phrasings" or back.startswith("/articles/") else "/phrasings"
    raise web.HTTPSeeOther(target)
