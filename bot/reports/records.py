"""What a report reads: the bot's attempts, votes and tickets of a period, as plain values.

The database loader (:func:`bot.db.repo.analytics.load_activity`) builds them; tests build
them by hand. Times are aware UTC.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum

__all__ = ["Activity", "AttemptRecord", "Outcome", "TicketRecord", "VoteRecord"]


class Outcome(Enum):
    """What the bot did with a question (the values of ``attempts.decision``)."""

    ANSWER = "answer"
    CLARIFY = "clarify"
    ESCALATE = "escalate"


@dataclass(frozen=True)
class AttemptRecord:
    """One question the bot handled.

    :param top_article_ids: the best candidates, best first (the bot stores five)
    :param chosen_article_id: the article the bot answered with, if it answered
    :param customer_id: ``None`` for the terminal demo
    """

    query_text: str
    outcome: Outcome
    confidence: float
    created_at: datetime
    top_article_ids: tuple[str, ...] = ()
    chosen_article_id: str | None = None
    customer_id: int | None = None


@dataclass(frozen=True)
class VoteRecord:
    """A 👍 (``helpful``) or 👎 on an article, with the question it answered."""

    query_text: str
    article_id: str
    helpful: bool
    created_at: datetime
    customer_id: int | None = None


@dataclass(frozen=True)
class TicketRecord:
    """A ticket opened by a customer, with the question that led to it."""

    number: int
    question: str
    created_at: datetime
    customer_id: int


@dataclass(frozen=True)
class Activity:
    """Everything a gap report reads, for one period."""

    attempts: tuple[AttemptRecord, ...] = ()
    votes: tuple[VoteRecord, ...] = ()
    tickets: tuple[TicketRecord, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.attempts or self.votes or self.tickets)
