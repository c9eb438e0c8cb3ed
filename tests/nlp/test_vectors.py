"""Our TF-IDF is scikit-learn's, computed without importing it at start-up; BM25 is the
textbook's."""

from __future__ import annotations

import math

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


def textbook_bm25(query: list[str], units: list[list[str]], k1: float = 1.2, b: float = 0.75):
    """Okapi BM25 written out term by term (Lucene's idf, which is never negative)."""
    average = sum(len(u) for u in units) / len(units)
    out = []
    for unit in units:
        score = 0.0
        for term in set(query):
            df = sum(term in u for u in units)
            tf = unit.count(term)
            if not tf:
                continue
            idf = math.log(1 + (len(units) - df + 0.5) / (df + 0.5))
            score += idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * len(unit) / average))
        out.append(score)
    return out


@pytest.mark.parametrize("query", [["заказ"], ["скидка", "заказ", "заказ"], ["курьер", "нет"]])
def test_bm25_is_the_textbook_formula(query: list[str]) -> None:
    matrix = TermMatrix(bm25=True).fit(UNITS)
    cosine, covered, bm25 = matrix.scores_coverage_and_bm25(query)
    np.testing.assert_allclose(bm25, textbook_bm25(query, UNITS), rtol=1e-5)
    # The same pass gives the cosine and coverage it gives without BM25.
    np.testing.assert_allclose(cosine, matrix.scores(query), rtol=1e-6)
    np.testing.assert_allclose(covered, matrix.coverage(query), rtol=1e-6)


def test_bm25_saturates_repeats_and_discounts_length_mildly() -> None:
    units = [["карта"], ["карта"] * 3, ["карта", "бонус", "кэшбэк", "лимит"], ["бонус"]]
    scores = TermMatrix(bm25=True).fit(units).scores_coverage_and_bm25(["карта"])[2]
    assert scores[1] > scores[0] > scores[2] > scores[3] == 0
    assert scores[1] < 1.5 * scores[0]  # three times the word, far from three times the score


def test_bm25_of_unknown_words_is_zero() -> None:
    matrix = TermMatrix(bm25=True).fit(UNITS)
    assert not matrix.scores_coverage_and_bm25(["неизвестное"])[2].any()
    assert not matrix.scores_coverage_and_bm25([])[2].any()
