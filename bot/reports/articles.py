"""How articles did in a period: the ones that fail, the ones confused, the ones never reached."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.reports.records import Activity, Outcome
from bot.reports.wordings import distinct
from kb.article import Catalog

__all__ = [
    "ArticleRef",
    "ArticleStats",
    "ConfusablePair",
    "article_stats",
    "confusable_pairs",
    "never_matched",
]

#: A clarify shows the best two or three articles.
_CHOICES = 3


@dataclass(frozen=True)
class ArticleRef:
    """An article by id; ``title`` is ``None`` when the KB no longer has it."""

    id: str
    title: str | None


@dataclass(frozen=True)
class ArticleStats:
    """How one article did when the bot offered it.

    :param answered: answers with this article
    :param offered_in_clarify: times it was among the choices of a clarify
    :param customers_answered: distinct customers it answered (the terminal demo's are unknown)
    :param customers_with_ticket: those of them who opened a ticket soon after it
    """

    article: ArticleRef
    answered: int
    offered_in_clarify: int
    helpful: int
    unhelpful: int
    customers_answered: int
    customers_with_ticket: int

    @property
    def self_service(self) -> float | None:
        """Share of the customers answered who did not open a ticket afterwards."""
        if not self.customers_answered:
            return None
        return 1 - self.customers_with_ticket / self.customers_answered

    @property
    def problems(self) -> int:
        """👎 plus customers who needed a ticket after it: what the worst list is sorted by."""
        return self.unhelpful + self.customers_with_ticket


@dataclass(frozen=True)
class ConfusablePair:
    """Two articles the bot could not tell apart: one was the runner-up of the other."""

    first: ArticleRef
    second: ArticleRef
    count: int
    examples: tuple[str, ...]


def article_stats(
    activity: Activity, catalog: Catalog, *, ticket_window: timedelta, limit: int
) -> tuple[ArticleStats, ...]:
    """The articles with a 👎 or a ticket after them, worst first.

    Worst is most problems (👎 + customers with a ticket), then the lowest self-service rate,
    then the most answers.

    :param ticket_window: a ticket opened this soon after an answer means it did not help
    :param limit: articles listed at most
    """
    answered: Counter[str] = Counter()
    in_clarify: Counter[str] = Counter()
    answers_to: defaultdict[str, defaultdict[int, list[datetime]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for attempt in activity.attempts:
        chosen = attempt.chosen_article_id
        if attempt.outcome is Outcome.ANSWER and chosen:
            answered[chosen] += 1
            if attempt.customer_id is not None:
                answers_to[chosen][attempt.customer_id].append(attempt.created_at)
        elif attempt.outcome is Outcome.CLARIFY:
            in_clarify.update(set(attempt.top_article_ids[:_CHOICES]))
    votes = Counter((vote.article_id, vote.helpful) for vote in activity.votes)
    tickets: defaultdict[int, list[datetime]] = defaultdict(list)
    for ticket in activity.tickets:
        tickets[ticket.customer_id].append(ticket.created_at)

    def needed_ticket(customer: int, answers: list[datetime]) -> bool:
        return any(
            answer <= opened <= answer + ticket_window
            for answer in answers
            for opened in tickets.get(customer, ())
        )

    rows = []
    for article_id in {*answered, *in_clarify, *(vote.article_id for vote in activity.votes)}:
        customers: dict[int, list[datetime]] = answers_to.get(article_id, {})
        row = ArticleStats(
            article=ref(catalog, article_id),
            answered=answered[article_id],
            offered_in_clarify=in_clarify[article_id],
            helpful=votes[article_id, True],
            unhelpful=votes[article_id, False],
            customers_answered=len(customers),
            customers_with_ticket=sum(needed_ticket(c, times) for c, times in customers.items()),
        )
        if row.problems:
            rows.append(row)
    rows.sort(
        key=lambda row: (
            -row.problems,
            1.0 if row.self_service is None else row.self_service,
            -row.answered,
            row.article.id,
        )
    )
    return tuple(rows[:limit])


def confusable_pairs(
    activity: Activity, catalog: Catalog, *, min_count: int, limit: int, examples: int
) -> tuple[ConfusablePair, ...]:
    """Pairs of articles that were first and second in clarify decisions, most often first.

    Either order counts for the pair. Examples are the most recent distinct questions.

    :param min_count: pairs seen fewer times are left out (once is chance)
    """
    asked: defaultdict[tuple[str, str], list[str]] = defaultdict(list)
    for attempt in sorted(activity.attempts, key=lambda a: a.created_at, reverse=True):
        top = attempt.top_article_ids[:2]
        if attempt.outcome is Outcome.CLARIFY and len(top) == 2 and top[0] != top[1]:
            first, second = sorted(top)
            asked[first, second].append(attempt.query_text)
    pairs = [
        ConfusablePair(
            ref(catalog, first), ref(catalog, second), len(texts), distinct(texts, examples)
        )
        for (first, second), texts in asked.items()
        if len(texts) >= min_count
    ]
    pairs.sort(key=lambda pair: (-pair.count, pair.first.id, pair.second.id))
    return tuple(pairs[:limit])


def never_matched(activity: Activity, catalog: Catalog) -> tuple[ArticleRef, ...]:
    """The catalog's articles in no attempt's candidates; none when nothing was asked."""
    if not activity.attempts:
        return ()
    seen: set[str] = set()
    for attempt in activity.attempts:
        seen.update(attempt.top_article_ids)
        if attempt.chosen_article_id:
            seen.add(attempt.chosen_article_id)
    return tuple(ArticleRef(a.id, a.title) for a in catalog if a.id not in seen)


def ref(catalog: Catalog, article_id: str) -> ArticleRef:
    """``article_id`` with its title from ``catalog`` (``None`` if it is gone)."""
    article = catalog.get(article_id)
    return ArticleRef(article_id, article.title if article is not None else None)
