"""``/articles/{id}``: an article as the bot sends it in Telegram, its phrasings and numbers."""

from __future__ import annotations

from aiohttp import web
from markupsafe import Markup

from bot.db.models import SuggestionStatus
from bot.db.repo import list_suggestions
from bot.rendering.preview import to_html
from bot.web.outcomes import ArticleUsage
from bot.web.pages import PERIODS, render, window
from bot.web.site import site
from bot.web.views.usage import load_usage

__all__ = ["show"]


async def show(request: web.Request) -> web.StreamResponse:
    app, period = site(request), window(request)
    answers = app.answers.pinned()  # one knowledge-base version for the whole page
    article_id = request.match_info["article_id"]
    article = answers.get(article_id)
    if article is None:
        return render(request, "not_found", status=404, article_id=article_id)
    # to_html escapes every character of the text and every attribute it writes.
    messages = [Markup(to_html(chunk.text, chunk.entities)) for chunk in answers.chunks(article)]  # noqa: S704
    usage = (await load_usage(app.db, period)).get(article.id, ArticleUsage())
    async with app.db.transaction() as session:
        pending = [
            s
            for s in await list_suggestions(session, status=SuggestionStatus.PENDING, limit=1000)
            if s.article_id == article.id
        ]
    return render(
        request,
        "article",
        article=article,
        messages=messages,
        usage=usage,
        pending=pending,
        days=period.days,
        periods=PERIODS,
    )
