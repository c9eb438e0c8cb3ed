"""The replay benchmark's machinery: a deterministic split, and learning that helps a toy KB."""

from __future__ import annotations

import doctest
import json
from pathlib import Path

import pytest

import benchmarks.replay
from benchmarks.replay import format_table, gap_recovered, main, replay, split_history
from bot.evaluation import Case

ARTICLES = {
    "parking.md": "---\nid: parking\ntitle: Где завершить аренду\n---\n"
    "Завершить аренду можно в зелёной зоне на карте приложения.\n",
    "fuel.md": "---\nid: fuel\ntitle: Заправка машины\n---\n"
    "Заправляйте машину топливной картой, она лежит в бардачке.\n",
    "tariffs.md": "---\nid: tariffs\ntitle: Тарифы\ntags:\n- цены\n---\n"
    "Поминутный тариф стоит 10 рублей в минуту, суточный — 2000 рублей.\n",
}
# Held out: 1st, 3rd, ... of each article; history: 2nd, 4th, ... The customers' words
# ("кинуть тачку", "бензин", "АЗС") are not in the articles: only learning brings them in.
CASES = """\
Можно кинуть тачку у подъезда?\tparking
Чем оплатить бензин на АЗС?\tfuel
Можно кинуть тачку у офиса?\tparking
Сколько стоит минута?\ttariffs
Чем платить за бензин на АЗС\tfuel
Тарифы!\ttariffs
"""


@pytest.fixture
def toy(tmp_path: Path) -> tuple[Path, Path]:
    kb = tmp_path / "kb"
    kb.mkdir()
    for name, text in ARTICLES.items():
        (kb / name).write_text(text, encoding="utf-8")
    cases = tmp_path / "dev.tsv"
    cases.write_text(CASES, encoding="utf-8")
    return kb, cases


def cases(*pairs: str) -> list[Case]:
    return [Case(f"q{i}", expected, line=i) for i, expected in enumerate(pairs, 1)]


@pytest.mark.parametrize(
    ("expected", "history", "held_out"),
    [
        (["a"], [], [1]),  # one question: held out
        (["a", "a"], [2], [1]),
        (["a", "a", "a", "a", "a"], [2, 4], [1, 3, 5]),
        (["a", "b", "a", "b", "b", "a"], [3, 4], [1, 2, 5, 6]),  # per article, not overall
        (["a", "-", "a", "-"], [3], [1, 2, 4]),  # out of scope: always held out
    ],
)
def test_each_articles_questions_alternate_held_out_then_history(
    expected: list[str], history: list[int], held_out: list[int]
) -> None:
    split = split_history(cases(*expected))
    assert [c.line for c in split.history] == history
    assert [c.line for c in split.held_out] == held_out


def test_the_split_is_the_same_every_time() -> None:
    labelled = cases(*"abcabcaabbcc")
    assert split_history(labelled) == split_history(list(labelled))
    split = split_history(labelled)
    assert sorted(c.line for c in (*split.history, *split.held_out)) == list(range(1, 13))


@pytest.mark.parametrize(
    ("zero", "learned", "oracle", "recovered"),
    [
        (0.5, 0.7, 0.7, 1.0),
        (0.5, 0.5, 0.7, 0.0),
        (0.5, 0.65, 0.7, 0.75),
        (0.5, 0.4, 0.7, -0.5),
        (0.5, 0.6, 0.5, None),  # the oracle gains nothing: no gap
        (0.5, 0.6, 0.4, None),
        (None, 0.6, 0.7, None),
    ],
)
def test_gap_recovered(
    zero: float | None, learned: float, oracle: float, recovered: float | None
) -> None:
    assert gap_recovered(zero, learned, oracle) == recovered


def test_learning_through_the_cli_improves_the_toy_kb(
    toy: tuple[Path, Path], tmp_path: Path
) -> None:
    kb, labelled = toy
    before = {p.name: p.read_bytes() for p in kb.iterdir()}
    work = tmp_path / "work"
    work.mkdir()

    result = replay(kb, labelled, work)

    assert {p.name: p.read_bytes() for p in kb.iterdir()} == before  # the source is never written
    assert (result["history"], result["held_out"]["all"]) == (3, 3)
    # "Тарифы!" is the title again: dropped by learning, pasted by the oracle.
    assert result["learning"] == {"added": 2, "duplicates": 1, "refused": 0}
    assert result["oracle_pasted"] == 3
    figures = result["figures"]["with_history"]
    assert figures["zero_shot"]["top1"] < figures["learned"]["top1"] == 1.0
    assert figures["learned"] == figures["oracle"]
    assert result["figures"]["all"]["gap_recovered"]["top1"] == 1.0
    learned = (work / "learned" / "parking.md").read_text(encoding="utf-8")
    assert "questions:\n  - Можно кинуть тачку у офиса?\n---" in learned
    table = format_table(result)
    assert "Learning recovers 100.0 % of the zero-shot → oracle top-1 gap" in table
    assert "target ≥ 80.0 %: met" in table


def test_the_command_prints_json(
    toy: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    kb, labelled = toy
    main(["--articles", str(kb), "--cases", str(labelled), "--json"])
    result = json.loads(capsys.readouterr().out)
    assert result["kb_path"] == str(kb)
    assert set(result["figures"]["all"]) == {"zero_shot", "learned", "oracle", "gap_recovered"}
    assert set(result["figures"]["all"]["learned"]) == {
        "top1",
        "auto_answer_precision",
        "auto_answer_rate",
    }


def test_docstring_examples() -> None:
    failed, tried = doctest.testmod(benchmarks.replay)
    assert tried and not failed
