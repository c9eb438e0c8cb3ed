"""Customers' wordings suggested as phrasings of articles: which to keep, which repeat, which fail.

A ticket resolved with an article (or an article a customer picked and liked) makes the
customer's wording a :class:`Suggestion` for that article. :func:`review` sorts a batch of them
against the knowledge base: accepted, duplicates, or refused with a reason. It is pure: it
reads the catalog and a fitted analyzer and returns data; writing an approved phrasing is
:mod:`kb.phrasings`' job. Approval belongs to the caller: ``faqbot learn --approve-all`` (and
the ``auto_approve`` setting) write every accepted suggestion at once; otherwise a lead approves
them one by one, and an approval runs :func:`review` again on the knowledge base of that moment,
since the article may have changed meanwhile.

"Near-identical" means the same set of content lemmas, as the engine's
:class:`~nlp.analyzer.Analyzer` sees them: case, punctuation, ``ё``, word order, inflection,
greetings and filler ("подскажите пожалуйста"), stop words and typos (repaired towards the KB's
vocabulary) all fold away, so such a variant would add nothing the index does not already
match on. A wording with one new content word is kept, since that word is what the KB lacked.
A fuzzy string score such as rapidfuzz's ``token_set_ratio`` was rejected: it scores 100
whenever one wording's words are a subset of the other's, so "оплатить штраф картой" would be
dropped as a repeat of "оплатить штраф", and it does not see that "пришёл" is "приходить".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum

from kb.article import Article, Catalog
from nlp.analyzer import Analyzer

__all__ = ["Duplicate", "Reason", "Refused", "Review", "Suggestion", "review", "wording_key"]


@dataclass(frozen=True)
class Suggestion:
    """A customer's wording proposed as a phrasing of an article.

    :param article_id: the article the ticket was resolved with
    :param question: the customer's wording, as they wrote it
    :param source: where it came from, for messages: ``resolved.tsv:12``, ``ticket 42``
    """

    article_id: str
    question: str
    source: str = ""


class Reason(Enum):
    """Why a suggestion cannot become a phrasing at all."""

    UNKNOWN_ARTICLE = "unknown article id"
    EMPTY_QUESTION = "empty question"
    NO_CONTENT = "no words to match on"


@dataclass(frozen=True)
class Refused:
    """A suggestion that cannot become a phrasing, and why."""

    suggestion: Suggestion
    reason: Reason

    @property
    def message(self) -> str:
        """The reason with the value it is about: ``unknown article id 'x'``."""
        reason = str(self.reason.value)
        match self.reason:
            case Reason.UNKNOWN_ARTICLE:
                return f"{reason} {self.suggestion.article_id!r}"
            case Reason.EMPTY_QUESTION:
                return reason
            case Reason.NO_CONTENT:
                return f"{reason} in {self.suggestion.question.strip()!r}"

    def __str__(self) -> str:
        source = self.suggestion.source
        return f"{source}: {self.message}" if source else self.message


@dataclass(frozen=True)
class Duplicate:
    """A suggestion near-identical to a phrasing the article has, or to one accepted before it.

    :param existing: that phrasing: the title, a question, or the earlier suggestion's text
    """

    suggestion: Suggestion
    existing: str


@dataclass(frozen=True)
class Review:
    """A batch of suggestions sorted, each in the order it came."""

    accepted: tuple[Suggestion, ...] = ()
    duplicates: tuple[Duplicate, ...] = ()
    refused: tuple[Refused, ...] = ()


def wording_key(text: str, analyzer: Analyzer) -> frozenset[str]:
    """What two wordings must share to be near-identical: their set of content lemmas.

    :param analyzer: fitted on the knowledge base, so typos are repaired towards its words
    """
    return frozenset(analyzer.analyze(text).terms)


def review(suggestions: Iterable[Suggestion], catalog: Catalog, analyzer: Analyzer) -> Review:
    """Sort suggestions into accepted, duplicates and refused.

    A suggestion is refused when its article is not in ``catalog`` or its question is empty or
    has no content words ("Спасибо!"). It is a duplicate when its :func:`wording_key` equals
    that of the article's title or one of its questions, or of a suggestion for the same
    article accepted earlier in the batch. The rest are accepted.

    :param suggestions: in the order they happened; the first of two repeats is kept
    :param catalog: the knowledge base the phrasings would be added to
    :param analyzer: the engine's analyzer, fitted on ``catalog`` (e.g. an index's)
    """
    accepted: list[Suggestion] = []
    duplicates: list[Duplicate] = []
    refused: list[Refused] = []
    known: dict[str, dict[frozenset[str], str]] = {}
    for suggestion in suggestions:
        article = catalog.get(suggestion.article_id)
        if article is None:
            refused.append(Refused(suggestion, Reason.UNKNOWN_ARTICLE))
            continue
        if not suggestion.question.strip():
            refused.append(Refused(suggestion, Reason.EMPTY_QUESTION))
            continue
        key = wording_key(suggestion.question, analyzer)
        if not key:
            refused.append(Refused(suggestion, Reason.NO_CONTENT))
            continue
        phrasings = known.get(article.id)
        if phrasings is None:
            phrasings = known[article.id] = _phrasings(article, analyzer)
        existing = phrasings.get(key)
        if existing is not None:
            duplicates.append(Duplicate(suggestion, existing))
            continue
        phrasings[key] = suggestion.question
        accepted.append(suggestion)
    return Review(tuple(accepted), tuple(duplicates), tuple(refused))


def _phrasings(article: Article, analyzer: Analyzer) -> dict[frozenset[str], str]:
    """The article's title and questions by their key (the first of equal keys wins)."""
    found: dict[frozenset[str], str] = {}
    for text in (article.title, *article.questions):
        key = wording_key(text, analyzer)
        if key:
            found.setdefault(key, text)
    return found
