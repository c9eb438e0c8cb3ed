"""Answer quality on the shared dev sets: our engine and its decisions beside two classic baselines.

For each set, in one run: our engine through ``bot.evaluation.evaluate`` (ranking and every
decision figure), then BM25 over Snowball stems and plain TF-IDF of lemmas (top-1, recall@3,
MRR@10 on in-scope questions). A baseline has no decision, so its out-of-scope rejection is
measured at the operating point the issue names: a threshold on its best score low enough to
keep 90 % of in-scope questions answered. Ours is also given at that point, on the decision's
confidence, so the three are compared on equal terms.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from benchmarks.baselines import Baseline, LemmaTfidf, SnowballBM25
from benchmarks.datasets import DEV_SETS, Dataset
from bot.evaluation import Case, evaluate, read_cases
from bot.policy import decide
from kb import load_folder
from kb.article import Catalog
from kb.index import Index
from nlp.lemmas import Lemmatizer

#: Share of in-scope questions a baseline's score threshold must keep answered.
ANSWERED = 0.9
#: The set pair whose top-1 ratio shows robustness to noise (target: at least 0.9).
NOISY, CLEAN = "rutube-zero-noisy", "rutube-zero"
NOISE_TARGET = 0.9


@dataclass(frozen=True)
class Result:
    """One engine's answer to one case: ranked ids and the score it would threshold on."""

    case: Case
    ranked: tuple[str, ...]
    score: float


def rank_figures(results: Sequence[Result]) -> dict[str, float | None]:
    """Top-1, recall@3 and MRR@10 over the in-scope cases.

    >>> r = [Result(Case("q", "a"), ("b", "a"), 1.0), Result(Case("q", "c"), ("c",), 1.0)]
    >>> rank_figures(r)
    {'top1': 0.5, 'recall_at_3': 1.0, 'mrr_at_10': 0.75}
    """
    scoped = [r for r in results if r.case.in_scope]
    if not scoped:
        return {"top1": None, "recall_at_3": None, "mrr_at_10": None}
    n = len(scoped)
    top1 = sum(r.ranked[:1] == (r.case.expected,) for r in scoped)
    top3 = sum(r.case.expected in r.ranked[:3] for r in scoped)
    rr = sum(
        1.0 / (r.ranked.index(r.case.expected) + 1)
        for r in scoped
        if r.case.expected in r.ranked[:10]
    )
    return {
        "top1": round(top1 / n, 4),
        "recall_at_3": round(top3 / n, 4),
        "mrr_at_10": round(rr / n, 4),
    }


def threshold_keeping(scores: Sequence[float], answered: float = ANSWERED) -> float | None:
    """The highest threshold that still leaves ``answered`` of ``scores`` at or above it.

    >>> threshold_keeping([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0])
    0.2
    >>> threshold_keeping([0.5, 0.6, 0.7, 0.8], answered=0.75)
    0.6
    """
    if not scores:
        return None
    ordered = sorted(scores)
    drop = len(ordered) - math.ceil(answered * len(ordered))
    return ordered[drop]


def rejection_at(
    results: Sequence[Result], answered: float = ANSWERED
) -> tuple[float | None, float | None]:
    """``(threshold, share of out-of-scope cases scored below it)``; None where a side is empty."""
    threshold = threshold_keeping([r.score for r in results if r.case.in_scope], answered)
    oos = [r.score for r in results if not r.case.in_scope]
    if threshold is None or not oos:
        return threshold, None
    return threshold, round(sum(s < threshold for s in oos) / len(oos), 4)


def per_tag(
    results: Sequence[Result], threshold: float | None
) -> dict[str, dict[str, float | int | None]]:
    """Per tag: top-1 for in-scope cases, rejection at ``threshold`` for out-of-scope ones."""
    tags: dict[str, list[bool]] = {}
    for r in results:
        if r.case.in_scope:
            ok = r.ranked[:1] == (r.case.expected,)
        else:
            ok = threshold is not None and r.score < threshold
        tags.setdefault(r.case.tag or "untagged", []).append(ok)
    return {
        tag: {"cases": len(oks), "accuracy": round(sum(oks) / len(oks), 4)}
        for tag, oks in sorted(tags.items())
    }


def run_baseline(engine: Baseline, cases: Iterable[Case]) -> list[Result]:
    """Each case through a fitted baseline; its score is the best hit's (0 for no hit)."""
    out = []
    for case in cases:
        hits = engine.search(case.question, k=10)
        out.append(Result(case, tuple(i for i, _ in hits), hits[0][1] if hits else 0.0))
    return out


def run_ours(index: Index, cases: Iterable[Case]) -> list[Result]:
    """Each case through our search and decision; its score is the decision's confidence."""
    out = []
    for case in cases:
        ranking = index.search(case.question, k=10)
        confidence = decide(ranking).confidence
        out.append(Result(case, tuple(h.doc_id for h in ranking.hits), confidence))
    return out


def baseline_figures(results: Sequence[Result]) -> dict[str, Any]:
    threshold, rejection = rejection_at(results)
    return {
        **rank_figures(results),
        "oos_rejection_at_90": rejection,
        "threshold_at_90": threshold,
        "per_tag": per_tag(results, threshold),
    }


def measure(catalog: Catalog, cases: Sequence[Case], lemmatizer: Lemmatizer) -> dict[str, Any]:
    """All figures of one set: ours (``evaluate``), ours at the 90 % point, and the baselines."""
    index = Index.build(catalog, lemmatizer=lemmatizer)
    ours = evaluate(index, cases).as_dict()
    ours_at_90 = baseline_figures(run_ours(index, cases))
    ours["oos_rejection_at_90"] = ours_at_90["oos_rejection_at_90"]
    ours["confidence_at_90"] = ours_at_90["threshold_at_90"]
    return {
        "cases": len(cases),
        "in_scope": sum(c.in_scope for c in cases),
        "out_of_scope": sum(not c.in_scope for c in cases),
        "ours": ours,
        "bm25": baseline_figures(run_baseline(SnowballBM25().fit(catalog.articles), cases)),
        "tfidf": baseline_figures(
            run_baseline(LemmaTfidf(lemmatizer).fit(catalog.articles), cases)
        ),
    }


def run(datasets: Sequence[Dataset] = DEV_SETS) -> dict[str, Any]:
    """Every available set (missing ones are listed, not failed), and the noisy/clean ratio."""
    lemmatizer = Lemmatizer()
    sets: dict[str, dict[str, Any]] = {}
    missing = []
    for ds in datasets:
        if not ds.available:
            missing.append(ds.name)
            continue
        sets[ds.name] = measure(load_folder(ds.articles).catalog, read_cases(ds.cases), lemmatizer)
    return {"sets": sets, "missing": missing, "noise": noise_ratios(sets)}


def noise_ratios(sets: dict[str, dict[str, Any]]) -> dict[str, float | None]:
    """Top-1 on the noisy copy over top-1 on the clean questions, per engine."""
    if NOISY not in sets or CLEAN not in sets:
        return {}
    ratios: dict[str, float | None] = {}
    for engine in ("ours", "bm25", "tfidf"):
        noisy = sets[NOISY][engine]["top1"]
        clean = sets[CLEAN][engine]["top1"]
        ratios[engine] = round(noisy / clean, 3) if noisy is not None and clean else None
    return ratios
