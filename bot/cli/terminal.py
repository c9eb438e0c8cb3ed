"""The terminal side of the chat: reading the customer's lines and printing the bot's texts."""

from __future__ import annotations

import sys
from typing import IO, Any

import click

from bot.cli.common import is_terminal
from bot.texts import Texts

__all__ = ["PROMPT", "Terminal"]

PROMPT = "> "


class Terminal:
    """Lines in, texts out, with the prompt ``> ``.

    From a keyboard it reads with line editing (``readline``); from a pipe it echoes each line
    after the prompt, so the output reads like the conversation it was.

    :param texts: renders ``templates/cli/<name>.txt.j2``
    :param stdin: the customer's side; ``sys.stdin`` when omitted
    """

    def __init__(self, texts: Texts, stdin: IO[str] | None = None) -> None:
        self.texts = texts
        self.stdin = stdin if stdin is not None else sys.stdin
        self.interactive = is_terminal(self.stdin)
        if self.interactive:
            import readline  # noqa: F401 - importing it gives input() history and line editing

    def read(self) -> str | None:
        """The next line without its line break; ``None`` at the end of input (Ctrl-D)."""
        if self.interactive:
            try:
                return input(PROMPT)
            except EOFError:
                click.echo()
                return None
        click.echo(PROMPT, nl=False)
        line = self.stdin.readline()
        if not line:
            click.echo()
            return None
        line = line.rstrip("\r\n")
        click.echo(line)
        return line

    def say(self, name: str, /, **context: Any) -> None:
        """Print the text of ``templates/cli/<name>.txt.j2``, then an empty line."""
        self.show(self.texts.plain(f"cli/{name}", **context))

    def show(self, text: str) -> None:
        """Print ``text`` as it is, then an empty line."""
        click.echo(text)
        click.echo()
