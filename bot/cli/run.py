"""``faqbot run``: serve customers in Telegram (long polling, or a webhook)."""

from __future__ import annotations

from pathlib import Path

import click

from bot.cli.common import debug_option

__all__ = ["run"]

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


@click.command()
@click.option(
    "--webhook",
    is_flag=True,
    help="Serve a webhook (WEBHOOK_URL, WEBHOOK_SECRET) instead of long polling; "
    "also chosen when WEBHOOK_URL is set.",
)
@click.option(
    "--articles",
    type=click.Path(path_type=Path),
    default=None,
    metavar="DIR",
    help="Knowledge-base folder [default: ARTICLES_DIR, else articles].",
)
@debug_option
def run(webhook: bool, articles: Path | None) -> None:
    """Run the Telegram bot: answers, choices, tickets, /status, CSAT.

    \b
    Settings come from the environment or .env: BOT_TOKEN (required), BOT_API_URL,
    DATABASE_URL, REDIS_URL, ARTICLES_DIR, WEBHOOK_URL, WEBHOOK_SECRET, ...
    The database is migrated to the newest schema at start-up.
    """
    import asyncio
    import logging

    from pydantic import ValidationError

    from bot.cli.handover import one_line
    from bot.settings import Settings
    from bot.startup import StartupError, serve_bot

    try:
        settings = Settings()
    except ValidationError as error:
        raise click.ClickException(one_line(error)) from None
    if articles is not None:
        settings = settings.model_copy(update={"articles_dir": articles})
    logging.basicConfig(level=logging.INFO, format=LOG_FORMAT)
    # Alembic reports every migration step at INFO; the bot's own log is enough.
    logging.getLogger("alembic").setLevel(logging.WARNING)
    # watchfiles says "1 change detected" at INFO; the reloader's own line says what changed.
    logging.getLogger("watchfiles").setLevel(logging.WARNING)
    try:
        asyncio.run(serve_bot(settings, webhook=webhook))
    except StartupError as error:
        raise click.ClickException(str(error)) from None
    except KeyboardInterrupt:
        pass
