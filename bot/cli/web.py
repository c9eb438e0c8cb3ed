"""``faqbot web``: the page for knowledge-base authors and leads (gap report, articles,
phrasings to approve, a question to try), behind a login token."""

from __future__ import annotations

from pathlib import Path

import click

from bot.cli.common import debug_option

__all__ = ["web"]

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
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
@click.option(
    "--articles",
    type=click.Path(path_type=Path),
    default=None,
    metavar="DIR",
    help="Knowledge-base folder [default: ARTICLES_DIR, else articles].",
)
@debug_option
def web(host: str | None, port: int | None, articles: Path | None) -> None:
    """Serve the authors' web page: gap report, per-article numbers, phrasings, try a question.

    \b
    Settings come from the environment or .env: WEB_TOKEN (required: the login token),
    DATABASE_URL (the bot's), ARTICLES_DIR, BUSINESS_TIMEZONE, WEB_HOST, WEB_PORT.
    Approved phrasings are written into the articles' files.
    """
    import asyncio
    import logging

    from pydantic import ValidationError

    from bot.cli.common import one_line
    from bot.settings import Settings

    try:
        settings = Settings()
    except ValidationError as error:
        raise click.ClickException(one_line(error)) from None
    if settings.web_token is None or not settings.web_token.get_secret_value().strip():
        # Said before the slow imports below (aiogram, scikit-learn): at once.
        raise click.ClickException(NO_TOKEN)

    from bot.startup import StartupError, serve_web

    if articles is not None:
        settings = settings.model_copy(update={"articles_dir": articles})
    logging.basicConfig(level=logging.INFO, format=LOG_FORMAT)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    try:
        asyncio.run(
            serve_web(settings, host=host or settings.web_host, port=port or settings.web_port)
        )
    except StartupError as error:
        raise click.ClickException(str(error)) from None
    except KeyboardInterrupt:
        pass
