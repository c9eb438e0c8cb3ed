"""Our TF-IDF is scikit-learn's, computed without importing it at start-up."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from nlp.vectors import TermMatrix

UNITS = [
    ["отменить", "заказ", "заказ"],
    ["вернуть", "деньги", "заказ"],
    ["курьер", "опаздывать"],
    ["промокод", "скидка", "скидка", "скидка"],
]


def sklearn_matrix(units: list[list[str]], idf_units: list[list[str]]) -> np.ndarray:
    vectorizer = TfidfVectorizer(analyzer=lambda x: x, sublinear_tf=True, norm="l2")
    vectorizer.fit(idf_units)
    return vectorizer.transform(units).toarray()


def test_weights_equal_scikit_learn() -> None:
    ours = TermMatrix().fit(UNITS).by_term_.T.toarray()
    np.testing.assert_allclose(ours, sklearn_matrix(UNITS, UNITS), rtol=1e-5)


def test_idf_from_other_units_equals_scikit_learn() -> None:
    phrasings = [["отменить", "заказ"], ["деньги", "курьер"]]
    ours = TermMatrix().fit(phrasings, idf_units=UNITS).by_term_.T.toarray()
    np.testing.assert_allclose(ours, sklearn_matrix(phrasings, UNITS), rtol=1e-5)


def test_query_scores_are_cosines() -> None:
    matrix = TermMatrix().fit(UNITS)
    query = ["отменить", "заказ"]
    expected = sklearn_matrix(UNITS, UNITS) @ sklearn_matrix([query], UNITS)[0]
    np.testing.assert_allclose(matrix.scores(query), expected, rtol=1e-5)


def test_coverage_counts_unknown_words_as_missing() -> None:
    matrix = TermMatrix().fit(UNITS)
    covered = matrix.coverage(["курьер", "опаздывать"])
    assert covered[2] == pytest.approx(1.0)
    assert matrix.coverage(["курьер", "неизвестное"])[2] < 1.0


def test_nothing_to_learn_scores_zero() -> None:
    matrix = TermMatrix().fit([[], []])
    assert matrix.scores(["что-то"]).tolist() == [0.0, 0.0]
    assert matrix.coverage(["что-то"]).tolist() == [0.0, 0.0]


def test_fused_pass_equals_separate_scores_and_coverage() -> None:
    matrix = TermMatrix().fit(UNITS)
    for query in (["заказ"], ["скидка", "курьер", "неизвестное"], ["неизвестное"]):
        cosine, covered = matrix.scores_and_coverage(query)
        np.testing.assert_allclose(cosine, matrix.scores(query), rtol=1e-6)
        np.testing.assert_allclose(covered, matrix.coverage(query), rtol=1e-6)


def test_scoring_a_few_units_equals_scoring_all() -> None:
    matrix = TermMatrix().fit(UNITS)
    units = np.array([3, 0, 2], dtype=np.int64)
    query = ["заказ", "скидка"]
    np.testing.assert_allclose(matrix.scores_of(query, units), matrix.scores(query)[units])
