"""The ``faqbot`` command line: one module per command, registered here.

Commands import what they need when they run (scikit-learn, SQLAlchemy, aiogram), so
``faqbot --help`` and ``faqbot check`` stay quick and ``faqbot chat`` prompts at once. A new
command is a module with a ``click.Command`` and one line in ``COMMANDS``.
"""

from __future__ import annotations

from collections.abc import Sequence

import click

from bot.cli.chat import chat
from bot.cli.check import check
from bot.cli.common import Group, debug_option
from bot.cli.evaluate import eval_command
from bot.cli.gaps import gaps
from bot.cli.learn import learn
from bot.cli.run import run
from bot.cli.search import search
from bot.cli.web import web

__all__ = ["COMMANDS", "cli", "main"]

COMMANDS: tuple[click.Command, ...] = (chat, search, eval_command, check, run, learn, gaps, web)


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@debug_option
def cli() -> None:
    """Self-service FAQ bot: chat with it, search and evaluate the knowledge base, check articles.

    \b
    faqbot chat                              talk to the bot on articles/
    faqbot search "как завершить поездку"    what the bot finds and decides
    faqbot eval --cases dev.tsv              quality on labelled questions
    faqbot check                             lint the articles
    faqbot run                               serve customers in Telegram
    faqbot gaps --since 30d                  what the knowledge base is missing
    faqbot web                               the authors' page: gaps, articles, phrasings
    """


for _command in COMMANDS:
    cli.add_command(_command)


def main(argv: Sequence[str] | None = None) -> None:
    """Run ``faqbot`` (the console script); exits with the command's status.

    :param argv: arguments without the program name; ``sys.argv[1:]`` when omitted
    """
    cli.main(args=list(argv) if argv is not None else None, prog_name="faqbot")
