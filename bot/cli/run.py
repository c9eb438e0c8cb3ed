"""``faqbot run``: serve customers in Telegram (long polling, or a webhook)."""

from __future__ import annotations

from pathlib import Path

import click

from bot.cli.common import debug_option
from bot.cli.service import articles_override, read_settings, serve

__all__ = ["run"]


@click.command()
@click.option(
    "--webhook",
    is_flag=True,
    help="Serve a webhook (WEBHOOK_URL, WEBHOOK_SECRET) instead of long polling; "
    "also chosen when WEBHOOK_URL is set.",
)
@articles_override
@debug_option
def run(webhook: bool, articles: Path | None) -> None:
    """Run the Telegram bot: answers, choices, tickets, /status, CSAT.

    \b
    Settings come from the environment or .env: BOT_TOKEN (required), BOT_API_URL,
    DATABASE_URL, REDIS_URL, ARTICLES_DIR, WEBHOOK_URL, WEBHOOK_SECRET, ...
    The database is migrated to the newest schema at start-up.
    """
    from bot.startup import serve_bot

    settings = read_settings(articles)
    serve(serve_bot(settings, webhook=webhook))
