"""Ranking figures and the baselines' out-of-scope rejection at 90 % answered."""

from __future__ import annotations

import pytest

from benchmarks.quality import Result, rank_figures, rejection_at, threshold_keeping
from bot.evaluation import Case


def result(expected: str, ranked: str, score: float, tag: str = "") -> Result:
    return Result(Case("q", expected, tag), tuple(ranked.split()), score)


def test_rank_figures_count_in_scope_only() -> None:
    results = [
        result("a", "a b", 0.9),
        result("a", "b c a", 0.8),
        result("a", "b c d", 0.7),
        result("-", "a", 0.9),
    ]
    assert rank_figures(results) == {
        "top1": round(1 / 3, 4),
        "recall_at_3": round(2 / 3, 4),
        "mrr_at_10": round((1 + 1 / 3) / 3, 4),
    }


@pytest.mark.parametrize(
    ("scores", "answered", "threshold"),
    [
        ([float(s) for s in range(1, 11)], 0.9, 2.0),
        ([float(s) for s in range(1, 21)], 0.9, 3.0),
        ([5.0, 1.0, 3.0], 1.0, 1.0),
        ([2.0, 2.0, 2.0], 0.9, 2.0),
    ],
)
def test_threshold_keeps_the_asked_share_answered(
    scores: list[float], answered: float, threshold: float
) -> None:
    found = threshold_keeping(scores, answered)
    assert found == threshold
    assert sum(s >= found for s in scores) >= answered * len(scores)


def test_rejection_counts_out_of_scope_below_the_threshold() -> None:
    in_scope = [result("a", "a", float(s)) for s in range(1, 11)]  # threshold 2.0
    oos = [result("-", "a", s) for s in (0.5, 1.9, 2.0, 7.0)]
    assert rejection_at(in_scope + oos) == (2.0, 0.5)


def test_rejection_is_none_without_out_of_scope_questions() -> None:
    assert rejection_at([result("a", "a", 1.0)]) == (1.0, None)
