"""``/articles``: every article of the knowledge base with its numbers, sortable by a column."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aiohttp import web

from bot.web.outcomes import ArticleUsage
from bot.web.pages import PERIODS, render, window
from bot.web.site import site
from bot.web.views.usage import load_usage
from kb.article import Article

__all__ = ["COLUMNS", "Row", "sort_rows", "table"]

COLUMNS = (
    "title",
    "category",
    "matches",
    "answers",
    "helpful",
    "unhelpful",
    "tickets_after",
    "phrasings",
)
"""What ``?sort=`` takes; numbers sort largest first, phrasings fewest first, unless ``?order=``
says otherwise."""
_TEXT = frozenset({"title", "category"})
_OF_ARTICLE = frozenset({"phrasings"})
"""Columns the article itself gives (its ``questions:``), not the period's numbers."""
DEFAULT_SORT = "matches"


@dataclass(frozen=True)
class Row:
    article: Article
    usage: ArticleUsage


def sort_rows(rows: list[Row], column: str, descending: bool) -> list[Row]:
    """Rows by ``column``, ties by title; an unknown column sorts by matches."""
    if column not in COLUMNS:
        column = DEFAULT_SORT

    def key(row: Row) -> Any:
        if column in _TEXT:
            return getattr(row.article, column).casefold()
        if column in _OF_ARTICLE:
            return len(row.article.questions)
        return getattr(row.usage, column)

    by_title = sorted(rows, key=lambda row: row.article.title.casefold())
    return sorted(by_title, key=key, reverse=descending)


async def table(request: web.Request) -> web.StreamResponse:
    app, period = site(request), window(request)
    column = request.query.get("sort", DEFAULT_SORT)
    if column not in COLUMNS:
        column = DEFAULT_SORT
    order = request.query.get("order", "asc" if column in _TEXT | _OF_ARTICLE else "desc")
    descending = order != "asc"
    usage = await load_usage(app.db, period)
    catalog = app.answers.index.catalog
    rows = [Row(article, usage.get(article.id, ArticleUsage())) for article in catalog]
    return render(
        request,
        "articles",
        rows=sort_rows(rows, column, descending),
        sort=column,
        descending=descending,
        # Text A→Z; phrasings fewest first: the articles an author should work on.
        ascending_first=sorted(_TEXT | _OF_ARTICLE),
        days=period.days,
        periods=PERIODS,
        gone=sorted(set(usage) - {article.id for article in catalog}),
    )
