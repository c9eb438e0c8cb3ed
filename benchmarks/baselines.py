"""The classic engines we compare against: BM25 over Snowball stems, and plain TF-IDF of lemmas.

Both read the same text of an article (title, customers' questions, tags, body) and none of our
repairs (no layout, translit or typo fixing, no stop words, no decision): they show what the
engine's extra work buys, and what it costs in time.

>>> from kb.article import Article
>>> kb = [Article("fuel", "Как заправить машину", "Топливная карта лежит в бардачке."),
...       Article("fine", "Штраф за парковку", "Оплатите штраф в приложении."),
...       Article("card", "Привязать карту", "Добавьте карту в приложении.")]
>>> SnowballBM25().fit(kb).search("заправка машины", k=1)[0][0]
'fuel'
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from typing import Protocol

import numpy as np
import numpy.typing as npt
import snowballstemmer
from rank_bm25 import BM25Okapi
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

from kb.article import Article
from nlp.lemmas import Lemmatizer

__all__ = ["Baseline", "LemmaTfidf", "SnowballBM25", "document_text", "words"]

_WORD = re.compile(r"[^\W_]+", re.UNICODE)


class Baseline(Protocol):
    """What the harness needs of an engine it compares ours with."""

    def fit(self, articles: Sequence[Article]) -> Baseline: ...

    def search(self, text: str, k: int = 10) -> list[tuple[str, float]]: ...


def document_text(article: Article) -> str:
    """The text a baseline indexes: title, questions, tags and body, as written."""
    return "\n".join((article.title, *article.questions, *article.tags, article.body))


def words(text: str) -> list[str]:
    """Lower-cased words and numbers, ``ё`` folded to ``е``: the only normalisation baselines do.

    >>> words("Ещё 2 ВОПРОСА: тариф «Старт»!")
    ['еще', '2', 'вопроса', 'тариф', 'старт']
    """
    return _WORD.findall(text.lower().replace("ё", "е"))


def _top(ids: list[str], scores: npt.NDArray[np.floating], k: int) -> list[tuple[str, float]]:
    """The ``k`` best positive scores, best first (ties keep the KB's order)."""
    k = min(k, len(ids))
    if k <= 0:
        return []
    top = np.argpartition(-scores, k - 1)[:k]
    top = top[np.argsort(-scores[top], kind="stable")]
    return [(ids[i], float(scores[i])) for i in top if scores[i] > 0]


class SnowballBM25:
    """Okapi BM25 (``rank_bm25``) over Snowball Russian stems.

    :param k1: term-frequency saturation
    :param b: length normalisation
    """

    def __init__(self, k1: float = 1.5, b: float = 0.75) -> None:
        self.k1 = k1
        self.b = b
        self._stemmer = snowballstemmer.stemmer("russian")
        self._stems: dict[str, str] = {}

    def stems(self, text: str) -> list[str]:
        """Stems of the words of ``text`` (memoised per word, as a serving process would)."""
        out = []
        for word in words(text):
            stem = self._stems.get(word)
            if stem is None:
                stem = self._stems[word] = self._stemmer.stemWord(word)
            out.append(stem)
        return out

    def fit(self, articles: Sequence[Article]) -> SnowballBM25:
        self.ids_ = [a.id for a in articles]
        corpus = [self.stems(document_text(a)) for a in articles]
        # rank_bm25 divides by the corpus size: an empty KB simply has no model.
        self.model_ = BM25Okapi(corpus, k1=self.k1, b=self.b) if corpus else None
        return self

    def search(self, text: str, k: int = 10) -> list[tuple[str, float]]:
        """The ``k`` best articles as ``(id, score)``, best first; articles sharing no stem are
        left out."""
        query = self.stems(text)
        if not query or self.model_ is None:
            return []
        return _top(self.ids_, np.asarray(self.model_.get_scores(query)), k)


class LemmaTfidf:
    """Cosine of TF-IDF vectors of pymorphy3 lemmas (scikit-learn's defaults otherwise).

    The query vector is weighted here from the fitted ``vocabulary_`` and ``idf_``, the same
    numbers ``TfidfVectorizer.transform`` gives, and only the query's terms are read, as our
    engine does: ``transform`` on one short query costs more than the search itself, and the
    point of this baseline is the cost of retrieval, not of scikit-learn's input checks.

    :param lemmatizer: a shared cached pymorphy3 lemmatizer
    """

    def __init__(self, lemmatizer: Lemmatizer | None = None) -> None:
        self.lemmatizer = lemmatizer or Lemmatizer()

    def lemmas(self, text: str) -> list[str]:
        """Lemmas of the words of ``text``; numbers are kept as they are."""
        lemma = self.lemmatizer.lemma
        return [w if w.isdigit() else lemma(w) for w in words(text)]

    def fit(self, articles: Sequence[Article]) -> LemmaTfidf:
        self.ids_ = [a.id for a in articles]
        self.vectorizer_ = TfidfVectorizer(analyzer=self.lemmas, dtype=np.float32)
        if not articles:
            self.vocabulary_: dict[str, int] = {}
            return self
        matrix = self.vectorizer_.fit_transform([document_text(a) for a in articles])
        self.vocabulary_ = self.vectorizer_.vocabulary_
        self.idf_ = self.vectorizer_.idf_.astype(np.float32)
        self.by_term_ = sparse.csr_matrix(matrix.T, dtype=np.float32)
        return self

    def weigh(self, text: str) -> tuple[list[int], npt.NDArray[np.float32]]:
        """The query's known term ids and their l2-normalised tf-idf weights."""
        counts = Counter(t for t in self.lemmas(text) if t in self.vocabulary_)
        ids = [self.vocabulary_[t] for t in counts]
        if not ids:
            return [], np.zeros(0, dtype=np.float32)
        weights = np.fromiter(counts.values(), dtype=np.float32) * self.idf_[ids]
        return ids, weights / np.float32(math.sqrt(float(weights @ weights)))

    def search(self, text: str, k: int = 10) -> list[tuple[str, float]]:
        """The ``k`` best articles as ``(id, cosine)``, best first; no shared lemma, no hit."""
        ids, weights = self.weigh(text)
        if not ids:
            return []
        scores = np.asarray(self.by_term_[ids].T @ weights).ravel()
        return _top(self.ids_, scores, k)
