"""The engine: word views first, the dense view when words are not decisive, a learned ranker.

    question ─► word views (nlp.retriever) ─► lexical candidates ─► lexical ranker
                   │                                                   │
                   │          p_top1 ≥ skip_dense_at? ── yes ──► lexical ranking
                   ▼                                                   │ no
              dense view (nlp.semantic) ─► candidates of both ─► hybrid ranker ─► ranking

Both rankers and the cascade threshold come from the learned file (:mod:`nlp.fusion`); a
candidate's features are listed there. The hit score is the softmax of the ranker's scores over
the candidates: the chance that this one is the right article if any is, so it means the same
on every knowledge base (whether any is, the decision's calibration judges).

Without an encoder the engine is the lexical half alone (``engine="lexical"`` rankings).
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from nlp.analyzer import Analysis, Analyzer
from nlp.documents import Document, Hit, Ranking
from nlp.fusion import DECISION, DENSE, LEXICAL, FusionModel, load_model
from nlp.retriever import VIEWS, Retriever
from nlp.semantic import DenseScores, SemanticView

__all__ = ["Candidates", "HybridRetriever", "decision_features"]

Floats = npt.NDArray[np.float64]
WordViews = tuple[dict[str, npt.NDArray[np.float32]], npt.NDArray[np.float32]]
#: A candidate covering at least this share of what the first one covers is its rival.
RIVAL_RATIO = 0.95
#: Rankings of this many recent questions are kept (see :meth:`HybridRetriever.search`).
RECENT_SEARCHES = 2048
#: Longer questions are not kept: a long message is rarely sent twice word for word.
REMEMBERED_UP_TO = 300


@dataclass(frozen=True)
class Candidates:
    """The articles considered for a question and their features (rows in ``ids`` order).

    :param lexical: features of :data:`nlp.fusion.LEXICAL`
    :param dense: features of :data:`nlp.fusion.DENSE` (None when the dense stage did not run)
    """

    analysis: Analysis
    ids: tuple[int, ...]
    lexical: Floats
    dense: Floats | None
    coverage: npt.NDArray[np.float32]
    agreement: bool
    unknown: float
    dense_best: npt.NDArray[np.float32] | None = None


SORT_UP_TO = 2000
"""Up to this many articles a candidate's rank comes from one sort, beyond from counts."""
POOL_UP_TO = 256
"""Beyond :data:`SORT_UP_TO`: when at most this many articles score at least as well as the
weakest candidate, ranks come from sorting those few."""


def _rank_of(
    values: npt.NDArray[np.float32], ids: npt.NDArray[np.int64]
) -> npt.NDArray[np.float64]:
    """log(1 + rank) of ``ids`` among all ``values`` (stable descending order, 0 = first).

    On a small KB (up to :data:`SORT_UP_TO` articles) one stable sort of all values. On a
    large one a full sort per question cost more than the rest of the lexical path at 10k
    articles, and ~8 ms of one core at 100k. There, when the candidates are the best few (the
    word views' own: every article above the weakest of them is a candidate too), only the
    articles scoring at least the weakest candidate are sorted; otherwise each candidate's
    rank is counted: the values above it, and its equals before it.
    """
    if len(values) <= SORT_UP_TO:
        order = np.argsort(-values, kind="stable")
        rank = np.empty(len(values), dtype=np.float64)
        rank[order] = np.arange(len(values), dtype=np.float64)
        return np.log1p(rank[ids])
    if len(ids):
        pool = np.flatnonzero(values >= values[ids].min())
        if len(pool) <= POOL_UP_TO:
            # Every article above or equal to a candidate is in the pool, in index order, so a
            # stable sort by value ranks each candidate exactly as among all articles.
            order = pool[np.argsort(-values[pool], kind="stable")]
            position = np.empty(len(values), dtype=np.float64)
            position[order] = np.arange(len(order), dtype=np.float64)
            return np.log1p(position[ids])
    ranks = [
        np.count_nonzero(values > values[i]) + np.count_nonzero(values[:i] == values[i])
        for i in ids
    ]
    return np.log1p(np.asarray(ranks, dtype=np.float64))


def _top(values: npt.NDArray[np.float32], k: int) -> npt.NDArray[np.int64]:
    k = min(k, len(values))
    if k <= 0:
        return np.zeros(0, dtype=np.int64)
    return np.argpartition(-values, k - 1)[:k].astype(np.int64)


def decision_features(ranking: Ranking) -> tuple[float, ...]:
    """The evidence the decision weighs, in :data:`nlp.fusion.DECISION` order."""
    hits = ranking.hits
    top = hits[0].score if hits else 0.0
    second = hits[1].score if len(hits) > 1 else 0.0
    # A lexical ranking is the word views' own: they agree with it, with its confidence.
    words = ranking.engine == "lexical"
    values = (
        top,
        top - second,
        ranking.coverage,
        1.0 if ranking.agreement else 0.0,
        ranking.unknown,
        math.log1p(len(ranking.analysis.terms)),
        ranking.dense,
        ranking.dense_margin,
        ranking.rivals,
        1.0 if words or ranking.words_agree else 0.0,
        top if words else ranking.words_share,
        ranking.lexical_rank,
        ranking.lexical_ratio,
        ranking.dense_rank,
        ranking.dense_scaled,
    )
    assert len(values) == len(DECISION)
    return values


class HybridRetriever:
    """Fit on documents once, then ``search`` many times.

    :param lexical: the word views (fitted here)
    :param semantic: the dense view (fitted here); None for the lexical engine alone
    :param model: the learned rankers and cascade (the packaged file if omitted)
    :param candidates: articles each stage hands to the ranker
    :param cascade: skip the dense stage when the words are decisive (False: always run it)
    """

    def __init__(
        self,
        lexical: Retriever,
        semantic: SemanticView | None = None,
        model: FusionModel | None = None,
        candidates: int = 30,
        cascade: bool = True,
    ) -> None:
        self.lexical = lexical
        self.semantic = semantic
        self.model = model
        self.candidates = candidates
        self.cascade = cascade
        self._recent: OrderedDict[tuple[str, int, bool, bool], Ranking] = OrderedDict()
        self._recent_lock = threading.Lock()

    @property
    def analyzer(self) -> Analyzer:
        """The text pipeline (shared with the word views)."""
        return self.lexical.analyzer

    def fit(self, documents: Sequence[Document]) -> HybridRetriever:
        docs = list(documents)
        with self._recent_lock:
            self._recent.clear()
        self.lexical.fit(docs)
        self.ids_ = [d.id for d in docs]
        if self.semantic is not None:
            self.semantic.fit(docs)
        return self

    # -- features ---------------------------------------------------------------------------

    def _word_views(self, analysis: Analysis) -> WordViews:
        views = self.lexical.views(analysis)
        return views, self.lexical.weights.combine(views)

    def lexical_candidates(
        self, analysis: Analysis, word_views: WordViews | None = None
    ) -> Candidates | None:
        """The word views' candidates and features; None when the question has no terms.

        :param word_views: the views already computed for ``analysis`` (computed if omitted)
        """
        if not analysis.terms or not self.ids_:
            return None
        views, total = word_views or self._word_views(analysis)
        if not total.any():
            return None
        ids = _top(total, self.candidates)
        ids = ids[total[ids] > 0]
        return self._with_lexical(analysis, views, total, ids)

    def _with_lexical(
        self,
        analysis: Analysis,
        views: dict[str, npt.NDArray[np.float32]],
        total: npt.NDArray[np.float32],
        ids: npt.NDArray[np.int64],
    ) -> Candidates:
        best = float(total.max()) if len(total) else 0.0
        columns: list[npt.NDArray[np.floating[Any]]] = [views[name][ids] for name in VIEWS]
        ratio = total[ids] / best if best > 0 else np.zeros(len(ids))
        columns += [total[ids], total[ids] - best, ratio, _rank_of(total, ids)]
        bm25 = views["bm25_article"]
        top_bm25 = float(bm25.max()) if len(bm25) else 0.0
        columns += [bm25[ids] / top_bm25 if top_bm25 > 0 else np.zeros(len(ids))]
        lexical = np.column_stack(columns).astype(np.float64)
        word_best = int(np.argmax(views["word_article"]))
        char_best = int(np.argmax(views["char_phrasing"]))
        known = sum(1 for t in set(analysis.terms) if t in self.lexical.word_article_.vocabulary_)
        return Candidates(
            analysis=analysis,
            ids=tuple(int(i) for i in ids),
            lexical=lexical,
            dense=None,
            coverage=views["cover_phrasing"][ids],
            agreement=word_best == char_best == int(np.argmax(total)),
            unknown=1.0 - known / max(1, len(set(analysis.terms))),
        )

    def hybrid_candidates(
        self, question: str, analysis: Analysis, word_views: WordViews | None = None
    ) -> Candidates | None:
        """Candidates of both stages with all features; None without a dense view or terms.

        :param question: the message as typed (the encoder reads its repaired text)
        """
        if self.semantic is None or not analysis.terms or not self.ids_:
            return None
        views, total = word_views or self._word_views(analysis)
        dense = self.semantic.scores(self.semantic.embed_query(analysis.repaired_text))
        ids = np.union1d(_top(total, self.candidates), _top(dense.best, self.candidates))
        base = self._with_lexical(analysis, views, total, ids)
        return Candidates(
            analysis=base.analysis,
            ids=base.ids,
            lexical=base.lexical,
            dense=self._dense_features(dense, total, ids),
            coverage=base.coverage,
            agreement=base.agreement,
            unknown=base.unknown,
            dense_best=dense.best[ids],
        )

    @staticmethod
    def _dense_features(
        dense: DenseScores, total: npt.NDArray[np.float32], ids: npt.NDArray[np.int64]
    ) -> Floats:
        both = float(int(np.argmax(total)) == int(np.argmax(dense.best)))
        first = int(np.argmax(dense.best))
        agree = np.where(ids == first, both, 0.0)
        # The best ten by a partial sort: a full one costs ~5 ms of one core at 100k articles.
        top = np.partition(dense.best, max(0, len(dense.best) - 10))[-10:]
        low, high = float(top.min()), float(top.max())
        scaled = (dense.best[ids] - low) / (high - low) if high > low else np.ones(len(ids))
        columns = [
            dense.title[ids],
            dense.phrasing[ids],
            dense.body[ids],
            dense.best[ids],
            dense.best[ids] - float(dense.best.max()),
            scaled,
            _rank_of(dense.best, ids),
            agree,
        ]
        return np.column_stack(columns).astype(np.float64)

    # -- ranking ----------------------------------------------------------------------------

    @property
    def model_(self) -> FusionModel:
        """The learned model: the one given, else the packaged file (read on first search, so
        that features can be collected to train the very first one)."""
        return self.model or load_model()

    def _ranking(self, candidates: Candidates, k: int, words: Ranking | None = None) -> Ranking:
        """The candidates ranked by the learned ranker, with the evidence for the decision.

        :param words: the word views' own ranking of the same question (hybrid rankings; the
            decision trusts a first hit more when the words alone chose it too)
        """
        engine = "lexical" if candidates.dense is None else "hybrid"
        model = self.model_.engines[engine]
        rows = (
            candidates.lexical
            if candidates.dense is None
            else np.hstack([candidates.lexical, candidates.dense])
        )
        logits = model.ranker.logits(rows)
        order = np.argsort(-logits, kind="stable")[:k]
        # A distribution over the candidates: how likely each is the right one, if one is.
        weights = np.exp(logits - logits.max())
        probability = weights / weights.sum()
        hits = tuple(Hit(self.ids_[candidates.ids[i]], float(probability[i])) for i in order)
        dense = dense_margin = 0.0
        if candidates.dense_best is not None and len(order):
            dense = float(candidates.dense_best[order[0]])
            others = np.delete(candidates.dense_best, order[0])
            dense_margin = dense - float(others.max()) if len(others) else dense
        # Rivals: other candidates whose phrasings cover the question as fully as the first's.
        cover = candidates.lexical[:, LEXICAL.index("cover_phrasing")]
        first = float(cover[order[0]]) if len(order) else 0.0
        tied = int((cover >= RIVAL_RATIO * first).sum()) - 1 if first > 0 else 0
        rivals = math.log1p(max(0, tied))
        standing = self._standing(candidates, int(order[0])) if len(order) else {}
        words_agree = bool(words and words.hits and hits and words.hits[0].doc_id == hits[0].doc_id)
        words_share = words.hits[0].score if words and words.hits else 0.0
        return Ranking(
            analysis=candidates.analysis,
            hits=hits,
            rivals=rivals,
            coverage=float(candidates.coverage[order[0]]) if len(order) else 0.0,
            agreement=candidates.agreement,
            unknown=candidates.unknown,
            engine=engine,
            dense=dense,
            dense_margin=dense_margin,
            words_agree=words_agree,
            words_share=words_share,
            **standing,
        )

    @staticmethod
    def _standing(candidates: Candidates, first: int) -> dict[str, float]:
        """Where the first hit stands by each view on its own (its rank and relative score)."""
        row = candidates.lexical[first]
        out = {
            "lexical_rank": float(row[LEXICAL.index("lexical_rank")]),
            "lexical_ratio": float(row[LEXICAL.index("lexical_ratio")]),
        }
        if candidates.dense is not None:
            dense = candidates.dense[first]
            out["dense_rank"] = float(dense[DENSE.index("dense_rank")])
            out["dense_scaled"] = float(dense[DENSE.index("dense_scaled")])
        return out

    def p_top1(self, ranking: Ranking) -> float:
        """The learned probability that the first hit of ``ranking`` is right."""
        if not ranking.hits:
            return 0.0
        return self.model_.engines[ranking.engine].top1.probability(decision_features(ranking))

    def search(
        self, query: str, k: int = 10, *, dense: bool = True, thorough: bool = False
    ) -> Ranking:
        """The ``k`` best articles for ``query``, best first, with the evidence for a decision.

        The last :data:`RECENT_SEARCHES` short questions' rankings are kept: customers ask
        «тариф» or «где мой заказ» word for word again and again, and a ranking is immutable
        and depends on nothing but the question and this (never refitted) index.

        :param dense: ``False``: the word views alone (about 1 ms instead of tens), for a
            screen that only needs to know whether the words match an article confidently
        :param thorough: every view even where the words are decisive (no cascade): the
            runners-up ranked by meaning too, for the next ones offered after a «нет» (the
            word views alone put the articles sharing one word with the question next)
        """
        key = (query, k, dense, thorough)
        remember = len(query) <= REMEMBERED_UP_TO
        if remember:
            with self._recent_lock:
                known = self._recent.get(key)
                if known is not None:
                    self._recent.move_to_end(key)
                    return known
        ranking = self._search(query, k, dense, thorough)
        if remember:
            with self._recent_lock:
                self._recent[key] = ranking
                if len(self._recent) > RECENT_SEARCHES:
                    self._recent.popitem(last=False)
        return ranking

    def _search(self, query: str, k: int, dense: bool, thorough: bool) -> Ranking:
        analysis = self.lexical.analyzer.analyze(query)
        word_views = self._word_views(analysis) if analysis.terms and self.ids_ else None
        lexical = self.lexical_candidates(analysis, word_views)
        words_only = self.semantic is None or not dense
        if lexical is None and (words_only or not analysis.terms):
            return Ranking(analysis=analysis, hits=())
        words = None
        if lexical is not None:
            words = self._ranking(lexical, k)
            if words_only:
                return words
            if self.cascade and not thorough and self.p_top1(words) >= self.model_.skip_dense_at:
                return words
        both = self.hybrid_candidates(query, analysis, word_views)
        assert both is not None
        return self._ranking(both, k, words)
