"""The gap report for people: Markdown (terminal, wiki), HTML (browser), CSV (spreadsheets).

Markdown and HTML come from ``bot/templates/reports/``. HTML is escaped (a question typed as
``<script>`` shows as typed); Markdown is not, only kept to one line per question with ``|``
escaped inside tables.

CSV is one file of blocks, one per kind of row, separated by an empty line; every block has
its own header and every row starts with its block's name, so ``grep ^cluster,`` or a
spreadsheet filter picks one kind. Examples are in one cell, one per line. Columns:

* ``summary``: since, until (ISO 8601, UTC), attempts, answered, clarified, escalated,
  helpful, unhelpful, tickets, unanswered (after merging a customer's repeats), unclustered
* ``cluster``: rank, label (lemmas, space-separated), size, impact (2 per ticket or
  escalation, 1 per 👎), older, recent (questions in each half of the period), trend
  (``up``, ``down``, ``same``), tickets, escalated, out_of_scope, disliked, examples
* ``other``: text (a question like no other; up to the report's limit)
* ``article``: rank, article_id, title (empty if the article is gone), answered,
  offered_in_clarify, helpful, unhelpful, customers_answered, customers_with_ticket,
  self_service (0 to 1, empty when no customer was answered)
* ``pair``: rank, article_id, title, second_article_id, second_title, count, examples
* ``never_matched``: article_id, title
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from jinja2 import Environment

from bot.reports.gaps import GapReport, QuestionKind
from bot.texts import make_environment, shorten

__all__ = [
    "CSV_COLUMNS",
    "render_gaps_csv",
    "render_gaps_html",
    "render_gaps_markdown",
    "report_environment",
]

CSV_COLUMNS: dict[str, tuple[str, ...]] = {
    "summary": (
        "since",
        "until",
        "attempts",
        "answered",
        "clarified",
        "escalated",
        "helpful",
        "unhelpful",
        "tickets",
        "unanswered",
        "unclustered",
    ),
    "cluster": (
        "rank",
        "label",
        "size",
        "impact",
        "older",
        "recent",
        "trend",
        # One count per QuestionKind, in its order.
        "tickets",
        "escalated",
        "out_of_scope",
        "disliked",
        "examples",
    ),
    "other": ("text",),
    "article": (
        "rank",
        "article_id",
        "title",
        "answered",
        "offered_in_clarify",
        "helpful",
        "unhelpful",
        "customers_answered",
        "customers_with_ticket",
        "self_service",
    ),
    "pair": (
        "rank",
        "article_id",
        "title",
        "second_article_id",
        "second_title",
        "count",
        "examples",
    ),
    "never_matched": ("article_id", "title"),
}
_TRENDS = {"↑": "up", "↓": "down", "=": "same"}
#: Questions are shown on one line, cut to this many characters.
QUESTION_WIDTH = 200


def report_environment() -> Environment:
    """The templates' environment, with ``*.md.j2`` not HTML-escaped and an ``md`` filter."""
    env = make_environment()
    env.autoescape = _autoescape
    env.filters["md"] = _markdown_text
    return env


def render_gaps_markdown(report: GapReport, env: Environment | None = None) -> str:
    """The report as Markdown, ending with a newline.

    :param env: a ready environment; :func:`report_environment` when omitted
    """
    return _render(env, "reports/gaps.md.j2", report)


def render_gaps_html(
    report: GapReport, *, page: bool = True, env: Environment | None = None
) -> str:
    """The report as HTML: a whole page, or (``page=False``) a ``<section>`` to put in one.

    Everything customers typed is escaped. A page of your own can also include
    ``reports/gaps_body.html.j2`` with ``report`` in its context.

    :param page: a standalone ``<!doctype html>`` page with its own styles
    :param env: a ready environment; :func:`report_environment` when omitted
    """
    name = "reports/gaps.html.j2" if page else "reports/gaps_body.html.j2"
    return _render(env, name, report)


def render_gaps_csv(report: GapReport) -> str:
    """The report as CSV blocks (see the module docstring for the columns)."""
    totals, period = report.totals, report.period
    blocks: dict[str, list[Sequence[object]]] = {
        "summary": [
            (
                period.since.isoformat(),
                period.until.isoformat(),
                totals.attempts,
                totals.answered,
                totals.clarified,
                totals.escalated,
                totals.helpful,
                totals.unhelpful,
                totals.tickets,
                totals.unanswered,
                report.other_count,
            )
        ],
        "cluster": [
            (
                rank,
                " ".join(c.label),
                c.size,
                c.impact,
                c.older,
                c.recent,
                _TRENDS[c.trend],
                *(c.count(kind) for kind in QuestionKind),
                "\n".join(c.examples),
            )
            for rank, c in enumerate(report.clusters, 1)
        ],
        "other": [(text,) for text in report.other],
        "article": [
            (
                rank,
                row.article.id,
                row.article.title or "",
                row.answered,
                row.offered_in_clarify,
                row.helpful,
                row.unhelpful,
                row.customers_answered,
                row.customers_with_ticket,
                "" if row.self_service is None else f"{row.self_service:.3f}",
            )
            for rank, row in enumerate(report.articles, 1)
        ],
        "pair": [
            (
                rank,
                pair.first.id,
                pair.first.title or "",
                pair.second.id,
                pair.second.title or "",
                pair.count,
                "\n".join(pair.examples),
            )
            for rank, pair in enumerate(report.confusable, 1)
        ],
        "never_matched": [(ref.id, ref.title or "") for ref in report.never_matched],
    }
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for number, (section, rows) in enumerate(blocks.items()):
        if number:
            out.write("\n")
        writer.writerow(("section", *CSV_COLUMNS[section]))
        writer.writerows((section, *row) for row in rows)
    return out.getvalue()


def _render(env: Environment | None, name: str, report: GapReport) -> str:
    template = (env or report_environment()).get_template(name)
    return template.render(report=report).strip() + "\n"


def _autoescape(template_name: str | None) -> bool:
    return not (template_name or "").endswith((".txt.j2", ".md.j2"))


def _markdown_text(text: str) -> str:
    """One line of customer text for Markdown: at most 200 characters, ``|`` escaped."""
    return shorten(text, QUESTION_WIDTH).replace("|", "\\|")
