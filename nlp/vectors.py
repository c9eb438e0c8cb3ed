"""TF-IDF matrices that score a query by touching only the query's own features.

The weighting is scikit-learn's ``TfidfVectorizer(sublinear_tf=True, smooth_idf=True,
norm="l2")``, computed here with numpy/scipy (a test checks the two agree): importing
scikit-learn costs about a second, most of the CLI's start-up budget, and ``transform`` on one
short query costs more than the whole search. Features are kept as term-by-unit rows, so a query
reads only the rows of its own features.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
from scipy import sparse

Floats = npt.NDArray[np.float32]
#: Okapi BM25's usual constants: term-frequency saturation and length normalisation.
BM25_K1 = 1.2
BM25_B = 0.75


def weighted_row_sum(
    matrix: sparse.csr_matrix, rows: Sequence[int], weights: Floats | None = None
) -> Floats:
    """``weights @ matrix[rows]`` as a dense vector, without scipy's fancy-indexing overhead.

    A query touches a handful of rows; slicing the CSR arrays directly is several times faster
    than ``matrix[rows]`` for that, and this sits on every query's path.
    """
    indptr, indices, data = matrix.indptr, matrix.indices, matrix.data
    rows_ = np.asarray(rows, dtype=np.int64)
    starts = indptr[rows_]
    lengths = indptr[rows_ + 1] - starts
    total = int(lengths.sum())
    if not total:
        return np.zeros(matrix.shape[1], dtype=np.float32)
    # Positions of every stored value of the chosen rows, in one vectorised step.
    take = np.arange(total) + np.repeat(starts - (np.cumsum(lengths) - lengths), lengths)
    values = data[take]
    if weights is not None:
        values = values * np.repeat(weights, lengths)
    return np.bincount(indices[take], weights=values, minlength=matrix.shape[1]).astype(np.float32)


def count_matrix(units: Sequence[Sequence[str]], vocabulary: dict[str, int]) -> sparse.csr_matrix:
    """Units × features counts; features missing from ``vocabulary`` are dropped."""
    lengths = np.fromiter((len(u) for u in units), dtype=np.int64, count=len(units))
    cols = np.fromiter(
        (vocabulary.get(f, -1) for unit in units for f in unit),
        dtype=np.int64,
        count=int(lengths.sum()),
    )
    rows = np.repeat(np.arange(len(units), dtype=np.int64), lengths)
    known = cols >= 0
    data = np.ones(int(known.sum()), dtype=np.float32)
    shape = (len(units), len(vocabulary))
    matrix = sparse.csr_matrix((data, (rows[known], cols[known])), shape=shape)
    matrix.sum_duplicates()
    return matrix


def vocabulary_of(units: Sequence[Sequence[str]]) -> dict[str, int]:
    """Feature → column, in sorted order (as scikit-learn numbers them)."""
    return {f: i for i, f in enumerate(sorted({f for unit in units for f in unit}))}


class TermMatrix:
    """Cosine similarity of a bag of features against many units (phrasings or articles).

    :param bm25: also keep Okapi BM25 weights (``k1`` 1.2, ``b`` 0.75, Lucene's idf), for
        :meth:`scores_coverage_and_bm25`: the same units and features, so the same pass
    """

    def __init__(self, bm25: bool = False) -> None:
        self.bm25 = bm25

    def fit(
        self, units: Sequence[Sequence[str]], idf_units: Sequence[Sequence[str]] | None = None
    ) -> TermMatrix:
        """Learn the vocabulary and idf from ``idf_units`` (default: ``units``), weigh ``units``.

        :param idf_units: where document frequencies come from, e.g. whole articles when the
            scored units are their single phrasings
        """
        learn_from = idf_units if idf_units is not None else units
        vocabulary = vocabulary_of(learn_from)
        idf_counts = count_matrix(learn_from, vocabulary) if idf_units is not None else None
        counts = count_matrix(units, vocabulary)
        return self.fit_counts(counts, counts if idf_counts is None else idf_counts, vocabulary)

    def fit_counts(
        self,
        counts: sparse.csr_matrix,
        idf_counts: sparse.csr_matrix,
        vocabulary: dict[str, int],
    ) -> TermMatrix:
        """Weigh a units × features count matrix; idf from another (e.g. whole articles)."""
        self.vocabulary_ = vocabulary
        self.n_units_ = counts.shape[0]
        documents = idf_counts.shape[0]
        frequency = np.bincount(idf_counts.indices, minlength=len(vocabulary))
        self.idf_: Floats = (np.log((1 + documents) / (1 + frequency)) + 1).astype(np.float32)
        weighted = sparse.csr_matrix(counts, dtype=np.float32, copy=True)
        weighted.data = np.log(weighted.data) + 1  # sublinear tf
        weighted = weighted @ sparse.diags(self.idf_)
        norms = np.sqrt(np.asarray(weighted.multiply(weighted).sum(axis=1)).ravel())
        norms[norms == 0] = 1
        weighted = sparse.diags(1 / norms) @ weighted
        # Units as rows too, for scoring a few candidate units (``scores_of``).
        self.by_unit_ = sparse.csr_matrix(weighted, dtype=np.float32)
        self.by_unit_.eliminate_zeros()
        # Features as rows: a query reads only the rows of its own features.
        self.by_term_ = sparse.csr_matrix(weighted.T, dtype=np.float32)
        self.by_term_.eliminate_zeros()
        self.by_term_.sort_indices()  # the BM25 weights are laid out in this order
        self.presence_ = self.by_term_.copy()
        self.presence_.data[:] = 1.0
        if self.bm25:
            self.bm25_: Floats = self._bm25_weights(counts)
        return self

    def _bm25_weights(self, counts: sparse.csr_matrix) -> Floats:
        """BM25 weights in ``by_term_``'s order (it holds exactly the non-zero counts)."""
        frequency = np.bincount(counts.indices, minlength=len(self.vocabulary_))
        idf = np.log(1 + (self.n_units_ - frequency + 0.5) / (frequency + 0.5))
        lengths = np.asarray(counts.sum(axis=1)).ravel()
        norm = BM25_K1 * (1 - BM25_B + BM25_B * lengths / max(1e-9, float(lengths.mean())))
        tf = sparse.csr_matrix(counts, dtype=np.float32).tocoo()
        weights = idf[tf.col] * tf.data * (BM25_K1 + 1) / (tf.data + norm[tf.row])
        by_term = sparse.csr_matrix((weights, (tf.col, tf.row)), shape=counts.shape[::-1])
        by_term.sort_indices()
        assert np.array_equal(by_term.indices, self.by_term_.indices)
        out: Floats = by_term.data.astype(np.float32)
        return out

    def weigh(self, features: Sequence[str]) -> tuple[list[int], Floats]:
        """The query's known feature ids and their l2-normalised tf-idf weights."""
        # Counted first (in C), then each distinct feature looked up once: a long message's
        # character n-grams repeat, and most of its words are in the vocabulary.
        vocabulary = self.vocabulary_
        known = [(vocabulary[f], c) for f, c in Counter(features).items() if f in vocabulary]
        if not known:
            return [], np.zeros(0, dtype=np.float32)
        ids = [i for i, _ in known]
        weights = np.array([(1.0 + math.log(c)) for _, c in known], dtype=np.float32)
        weights *= self.idf_[ids]
        weights /= np.linalg.norm(weights)
        return ids, weights

    def coverage(self, features: Sequence[str]) -> Floats:
        """Share of the query's idf mass each unit contains (terms unknown to all count fully).

        Unlike the cosine, this does not punish long units: a long title that contains every word
        of a short question covers it completely.
        """
        distinct = set(features)
        ids = [self.vocabulary_[f] for f in distinct if f in self.vocabulary_]
        if not ids:
            return np.zeros(self.n_units_, dtype=np.float32)
        unseen = len(distinct) - len(ids)
        idf = self.idf_[ids]
        total = float(idf.sum()) + unseen * float(self.idf_.max(initial=1.0))
        return weighted_row_sum(self.presence_, ids, idf / total)

    def scores_of(self, features: Sequence[str], units: npt.NDArray[np.int64]) -> Floats:
        """Cosine of the query with the given units only (cheaper than all when they are few)."""
        ids, weights = self.weigh(features)
        if not ids or not len(units):
            return np.zeros(len(units), dtype=np.float32)
        query = np.zeros(len(self.vocabulary_), dtype=np.float32)
        query[ids] = weights
        indptr, indices, data = self.by_unit_.indptr, self.by_unit_.indices, self.by_unit_.data
        starts = indptr[units]
        lengths = indptr[units + 1] - starts
        total = int(lengths.sum())
        if not total:
            return np.zeros(len(units), dtype=np.float32)
        offsets = np.cumsum(lengths) - lengths
        take = np.arange(total) + np.repeat(starts - offsets, lengths)
        products = data[take] * query[indices[take]]
        sums = np.add.reduceat(products, np.minimum(offsets, total - 1))
        sums[lengths == 0] = 0.0
        return sums.astype(np.float32)

    def scores_and_coverage(self, features: Sequence[str]) -> tuple[Floats, Floats]:
        """``scores`` and ``coverage`` at once: one pass over the query's rows serves both."""
        cosine, covered, _ = self._one_pass(features, bm25=False)
        return cosine, covered

    def scores_coverage_and_bm25(self, features: Sequence[str]) -> tuple[Floats, Floats, Floats]:
        """``scores``, ``coverage`` and BM25 (each distinct feature once) in one pass; needs
        ``bm25=True``."""
        return self._one_pass(features, bm25=True)

    def _one_pass(self, features: Sequence[str], bm25: bool) -> tuple[Floats, Floats, Floats]:
        ids, weights = self.weigh(features)
        zeros = np.zeros(self.n_units_, dtype=np.float32)
        if not ids:
            return zeros, zeros, zeros
        distinct = len(set(features))
        idf = self.idf_[ids]
        total = float(idf.sum()) + (distinct - len(ids)) * float(self.idf_.max(initial=1.0))
        indptr, indices, data = self.by_term_.indptr, self.by_term_.indices, self.by_term_.data
        rows = np.asarray(ids, dtype=np.int64)
        starts = indptr[rows]
        lengths = indptr[rows + 1] - starts
        count = int(lengths.sum())
        if not count:
            return zeros, zeros, zeros
        take = np.arange(count) + np.repeat(starts - (np.cumsum(lengths) - lengths), lengths)
        columns = indices[take]
        cosine = np.bincount(
            columns, weights=data[take] * np.repeat(weights, lengths), minlength=self.n_units_
        )
        covered = np.bincount(
            columns, weights=np.repeat(idf / total, lengths), minlength=self.n_units_
        )
        okapi = (
            np.bincount(columns, weights=self.bm25_[take], minlength=self.n_units_)
            if bm25
            else zeros
        )
        return cosine.astype(np.float32), covered.astype(np.float32), okapi.astype(np.float32)

    def scores(self, features: Sequence[str]) -> Floats:
        """Cosine of the query with every unit (0 where nothing is shared)."""
        ids, weights = self.weigh(features)
        if not ids:
            return np.zeros(self.n_units_, dtype=np.float32)
        return weighted_row_sum(self.by_term_, ids, weights)
