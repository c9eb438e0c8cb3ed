"""The overview's data: a period's activity, read once, for the content-gap report
(:mod:`bot.reports`) and the self-service chart (:mod:`bot.web.outcomes`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from markupsafe import Markup

from bot.db.repo.analytics import load_activity
from bot.reports import Activity, GapReport, GapSettings, Period, build_report, render_gaps_html
from bot.serving.answers import Answers
from bot.serving.database import Database

__all__ = ["GapSource", "Overview"]


@dataclass(frozen=True)
class Overview:
    activity: Activity
    report: GapReport

    def report_html(self) -> Markup:
        """The report as an HTML ``<section>``; its template escapes what customers typed."""
        return Markup(render_gaps_html(self.report, page=False))


class GapSource:
    """Builds the gap report the way ``faqbot gaps`` does.

    :param settings: the report's limits and thresholds; its defaults when omitted
    """

    def __init__(self, settings: GapSettings | None = None) -> None:
        self.settings = settings

    async def overview(
        self, db: Database, answers: Answers, *, since: datetime, until: datetime
    ) -> Overview:
        async with db.transaction() as session:
            activity = await load_activity(session, since=since, until=until)
        index = answers.index  # one knowledge-base version for the whole report
        # On the event loop, not in a worker thread: the analyzer is the one the bot's search
        # uses, and its caches are not made for two threads. A page for a few people can wait.
        report = build_report(
            activity, index.catalog, index.retriever.analyzer, Period(since, until), self.settings
        )
        return Overview(activity, report)
