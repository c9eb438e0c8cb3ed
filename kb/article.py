"""The knowledge base's values: an article, a problem found while loading, a catalog."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Article:
    """One help article: what customers ask and the answer in Markdown.

    :param id: unique, stable identifier (defaults to the file name's stem)
    :param title: the question or topic as the author titled it
    :param body: the answer, Markdown
    :param category: a section of the help center, free text
    :param tags: keywords
    :param questions: other phrasings customers use for the same need
    :param path: the file it came from (None for articles built in code)
    :param line: the line of ``path`` where the front matter starts
    """

    id: str
    title: str
    body: str
    category: str = ""
    tags: tuple[str, ...] = ()
    questions: tuple[str, ...] = ()
    path: Path | None = None
    line: int = 1


@dataclass(frozen=True)
class Problem:
    """Something wrong in an article file, located at ``path:line``."""

    path: Path
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass(frozen=True)
class Catalog:
    """All articles of one knowledge-base version, in a stable order."""

    articles: tuple[Article, ...] = ()
    _by_id: dict[str, Article] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._by_id.update({a.id: a for a in self.articles})

    @classmethod
    def of(cls, articles: Sequence[Article]) -> Catalog:
        return cls(tuple(articles))

    def get(self, article_id: str) -> Article | None:
        return self._by_id.get(article_id)

    def __getitem__(self, article_id: str) -> Article:
        return self._by_id[article_id]

    def __contains__(self, article_id: object) -> bool:
        return article_id in self._by_id

    def __iter__(self) -> Iterator[Article]:
        return iter(self.articles)

    def __len__(self) -> int:
        return len(self.articles)

    def example_question(self) -> str | None:
        """A question this knowledge base answers, worded as a customer would ask it, for hints
        («например: …»): the first article's first phrasing, or its title. None if empty."""
        if not self.articles:
            return None
        first = self.articles[0]
        return _as_example(first.questions[0] if first.questions else first.title)

    def example_problem(self) -> str | None:
        """A problem told as a customer tells it, for the hint to a complaint with no object
        («не работает» — «например: …»): the first phrasing or title, in article order, that
        says what does not work («Не приходит код»). The example question if none does."""
        for article in self.articles:
            for text in (*article.questions, article.title):
                words = text.casefold().split()
                if len(words) > 1 and words[0] in _TROUBLE_OPENERS:
                    return _as_example(text)
        return self.example_question()


#: How a problem is told first: «Не приходит код», «Нет связи с машиной».
_TROUBLE_OPENERS = frozenset({"не", "нет"})


def _as_example(text: str) -> str | None:
    text = text.strip().rstrip("?!.… ")
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        text = text[0].lower() + text[1:]  # «Как начать поездку» → «как начать…», not «RUTUBE»
    return text or None
