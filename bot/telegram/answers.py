"""The knowledge base as the bot serves it: search and decide, articles by button key, rendering.

Built once at start-up from an :class:`~kb.index.Index`; read-only afterwards, so handlers
share it (``Dispatcher(answers=...)``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from bot.dialogue import Dialogue, HumanRequestDetector
from bot.policy import Decision, Thresholds, decide
from bot.rendering import Chunk, render_article
from kb.article import Article
from kb.index import Index
from nlp.documents import Ranking

__all__ = ["DEPTH", "Answers", "article_key"]

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


class Answers:
    """Search, the dialogue rules, and the articles of one knowledge-base version.

    :param index: the searchable catalog
    :param thresholds: where answer, clarify and escalate begin
    :param menu_size: how many articles /start offers
    """

    def __init__(
        self, index: Index, thresholds: Thresholds | None = None, *, menu_size: int = 6
    ) -> None:
        self.index = index
        self.thresholds = thresholds or Thresholds()
        detector = HumanRequestDetector(index.retriever.analyzer.lemmatizer)
        self.dialogue = Dialogue(index.catalog, detector, self.thresholds)
        self._by_key = {article_key(a.id): a for a in index.catalog}
        self._chunks: dict[str, list[Chunk]] = {}
        self.menu = _one_per_category(index.catalog, menu_size)

    def warm_up(self) -> Answers:
        """Run a few searches so that the first customer does not wait for lazy loading."""
        for question in _WARM_UP:
            self.search(question)
            self.dialogue.detector.detect(question)
        return self

    def search(self, question: str) -> tuple[Ranking, Decision]:
        """The ranking of ``question`` and the policy's decision on it."""
        ranking = self.index.search(question, k=DEPTH)
        return ranking, decide(ranking, self.thresholds)

    def by_key(self, key: str) -> Article | None:
        """The article a button names, ``None`` if it is gone from the knowledge base."""
        return self._by_key.get(key)

    def get(self, article_id: str) -> Article | None:
        return self.index.catalog.get(article_id)

    def chunks(self, article: Article) -> list[Chunk]:
        """The article as Telegram messages (text and entities), rendered once."""
        chunks = self._chunks.get(article.id)
        if chunks is None:
            chunks = render_article(article.body, article.title) or [Chunk(article.title)]
            self._chunks[article.id] = chunks
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
