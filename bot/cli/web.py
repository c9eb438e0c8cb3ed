"""``faqbot web``: the page for knowledge-base authors and leads (gap report, articles,
phrasings to approve, a question to try), behind a login token."""

from __future__ import annotations

from pathlib import Path

import click

from bot.cli.common import debug_option
from bot.cli.service import articles_override, read_settings, serve
from bot.collector import collections_paused

__all__ = ["web"]
NO_TOKEN = (
    "WEB_TOKEN is not set: choose a long random login token for the page, e.g. "
    "WEB_TOKEN=$(python3 -c 'import secrets; print(secrets.token_urlsafe(24))')"
)


@click.command()
@click.option(
    "--host",
    default=None,
    metavar="HOST",
    help="Address to listen on [default: WEB_HOST, else 127.0.0.1].",
)
@click.option(
    "--port",
    type=click.IntRange(1, 65535),
    default=None,
    metavar="PORT",
    help="TCP port [default: WEB_PORT, else 8081].",
)
@articles_override
@debug_option
def web(host: str | None, port: int | None, articles: Path | None) -> None:
    """Serve the authors' web page: gap report, per-article numbers, phrasings, try a question.

    \b
    Settings come from the environment or .env: WEB_TOKEN (required: the login token),
    DATABASE_URL (the bot's), ARTICLES_DIR, BUSINESS_TIMEZONE, WEB_HOST, WEB_PORT.
    Approved phrasings are written into the articles' files.
    """
    settings = read_settings(articles)
    if settings.web_token is None or not settings.web_token.get_secret_value().strip():
        # Said before the slow imports (aiogram, scikit-learn): at once.
        raise click.ClickException(NO_TOKEN)

    with collections_paused():  # aiogram's models: see bot.collector
        from bot.startup import serve_web

    serve(serve_web(settings, host=host or settings.web_host, port=port or settings.web_port))
