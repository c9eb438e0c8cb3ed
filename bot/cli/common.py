"""What every ``faqbot`` command shares: the ``--articles`` option, loading the KB, errors.

Errors::

    click.ClickException        exit 1, one line "Error: ..." (click prints it)
    └── BadInput                exit 2: a folder or file named on the command line is missing

Anything else a command raises becomes one ``Error:`` line and exit 1 in :class:`Group`;
``--debug`` shows the traceback instead.
"""

from __future__ import annotations

import errno
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, TypeVar

import click

from kb import Catalog, KnowledgeBaseNotFound, load_folder
from kb.loader import article_paths

if TYPE_CHECKING:
    from kb.index import Index

__all__ = [
    "BadInput",
    "Group",
    "articles_option",
    "build_index",
    "debug_option",
    "is_debug",
    "is_terminal",
    "load_catalog",
    "one_line",
    "open_input",
    "plural_en",
    "warn",
]

F = TypeVar("F", bound=Callable[..., Any])
_DEBUG = "faqbot.debug"


class BadInput(click.ClickException):
    """A path given on the command line does not exist: a usage error, one line, exit 2."""

    exit_code = 2


class Group(click.Group):
    """Commands that never show a traceback unless ``--debug`` is given."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as error:
            # click's main() quietly handles output piped into `head`: let the EPIPE through.
            broken_pipe = isinstance(error, OSError) and error.errno == errno.EPIPE
            if broken_pipe or ctx.meta.get(_DEBUG):
                raise
            message = f"{one_line(error)} (run with --debug for the traceback)"
            raise click.ClickException(message) from error


def one_line(error: BaseException) -> str:
    """``Type: first line of the message``; a settings error names its first bad variable
    (pydantic puts every field on lines of its own)."""
    from pydantic import ValidationError

    if isinstance(error, ValidationError) and error.errors():
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"]).upper() or "settings"
        return f"invalid setting {where}: {first['msg']}"
    lines = str(error).strip().splitlines()
    return f"{type(error).__name__}: {lines[0]}" if lines else type(error).__name__


def _set_debug(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value:
        ctx.meta[_DEBUG] = True


def is_debug() -> bool:
    """Whether ``--debug`` was given to the running command."""
    ctx = click.get_current_context(silent=True)
    return bool(ctx is not None and ctx.meta.get(_DEBUG))


def debug_option(command: F) -> F:
    """``--debug``: show the traceback of an unexpected error (before or after the command)."""
    return click.option(
        "--debug",
        is_flag=True,
        expose_value=False,
        is_eager=True,
        callback=_set_debug,
        help="Show the full traceback of an unexpected error.",
    )(command)


def articles_option(command: F) -> F:
    """``--articles DIR``, from ``ARTICLES_DIR`` or ``articles`` when not given."""
    return click.option(
        "--articles",
        "articles",
        type=click.Path(path_type=Path),
        envvar="ARTICLES_DIR",
        show_envvar=True,
        default="articles",
        show_default=True,
        metavar="DIR",
        help="Knowledge-base folder of Markdown articles.",
    )(command)


def warn(message: str) -> None:
    """One line on stderr, for the person at the terminal, never on the data stream."""
    click.echo(f"Warning: {message}", err=True)


def load_catalog(folder: Path) -> Catalog:
    """The articles that load; broken files are skipped with a warning.

    :raises BadInput: the folder is missing
    :raises click.ClickException: no article loaded at all
    """
    try:
        result = load_folder(folder)
    except KnowledgeBaseNotFound as error:
        raise BadInput(str(error)) from None
    if result.problems:
        files = len({problem.path for problem in result.problems})
        warn(
            f"{files} article {plural_en(files, 'file', 'files')} with problems skipped; "
            f"run 'faqbot check --articles {folder}' for details"
        )
    if not len(result.catalog):
        raise click.ClickException(f"no articles in {folder}: {_why_empty(folder)}")
    return result.catalog


def _why_empty(folder: Path) -> str:
    if article_paths(folder):
        return "every article file has problems (see 'faqbot check')"
    return "articles are *.md files with YAML front matter (see articles/README.md)"


def build_index(catalog: Catalog) -> Index:
    """The searchable index (imports scikit-learn: about a second, so only when needed)."""
    from kb.index import Index

    return Index.build(catalog)


def open_input(path: str) -> IO[str]:
    """A text file to read line by line, ``-`` for stdin.

    :raises BadInput: the file is missing or unreadable
    """
    if path == "-":
        return sys.stdin
    try:
        return open(path, encoding="utf-8", newline="")
    except FileNotFoundError:
        raise BadInput(f"file not found: {path}") from None
    except IsADirectoryError:
        raise BadInput(f"{path} is a folder, expected a file") from None
    except OSError as error:
        raise BadInput(f"cannot read {path}: {error.strerror or error}") from None


def plural_en(n: int, one: str, many: str) -> str:
    """``one`` for 1, ``many`` otherwise: the English the summaries speak."""
    return one if n == 1 else many


def is_terminal(stream: IO[str]) -> bool:
    """Whether ``stream`` is an interactive terminal (not a pipe or a file)."""
    try:
        return os.isatty(stream.fileno())
    except (AttributeError, OSError, ValueError):
        return False
