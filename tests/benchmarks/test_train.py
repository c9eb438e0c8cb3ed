"""benchmarks.train: the questions' candidates, with the articles' phrasings or without them."""

from __future__ import annotations

from pathlib import Path

from benchmarks.datasets import Dataset
from benchmarks.train import collect
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
