"""What the long-running commands (``faqbot run``, ``faqbot web``) share: the ``--articles``
override, settings from the environment, the log, and start-up failures as one line."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from bot.cli.common import one_line

if TYPE_CHECKING:
    from bot.settings import Settings

__all__ = ["LOG_FORMAT", "articles_override", "read_settings", "serve"]

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

F = TypeVar("F", bound=Callable[..., Any])


def articles_override(command: F) -> F:
    """``--articles DIR``: overrides ``ARTICLES_DIR`` for this run."""
    return click.option(
        "--articles",
        type=click.Path(path_type=Path),
        default=None,
        metavar="DIR",
        help="Knowledge-base folder [default: ARTICLES_DIR, else articles].",
    )(command)


def read_settings(articles: Path | None = None) -> Settings:
    """The settings from the environment and ``.env``; a bad value is one line and exit 1."""
    from pydantic import ValidationError

    from bot.settings import Settings

    try:
        settings = Settings()
    except ValidationError as error:
        raise click.ClickException(one_line(error)) from None
    if articles is not None:
        settings = settings.model_copy(update={"articles_dir": articles})
    return settings


def serve(start: Coroutine[Any, Any, None]) -> None:
    """Run ``start`` (a :mod:`bot.startup` server) until a signal; its start-up failure is one
    line and exit 1, Ctrl+C a quiet exit."""
    from bot.startup import StartupError

    logging.basicConfig(level=logging.INFO, format=LOG_FORMAT)
    # Alembic reports every migration step at INFO; the process's own log is enough.
    logging.getLogger("alembic").setLevel(logging.WARNING)
    # watchfiles says "1 change detected" at INFO; the reloader's own line says what changed.
    logging.getLogger("watchfiles").setLevel(logging.WARNING)
    try:
        asyncio.run(start)
    except StartupError as error:
        raise click.ClickException(str(error)) from None
    except KeyboardInterrupt:
        pass
