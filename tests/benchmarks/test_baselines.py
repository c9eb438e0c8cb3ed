"""The classic baselines put the obvious article first and score like their textbook form."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from benchmarks.baselines import LemmaTfidf, SnowballBM25, document_text, words
from kb.article import Article
from nlp.lemmas import Lemmatizer

KB = [
    Article("fuel", "Как заправить машину", "Топливная карта лежит в бардачке.", tags=("топливо",)),
    Article("fine", "Штраф за парковку", "Оплатите штраф в приложении в течение 20 дней."),
    Article("card", "Привязать банковскую карту", "Добавьте карту в профиле приложения."),
    Article(
        "finish",
        "Как завершить поездку",
        "Припаркуйтесь в зоне завершения и нажмите «Завершить».",
        questions=("не могу закончить аренду",),
    ),
]


@pytest.fixture(scope="module")
def lemmatizer() -> Lemmatizer:
    return Lemmatizer()


@pytest.fixture(params=["bm25", "tfidf"])
def engine(request: pytest.FixtureRequest, lemmatizer: Lemmatizer) -> SnowballBM25 | LemmaTfidf:
    if request.param == "bm25":
        return SnowballBM25().fit(KB)
    return LemmaTfidf(lemmatizer).fit(KB)


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("как оплатить штраф за парковку", "fine"),
        ("где заправить машину", "fuel"),
        ("как привязать карту", "card"),
        ("как завершить поездку", "finish"),
        ("не могу закончить аренду", "finish"),  # a customer's phrasing from `questions`
    ],
)
def test_obvious_article_ranks_first(
    engine: SnowballBM25 | LemmaTfidf, question: str, expected: str
) -> None:
    hits = engine.search(question, k=3)
    assert hits[0][0] == expected
    assert [s for _, s in hits] == sorted((s for _, s in hits), reverse=True)


def test_nothing_shared_gives_no_hits(engine: SnowballBM25 | LemmaTfidf) -> None:
    assert engine.search("кто выиграл чемпионат мира по футболу", k=3) == []
    assert engine.search("", k=3) == []


def test_empty_kb_answers_nothing(lemmatizer: Lemmatizer) -> None:
    assert SnowballBM25().fit([]).search("штраф", k=3) == []
    assert LemmaTfidf(lemmatizer).fit([]).search("штраф", k=3) == []


def test_tfidf_scores_are_scikit_learn_cosines(lemmatizer: Lemmatizer) -> None:
    question = "штраф за парковку в приложении, штраф большой"
    ours = dict(LemmaTfidf(lemmatizer).fit(KB).search(question, k=len(KB)))
    reference = TfidfVectorizer(analyzer=LemmaTfidf(lemmatizer).lemmas)
    matrix = reference.fit_transform([document_text(a) for a in KB])
    cosines = (matrix @ reference.transform([question]).T).toarray().ravel()
    expected = {a.id: c for a, c in zip(KB, cosines, strict=True) if c > 0}
    assert ours.keys() == expected.keys()
    assert np.allclose([ours[k] for k in expected], list(expected.values()), atol=1e-6)


def test_words_fold_case_and_yo() -> None:
    assert words("Ещё ВОПРОС про «Тариф-2»") == ["еще", "вопрос", "про", "тариф", "2"]
