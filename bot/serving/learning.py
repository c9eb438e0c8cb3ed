"""Customers' wordings becoming phrasings of articles: suggest, then approve or reject.

A ticket resolved with an article, or an article a customer picked from a clarify list and
liked, makes the customer's wording a suggestion (:mod:`kb.suggestions` decides whether it
adds anything). Suggestions wait in the database for a lead (in the agents' chat or on the
web page); an approval writes the phrasing into the article's front matter
(:mod:`kb.phrasings`, the rest of the file untouched) and the hot reload picks it up.
With ``auto_approve`` every accepted suggestion is written at once.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import Enum

from bot.db.models import PhrasingSuggestion, SuggestionStatus
from bot.db.repo import decide_suggestion, get_suggestion, store_suggestion
from bot.serving.answers import Answers
from bot.serving.database import Database
from bot.tickets import Clock, utc_now
from kb.phrasings import PhrasingError, add_question
from kb.suggestions import Suggestion, review, wording_key

__all__ = ["Approval", "Decided", "Learning", "Suggested"]


class Approval(Enum):
    """What a lead's decision did."""

    ADDED = "added"
    REJECTED = "rejected"
    ALREADY_THERE = "already_there"  # the article has this wording now (an author added it)
    DECIDED_BEFORE = "decided_before"
    ARTICLE_GONE = "article_gone"
    UNWRITABLE = "unwritable"
    NOT_FOUND = "not_found"


@dataclass(frozen=True)
class Decided:
    outcome: Approval
    suggestion: PhrasingSuggestion | None = None
    detail: str = ""


@dataclass(frozen=True)
class Suggested:
    """A stored suggestion; ``created`` is ``False`` when the same wording was suggested before."""

    suggestion: PhrasingSuggestion
    created: bool


def _key(question: str, answers: Answers) -> str:
    return " ".join(sorted(wording_key(question, answers.index.retriever.analyzer)))


class Learning:
    """The suggestion path shared by the agents' desk, the web page and ``faqbot learn``.

    :param db: transactions
    :param answers: the knowledge base being served (its catalog and analyzer judge repeats)
    :param auto_approve: write accepted suggestions at once, no lead needed
    :param on_written: called after a phrasing is written (e.g. reload the index now rather
        than wait for the file watcher)
    """

    def __init__(
        self,
        db: Database,
        answers: Answers,
        *,
        auto_approve: bool = False,
        on_written: Callable[[], Awaitable[object]] | None = None,
        clock: Clock = utc_now,
    ) -> None:
        self.db = db
        self.answers = answers
        self.auto_approve = auto_approve
        self.on_written = on_written
        self.clock = clock

    async def suggest(
        self, article_id: str, question: str, *, source: str, ticket_id: int | None = None
    ) -> Suggested | None:
        """Store ``question`` as a suggested phrasing of ``article_id``.

        :returns: ``None`` when it adds nothing: refused (unknown article, no content words)
            or near-identical to the article's title or a phrasing it has
        """
        outcome = review(
            [Suggestion(article_id, question, source)],
            self.answers.index.catalog,
            self.answers.index.retriever.analyzer,
        )
        if not outcome.accepted:
            return None
        status = SuggestionStatus.APPROVED if self.auto_approve else SuggestionStatus.PENDING
        async with self.db.transaction() as session:
            stored = await store_suggestion(
                session,
                article_id=article_id,
                question=" ".join(question.split()),
                wording_key=_key(question, self.answers),
                source=source,
                ticket_id=ticket_id,
                status=status,
                now=self.clock,
            )
        if stored.created and self.auto_approve:
            await self._write(stored.suggestion)
        return Suggested(stored.suggestion, stored.created)

    async def approve(self, suggestion_id: int, *, by: int | None) -> Decided:
        """Write the suggestion into its article and mark it approved.

        The suggestion is reviewed again on the knowledge base of this moment: the article
        may be gone, or have gained the same wording since.
        """
        async with self.db.transaction() as session:
            suggestion = await get_suggestion(session, suggestion_id, for_update=True)
            if suggestion is None:
                return Decided(Approval.NOT_FOUND)
            if suggestion.status is not SuggestionStatus.PENDING:
                return Decided(Approval.DECIDED_BEFORE, suggestion)
            article = self.answers.get(suggestion.article_id)
            if article is None or article.path is None:
                return Decided(Approval.ARTICLE_GONE, suggestion)
            try:
                added = await asyncio.to_thread(add_question, article.path, suggestion.question)
            except (PhrasingError, OSError) as error:
                return Decided(Approval.UNWRITABLE, suggestion, str(error))
            await decide_suggestion(
                session, suggestion, approved=True, decided_by=by, now=self.clock
            )
        if added and self.on_written is not None:
            await self.on_written()
        return Decided(Approval.ADDED if added else Approval.ALREADY_THERE, suggestion)

    async def reject(self, suggestion_id: int, *, by: int | None) -> Decided:
        """Mark the suggestion rejected; the same wording is not suggested again."""
        async with self.db.transaction() as session:
            suggestion = await get_suggestion(session, suggestion_id, for_update=True)
            if suggestion is None:
                return Decided(Approval.NOT_FOUND)
            if not await decide_suggestion(
                session, suggestion, approved=False, decided_by=by, now=self.clock
            ):
                return Decided(Approval.DECIDED_BEFORE, suggestion)
        return Decided(Approval.REJECTED, suggestion)

    async def _write(self, suggestion: PhrasingSuggestion) -> None:
        article = self.answers.get(suggestion.article_id)
        if article is None or article.path is None:
            return
        try:
            added = await asyncio.to_thread(add_question, article.path, suggestion.question)
        except (PhrasingError, OSError):
            return
        if added and self.on_written is not None:
            await self.on_written()
