"""Words of the articles that the engine reads as typos of the knowledge base's own words.

The engine reads a rare word no dictionary knows, one edit from a word the KB uses often, as
that word (:func:`nlp.analyzer.kb_slips`): «пороль» in one article is «пароль». That is right
for customers' phrasings, which keep their spelling, and usually right for an author's slip;
``faqbot check`` names the author's own (titles, tags, bodies: not ``questions:``, which are
customers' words) so they can be fixed, or told apart from a real word the dictionary lacks.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from kb.article import Article, Catalog
from nlp.analyzer import kb_slips
from nlp.lemmas import Lemmatizer
from nlp.text import normalise
from nlp.tokens import words_of

__all__ = ["Slip", "find_slips"]


@dataclass(frozen=True)
class Slip:
    """A word the engine reads as another, where an author wrote it first."""

    path: Path | None
    line: int
    word: str
    meant: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.path else f"line {self.line}"
        return f"{where}: «{self.word}» is read as «{self.meant}»"


def _words(text: str) -> list[str]:
    return words_of(normalise(text))


def _authored(article: Article) -> Iterable[str]:
    return (article.title, " ".join(article.tags), article.body)


def find_slips(catalog: Catalog, lemmatizer: Lemmatizer) -> list[Slip]:
    """Each slip in the authors' own text, once per article, where it first occurs."""
    words: Counter[str] = Counter(
        w
        for article in catalog
        for text in (*_authored(article), *article.questions, article.category)
        for w in _words(text)
    )
    slips = kb_slips(words, lemmatizer)
    if not slips:
        return []
    found = []
    for article in catalog:
        own = {w for text in _authored(article) for w in _words(text)}
        for word in sorted(own & slips.keys()):
            found.append(Slip(article.path, _line_of(article, word), word, slips[word]))
    return found


def _line_of(article: Article, word: str) -> int:
    """The first line of the article's file that has ``word`` (its front matter's if none)."""
    if article.path is None:
        return article.line
    try:
        lines = article.path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return article.line
    for number, line in enumerate(lines[article.line - 1 :], article.line):
        if word in _words(line):
            return number
    return article.line
