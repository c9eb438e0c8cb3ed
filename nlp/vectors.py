"""A TF-IDF term-by-unit matrix that scores a query by touching only the query's terms.

scikit-learn's ``TfidfVectorizer`` learns the vocabulary and the idf; a query is weighted here
directly, because ``transform`` on one short query costs more than the whole search.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer


def _identity(features: list[str]) -> list[str]:
    return features


def weighted_row_sum(
    matrix: sparse.csr_matrix, rows: Sequence[int], weights: npt.NDArray[np.float32] | None = None
) -> npt.NDArray[np.float32]:
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


class TermMatrix:
    """Cosine similarity of a bag of features against many units (phrasings or articles).

    :param idf_units: the units the idf is learned from (defaults to the scored units)
    """

    def fit(
        self,
        units: Sequence[list[str]],
        idf_units: Sequence[list[str]] | None = None,
    ) -> TermMatrix:
        self.n_units_ = len(units)
        self.vocabulary_: dict[str, int] = {}
        self.idf_: npt.NDArray[np.float32] = np.zeros(0, dtype=np.float32)
        self.by_term_: sparse.csr_matrix = sparse.csr_matrix((0, len(units)), dtype=np.float32)
        self.presence_: sparse.csr_matrix = self.by_term_
        learn_from = idf_units if idf_units is not None else units
        if not any(learn_from) or not any(units):
            return self  # nothing to learn (no phrasing has two words): every query scores 0
        vectorizer = TfidfVectorizer(
            analyzer=_identity, sublinear_tf=True, norm="l2", dtype=np.float32
        )
        vectorizer.fit(learn_from)
        self.vocabulary_ = vectorizer.vocabulary_
        self.idf_ = vectorizer.idf_.astype(np.float32)
        matrix = vectorizer.transform(units)
        # Terms as rows: a query reads only the rows of its own terms.
        self.by_term_ = sparse.csr_matrix(matrix.T, dtype=np.float32)
        self.presence_ = self.by_term_.copy()
        self.presence_.data[:] = 1.0
        return self

    def weigh(self, features: Sequence[str]) -> tuple[list[int], npt.NDArray[np.float32]]:
        """The query's known feature ids and their l2-normalised tf-idf weights."""
        counts = Counter(f for f in features if f in self.vocabulary_)
        if not counts:
            return [], np.zeros(0, dtype=np.float32)
        ids = [self.vocabulary_[f] for f in counts]
        weights = (
            np.array([(1.0 + math.log(c)) for c in counts.values()], dtype=np.float32)
            * self.idf_[ids]
        )
        weights /= np.linalg.norm(weights)
        return ids, weights

    def coverage(self, features: Sequence[str]) -> npt.NDArray[np.float32]:
        """Share of the query's idf mass each unit contains (terms unknown to all count fully).

        Unlike the cosine, this does not punish long units: a long title that contains every word
        of a short question covers it completely.
        """
        distinct = set(features)
        if not distinct:
            return np.zeros(self.n_units_, dtype=np.float32)
        ids = [self.vocabulary_[f] for f in distinct if f in self.vocabulary_]
        unseen = len(distinct) - len(ids)
        idf = self.idf_[ids]
        total = float(idf.sum()) + unseen * float(self.idf_.max(initial=1.0))
        if not ids:
            return np.zeros(self.n_units_, dtype=np.float32)
        return weighted_row_sum(self.presence_, ids, idf / total)

    def scores(self, features: Sequence[str]) -> npt.NDArray[np.float32]:
        """Cosine of the query with every unit (0 where nothing is shared)."""
        ids, weights = self.weigh(features)
        if not ids:
            return np.zeros(self.n_units_, dtype=np.float32)
        return weighted_row_sum(self.by_term_, ids, weights)
