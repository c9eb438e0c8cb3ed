"""Ranking articles for a question: several TF-IDF views of each article, combined.

Views (each in [0, 1]), weighted by ``Weights``:

* ``word_article``: cosine of lemmas with the whole article (title twice, phrasings, tags, body);
* ``pair_phrasing``: cosine of adjacent lemma pairs (``не_приходить``, ``личный_кабинет``) with
  the best single phrasing: word order carries meaning that a bag of words loses;
* ``char_phrasing``: cosine of lemma 3–5-grams with the article's best single phrasing (robust to
  derivations and leftover typos; a question usually paraphrases one phrasing, not the text);
* ``cover_phrasing``: share of the query's idf mass found in the title, questions and tags;
* ``cover_article``: the same over the whole article, body included.

Beside them, outside the hand-weighted sum, ``bm25_article``: Okapi BM25 of the lemmas with the
whole article, for the learned ranker (:mod:`nlp.hybrid`). Its saturating term frequency lets
an article whose many phrasings share the customer's everyday words gain from each of them,
where a cosine over the article, or the best single phrasing, does not.

The word, coverage and character views leave out terms found in nine articles in ten or more
(the brand's name, «не»): they would match the article that repeats them most, not the one that
is asked about. The pair view keeps them: «не_приходить» is a topic.

Coverage does not punish long titles the way a cosine does; the cosines punish articles that
match one rare word of a long message. Weights were chosen on the shared dev sets
(``benchmarks/``), and ``Ranking`` carries the evidence the decision policy calibrates on.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from nlp.analyzer import Analysis, Analyzer
from nlp.documents import Document, Hit, Ranking
from nlp.ngrams import char_ngrams
from nlp.vectors import TermMatrix, count_matrix, vocabulary_of

#: A term in at least this share of the articles says nothing about which one is meant.
UBIQUITOUS = 0.9
#: ... in a KB of at least this many articles (in a handful, a shared word is still a topic).
UBIQUITOUS_FROM = 10

VIEWS = ("word_article", "pair_phrasing", "char_phrasing", "cover_phrasing", "cover_article")


def word_pairs(terms: Sequence[str]) -> list[str]:
    """Adjacent term pairs: ``["не", "приходить", "смс"]`` → ``не_приходить``, ``приходить_смс``."""
    return [f"{a}_{b}" for a, b in zip(terms, terms[1:], strict=False)]


@dataclass(frozen=True)
class Weights:
    """How much each view counts in the final score, and how the article bag is built."""

    word_article: float = 0.2
    pair_phrasing: float = 0.1
    char_phrasing: float = 0.1
    cover_phrasing: float = 0.2
    cover_article: float = 0.1
    title_repeat: int = 2

    def combine(
        self, views: dict[str, npt.NDArray[np.float32]], without: tuple[str, ...] = ()
    ) -> npt.NDArray[np.float32]:
        """The weighted sum of the views (all of them, or all but ``without``)."""
        total = np.zeros_like(views[VIEWS[0]])
        for name in VIEWS:
            if name not in without:
                total += getattr(self, name) * views[name]
        return total


class Retriever:
    """Fit on documents once, then ``search`` many times.

    :param analyzer: the text pipeline; fitted on the documents if not yet fitted
    :param weights: how the views are combined
    :param candidates: on a KB larger than this, the character view (the costly one) scores
        only the articles the word views rank highest; on smaller ones it scores them all
    """

    def __init__(
        self,
        analyzer: Analyzer | None = None,
        weights: Weights | None = None,
        candidates: int = 50,
    ) -> None:
        self.analyzer = analyzer or Analyzer()
        self.weights = weights or Weights()
        self.candidates = candidates

    def fit(self, documents: Sequence[Document]) -> Retriever:
        docs = list(documents)
        self.ids_ = [d.id for d in docs]
        self.ubiquitous_: frozenset[str] = frozenset()
        fields = [(*d.phrasings, " ".join(d.tags), d.body, d.category) for d in docs]
        texts = [text for field in fields for text in field]
        if hasattr(self.analyzer, "vocabulary_"):
            flat = [self.analyzer.terms_of_document(t) for t in texts]
        else:
            flat = self.analyzer.fit_terms(texts)
        if not docs:
            return self  # an empty KB answers nothing and escalates everything
        phrasing_terms: list[list[str]] = []
        owner: list[int] = []
        field_terms: list[list[str]] = []
        article_terms: list[list[str]] = []
        article_pairs: list[list[str]] = []
        at = 0
        for i, field in enumerate(fields):
            n = len(field) - 3
            own, tags, body = flat[at : at + n], flat[at + n], flat[at + n + 1]
            at += len(field)
            phrasing_terms.extend(own)
            owner.extend([i] * n)
            fielded = [t for p in own for t in p] + tags
            field_terms.append(fielded)
            article_terms.append(own[0] * (self.weights.title_repeat - 1) + fielded + body)
            article_pairs.append([pair for p in (*own, body) for pair in word_pairs(p)])
        self.owner_ = np.asarray(owner, dtype=np.int64)
        self.starts_ = np.flatnonzero(np.r_[True, self.owner_[1:] != self.owner_[:-1]])
        self.ends_ = np.r_[self.starts_[1:], len(self.owner_)]
        self.word_article_ = TermMatrix(bm25=True).fit(article_terms)
        self.word_fields_ = TermMatrix().fit(field_terms, idf_units=article_terms)
        self.pair_phrasing_ = TermMatrix().fit(
            [word_pairs(p) for p in phrasing_terms], idf_units=article_pairs
        )
        self.char_phrasing_ = self._char_matrix(phrasing_terms, field_terms)
        # The brand («сота» in 49 of 50 articles), «не», «заказ» in a shop's KB: a customer
        # who names the company asks no more about the article that names it most.
        in_articles = Counter(t for terms in article_terms for t in set(terms))
        everywhere = UBIQUITOUS * len(docs) if len(docs) >= UBIQUITOUS_FROM else math.inf
        self.ubiquitous_ = frozenset(t for t, n in in_articles.items() if n >= everywhere)
        return self

    @staticmethod
    def _char_matrix(units: list[list[str]], idf_units: list[list[str]]) -> TermMatrix:
        """Character n-grams of units, built as (units × terms) · (terms × n-grams).

        Each distinct term is cut into n-grams once; listing every unit's n-grams as strings
        instead costs ~10× the time and memory on a large KB.
        """
        terms = vocabulary_of(idf_units)
        grams_of = [char_ngrams([t]) for t in terms]
        grams = vocabulary_of(grams_of)
        term_grams = count_matrix(grams_of, grams)
        counts = count_matrix(units, terms) @ term_grams
        idf_counts = count_matrix(idf_units, terms) @ term_grams
        return TermMatrix().fit_counts(counts.tocsr(), idf_counts.tocsr(), grams)

    def views(self, analysis: Analysis) -> dict[str, npt.NDArray[np.float32]]:
        """Each view's score for every article (for diagnostics and calibration)."""
        terms = analysis.terms
        # Only terms that tell articles apart (all of them if none does); pairs keep every one.
        topical = [t for t in terms if t not in self.ubiquitous_] or list(terms)
        word_article, cover_article, bm25 = self.word_article_.scores_coverage_and_bm25(topical)
        pairs = self.pair_phrasing_.scores(word_pairs(terms))
        views = {
            "word_article": word_article,
            "pair_phrasing": (
                np.maximum.reduceat(pairs, self.starts_)
                if pairs.any()
                else np.zeros(len(self.ids_), dtype=np.float32)
            ),
            "cover_phrasing": self.word_fields_.coverage(topical),
            "cover_article": cover_article,
            "bm25_article": bm25,
        }
        grams = char_ngrams(topical)
        if len(self.ids_) <= self.candidates:
            per_phrasing = self.char_phrasing_.scores(grams)
            views["char_phrasing"] = np.maximum.reduceat(per_phrasing, self.starts_)
            return views
        partial = self.weights.combine(views, without=("char_phrasing",))
        if not partial.any():
            per_phrasing = self.char_phrasing_.scores(grams)  # nothing to shortlist by
            views["char_phrasing"] = np.maximum.reduceat(per_phrasing, self.starts_)
            return views
        shortlist = np.argpartition(-partial, self.candidates - 1)[: self.candidates]
        views["char_phrasing"] = self._char_of(grams, shortlist)
        return views

    def _char_of(
        self, grams: list[str], articles: npt.NDArray[np.int64]
    ) -> npt.NDArray[np.float32]:
        """The character view for some articles (0 for the rest): their best phrasing each."""
        counts = self.ends_[articles] - self.starts_[articles]
        offsets = np.cumsum(counts) - counts
        units = np.arange(int(counts.sum())) + np.repeat(self.starts_[articles] - offsets, counts)
        per_unit = self.char_phrasing_.scores_of(grams, units)
        out = np.zeros(len(self.ids_), dtype=np.float32)
        out[articles] = np.maximum.reduceat(per_unit, offsets)
        return out

    def search(self, query: str, k: int = 10) -> Ranking:
        """The ``k`` best articles for ``query``, best first, with the evidence for a decision."""
        analysis = self.analyzer.analyze(query)
        if not analysis.terms or not self.ids_:
            return Ranking(analysis=analysis, hits=())
        views = self.views(analysis)
        total = self.weights.combine(views)
        k = min(k, len(self.ids_))
        top = np.argpartition(-total, k - 1)[:k]
        top = top[np.argsort(-total[top], kind="stable")]
        hits = tuple(Hit(self.ids_[i], float(total[i])) for i in top if total[i] > 0)
        if not hits:
            return Ranking(analysis=analysis, hits=())
        best = int(top[0])
        word_best = int(np.argmax(views["word_article"]))
        char_best = int(np.argmax(views["char_phrasing"]))
        known = sum(1 for t in set(analysis.terms) if t in self.word_article_.vocabulary_)
        return Ranking(
            analysis=analysis,
            hits=hits,
            coverage=float(views["cover_phrasing"][best]),
            agreement=word_best == char_best == best,
            unknown=1.0 - known / len(set(analysis.terms)),
        )
