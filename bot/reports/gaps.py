"""The content-gap report for knowledge-base authors: what customers ask that the KB does not
settle, which articles fail, which ones the bot confuses, which ones nobody reaches.

Pure: it reads :class:`~bot.reports.records.Activity` (loaded by
:func:`bot.db.repo.analytics.load_activity`, or built by hand) and the catalog, and returns a
:class:`GapReport`; :mod:`bot.reports.render` turns that into Markdown, CSV or HTML.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum

from bot.reports.articles import (
    ArticleRef,
    ArticleStats,
    ConfusablePair,
    article_stats,
    confusable_pairs,
    never_matched,
)
from bot.reports.period import Period
from bot.reports.records import Activity, Outcome
from bot.reports.topics import TopicGrouper
from bot.reports.wordings import distinct, wording
from kb.article import Article, Catalog
from nlp.analyzer import Analyzer

__all__ = [
    "Cluster",
    "GapReport",
    "GapSettings",
    "Question",
    "QuestionKind",
    "Totals",
    "build_report",
    "unanswered_questions",
]


class QuestionKind(Enum):
    """Why a question counts as unanswered, strongest first.

    A ticket or a hand-over cost an agent's time, a 👎 only says the answer missed: the first
    three weigh 2 in a topic's impact, a 👎 weighs 1.
    """

    TICKET = "ticket"
    ESCALATED = "escalated"
    OUT_OF_SCOPE = "out_of_scope"
    """Escalated with a confidence so low that the KB has nothing on it."""
    DISLIKED = "disliked"

    @property
    def weight(self) -> int:
        return 1 if self is QuestionKind.DISLIKED else 2


_STRENGTH = list(QuestionKind)


@dataclass(frozen=True)
class Question:
    """An unanswered question, once per customer and wording (its strongest kind kept)."""

    text: str
    kind: QuestionKind
    created_at: datetime
    customer_id: int | None = None


@dataclass(frozen=True)
class GapSettings:
    """What the report shows and where its lines are drawn.

    :param out_of_scope_below: an escalation below this confidence is "out of scope"
    :param ticket_window: a ticket opened this soon after an answer means it did not help
    :param distance: how alike questions of one topic are (see :class:`TopicGrouper`)
    """

    examples: int = 5
    other_examples: int = 10
    worst_articles: int = 10
    pairs: int = 10
    pair_examples: int = 3
    min_pair_count: int = 2
    out_of_scope_below: float = 0.2
    ticket_window: timedelta = timedelta(hours=24)
    distance: float = 0.7


@dataclass(frozen=True)
class Cluster:
    """One topic of unanswered questions.

    :param label: its main lemmas
    :param impact: the questions' weights added up (see :class:`QuestionKind`)
    :param older: questions in the first half of the period
    :param recent: questions in the second half
    :param kinds: how many questions of each kind, strongest kind first, zeros left out
    :param examples: distinct wordings, the most typical first
    """

    label: tuple[str, ...]
    size: int
    impact: int
    older: int
    recent: int
    kinds: tuple[tuple[QuestionKind, int], ...]
    examples: tuple[str, ...]

    @property
    def trend(self) -> str:
        """``↑``, ``↓`` or ``=``: the recent half against the older one."""
        return "↑" if self.recent > self.older else "↓" if self.recent < self.older else "="

    def count(self, kind: QuestionKind) -> int:
        return dict(self.kinds).get(kind, 0)


@dataclass(frozen=True)
class Totals:
    """The period at a glance."""

    attempts: int
    answered: int
    clarified: int
    escalated: int
    helpful: int
    unhelpful: int
    tickets: int
    unanswered: int
    """Unanswered questions after merging a customer's repeats."""


@dataclass(frozen=True)
class GapReport:
    """Everything the report says, in the order it says it.

    :param clusters: topics of two questions or more, by impact
    :param other: wordings of the questions in no topic, heaviest first
    :param other_count: how many questions are in no topic
    :param articles: the articles with problems, worst first
    :param confusable: pairs, most confused first
    :param never_matched: articles in no attempt's candidates (empty when nothing was asked)
    """

    period: Period
    totals: Totals
    clusters: tuple[Cluster, ...]
    other: tuple[str, ...]
    other_count: int
    articles: tuple[ArticleStats, ...]
    confusable: tuple[ConfusablePair, ...]
    never_matched: tuple[ArticleRef, ...]

    @property
    def is_empty(self) -> bool:
        """No question, vote or ticket in the period: nothing to report yet."""
        totals = self.totals
        return not (totals.attempts or totals.helpful or totals.unhelpful or totals.tickets)


def build_report(
    activity: Activity,
    catalog: Catalog,
    analyzer: Analyzer,
    period: Period,
    settings: GapSettings | None = None,
) -> GapReport:
    """The report for ``activity`` of ``period`` (records outside it are ignored).

    :param analyzer: the engine's analyzer, fitted on ``catalog`` (``Index.build`` does it)
    :param settings: limits and thresholds; the defaults when omitted
    """
    opts = settings or GapSettings()
    activity = Activity(
        attempts=tuple(a for a in activity.attempts if a.created_at in period),
        votes=tuple(v for v in activity.votes if v.created_at in period),
        tickets=tuple(t for t in activity.tickets if t.created_at in period),
    )
    questions = unanswered_questions(activity, out_of_scope_below=opts.out_of_scope_below)
    grouper = TopicGrouper(analyzer, distance=opts.distance).fit(_texts(catalog))
    grouping = grouper.group([q.text for q in questions])
    clusters: list[Cluster] = []
    alone: list[Question] = []
    for topic in grouping.topics:
        if len(topic.members) < 2:
            alone.extend(questions[i] for i in topic.members)
        else:
            members = [questions[i] for i in topic.members]
            clusters.append(_cluster(topic.label, members, period, opts.examples, analyzer))
    clusters.sort(key=lambda c: (-c.impact, -c.size, -c.recent, c.label))
    # Heaviest and newest first; texts with no content words ("привет", "???") last.
    alone.sort(key=lambda q: (-q.kind.weight, -q.created_at.timestamp()))
    lonely = alone + [questions[i] for i in grouping.unreadable]
    return GapReport(
        period=period,
        totals=_totals(activity, len(questions)),
        clusters=tuple(clusters),
        other=_wordings(lonely, opts.other_examples, analyzer),
        other_count=len(lonely),
        articles=article_stats(
            activity, catalog, ticket_window=opts.ticket_window, limit=opts.worst_articles
        ),
        confusable=confusable_pairs(
            activity,
            catalog,
            min_count=opts.min_pair_count,
            limit=opts.pairs,
            examples=opts.pair_examples,
        ),
        never_matched=never_matched(activity, catalog),
    )


def unanswered_questions(activity: Activity, *, out_of_scope_below: float) -> list[Question]:
    """Escalated attempts, 👎 votes and tickets' questions, oldest first.

    One customer's same wording (after normalisation) counts once, with its strongest kind: a
    question that got a 👎, was handed over and became a ticket is one unanswered question.
    """
    found: list[Question] = []
    for attempt in activity.attempts:
        if attempt.outcome is Outcome.ESCALATE:
            low = attempt.confidence < out_of_scope_below
            kind = QuestionKind.OUT_OF_SCOPE if low else QuestionKind.ESCALATED
            found.append(
                Question(attempt.query_text, kind, attempt.created_at, attempt.customer_id)
            )
    for vote in activity.votes:
        if not vote.helpful:
            found.append(
                Question(vote.query_text, QuestionKind.DISLIKED, vote.created_at, vote.customer_id)
            )
    for ticket in activity.tickets:
        found.append(
            Question(ticket.question, QuestionKind.TICKET, ticket.created_at, ticket.customer_id)
        )
    merged: dict[tuple[int | None, str], Question] = {}
    for number, question in enumerate(sorted(found, key=lambda q: q.created_at)):
        key = wording(question.text)
        if not key:
            continue
        # The terminal demo's questions have no customer: each is its own.
        who = question.customer_id
        same = (who, key) if who is not None else (None, f"{number}:{key}")
        first = merged.get(same)
        if first is None:
            merged[same] = question
        elif _STRENGTH.index(question.kind) < _STRENGTH.index(first.kind):
            merged[same] = Question(first.text, question.kind, first.created_at, first.customer_id)
    return list(merged.values())


def _texts(catalog: Catalog) -> list[str]:
    return [_article_text(article) for article in catalog]


def _article_text(article: Article) -> str:
    return "\n".join([article.title, *article.questions, " ".join(article.tags), article.body])


def _wordings(questions: Sequence[Question], limit: int, analyzer: Analyzer) -> tuple[str, ...]:
    """Distinct wordings as typed, each with the bot's reading beside it when typed in the
    wrong layout or in translit: «ghbdtn? rfr…» tells an author nothing."""
    shown = []
    for text in distinct((q.text for q in questions), limit):
        reading = analyzer.reading(text)
        shown.append(f"{text} (прочитано как «{reading}»)" if reading else text)
    return tuple(shown)


def _cluster(
    label: tuple[str, ...],
    members: Sequence[Question],
    period: Period,
    examples: int,
    analyzer: Analyzer,
) -> Cluster:
    recent = sum(period.is_recent(q.created_at) for q in members)
    kinds = Counter(q.kind for q in members)
    return Cluster(
        label=label,
        size=len(members),
        impact=sum(q.kind.weight for q in members),
        older=len(members) - recent,
        recent=recent,
        kinds=tuple((kind, kinds[kind]) for kind in QuestionKind if kinds[kind]),
        examples=_wordings(members, examples, analyzer),
    )


def _totals(activity: Activity, unanswered: int) -> Totals:
    outcomes = Counter(attempt.outcome for attempt in activity.attempts)
    helpful = sum(vote.helpful for vote in activity.votes)
    return Totals(
        attempts=len(activity.attempts),
        answered=outcomes[Outcome.ANSWER],
        clarified=outcomes[Outcome.CLARIFY],
        escalated=outcomes[Outcome.ESCALATE],
        helpful=helpful,
        unhelpful=len(activity.votes) - helpful,
        tickets=len(activity.tickets),
        unanswered=unanswered,
    )
