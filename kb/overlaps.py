"""Phrasings two articles share: a customer who writes one could be sent to either.

A title or a ``questions:`` line is how a customer's words reach an article; the same words
under two articles make the engine choose between them by everything else, and the authors'
guide asks for none. Words are compared as a customer's would be read: case, ``ё``,
punctuation and spacing do not count. Repeats inside one article are the validator's
(:mod:`kb.validate`); this looks across articles, once all of them have loaded.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path

from kb.article import Article, Problem

__all__ = ["same_words", "shared_phrasings"]

_NOT_WORD = re.compile(r"[^\w\s]+")


def same_words(text: str) -> str:
    """The text as compared: casefolded, ``ё`` as ``е``, no punctuation, single spaces.

    >>> same_words("Где мой  заказ?!") == same_words("где мой заказ")
    True
    """
    return " ".join(_NOT_WORD.sub(" ", text.casefold().replace("ё", "е")).split())


def shared_phrasings(
    articles: Sequence[tuple[Article, Mapping[str, int]]],
) -> list[Problem]:
    """Every title or question that an earlier article (in the given order) already has.

    :param articles: each article with the file line of each field and list item
        (``"questions[0]"``), as the front matter gave them
    :returns: one problem per repeat, on the later article's line, naming the first
    """
    first: dict[str, tuple[Article, str, int]] = {}
    problems: list[Problem] = []
    for article, line_of in articles:
        mine: set[str] = set()
        for key, name, text in _phrasings(article):
            words = same_words(text)
            if not words or words in mine:
                continue  # a repeat inside the article is the validator's to report
            mine.add(words)
            line = line_of.get(key, line_of.get(key.split("[")[0], article.line))
            owner = first.get(words)
            if owner is None:
                first[words] = (article, name, line)
                continue
            other, other_name, other_line = owner
            problems.append(
                Problem(
                    article.path or Path(article.id),
                    line,
                    f"{name} ({text!r}) repeats {other_name} of '{other.id}' "
                    f"({other.path}:{other_line}): a customer who writes it could get either "
                    "article; keep it in one and give the other words of its own",
                )
            )
    return problems


def _phrasings(article: Article) -> list[tuple[str, str, str]]:
    """(front matter key, how a problem names it, text) of the title and each question."""
    out = [("title", "the title", article.title)]
    out += [
        (f"questions[{i}]", f"'questions' item {i + 1}", q) for i, q in enumerate(article.questions)
    ]
    return out
