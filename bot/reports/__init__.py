"""Reports for the people behind the bot, built from what it stored: the content-gap report.

Pure: records in, a report value out, rendered by templates; the database loader is
:func:`bot.db.repo.analytics.load_activity`, the command ``faqbot gaps``.
"""

from bot.reports.articles import ArticleRef, ArticleStats, ConfusablePair
from bot.reports.gaps import (
    Cluster,
    GapReport,
    GapSettings,
    Question,
    QuestionKind,
    Totals,
    build_report,
    unanswered_questions,
)
from bot.reports.period import BadPeriod, Period, parse_since
from bot.reports.records import Activity, AttemptRecord, Outcome, TicketRecord, VoteRecord
from bot.reports.render import (
    render_gaps_csv,
    render_gaps_html,
    render_gaps_markdown,
    report_environment,
)
from bot.reports.topics import Grouping, Topic, TopicGrouper

__all__ = [
    "Activity",
    "ArticleRef",
    "ArticleStats",
    "AttemptRecord",
    "BadPeriod",
    "Cluster",
    "ConfusablePair",
    "GapReport",
    "GapSettings",
    "Grouping",
    "Outcome",
    "Period",
    "Question",
    "QuestionKind",
    "TicketRecord",
    "Topic",
    "TopicGrouper",
    "Totals",
    "VoteRecord",
    "build_report",
    "parse_since",
    "render_gaps_csv",
    "render_gaps_html",
    "render_gaps_markdown",
    "report_environment",
    "unanswered_questions",
]
