"""``faqbot chat``: the dialogue engine in a terminal, tickets in a real database."""

from __future__ import annotations

from pathlib import Path

import click

from bot.cli.common import articles_option, debug_option

__all__ = ["chat"]


@click.command()
@articles_option
@click.option(
    "--database",
    "database_url",
    metavar="URL",
    help="Where tickets go [default: DATABASE_URL, else sqlite+aiosqlite:///faqbot.sqlite3].",
)
@debug_option
def chat(articles: Path, database_url: str | None) -> None:
    """Talk to the bot in the terminal: answers, choices, and tickets for operators.

    Reads questions from the keyboard or a pipe. Type «оператор» to hand a question over;
    /выход, Ctrl-D or Ctrl-C to leave.
    """
    if database_url is not None and "://" not in database_url:
        raise click.BadParameter(
            f"{database_url!r} is not a database URL; e.g. sqlite+aiosqlite:///faqbot.sqlite3",
            param_hint="'--database'",
        )
    # Imported here: the engine loads scikit-learn, and `faqbot --help` should not wait for it.
    from bot.cli.session import talk

    talk(articles, database_url)
