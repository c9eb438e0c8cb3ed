"""The speed benchmark's own logic: which row answers a target, and the questions asked."""

from __future__ import annotations

from typing import Any

import pytest

from benchmarks.speed import SHARED, checks, questions

ROW = {"queries": 10, "build_s": 2.0, "p50_ms": 20.0, "p99_ms": 50.0, "rss_peak_mb": 300.0}


def _check(results: dict[str, Any], name: str) -> str:
    (check,) = [c for c in checks(results) if c.name == name]
    return check.measured


def test_hybrid_targets_fall_back_to_stand_in_passages_and_say_so() -> None:
    results = {"rows": [{**ROW, "engine": "hybrid", "size": 10_000}], "cli": {}}
    assert _check(results, "10k: hybrid p99") == "50 ms (stand-in passages)"


def test_hybrid_targets_prefer_the_real_encoder_when_it_ran() -> None:
    rows = [
        {**ROW, "engine": "hybrid", "size": 10_000},
        {**ROW, "engine": "ours", "size": 10_000, "p99_ms": 55.0},
    ]
    assert _check({"rows": rows, "cli": {}}, "10k: hybrid p99") == "55 ms"


def test_a_target_nobody_measured_says_so() -> None:
    assert _check({"rows": [], "cli": {}}, "100k: hybrid p99") == "not measured"


@pytest.mark.skipif(not (SHARED / "rutube_support").exists(), reason="no shared bench data")
def test_questions_are_distinct_so_no_repeat_is_timed_from_a_cache() -> None:
    asked = questions(300)
    assert len(asked) == 300
    assert len(set(asked)) == 300
