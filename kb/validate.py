"""Check an article's front matter fields and body, and say what is wrong and where."""

from __future__ import annotations

import datetime
import difflib
import re
from collections.abc import Callable, Mapping
from pathlib import Path

from kb.article import Problem

__all__ = ["FIELDS", "check", "is_valid_id"]

FIELDS = ("id", "title", "category", "tags", "questions")
_ID = re.compile(r"[\w-]+")
_ID_RULE = "letters, digits, '-' and '_' only"

# report(key, message): a problem at the line of ``key``, or at the front matter start.
_Report = Callable[[str, str], None]


def is_valid_id(value: str) -> bool:
    """Whether ``value`` can be an article id: letters, digits, ``-`` and ``_``."""
    return _ID.fullmatch(value) is not None


def check(
    meta: Mapping[str, object],
    path: Path,
    line_of: Mapping[str, int],
    *,
    body: str,
    body_line: int,
    start: int = 1,
) -> list[Problem]:
    """Find every problem in one article, sorted by line.

    :param meta: the front matter fields
    :param path: the article file, for the problems' location (its stem is the default id)
    :param line_of: the file line of each field, and of each list item as ``"tags[0]"``
    :param body: the answer, Markdown
    :param body_line: the file line where the body starts
    :param start: the line of the opening ``---``, for problems about an absent field
    """
    problems: list[Problem] = []

    def report(key: str, message: str) -> None:
        problems.append(Problem(path, line_of.get(key, start), message))

    for key in meta:
        if key not in FIELDS:
            report(key, _unknown(key))
    _check_id(meta, path, report)
    _check_title(meta, report)
    if "category" in meta and not isinstance(meta["category"], str | None):
        report("category", _not_text("category", meta["category"]))
    for key in ("tags", "questions"):
        _check_texts(meta, key, report)
    if not body.strip():
        problems.append(
            Problem(path, body_line, "the answer is empty: write it after the closing '---'")
        )
    return sorted(problems, key=lambda problem: problem.line)


def _check_id(meta: Mapping[str, object], path: Path, report: _Report) -> None:
    if "id" not in meta:
        if not is_valid_id(path.stem):
            report(
                "id",
                f"file name {path.stem!r} cannot be the id: rename the file ({_ID_RULE}) "
                "or set 'id'",
            )
        return
    value = meta["id"]
    if value is None or (isinstance(value, str) and not value.strip()):
        report("id", "'id' is empty: write one, or remove the field to use the file name")
    elif not isinstance(value, str):
        report("id", _not_text("id", value))
    elif not is_valid_id(value):
        report("id", f"id {value!r} has characters that are not allowed: use {_ID_RULE}")


def _check_title(meta: Mapping[str, object], report: _Report) -> None:
    if "title" not in meta:
        report("title", "'title' is required")
        return
    value = meta["title"]
    if value is None or (isinstance(value, str) and not value.strip()):
        report("title", "'title' is empty: write the question or topic the article answers")
    elif not isinstance(value, str):
        report("title", _not_text("title", value))


def _check_texts(meta: Mapping[str, object], key: str, report: _Report) -> None:
    """``tags`` and ``questions``: a list of non-empty texts, or one text."""
    value = meta.get(key)
    if value is None:
        return
    if isinstance(value, str):
        if not value.strip():
            report(key, f"'{key}' is empty: list at least one, or remove the field")
        return
    if not isinstance(value, list):
        report(
            key,
            f"'{key}' must be a list of texts, got {_describe(value)}: "
            "write each on its own line after '- '",
        )
        return
    seen: dict[str, int] = {}
    for index, item in enumerate(value):
        where, name = f"{key}[{index}]", f"'{key}' item {index + 1}"
        if item is None or (isinstance(item, str) and not item.strip()):
            report(where, f"{name} is empty: remove it")
        elif not isinstance(item, str):
            report(where, f"{name} must be text, got {_describe(item)}: put it in quotes")
        elif key == "questions":
            same = " ".join(item.casefold().split())
            if same in seen:
                report(where, f"{name} repeats item {seen[same] + 1} ({item!r}): remove one")
            else:
                seen[same] = index


def _unknown(key: str) -> str:
    match = difflib.get_close_matches(key.lower(), FIELDS, n=1, cutoff=0.6)
    if match:
        return f"unknown field '{key}' (did you mean '{match[0]}'?)"
    return f"unknown field '{key}' (known fields: {', '.join(FIELDS)})"


def _not_text(key: str, value: object) -> str:
    fix = "write one text" if isinstance(value, list | dict) else "put it in quotes"
    return f"'{key}' must be text, got {_describe(value)}: {fix}"


def _describe(value: object) -> str:
    """Name a YAML value the way an author wrote it: ``the number 2024``, ``a list``."""
    if isinstance(value, bool):
        return f"the yes/no value {str(value).lower()}"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, datetime.date):
        return f"the date {value.isoformat()}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a set of fields"
    if value is None:
        return "nothing"
    return repr(value)
