"""benchmarks.train: the questions' candidates, with the articles' phrasings or without them."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from benchmarks.datasets import Dataset
from benchmarks.train import auto_answer_within, collect
from nlp.fusion import LEXICAL
from nlp.lemmas import Lemmatizer


def write_kb(folder: Path) -> Dataset:
    articles = folder / "articles"
    articles.mkdir()
    (articles / "engine.md").write_text(
        "---\nid: engine\ntitle: Двигатель не запускается\nquestions:\n"
        "  - тачка не заводится\n---\nПроверьте заряд аккумулятора.\n",
        encoding="utf-8",
    )
    (articles / "pay.md").write_text(
        "---\nid: pay\ntitle: Как оплатить поездку\n---\nКартой в приложении.\n",
        encoding="utf-8",
    )
    cases = folder / "dev.tsv"
    cases.write_text("тачка не заводится\tengine\n", encoding="utf-8")
    return Dataset("tiny", articles, cases)


def test_without_phrasings_the_questions_words_no_longer_reach_the_article(
    tmp_path: Path,
) -> None:
    ds = write_kb(tmp_path)
    lemmatizer = Lemmatizer()
    cover = LEXICAL.index("cover_phrasing")

    def covered(phrasings: bool) -> float:
        (question,) = collect(ds, lemmatizer, log=lambda _: None, phrasings=phrasings)
        candidates = question.lexical
        assert candidates is not None
        row = [question.ids[i] for i in candidates.ids].index("engine")
        return float(candidates.lexical[row, cover])

    assert covered(phrasings=True) == 1.0  # every word of the question is in a phrasing
    assert covered(phrasings=False) < 0.5  # only «не» is left in the title


def write_customers_kb(folder: Path) -> Dataset:
    """Articles whose phrasings are the very questions asked (RUTUBE's ``articles/``)."""
    articles = folder / "articles"
    articles.mkdir()
    (articles / "engine.md").write_text(
        "---\nid: engine\ntitle: Двигатель не запускается\nquestions:\n"
        "  - тачка не заводится\n  - мотор молчит утром\n---\nПроверьте аккумулятор.\n",
        encoding="utf-8",
    )
    (articles / "pay.md").write_text(
        "---\nid: pay\ntitle: Как оплатить поездку\nquestions:\n  - чем платить\n---\n"
        "Картой в приложении.\n",
        encoding="utf-8",
    )
    cases = folder / "dev.tsv"
    cases.write_text(
        "тачка не заводится\tengine\nмотор молчит утром\tengine\nчем платить\tpay\n"
        "как взломать соседа\t-\n",
        encoding="utf-8",
    )
    return Dataset("customers", articles, cases, own_phrasings=True)


def test_a_question_that_is_a_phrasing_is_asked_of_the_articles_without_it(
    tmp_path: Path,
) -> None:
    ds = write_customers_kb(tmp_path)
    cover = LEXICAL.index("cover_phrasing")

    def coverage_of_engine(ds: Dataset) -> list[float]:
        questions = collect(ds, Lemmatizer(), log=lambda _: None)
        assert [q.case.question for q in questions][:2] == [
            "тачка не заводится",
            "мотор молчит утром",
        ]
        out = []
        for question in questions[:2]:
            candidates = question.lexical
            assert candidates is not None
            row = [question.ids[i] for i in candidates.ids].index("engine")
            out.append(float(candidates.lexical[row, cover]))
        return out

    # Asked as a plain set, each question finds itself among the phrasings.
    assert coverage_of_engine(dataclasses.replace(ds, own_phrasings=False)) == [1.0, 1.0]
    # Asked without itself, only the title and the other phrasing are left to match.
    assert all(c < 0.5 for c in coverage_of_engine(ds))


def test_a_question_that_is_no_phrasing_of_its_article_is_refused(tmp_path: Path) -> None:
    ds = write_customers_kb(tmp_path)
    ds.cases.write_text("машина глохнет\tengine\n", encoding="utf-8")
    with pytest.raises(ValueError, match="машина глохнет.*engine"):
        collect(ds, Lemmatizer(), log=lambda _: None)


def test_the_best_band_answers_the_most_while_at_most_3_percent_are_wrong() -> None:
    # 33 right answers above one wrong one: the band may reach down past it (1 of 34 < 3 %)
    sure = [(0.99 - i / 1000, True, True) for i in range(33)]
    answered = [*sure, (0.5, True, False), (0.4, True, True)]
    assert auto_answer_within(answered, in_scope=40) == 35 / 40
    # a band takes equal confidences whole: a wrong answer tied with a right one comes along
    assert auto_answer_within([(0.9, True, True), (0.9, True, False)], in_scope=2) == 0.0
