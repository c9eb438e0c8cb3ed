"""``faqbot run``: serve customers in Telegram (long polling, or a webhook)."""

from __future__ import annotations

from pathlib import Path

import click

from bot.cli.common import debug_option
from bot.cli.service import articles_override, read_settings, serve
from bot.collector import collections_paused

__all__ = ["run"]


@click.command()
@click.option(
    "--webhook",
    is_flag=True,
    help="Serve a webhook (WEBHOOK_URL, WEBHOOK_SECRET) instead of long polling; "
    "also chosen when WEBHOOK_URL is set.",
)
@click.option(
    "--host",
    default=None,
    metavar="ADDRESS",
    help="Webhook mode: the address to listen on [default: WEBHOOK_HOST, else 127.0.0.1].",
)
@click.option(
    "--port",
    type=click.IntRange(1, 65535),
    default=None,
    help="Webhook mode: the port to listen on [default: WEBHOOK_PORT, else 8080]; "
    "one per replica when several run on one machine.",
)
@articles_override
@debug_option
def run(webhook: bool, host: str | None, port: int | None, articles: Path | None) -> None:
    """Run the Telegram bot: answers, choices, tickets, /status, CSAT.

    \b
    Settings come from the environment or .env: BOT_TOKEN (required), BOT_API_URL,
    DATABASE_URL, REDIS_URL, ARTICLES_DIR, WEBHOOK_URL, WEBHOOK_SECRET, ...
    The database is migrated to the newest schema at start-up.

    \b
    Several replicas behind one WEBHOOK_URL (a reverse proxy in front) share PostgreSQL
    and Redis; each chat is handled by one of them at a time (SHARED_INTAKE):
        faqbot run --webhook --port 8081 & faqbot run --webhook --port 8082
    """
    with collections_paused():  # aiogram's models: see bot.collector
        from bot.startup import serve_bot

    settings = read_settings(articles)
    listen = {"webhook_host": host, "webhook_port": port}
    settings = settings.model_copy(update={k: v for k, v in listen.items() if v is not None})
    serve(serve_bot(settings, webhook=webhook))
