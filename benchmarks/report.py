"""Answer quality and speed as Markdown tables: the README section of ``python -m benchmarks``.

Written into the README by :mod:`benchmarks.readme`, the writer every benchmark shares.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from benchmarks.measure import PERCENTILES
from benchmarks.quality import ANSWERED, CLEAN, NOISE_TARGET, NOISY
from benchmarks.speed import LABELS, checks

ENGINE_NAMES = {"ours": "ours", "bm25": "BM25 Snowball", "tfidf": "TF-IDF lemmas"}


def table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A Markdown table; the first column is left-aligned, the others right-aligned.

    >>> print(table(["set", "n"], [["sota", 97]]))
    | set | n |
    |:--|--:|
    | sota | 97 |
    """
    lines = ["| " + " | ".join(header) + " |", "|:--|" + "--:|" * (len(header) - 1)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def pct(value: float | None) -> str:
    """A rate as a percentage with one decimal, or ``–`` when there is nothing to measure.

    >>> pct(0.8766), pct(None)
    ('87.7', '–')
    """
    return "–" if value is None else f"{100 * value:.1f}"


def points(ours: float | None, theirs: float | None) -> str:
    """The difference of two rates in percentage points, signed."""
    if ours is None or theirs is None:
        return "–"
    return f"{100 * (ours - theirs):+.1f}"


def quality_table(quality: Mapping[str, Any]) -> str:
    sets = quality["sets"]
    header = [
        "set", "n (in / out)", "top-1", "R@3", "MRR@10", "auto-answer", "precision",
        "offered", "OOS rejected", "BM25 top-1", "TF-IDF top-1", "vs BM25, pts",
    ]  # fmt: skip
    rows = []
    for name, s in sets.items():
        ours, bm25, tfidf = s["ours"], s["bm25"], s["tfidf"]
        rows.append(
            [
                name,
                f"{s['in_scope']} / {s['out_of_scope']}",
                pct(ours["top1"]),
                pct(ours["recall_at_3"]),
                pct(ours["mrr_at_10"]),
                pct(ours["auto_answer_rate"]),
                pct(ours["auto_answer_precision"]),
                pct(ours["right_article_offered"]),
                pct(ours["out_of_scope_rejection"]),
                pct(bm25["top1"]),
                pct(tfidf["top1"]),
                points(ours["top1"], bm25["top1"]),
            ]
        )
    return table(header, rows)


def baselines_table(quality: Mapping[str, Any]) -> str:
    sets = quality["sets"]
    header = ["set", "engine", "top-1", "R@3", "MRR@10", f"OOS rejected @{ANSWERED:.0%} answered"]
    rows = []
    for name, s in sets.items():
        for engine in ("ours", "bm25", "tfidf"):
            e = s[engine]
            rows.append(
                [
                    name,
                    ENGINE_NAMES[engine],
                    pct(e["top1"]),
                    pct(e["recall_at_3"]),
                    pct(e["mrr_at_10"]),
                    pct(e["oos_rejection_at_90"]),
                ]
            )
    return table(header, rows)


def noise_line(quality: Mapping[str, Any]) -> str:
    ratios = quality.get("noise", {})
    if not ratios:
        return f"Noise robustness: not measured ({NOISY} or {CLEAN} missing)."
    ours = ratios.get("ours")
    verdict = "" if ours is None else (" — met" if ours >= NOISE_TARGET else " — **not met**")
    others = ", ".join(f"{ENGINE_NAMES[e]} {r}" for e, r in ratios.items() if e != "ours")
    return (
        f"Noise robustness, top-1 on `{NOISY}` ÷ top-1 on `{CLEAN}`: ours **{ours}** "
        f"(target ≥ {NOISE_TARGET}{verdict}); {others}."
    )


def tag_table(quality: Mapping[str, Any]) -> str:
    """Per tag of the tagged sets: top-1 (in-scope tags) or rejection (``oos-*`` tags)."""
    sets = quality["sets"]
    rows = []
    for name, s in sets.items():
        tags = s["ours"]["per_tag"]
        if set(tags) <= {"untagged"}:
            continue
        for tag, figures in tags.items():
            row = [name, tag, figures["cases"], pct(figures["accuracy"])]
            for engine in ("bm25", "tfidf"):
                theirs = s[engine]["per_tag"].get(tag, {})
                row.append(pct(theirs.get("accuracy")))
            rows.append(row)
    return table(["set", "tag", "n", "ours", "BM25", "TF-IDF"], rows)


def _ms(row: dict[str, Any], key: str) -> str:
    return f"{float(row[key]):.2f}"


def speed_table(speed: Mapping[str, Any]) -> str:
    rows_in = speed["rows"]
    plain = {r["size"]: r for r in rows_in if r["engine"] == "tfidf" and "error" not in r}
    header = [
        "KB articles", "engine", "build, s", "p50, ms", "p99, ms", "index RSS, MB",
        "peak RSS, MB", "p50 ÷ TF-IDF", "p99 ÷ TF-IDF", "questions",
    ]  # fmt: skip
    rows: list[list[object]] = []
    for r in rows_in:
        size = f"{int(r['size']):,}".replace(",", " ")
        label = LABELS[str(r["engine"])]
        if "error" in r:
            rows.append([size, label, f"failed: {r['error']}", *["–"] * 7])
            continue
        base = plain.get(r["size"])
        ratios = [
            "–" if base is None else f"{float(r[k]) / float(base[k]):.1f}×"
            for k in ("p50_ms", "p99_ms")
        ]
        rows.append(
            [
                size,
                label,
                f"{float(r['build_s']):.1f}",
                _ms(r, "p50_ms"),
                _ms(r, "p99_ms"),
                r["rss_build_mb"],
                r["rss_peak_mb"],
                *ratios,
                r["queries"],
            ]
        )
    return table(header, rows)


def targets_table(speed: Mapping[str, Any]) -> str:
    marks = {True: "yes", False: "**no**", None: "–"}
    return table(
        ["target", "wanted", "measured", "met"],
        [[c.name, c.target, c.measured, marks[c.ok]] for c in checks(speed)],
    )


def quality_tables(quality: Mapping[str, Any]) -> str:
    """Everything about answer quality, for the console and the README."""
    missing = quality.get("missing", [])
    parts = [
        "### Answer quality on the dev sets\n",
        "Ours: ranking on in-scope questions and the answer / clarify / escalate decision on "
        "all of them. Rates in %.\n",
        quality_table(quality),
        "",
        noise_line(quality),
        "",
        f"Classic baselines, and out-of-scope questions rejected by a threshold on each "
        f"engine's best score (ours: the decision's confidence) that keeps "
        f"{ANSWERED:.0%} of in-scope questions answered:\n",
        baselines_table(quality),
        "",
        "<details><summary>Per tag: top-1 (in-scope tags) or rejection (oos-* tags), %</summary>\n",
        tag_table(quality),
        "\n</details>",
    ]
    if missing:
        parts.append(f"\nNot available on this machine: {', '.join(missing)}.")
    return "\n".join(parts)


def speed_tables(speed: Mapping[str, Any]) -> str:
    """Everything about speed and memory, for the console and the README."""
    plan = speed["plan"]
    caps = ", ".join(
        f"{int(size):,} → {n}".replace(",", " ") for size, n in plan["bm25_queries"].items()
    )
    return "\n".join(
        [
            "### Speed and memory on synthetic KBs\n",
            "KBs recombined from the RUTUBE articles (`benchmarks/synthetic.py`); questions are "
            "real RUTUBE ones (about 2/7 from the noisy copy), each timed alone from raw text to "
            "the result after a warm-up, one process per engine and size. Ours includes "
            "analysis, typo repair and the decision. rank_bm25 scores every article in Python, "
            f"so it is asked fewer questions (KB size → questions: {caps}); {PERCENTILES}.\n",
            speed_table(speed),
            "",
            targets_table(speed),
        ]
    )


def section(results: Mapping[str, Any]) -> str:
    """The README section: date, hardware, and all tables of one run."""
    hw = results["hardware"]
    mode = "`python -m benchmarks --quick`" if results.get("quick") else "`python -m benchmarks`"
    if "speed" not in results:
        mode = "`python -m benchmarks --no-speed`"
    parts = [
        f"_{results['date']}, {hw['cpu']}, {hw['cores']} cores, Python {hw['python']}, "
        f"commit {hw['commit'] or 'unknown'}; {mode}, {results['duration_s']} s._\n",
    ]
    if "quality" in results:
        parts.append(quality_tables(results["quality"]))
    if "speed" in results:
        parts += ["", speed_tables(results["speed"])]
    return "\n".join(parts)
