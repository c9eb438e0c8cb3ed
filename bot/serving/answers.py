"""The knowledge base as the bot serves it: search and decide, articles by button key, rendering.

Handlers share one :class:`Answers` (``Dispatcher(answers=...)``). It serves one
:class:`Version` of the knowledge base at a time, and a hot reload
(:mod:`bot.serving.reload`) swaps in the next one with a single attribute assignment: index,
dialogue, button keys, menu and rendered chunks always come from the same version. Each update
gets a :meth:`~Answers.pinned` view (:class:`~bot.telegram.middlewares.PinAnswersMiddleware`),
so a handler that searches, awaits the database and then asks the dialogue sees one version
from its first line to its last, even when a reload lands in between.
"""

from __future__ import annotations

import asyncio
import copy
import hashlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import ParamSpec, TypeVar

from bot.dialogue import Dialogue, HumanRequestDetector
from bot.policy import Decision, Thresholds, decide
from bot.rendering import Chunk, render_article
from kb.article import Article
from kb.index import Index
from nlp.documents import Ranking

__all__ = ["DEPTH", "QUESTION_LIMIT", "Answers", "Version", "article_key"]

QUESTION_LIMIT = 1000
"""Longer texts are not searched: search time grows with the text (about 45 ms for 1000
characters of unknown words), and nobody asks a question that long. A ticket takes them.
The bot and the web page's "try a question" share it."""

P = ParamSpec("P")
T = TypeVar("T")

DEPTH = 10
"""Hits per search: room for the next-best offer after a 👎 (as in ``faqbot chat``)."""

# Words the first searches would otherwise pay for: pymorphy3's dictionary and the typo
# repairer's vocabulary load lazily. One unknown word builds the repairer.
_WARM_UP = ("как завершить поездку", "позовите оператора", "првиет нискольк слфов")


def article_key(article_id: str) -> str:
    """A short, stable key for an article in callback data (ids may be long or Cyrillic).

    >>> article_key("login-code")
    '53607d01b592'
    """
    return hashlib.blake2b(article_id.encode("utf-8"), digest_size=6).hexdigest()


@dataclass(frozen=True)
class Version:
    """Everything the bot derives from one knowledge-base version; replaced whole, never edited.

    :param index: the searchable catalog
    :param dialogue: the conversation rules over that catalog
    :param by_key: articles by :func:`article_key`, for buttons
    :param menu: what /start offers
    :param example: a question of this knowledge base, for hints («например: …»)
    :param example_problem: a problem told in its words, for the hint to «не работает»
    :param chunks: rendered articles, filled on first use (a cache, not state)
    """

    index: Index
    dialogue: Dialogue
    by_key: Mapping[str, Article]
    menu: tuple[Article, ...]
    example: str | None = None
    example_problem: str | None = None
    chunks: dict[str, list[Chunk]] = field(default_factory=dict, repr=False, compare=False)


class Answers:
    """Search, the dialogue rules, and the articles of the knowledge-base version being served.

    :param index: the searchable catalog
    :param thresholds: where answer, clarify and escalate begin
    :param menu_size: how many articles /start offers
    """

    def __init__(
        self, index: Index, thresholds: Thresholds | None = None, *, menu_size: int = 6
    ) -> None:
        self.thresholds = thresholds or Thresholds()
        self._menu_size = menu_size
        # The detector knows no article: it outlives reloads, and its caches stay warm.
        self._detector = HumanRequestDetector(index.retriever.analyzer.lemmatizer)
        self._pinned = False
        self._version = self.prepare(index)

    @property
    def version(self) -> Version:
        """The version served now; read it once and keep it for a consistent view."""
        return self._version

    @property
    def index(self) -> Index:
        return self._version.index

    @property
    def dialogue(self) -> Dialogue:
        return self._version.dialogue

    @property
    def menu(self) -> tuple[Article, ...]:
        return self._version.menu

    @property
    def example(self) -> str | None:
        """A question of the served knowledge base, for hints («например: …»)."""
        return self._version.example

    @property
    def example_problem(self) -> str | None:
        """A problem told in the served knowledge base's words, for the hint to a complaint
        with no object («не работает» — «например: …»)."""
        return self._version.example_problem

    def prepare(self, index: Index, *, warm: bool = False) -> Version:
        """Derive a :class:`Version` from ``index`` without serving it yet.

        Safe in a worker thread while the event loop serves the current version, as long as
        ``index`` is not shared with it (the reloader builds each index with its own
        lemmatizer).

        :param warm: run a few searches on the new index, so that the first customer after
            the swap does not build its typo repairer
        """
        if warm:
            index.warm()
            for question in _WARM_UP:
                index.search(question, k=DEPTH)
        catalog = index.catalog
        return Version(
            index=index,
            dialogue=Dialogue(
                catalog,
                self._detector,
                self.thresholds,
                rank_fully=partial(index.search, k=DEPTH, thorough=True),
            ),
            by_key={article_key(a.id): a for a in catalog},
            menu=_one_per_category(catalog, self._menu_size),
            example=catalog.example_question(),
            example_problem=catalog.example_problem(),
        )

    def replace(self, version: Version | Index) -> Version:
        """Serve ``version`` from now on; returns the one it replaces.

        One attribute assignment: a search sees the old version or the new one, never half of
        each. Call it on the event loop's thread, between updates' steps, not from a worker.

        :raises RuntimeError: this is a pinned view, which never changes
        """
        if self._pinned:
            raise RuntimeError(
                "a pinned view of the answers cannot be replaced: use the shared one"
            )
        if isinstance(version, Index):
            version = self.prepare(version)
        previous, self._version = self._version, version
        return previous

    def pinned(self) -> Answers:
        """A view of the version served now, for one update: later reloads do not change it."""
        view = copy.copy(self)
        view._pinned = True
        return view

    def warm_up(self) -> Answers:
        """Run a few searches so that the first customer does not wait for lazy loading."""
        for question in _WARM_UP:
            self.search(question)
            self._detector.detect(question)
        return self

    async def off_loop(self, call: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
        """``call(*args, **kwargs)`` in a worker thread: a step that searches (the encoder
        embeds the question, tens of ms) never holds up the event loop, which goes on serving
        other chats meanwhile. The encoder serialises its own calls; the rest of a search only
        reads the version it was given."""
        return await asyncio.to_thread(call, *args, **kwargs)

    def search(self, question: str, *, dense: bool = True) -> tuple[Ranking, Decision]:
        """The ranking of ``question`` and the policy's decision on it.

        :param dense: ``False``: the word views alone, without embedding the question
        """
        ranking = self._version.index.search(question, k=DEPTH, dense=dense)
        return ranking, decide(ranking, self.thresholds)

    def screen(self, message: str) -> tuple[Ranking, Decision]:
        """:meth:`search` by the word views alone: whether ``message`` matches an article
        confidently by its words, without embedding it (a detail in an open ticket)."""
        return self.search(message, dense=False)

    def reading(self, message: str) -> str | None:
        """``message`` as its wrong keyboard layout or translit was read («ghbdtn? rfr» →
        «привет? как»), for agents; ``None`` when it reads as typed."""
        return self._version.index.retriever.analyzer.reading(message)

    def by_key(self, key: str) -> Article | None:
        """The article a button names, ``None`` if it is gone from the knowledge base."""
        return self._version.by_key.get(key)

    def get(self, article_id: str) -> Article | None:
        return self._version.index.catalog.get(article_id)

    def chunks(self, article: Article) -> list[Chunk]:
        """The article as Telegram messages (text and entities), rendered once per version."""
        cache = self._version.chunks
        chunks = cache.get(article.id)
        if chunks is None:
            chunks = render_article(article.body, article.title) or [Chunk(article.title)]
            cache[article.id] = chunks
        return chunks


def _one_per_category(articles: Iterable[Article], size: int) -> tuple[Article, ...]:
    """The first article of each category, in catalog order, at most ``size``."""
    seen: set[str] = set()
    menu: list[Article] = []
    for article in articles:
        if article.category not in seen:
            seen.add(article.category)
            menu.append(article)
    return tuple(menu[:size])
