"""Load a folder of Markdown articles into a Catalog, collecting every problem on the way.

Exceptions::

    KnowledgeBaseError
    ├── KnowledgeBaseNotFound   the folder is missing or is not a folder (fields: path)
    └── ArticleError            one article has problems (fields: problems)

A broken article is not an exception for :func:`load_folder`: it becomes a
:class:`~kb.article.Problem`, and the caller decides (``faqbot check`` fails, the serving bot
keeps its last good catalog). :mod:`kb.frontmatter` raises ``FrontMatterError``, which the
loader turns into a problem too.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from kb.article import Article, Catalog, Problem
from kb.frontmatter import FrontMatterError, parse
from kb.overlaps import shared_phrasings
from kb.validate import check

__all__ = [
    "ArticleError",
    "KnowledgeBaseError",
    "KnowledgeBaseNotFound",
    "LoadResult",
    "article_paths",
    "keep_last_good",
    "load_folder",
    "parse_article",
]


class KnowledgeBaseError(Exception):
    """Base of the knowledge-base errors."""


class KnowledgeBaseNotFound(KnowledgeBaseError):
    """The knowledge-base folder does not exist, or is not a folder."""

    def __init__(self, path: Path, reason: str = "not found") -> None:
        super().__init__(path, reason)
        self.path = path
        self.reason = reason

    def __str__(self) -> str:
        return f"knowledge base folder {self.reason}: {self.path}"


class ArticleError(KnowledgeBaseError):
    """An article has problems; ``str()`` gives one ``path:line: message`` per line."""

    def __init__(self, problems: tuple[Problem, ...]) -> None:
        super().__init__(problems)
        self.problems = problems

    def __str__(self) -> str:
        return "\n".join(str(problem) for problem in self.problems)


@dataclass(frozen=True)
class LoadResult:
    """The articles that loaded, the problems of those that did not, and what is wrong
    between articles that loaded anyway.

    :param catalog: every article without problems
    :param problems: all problems of all files, sorted by path, then line
    :param warnings: titles or questions two articles share (:mod:`kb.overlaps`), sorted the
        same way: both articles are served, ``faqbot check`` fails on them
    """

    catalog: Catalog
    problems: tuple[Problem, ...] = ()
    warnings: tuple[Problem, ...] = ()

    @property
    def ok(self) -> bool:
        """True when no file had a problem."""
        return not self.problems


def parse_article(text: str, path: str | os.PathLike[str]) -> Article:
    """Read one article from its text.

    :param text: the file's content
    :param path: the file, kept on the article and named in problems; its stem is the
        default id
    :raises ArticleError: with every problem found in the article
    """
    article, _ = _parse(text, Path(path))
    return article


def load_folder(path: str | os.PathLike[str]) -> LoadResult:
    """Load every article under a folder, subfolders included (see :func:`article_paths`).

    Problems of all files are collected; a file with problems is left out of the catalog and
    the rest loads. An id used again is a problem on the later file.

    :param path: the knowledge-base folder
    :raises KnowledgeBaseNotFound: the folder is missing or is not a folder
    """
    folder = Path(path)
    articles: dict[str, Article] = {}
    lines_of: list[tuple[Article, dict[str, int]]] = []
    problems: list[Problem] = []
    for file in article_paths(folder):
        try:
            article, lines = _parse(_read(file), file)
        except ArticleError as error:
            problems.extend(error.problems)
            continue
        first = articles.get(article.id)
        if first is not None:
            message = f"duplicate id '{article.id}', already used by {first.path}:{first.line}"
            problems.append(Problem(file, lines.get("id", article.line), message))
            continue
        articles[article.id] = article
        lines_of.append((article, lines))
    return LoadResult(
        Catalog.of(list(articles.values())),
        tuple(sorted(problems, key=_where)),
        tuple(sorted(shared_phrasings(lines_of), key=_where)),
    )


def _where(problem: Problem) -> tuple[tuple[str, ...], int]:
    return problem.path.parts, problem.line


def keep_last_good(result: LoadResult, served: Catalog) -> LoadResult:
    """``result`` with the served version of every article whose file now has problems.

    The hot reloader's policy: a broken edit of one file keeps that file's last good version
    in service, while the other files' edits go live. A file that is gone is gone, and a new
    file with problems has no last good version. An article kept this way gives up its id to
    a loaded one that now uses it (the problem names both files). The problems are kept, to be
    reported; articles stay in path order.

    :param result: what :func:`load_folder` found now
    :param served: the catalog being served, loaded from the same folder

    >>> from pathlib import Path
    >>> old = Article(id="a", title="A", body="old", path=Path("kb/a.md"))
    >>> broken = LoadResult(Catalog(), (Problem(Path("kb/a.md"), 2, "bad YAML"),))
    >>> [a.body for a in keep_last_good(broken, Catalog.of([old])).catalog]
    ['old']
    """
    broken = {problem.path for problem in result.problems}
    articles = list(result.catalog)
    ids = {article.id for article in articles}
    for article in served:
        if article.path in broken and article.id not in ids:
            articles.append(article)
            ids.add(article.id)
    articles.sort(key=lambda article: article.path.parts if article.path else ())
    return LoadResult(Catalog.of(articles), result.problems, result.warnings)


def article_paths(folder: Path) -> list[Path]:
    """The article files under ``folder``, sorted by their path relative to it.

    Articles are ``*.md`` files. ``README.md`` (any case) and files or folders whose name
    starts with ``.`` or ``_`` are skipped: authors keep their guide and drafts there.

    :raises KnowledgeBaseNotFound: the folder is missing or is not a folder
    """
    if not folder.exists():
        raise KnowledgeBaseNotFound(folder)
    if not folder.is_dir():
        raise KnowledgeBaseNotFound(folder, "is not a folder")
    found: list[Path] = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = [name for name in dirs if not name.startswith((".", "_"))]
        found.extend(Path(root, name) for name in files if _is_article(name))
    return sorted(found, key=lambda file: file.relative_to(folder).parts)


def _is_article(name: str) -> bool:
    lower = name.lower()
    return lower.endswith(".md") and lower != "readme.md" and not name.startswith((".", "_"))


def _read(file: Path) -> str:
    try:
        data = file.read_bytes()
    except OSError as error:
        raise ArticleError((Problem(file, 1, f"cannot read the file: {error.strerror}"),)) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        byte = data[error.start : error.start + 1].hex()
        message = f"not valid UTF-8 (byte 0x{byte} on this line): save the file as UTF-8"
        raise ArticleError((Problem(file, line, message),)) from None


def _parse(text: str, path: Path) -> tuple[Article, dict[str, int]]:
    """The article and the line of each field, or ArticleError."""
    try:
        front = parse(text)
    except FrontMatterError as error:
        raise ArticleError((Problem(path, error.line, error.message),)) from None
    meta = front.meta
    problems = check(meta, path, front.lines, body=front.body, body_line=front.body_line)
    if problems:
        raise ArticleError(tuple(problems))
    article = Article(
        id=_text(meta, "id") or path.stem,
        title=_text(meta, "title"),
        body=front.body,
        category=_text(meta, "category"),
        tags=_texts(meta, "tags"),
        questions=_texts(meta, "questions"),
        path=path,
        line=1,
    )
    return article, front.lines


# After check() the fields have the right types; these only narrow them for mypy.
def _text(meta: Mapping[str, object], key: str) -> str:
    value = meta.get(key)
    return value.strip() if isinstance(value, str) else ""


def _texts(meta: Mapping[str, object], key: str) -> tuple[str, ...]:
    value = meta.get(key)
    items = [value] if isinstance(value, str) else value if isinstance(value, list) else []
    return tuple(item.strip() for item in items if isinstance(item, str))
