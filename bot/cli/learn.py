"""``faqbot learn``: customers' wordings from resolved tickets become phrasings of the articles.

Teams moving from another help desk import their history this way. Each
``question<TAB>article_id`` line goes through the suggestion path the bot uses
(:func:`kb.suggestions.review`: unknown articles and empty questions refused, wordings
near-identical to a phrasing the article has dropped); with ``--approve-all`` the rest are
written into the articles' ``questions:`` (:mod:`kb.phrasings`) and the knowledge base must
load as cleanly as before.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
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
)
from kb import Catalog, load_folder

if TYPE_CHECKING:
    from kb.suggestions import Review, Suggestion

__all__ = ["Resolved", "learn", "parse_resolved"]

STDIN = "-"
_FORMAT = "expected 'question<TAB>article_id'"


@dataclass(frozen=True)
class Resolved:
    """A resolved-tickets file read: the suggestions, and the lines that were not pairs.

    :param malformed: ``(line, message)`` of each line that is not ``question<TAB>article_id``
    """

    suggestions: tuple[Suggestion, ...]
    malformed: tuple[tuple[int, str], ...]


def parse_resolved(text: str, name: str) -> Resolved:
    """Read ``question<TAB>article_id`` lines; blank lines and ``#`` comments are skipped.

    :param text: the whole file
    :param name: the file as the user named it; each suggestion's source is ``name:line``
    """
    from kb.suggestions import Suggestion

    suggestions: list[Suggestion] = []
    malformed: list[tuple[int, str]] = []
    for number, line in enumerate(text.removeprefix("\ufeff").split("\n"), 1):
        line = line.rstrip("\r")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 2:
            found = "no TAB" if len(parts) == 1 else f"{len(parts) - 1} TABs"
            malformed.append((number, f"{_FORMAT}, found {found}"))
        elif not parts[1].strip():
            malformed.append((number, f"{_FORMAT}, the article id is missing"))
        else:
            suggestions.append(Suggestion(parts[1].strip(), parts[0], f"{name}:{number}"))
    return Resolved(tuple(suggestions), tuple(malformed))


@click.command()
@articles_option
@click.option(
    "--resolved",
    "resolved_path",
    required=True,
    metavar="FILE",
    help="Resolved tickets: question<TAB>article_id per line; '-' reads stdin.",
)
@click.option(
    "--approve-all",
    is_flag=True,
    help="Write every accepted phrasing into its article (otherwise they are listed as pending).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the outcome as one JSON object.")
@debug_option
def learn(articles: Path, resolved_path: str, approve_all: bool, as_json: bool) -> None:
    """Learn phrasings from resolved tickets' questions.

    Refused lines (malformed, unknown article id, empty question) are listed on stderr as
    FILE:LINE: reason; they do not stop the rest. Exits with 0 unless FILE cannot be read or
    the knowledge base does not load cleanly after writing.
    """
    from kb.suggestions import review

    name = "<stdin>" if resolved_path == STDIN else resolved_path
    resolved = parse_resolved(_read(resolved_path), name)
    catalog = load_catalog(articles)
    outcome = review(resolved.suggestions, catalog, build_index(catalog).retriever.analyzer)
    refusals = [(line, f"{name}:{line}: {message}") for line, message in resolved.malformed]
    refusals += [(_line(refused.suggestion), str(refused)) for refused in outcome.refused]
    added: list[Suggestion] = []
    already = 0  # accepted, but the file has the same text already (after normalisation)
    if approve_all:
        old_problems = {str(problem) for problem in load_folder(articles).problems}
        added, already, unwritable = _write(outcome, catalog)
        refusals += unwritable
        _check_reload(articles, old_problems, added)
    refusals.sort()
    for _, message in refusals:
        click.echo(message, err=True)
    pending = [] if approve_all else outcome.accepted
    counts = {
        "added": len(added),
        "pending": len(pending),
        "duplicates": len(outcome.duplicates) + already,
        "refused": len(refusals),
    }
    if as_json:
        click.echo(json.dumps({**counts, "refusals": [m for _, m in refusals]}, ensure_ascii=False))
        return
    if approve_all:
        listing = _listing(added, catalog, "Added")
    else:
        listing = _listing(outcome.accepted, catalog, "Pending approval (not written)")
    if listing:
        click.echo(listing + "\n")
    click.echo(_summary(counts, approve_all))


def _read(path: str) -> str:
    try:
        data = _stdin_bytes() if path == STDIN else Path(path).read_bytes()
    except FileNotFoundError:
        raise BadInput(f"file not found: {path}") from None
    except IsADirectoryError:
        raise BadInput(f"{path} is a folder, expected a file of question<TAB>article_id") from None
    except OSError as error:
        raise BadInput(f"cannot read {path}: {error.strerror or error}") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise click.ClickException(
            f"{path}:{line}: not valid UTF-8: save the file as UTF-8"
        ) from None


def _stdin_bytes() -> bytes:
    # Bytes, decoded here: the locale's encoding may not be UTF-8, the file always is.
    return sys.stdin.buffer.read()


def _line(suggestion: Suggestion) -> int:
    return int(suggestion.source.rpartition(":")[2])


def _write(
    outcome: Review, catalog: Catalog
) -> tuple[list[Suggestion], int, list[tuple[int, str]]]:
    """Add each accepted phrasing to its article file.

    :returns: the suggestions written, in order; how many the files had already; and
        ``(line, refusal)`` for each one whose article cannot take it
        (see :class:`kb.phrasings.PhrasingError`)
    """
    from kb.phrasings import PhrasingError, add_question

    written: list[Suggestion] = []
    already = 0
    unwritable: list[tuple[int, str]] = []
    for suggestion in outcome.accepted:
        path = catalog[suggestion.article_id].path
        assert path is not None, "articles loaded from a folder know their file"
        try:
            if add_question(path, suggestion.question):
                written.append(suggestion)
            else:
                already += 1
        except PhrasingError as error:
            unwritable.append((_line(suggestion), f"{suggestion.source}: {error}"))
    return written, already, unwritable


def _check_reload(articles: Path, old_problems: set[str], added: Sequence[Suggestion]) -> None:
    """Load the knowledge base again: no new problem, and every written phrasing in place.

    :raises click.ClickException: listing what is wrong; the files are left for a person
    """
    from nlp.text import normalise

    after = load_folder(articles)
    wrong = [str(problem) for problem in after.problems if str(problem) not in old_problems]
    for suggestion in added:
        article = after.catalog.get(suggestion.article_id)
        questions = {normalise(q) for q in article.questions} if article else set()
        if normalise(" ".join(suggestion.question.split())) not in questions:
            wrong.append(f"{suggestion.source}: the phrasing is not in '{suggestion.article_id}'")
    if wrong:
        raise click.ClickException(
            "the knowledge base does not load cleanly after writing the phrasings "
            "(run 'faqbot check'):\n" + "\n".join(wrong)
        )


def _listing(suggestions: Sequence[Suggestion], catalog: Catalog, heading: str) -> str:
    """``heading``, then each article's new phrasings under its id and title."""
    if not suggestions:
        return ""
    by_article: dict[str, list[Suggestion]] = {}
    for suggestion in suggestions:
        by_article.setdefault(suggestion.article_id, []).append(suggestion)
    n, articles = len(suggestions), len(by_article)
    lines = [
        f"{heading}: {n} {plural_en(n, 'phrasing', 'phrasings')} for {articles} "
        f"{plural_en(articles, 'article', 'articles')}"
    ]
    for article_id, items in by_article.items():
        lines += ["", f"{article_id} «{catalog[article_id].title}»"]
        lines += [f"  - {' '.join(s.question.split())}    ({s.source})" for s in items]
    return "\n".join(lines)


def _summary(counts: dict[str, Any], approve_all: bool) -> str:
    duplicates, refused = counts["duplicates"], counts["refused"]
    rest = (
        f"{duplicates} skipped as {plural_en(duplicates, 'a duplicate', 'duplicates')}, "
        f"{refused} refused"
    )
    if approve_all:
        return f"{counts['added']} added, {rest}."
    pending = counts["pending"]
    hint = " (run with --approve-all to write them)" if pending else ""
    return f"{pending} pending approval{hint}, {rest}."
