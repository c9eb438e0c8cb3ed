"""``faqbot eval``: ranking and decision quality on a file of labelled questions."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from bot.cli.common import (
    BadInput,
    articles_option,
    build_index,
    debug_option,
    load_catalog,
    plural_en,
    warn,
)

if TYPE_CHECKING:
    from bot.evaluation import Case
    from kb import Catalog

__all__ = ["eval_command", "format_report"]

#: (key of ``Report.as_dict()``, label, what the rate is of); ``None`` key: a section heading.
ROWS: tuple[tuple[str | None, str, str], ...] = (
    (None, "Ranking (in-scope questions)", ""),
    ("top1", "top-1", "right article first"),
    ("recall_at_3", "recall@3", "right article in the first three"),
    ("mrr_at_10", "MRR@10", "mean 1/rank of the right article"),
    (None, "Decisions", ""),
    ("auto_answer_rate", "auto-answer rate", "in-scope questions answered on their own"),
    ("auto_answer_precision", "auto-answer precision", "answers that were right"),
    ("wrong_answer_rate", "wrong-answer rate", "all questions answered wrongly"),
    ("clarify_rate", "clarify rate", "all questions answered with choices"),
    ("clarify_contains_right", "right article in choices", "in-scope clarifications"),
    ("wrong_answer_with_right_related", "right article beside", "wrong in-scope answers"),
    (
        "right_article_offered",
        "right article offered",
        "in scope: answered, beside the answer or among choices",
    ),
    ("escalate_rate", "escalate rate", "all questions handed to people"),
    ("out_of_scope_rejection", "out-of-scope rejection", "out-of-scope questions not answered"),
)
_MISSING_SHOWN = 10


@click.command("eval")
@articles_option
@click.option(
    "--cases",
    "cases_path",
    required=True,
    type=click.Path(path_type=Path),
    metavar="TSV",
    help="Labelled questions: question<TAB>expected_id[<TAB>tag], '-' for out of scope.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the report as one JSON object.")
@debug_option
def eval_command(articles: Path, cases_path: Path, as_json: bool) -> None:
    """Measure the engine on labelled questions.

    Prints top-1, recall@3, MRR@10, how often the bot answers on its own and how precisely,
    how often it asks to clarify or hands over, out-of-scope rejection and accuracy per tag.
    """
    from bot.evaluation import evaluate

    cases = _read(cases_path)
    catalog = load_catalog(articles)
    _warn_missing(cases, catalog)
    report = evaluate(build_index(catalog), cases).as_dict()
    if as_json:
        paths = {"kb_path": str(articles), "cases_path": str(cases_path)}
        click.echo(json.dumps({**report, **paths}, ensure_ascii=False))
        return
    click.echo(format_report(report, articles=articles, cases=cases_path, kb_size=len(catalog)))


def _read(path: Path) -> list[Case]:
    from bot.evaluation import CasesError, read_cases

    if not path.exists():
        raise BadInput(f"cases file not found: {path}")
    if path.is_dir():
        raise BadInput(f"{path} is a folder, expected a cases file (TSV)")
    try:
        return read_cases(path)
    except CasesError as error:
        raise click.ClickException(f"{path}: {error}") from None
    except UnicodeDecodeError:
        raise click.ClickException(f"{path}: not valid UTF-8: save the file as UTF-8") from None


def _warn_missing(cases: list[Case], catalog: Catalog) -> None:
    missing = [case for case in cases if case.in_scope and case.expected not in catalog]
    if not missing:
        return
    listed = ", ".join(f"{case.expected} (line {case.line})" for case in missing[:_MISSING_SHOWN])
    more = len(missing) - _MISSING_SHOWN
    if more > 0:
        listed += f" and {more} more"
    n = len(missing)
    warn(
        f"{n} {plural_en(n, 'case expects an article', 'cases expect articles')} not in the "
        f"knowledge base, counted as misses: {listed}"
    )


def format_report(report: dict[str, Any], *, articles: Path, cases: Path, kb_size: int) -> str:
    """The report as an aligned table, rates in per cent (MRR as a fraction)."""
    total, in_scope, out = report["cases"], report["in_scope"], report["out_of_scope"]
    lines = [
        f"Knowledge base  {articles} ({kb_size} {plural_en(kb_size, 'article', 'articles')})",
        f"Cases           {cases} ({total}: {in_scope} in scope, {out} out of scope)",
    ]
    width = max(len(label) for key, label, _ in ROWS if key)
    for key, label, meaning in ROWS:
        if key is None:
            lines += ["", label]
            continue
        value = report[key]
        shown = _fraction(value) if key == "mrr_at_10" else _percent(value)
        lines.append(f"  {label:<{width}}  {shown:>7}   {meaning}")
    per_tag: dict[str, dict[str, Any]] = report["per_tag"]
    if per_tag:
        tag_width = max(len("tag"), *(len(tag) for tag in per_tag))
        lines += ["", "Accuracy per tag (top-1 in scope, rejection out of scope)"]
        lines.append(f"  {'tag':<{tag_width}}  {'cases':>5}  {'accuracy':>8}")
        for tag, row in per_tag.items():
            accuracy = _percent(row["accuracy"])
            lines.append(f"  {tag:<{tag_width}}  {row['cases']:>5}  {accuracy:>8}")
    return "\n".join(lines)


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.1f} %"


def _fraction(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"
