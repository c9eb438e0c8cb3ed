"""The pages, one module each; :func:`routes` lists them for :func:`bot.web.app.build_app`."""

from __future__ import annotations

from aiohttp import web

from bot.web.views import article, articles, login, overview, phrasings, question

__all__ = ["routes"]


def routes() -> list[web.RouteDef]:
    return [
        web.get("/login", login.form),
        web.post("/login", login.submit),
        web.post("/logout", login.logout),
        web.get("/", overview.show),
        web.get("/articles", articles.table),
        web.get("/articles/{article_id}", article.show),
        web.get("/phrasings", phrasings.pending),
        web.post(r"/phrasings/{suggestion_id:\d+}/approve", phrasings.approve),
        web.post(r"/phrasings/{suggestion_id:\d+}/reject", phrasings.reject),
        web.get("/try", question.try_question),
    ]
