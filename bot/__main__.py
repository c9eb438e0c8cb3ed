"""``python -m bot``: the composition root. Settings, checks, knowledge base, then the bot.

Start-up checks come first and each failure is one line (:class:`StartupError`): a missing or
malformed token, a token Telegram rejects, a Bot API that does not answer, a database that
does not, a knowledge base with no article. ``faqbot run`` is the same thing
(:mod:`bot.cli.run`); ``python -m bot --webhook`` passes its options there.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import signal
import sys
from pathlib import Path
from urllib.parse import urlsplit

from aiogram import Bot
from aiogram.exceptions import TelegramNetworkError, TelegramUnauthorizedError
from aiogram.types import User
from aiogram.utils.token import TokenValidationError
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.db.migrate import upgrade
from bot.db.session import DatabaseUnavailable, check_database, create_engine
from bot.policy import Thresholds
from bot.settings import Settings, mask_password
from bot.telegram.answers import Answers
from bot.telegram.app import App, build_app, make_bot
from bot.telegram.reload import OnProblems, OnReloaded, Reloaded, Reloader

__all__ = ["StartupError", "main", "serve"]

logger = logging.getLogger("bot")

DEFAULT_WEBHOOK_PATH = "/webhook"
REFREEZE_AFTER_S = 60.0
"""After a hot reload, when to reclaim the replaced index: updates that began before the swap
keep it until they end."""


class StartupError(Exception):
    """The bot cannot start; the message is the one line the operator sees."""


async def serve(settings: Settings, *, webhook: bool = False) -> None:
    """Check everything, build the bot and serve until SIGINT or SIGTERM.

    :param settings: read once by the caller
    :param webhook: serve a webhook even if ``WEBHOOK_URL`` is not set (it must be, then)
    :raises StartupError: a start-up check failed
    """
    webhook = webhook or settings.webhook_url is not None
    if webhook:
        _check_webhook_settings(settings)
    bot = _bot(settings)
    engine: AsyncEngine | None = None
    app: App | None = None
    reloading: asyncio.Task[None] | None = None
    try:
        me = await _check_token(bot, settings)
        engine = create_engine(settings.database_url)
        try:
            await check_database(engine)
        except DatabaseUnavailable as error:
            raise StartupError(str(error)) from None
        # Logged only now, so that a failed check is the one line on the screen.
        logger.info("bot @%s (id %s) at %s", me.username, me.id, settings.bot_api_url)
        logger.info("database %s", mask_password(settings.database_url))
        await upgrade(engine)
        answers = _answers(settings)
        app = build_app(settings, answers=answers, engine=engine, bot=bot)
        if settings.reload_articles:
            desk = app.agents_chat
            reloading = _watch_articles(
                settings, answers, on_problems=desk.report_problems if desk else None
            )
        # What start-up built lives as long as the process (the index, aiogram's and
        # pydantic's models: about 300 000 objects). Frozen, a full garbage collection no
        # longer walks it: 170 ms pauses, every few seconds under load, become a few ms.
        gc.collect()
        gc.freeze()
        if webhook:
            await _serve_webhook(app, settings)
        else:
            logger.info("long polling %s", settings.bot_api_url)
            await app.run_polling(handle_signals=True)
    finally:
        if reloading is not None:
            reloading.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await reloading
        if app is not None:
            await app.close()
        else:
            await bot.session.close()
        if engine is not None:
            await engine.dispose()


def _check_webhook_settings(settings: Settings) -> None:
    if settings.webhook_url is None:
        raise StartupError(
            "webhook mode needs WEBHOOK_URL, the public HTTPS address Telegram posts to"
        )
    if settings.webhook_secret is None:
        raise StartupError(
            "webhook mode needs WEBHOOK_SECRET (1-256 of A-Z a-z 0-9 _ -): without it anyone "
            "could post updates to the bot"
        )


def _bot(settings: Settings) -> Bot:
    try:
        return make_bot(settings)
    except TokenValidationError:
        raise StartupError(
            "BOT_TOKEN is malformed: it looks like 123456789:AA..., as @BotFather gives it"
        ) from None
    except ValueError as error:
        raise StartupError(str(error)) from None


async def _check_token(bot: Bot, settings: Settings) -> User:
    try:
        me = await bot.get_me()
    except TelegramUnauthorizedError:
        raise StartupError(
            f"Telegram rejected BOT_TOKEN (401 Unauthorized at {settings.bot_api_url}): "
            "check the token from @BotFather"
        ) from None
    except TelegramNetworkError as error:
        raise StartupError(
            f"the Bot API at {settings.bot_api_url} does not answer: {error}"
        ) from None
    return me


def _answers(settings: Settings) -> Answers:
    from kb import KnowledgeBaseNotFound, load_folder
    from kb.index import Index

    try:
        result = load_folder(settings.articles_dir)
    except KnowledgeBaseNotFound as error:
        raise StartupError(str(error)) from None
    for problem in result.problems:
        logger.warning("article skipped: %s", problem)
    if not len(result.catalog):
        raise StartupError(
            f"no articles in {settings.articles_dir} (ARTICLES_DIR); see 'faqbot check'"
        )
    thresholds = _thresholds(settings.thresholds_path)
    logger.info("%d articles from %s", len(result.catalog), settings.articles_dir)
    return Answers(Index.build(result.catalog), thresholds).warm_up()


def _watch_articles(
    settings: Settings, answers: Answers, *, on_problems: OnProblems | None = None
) -> asyncio.Task[None]:
    """Hot reload in the background: edits of ``ARTICLES_DIR`` are served without a restart.

    :param on_problems: who else hears of a broken edit (the reloader logs it anyway); the
        agents' desk passes the leads' notification here
    """
    reloader = Reloader(
        settings.articles_dir, answers, on_problems=on_problems, on_reloaded=_refreezing()
    )
    return asyncio.create_task(reloader.run(), name="reload articles")


def _refreezing(delay: float = REFREEZE_AFTER_S) -> OnReloaded:
    """After a reload, let the collector reclaim the replaced index, then freeze again.

    ``gc.freeze()`` in :func:`serve` put the start-up index where collections never look,
    and an index holds reference cycles (its analyzer), so a replaced one would stay for good.
    ``delay`` seconds after the last reload: unfreeze, collect, freeze what is live (one
    pause like the start-up one, per burst of reloads).
    """
    pending: asyncio.TimerHandle | None = None

    def refreeze() -> None:
        gc.unfreeze()
        gc.collect()
        gc.freeze()

    async def reloaded(_: Reloaded) -> None:
        nonlocal pending
        if pending is not None:
            pending.cancel()
        pending = asyncio.get_running_loop().call_later(delay, refreeze)

    return reloaded


def _thresholds(path: Path | None) -> Thresholds | None:
    """``THRESHOLDS_PATH``: a JSON object with any of answer, clarify, choices, choice_ratio."""
    if path is None:
        return None
    import json

    try:
        values = json.loads(path.read_text(encoding="utf-8"))
        return Thresholds(**values)
    except (OSError, ValueError, TypeError) as error:
        raise StartupError(f"THRESHOLDS_PATH {path}: {error}") from None


async def _serve_webhook(app: App, settings: Settings) -> None:
    assert settings.webhook_url is not None and settings.webhook_secret is not None
    path = urlsplit(settings.webhook_url).path or DEFAULT_WEBHOOK_PATH
    server = await app.start_webhook(
        secret=settings.webhook_secret.get_secret_value(),
        host=settings.webhook_host,
        port=settings.webhook_port,
        path=path,
        public_url=settings.webhook_url,
    )
    logger.info("webhook %s, listening at %s", mask_password(settings.webhook_url), server.url)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)


def main() -> None:
    """``python -m bot [--webhook] [--articles DIR]``: ``faqbot run`` under another name."""
    from bot.cli import main as cli

    cli(["run", *sys.argv[1:]])


if __name__ == "__main__":
    main()
