"""The quality and speed tables render every figure."""

from __future__ import annotations

from benchmarks.report import quality_tables, section, speed_tables

FIGURES = {"top1": 0.9, "recall_at_3": 0.95, "mrr_at_10": 0.92, "oos_rejection_at_90": 0.5}
QUALITY = {
    "sets": {
        "sota": {
            "cases": 3,
            "in_scope": 2,
            "out_of_scope": 1,
            "ours": {
                **FIGURES,
                "auto_answer_rate": 0.5,
                "auto_answer_precision": 1.0,
                "right_article_offered": 1.0,
                "out_of_scope_rejection": 1.0,
                "per_tag": {"typos": {"cases": 2, "accuracy": 1.0}},
            },
            "bm25": {**FIGURES, "top1": 0.5, "per_tag": {"typos": {"cases": 2, "accuracy": 0.5}}},
            "tfidf": {**FIGURES, "top1": 0.6, "per_tag": {}},
        }
    },
    "missing": ["klever"],
    "noise": {"ours": 0.95, "bm25": 0.5, "tfidf": 0.4},
}
ROW = {"size": 1000, "queries": 10, "build_s": 1.0, "p50_ms": 1.0, "p99_ms": 3.0}
MEMORY = {"rss_build_mb": 10.0, "rss_peak_mb": 200.0}
SPEED = {
    "plan": {"bm25_queries": {1000: 5}},
    "rows": [
        {**ROW, **MEMORY, "engine": "ours"},
        {**ROW, **MEMORY, "engine": "tfidf", "p50_ms": 0.5},
        {"engine": "bm25", "size": 1000, "error": "MemoryError"},
    ],
    "cli": {"search": {"median_s": 1.5}, "chat": {"error": "No such command 'chat'."}},
}


def test_quality_tables_show_ours_beside_the_baselines() -> None:
    text = quality_tables(QUALITY)
    assert (
        "| sota | 2 / 1 | 90.0 | 95.0 | 92.0 | 50.0 | 100.0 | 100.0 | 100.0 | 50.0 | 60.0 | +40.0 |"
        in text
    )
    assert "| sota | typos | 2 | 100.0 | 50.0 | – |" in text
    assert "ours **0.95**" in text and "klever" in text


def test_speed_tables_show_ratios_failures_and_targets() -> None:
    text = speed_tables(SPEED)
    assert "| 1 000 | ours | 1.0 | 1.00 | 3.00 | 10.0 | 200.0 | 2.0× | 1.0× | 10 |" in text
    assert "failed: MemoryError" in text
    assert "| CLI start-up: search | ≤ 2 s | 1.50 s | yes |" in text
    assert "n/a (No such command 'chat'.)" in text


def test_section_names_date_and_hardware() -> None:
    hardware = {"cpu": "AMD EPYC", "cores": 2, "python": "3.11.7", "commit": "abc1234"}
    results = {"date": "2026-01-01", "duration_s": 60, "hardware": hardware, "quality": QUALITY}
    text = section({**results, "speed": SPEED})
    assert text.startswith("_2026-01-01, AMD EPYC, 2 cores, Python 3.11.7, commit abc1234")
