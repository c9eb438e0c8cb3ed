"""What became of the customers' questions: self-served, or followed by a ticket.

A question is *self-served* when the bot answered it with an article and the same customer
opened no ticket within :data:`TICKET_WINDOW` afterwards. Pure: it takes plain rows (see
:mod:`bot.db.repo.article_stats`) and returns numbers, per day and per article.
"""

from __future__ import annotations

import bisect
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from typing import Protocol

__all__ = [
    "TICKET_WINDOW",
    "ArticleUsage",
    "DayRate",
    "Tickets",
    "article_usage",
    "daily_self_service",
    "is_self_served",
]

TICKET_WINDOW = timedelta(hours=24)
"""A ticket this soon after an answer means the answer did not settle the question."""


class Question(Protocol):
    """A row of ``attempts``: :class:`bot.db.repo.AskedQuestion`, or a report's record."""

    @property
    def created_at(self) -> datetime: ...

    @property
    def customer_id(self) -> int | None: ...

    @property
    def chosen_article_id(self) -> str | None:
        """The article the bot answered with; ``None`` when it did not answer."""

    @property
    def top_article_ids(self) -> Sequence[str]: ...


class TicketOpened(Protocol):
    @property
    def customer_id(self) -> int: ...

    @property
    def created_at(self) -> datetime: ...


class Votes(Protocol):
    @property
    def helpful(self) -> int: ...

    @property
    def unhelpful(self) -> int: ...


class Tickets:
    """When each customer opened tickets, to ask "was there one soon after this moment?".

    :param tickets: any order
    :param window: how soon counts as "after" (:data:`TICKET_WINDOW`)
    """

    def __init__(self, tickets: Iterable[TicketOpened], window: timedelta = TICKET_WINDOW) -> None:
        self.window = window
        self._times: dict[int, list[datetime]] = defaultdict(list)
        for ticket in tickets:
            self._times[ticket.customer_id].append(ticket.created_at)
        for times in self._times.values():
            times.sort()

    def after(self, customer_id: int | None, moment: datetime) -> list[datetime]:
        """The customer's tickets opened in ``[moment, moment + window)``."""
        if customer_id is None:
            return []
        times = self._times.get(customer_id, [])
        low = bisect.bisect_left(times, moment)
        high = bisect.bisect_left(times, moment + self.window)
        return times[low:high]


def is_self_served(question: Question, tickets: Tickets) -> bool:
    """Answered with an article, and no ticket from the customer soon after.

    Questions stored without a customer cannot be followed by a ticket: an answered one counts
    as self-served.
    """
    return question.chosen_article_id is not None and not tickets.after(
        question.customer_id, question.created_at
    )


@dataclass(frozen=True)
class DayRate:
    """One day: all questions, and those that ended without people."""

    day: date
    questions: int
    self_served: int

    @property
    def rate(self) -> float | None:
        """Self-served share, ``None`` on a day without questions."""
        return self.self_served / self.questions if self.questions else None


def daily_self_service(
    questions: Iterable[Question],
    tickets: Tickets,
    *,
    first: date,
    last: date,
    tz: tzinfo,
) -> list[DayRate]:
    """The self-service rate per local day, every day from ``first`` to ``last`` listed.

    :param questions: questions asked in the period
    :param tickets: tickets opened in the period and up to a window after it
    :param first: the first day shown, local
    :param last: the last day shown, local (questions outside are ignored)
    :param tz: whose days: the desk's timezone
    """
    asked: Counter[date] = Counter()
    served: Counter[date] = Counter()
    for question in questions:
        day = question.created_at.astimezone(tz).date()
        asked[day] += 1
        served[day] += is_self_served(question, tickets)
    days = (first + timedelta(days=n) for n in range((last - first).days + 1))
    return [DayRate(day, asked[day], served[day]) for day in days]


@dataclass(frozen=True)
class ArticleUsage:
    """How one article did in a period.

    :param matches: questions with it among the best candidates
    :param answers: questions the bot answered with it
    :param helpful: 👍 votes
    :param unhelpful: 👎 votes
    :param tickets_after: tickets opened by a customer soon after being answered with it
    """

    matches: int = 0
    answers: int = 0
    helpful: int = 0
    unhelpful: int = 0
    tickets_after: int = 0

    @property
    def helpful_share(self) -> float | None:
        votes = self.helpful + self.unhelpful
        return self.helpful / votes if votes else None


def article_usage(
    questions: Iterable[Question], tickets: Tickets, votes: Mapping[str, Votes]
) -> dict[str, ArticleUsage]:
    """Per article id: matches, answers, votes and tickets after the answer.

    A ticket counts once per article, however many times the customer was answered with it
    just before.
    """
    matches: Counter[str] = Counter()
    answers: Counter[str] = Counter()
    followed: defaultdict[str, set[tuple[int, datetime]]] = defaultdict(set)
    for question in questions:
        matches.update(set(question.top_article_ids))
        article = question.chosen_article_id
        if article is None:
            continue
        answers[article] += 1
        if question.customer_id is not None:
            for opened in tickets.after(question.customer_id, question.created_at):
                followed[article].add((question.customer_id, opened))
    ids = set(matches) | set(answers) | set(votes)
    return {
        article: ArticleUsage(
            matches=matches[article],
            answers=answers[article],
            helpful=votes[article].helpful if article in votes else 0,
            unhelpful=votes[article].unhelpful if article in votes else 0,
            tickets_after=len(followed[article]),
        )
        for article in ids
    }
