"""The replay benchmark: does learning phrasings from resolved tickets make the bot better?

    .venv/bin/python -m benchmarks.replay [--json]

The RUTUBE set in its zero-shot form (``articles-zero/``: no ``questions:``) is copied to a
temporary folder. Within each article, its ``dev.tsv`` questions are split by order: the first,
third, … are held out, the second, fourth, … are the "history" (so an article with one
question only has it held out). The history is replayed as resolved tickets through the real
path, ``faqbot learn --articles COPY --resolved history.tsv --approve-all`` in a subprocess
(suggestion, de-duplication, approval, front matter written, reload). The held-out half is
then evaluated on three KBs:

* zero-shot: the articles as they are;
* learned: after ``faqbot learn``;
* oracle: every history question pasted into ``questions:`` (:func:`kb.phrasings.add_question`,
  no de-duplication).

The figure that proves the loop is the share of the zero-shot → oracle top-1 gap that learning
recovers (target: at least 80 %). ``dev.tsv`` is never evaluated against ``articles/``, whose
``questions:`` already hold these very questions.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.datasets import SHARED
from bot.evaluation import Case, evaluate, read_cases
from kb import load_folder
from kb.index import Index
from kb.phrasings import add_question
from nlp.lemmas import Lemmatizer

ROOT = Path(__file__).resolve().parents[1]
ARTICLES = SHARED / "rutube_support" / "articles-zero"
CASES = SHARED / "rutube_support" / "dev.tsv"
#: Share of the zero-shot → oracle top-1 gap that learning must recover.
TARGET = 0.8
#: The figures of each KB, in the table's order: (key of ``Report.as_dict()``, label).
FIGURES = (
    ("top1", "top-1"),
    ("auto_answer_precision", "auto-answer precision"),
    ("auto_answer_rate", "auto-answer rate"),
)
SETTINGS = (("zero_shot", "zero-shot"), ("learned", "after learning"), ("oracle", "oracle"))
SUBSETS = (
    ("all", "all articles"),
    ("with_history", "articles that had history"),
    ("without_history", "articles that had none"),
)

#: ``learn(articles, history_tsv) -> counts`` ({"added", "duplicates", "refused", ...}).
Learn = Callable[[Path, Path], dict[str, Any]]


@dataclass(frozen=True)
class Split:
    """The labelled questions of a set, cut in two per article."""

    history: tuple[Case, ...]
    held_out: tuple[Case, ...]


def split_history(cases: Sequence[Case]) -> Split:
    """Alternate each article's questions, in file order: held out, history, held out, …

    Out-of-scope questions (``-``) are all held out: no ticket is resolved with them.

    >>> cases = [Case("a1", "a"), Case("b1", "b"), Case("a2", "a"), Case("a3", "a")]
    >>> split = split_history(cases)
    >>> [c.question for c in split.history], [c.question for c in split.held_out]
    (['a2'], ['a1', 'b1', 'a3'])
    """
    seen: dict[str, int] = {}
    history: list[Case] = []
    held_out: list[Case] = []
    for case in cases:
        if not case.in_scope:
            held_out.append(case)
            continue
        position = seen.get(case.expected, 0)
        seen[case.expected] = position + 1
        (history if position % 2 else held_out).append(case)
    return Split(tuple(history), tuple(held_out))


def gap_recovered(zero: float | None, learned: float | None, oracle: float | None) -> float | None:
    """``(learned - zero) / (oracle - zero)``; None when there is no gap to recover.

    >>> gap_recovered(0.5, 0.68, 0.7)
    0.9
    >>> gap_recovered(0.5, 0.6, 0.5) is None
    True
    """
    if zero is None or learned is None or oracle is None or oracle <= zero:
        return None
    return round((learned - zero) / (oracle - zero), 4)


def learn_with_cli(articles: Path, history: Path) -> dict[str, Any]:
    """``faqbot learn --approve-all --json`` in a subprocess: the path a team would run."""
    command = [sys.executable, "-m", "bot.cli", "learn", "--articles", str(articles)]
    command += ["--resolved", str(history), "--approve-all", "--json"]
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "PYTHONPATH": str(ROOT)}
    env.pop("ARTICLES_DIR", None)
    done = subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, encoding="utf-8", timeout=600
    )
    if done.returncode != 0:
        raise RuntimeError(f"faqbot learn failed ({done.returncode}): {done.stderr.strip()}")
    counts: dict[str, Any] = json.loads(done.stdout)
    return counts


def paste_verbatim(articles: Path, history: Sequence[Case]) -> int:
    """The oracle: each history question written into its article, no de-duplication.

    :returns: how many were written (a question already there word for word is not)
    """
    paths = {a.id: a.path for a in load_folder(articles).catalog if a.path is not None}
    return sum(add_question(paths[case.expected], case.question) for case in history)


def replay(
    articles: Path,
    cases: Path,
    workdir: Path,
    learn: Learn = learn_with_cli,
    lemmatizer: Lemmatizer | None = None,
) -> dict[str, Any]:
    """Split, learn, paste, and evaluate the held-out questions on the three KBs.

    Figures are given for all held-out questions and apart for the articles that had history
    (learning can only add phrasings there) and those that had none (whose questions the
    richer articles may now draw away).

    :param articles: the zero-shot KB; only copies of it under ``workdir`` are written
    :param cases: ``question<TAB>article_id`` labelled questions
    :param workdir: an empty folder for the copies and the history file
    :param learn: how the history is learned (the CLI by default)
    """
    lemmatizer = lemmatizer or Lemmatizer()
    split = split_history(read_cases(cases))
    history = workdir / "history.tsv"
    history.write_text(
        "".join(f"{' '.join(c.question.split())}\t{c.expected}\n" for c in split.history),
        encoding="utf-8",
    )
    copies = {name: workdir / name for name, _ in SETTINGS}
    for copy in copies.values():
        shutil.copytree(articles, copy)
    learned = learn(copies["learned"], history)
    pasted = paste_verbatim(copies["oracle"], split.history)
    learnt = {case.expected for case in split.history}
    subsets = {
        "all": split.held_out,
        "with_history": tuple(c for c in split.held_out if c.expected in learnt),
        "without_history": tuple(c for c in split.held_out if c.expected not in learnt),
    }
    figures: dict[str, dict[str, Any]] = {subset: {} for subset in subsets}
    for name, copy in copies.items():
        loaded = load_folder(copy)
        if loaded.problems:
            raise RuntimeError(f"the {name} KB has problems: {loaded.problems[0]}")
        index = Index.build(loaded.catalog, lemmatizer=lemmatizer)
        for subset, held_out in subsets.items():
            report = evaluate(index, held_out).as_dict()
            figures[subset][name] = {key: report[key] for key, _ in FIGURES}
    for by_kb in figures.values():
        by_kb["gap_recovered"] = {
            key: gap_recovered(*(by_kb[name][key] for name, _ in SETTINGS)) for key, _ in FIGURES
        }
    return {
        "articles": len(load_folder(articles).catalog),
        "history": len(split.history),
        "held_out": {subset: len(held_out) for subset, held_out in subsets.items()},
        "learning": {key: learned.get(key) for key in ("added", "duplicates", "refused")},
        "oracle_pasted": pasted,
        "figures": figures,
        "target": TARGET,
    }


def format_table(result: dict[str, Any]) -> str:
    """The three KBs side by side per group of held-out questions, rates in per cent."""
    learning, held_out = result["learning"], result["held_out"]
    lines = [
        f"Replay benchmark: {result['articles']} articles, zero-shot "
        f"({result.get('kb_path', 'articles-zero')})",
        f"History: {result['history']} questions replayed as resolved tickets: "
        f"{learning['added']} added, {learning['duplicates']} dropped as duplicates, "
        f"{learning['refused']} refused (oracle: {result['oracle_pasted']} pasted verbatim)",
    ]
    rows = (*SETTINGS, ("gap_recovered", "gap recovered"))
    width = max(len(label) for _, label in rows)
    for subset, label in SUBSETS:
        by_kb = result["figures"][subset]
        lines += ["", f"Held-out questions of {label}: {held_out[subset]}"]
        lines.append(f"  {'':<{width}}" + "".join(f"  {name:>22}" for _, name in FIGURES))
        for name, row_label in rows:
            cells = "".join(f"  {_percent(by_kb[name][key]):>22}" for key, _ in FIGURES)
            lines.append(f"  {row_label:<{width}}{cells}")
    lines += ["", verdict(result)]
    return "\n".join(lines)


def verdict(result: dict[str, Any]) -> str:
    """One sentence: the share of the top-1 gap recovered, against the target."""
    figures, target = result["figures"]["all"], result["target"]
    recovered = figures["gap_recovered"]["top1"]
    if recovered is None:
        zero, oracle = figures["zero_shot"]["top1"], figures["oracle"]["top1"]
        return (
            f"The oracle does not beat zero-shot on top-1 over all held-out questions "
            f"({_percent(zero)} → {_percent(oracle)}): there is no top-1 gap to recover."
        )
    met = "met" if recovered >= target else "NOT met"
    return (
        f"Learning recovers {_percent(recovered)} of the zero-shot → oracle top-1 gap "
        f"(target ≥ {_percent(target)}: {met})."
    )


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.1f} %"


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.replay",
        description="Held-out quality before and after learning phrasings from resolved tickets.",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--articles", type=Path, default=ARTICLES, help="(default: %(default)s)")
    parser.add_argument("--cases", type=Path, default=CASES, help="(default: %(default)s)")
    args = parser.parse_args(argv)
    if not (args.articles.is_dir() and args.cases.is_file()):
        parser.exit(1, f"replay set not found: {args.articles}, {args.cases}\n")
    with tempfile.TemporaryDirectory(prefix="faqbot-replay-") as workdir:
        result = replay(args.articles, args.cases, Path(workdir))
    result = {"kb_path": str(args.articles), "cases_path": str(args.cases), **result}
    print(json.dumps(result, ensure_ascii=False) if args.json else format_table(result))


if __name__ == "__main__":
    main()
