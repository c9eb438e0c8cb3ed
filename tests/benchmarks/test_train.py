"""benchmarks.train: the questions' candidates, with the articles' phrasings or without them."""

from __future__ import annotations

from pathlib import Path

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


def test_the_best_band_answers_the_most_while_at_most_3_percent_are_wrong() -> None:
    # 33 right answers above one wrong one: the band may reach down past it (1 of 34 < 3 %)
    sure = [(0.99 - i / 1000, True, True) for i in range(33)]
    answered = [*sure, (0.5, True, False), (0.4, True, True)]
    assert auto_answer_within(answered, in_scope=40) == 35 / 40
    # a band takes equal confidences whole: a wrong answer tied with a right one comes along
    assert auto_answer_within([(0.9, True, True), (0.9, True, False)], in_scope=2) == 0.0
