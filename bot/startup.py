"""The composition root: settings in, start-up checks, the services built once, a front end run.

``faqbot run`` (:func:`serve_bot`) and ``faqbot web`` (:func:`serve_web`) start here, and only
here: this module imports every floor and no module imports it but the command line.

Start-up checks come first and each failure is one line (:class:`StartupError`): a missing or
malformed token, a token Telegram rejects, a Bot API that does not answer, a database that
does not, a knowledge base with no article, a port taken.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import json
import logging
import signal
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from aiogram import Bot
from aiogram.exceptions import TelegramNetworkError, TelegramUnauthorizedError
from aiogram.fsm.storage.memory import SimpleEventIsolation
from aiogram.types import User
from aiogram.utils.token import TokenValidationError
from aiohttp import web

from bot.collector import collections_paused
from bot.db.migrate import upgrade
from bot.db.session import DatabaseUnavailable, check_database, create_engine
from bot.policy import Thresholds
from bot.serving import Answers, Database, OnReloaded, Reloaded, Reloader, Services
from bot.settings import Settings, mask_password
from bot.telegram.app import App, build_app, make_bot
from bot.telegram.chat_locks import ChatLocks
from bot.telegram.shared_intake import SharedIntake
from kb import KnowledgeBaseNotFound, load_folder
from kb.index import Index
from nlp.embedding_cache import both, progress_bar, progress_log

__all__ = ["StartupError", "load_answers", "serve_bot", "serve_web"]

logger = logging.getLogger("bot")

DEFAULT_WEBHOOK_PATH = "/webhook"
REFREEZE_AFTER_S = 60.0
"""After a hot reload, when to reclaim the replaced index: updates that began before the swap
keep it until they end."""


class StartupError(Exception):
    """The process cannot start; the message is the one line the operator sees."""


@dataclass(frozen=True)
class Started:
    """What :func:`started` built: the services, and the reloader that keeps them current."""

    services: Services
    reloader: Reloader


@contextlib.asynccontextmanager
async def started(settings: Settings) -> AsyncIterator[Started]:
    """Check the database, migrate it, load the knowledge base, build the services once.

    The engine is disposed of when the block ends.

    :raises StartupError: the database does not answer, or there is no article to serve
    """
    engine = create_engine(settings.database_url, connections=settings.pool_connections())
    try:
        try:
            await check_database(engine)
        except DatabaseUnavailable as error:
            raise StartupError(str(error)) from None
        await upgrade(engine)
        answers = load_answers(settings)
        logger.info("database %s", mask_password(settings.database_url))
        reloader = Reloader(settings.articles_dir, answers, on_reloaded=_refreezing())
        services = Services.from_settings(
            settings,
            database=Database(engine),
            answers=answers,
            # An approved phrasing is served at once, not at the next file event.
            on_written=reloader.reload,
        )
        yield Started(services, reloader)
    finally:
        await engine.dispose()


async def serve_bot(settings: Settings, *, webhook: bool = False) -> None:
    """Check everything, build the bot and serve customers until SIGINT or SIGTERM.

    :param settings: read once by the caller
    :param webhook: serve a webhook even if ``WEBHOOK_URL`` is not set (it must be, then)
    :raises StartupError: a start-up check failed
    """
    webhook = webhook or settings.webhook_url is not None
    if webhook:
        _check_webhook_settings(settings)
    with collections_paused() as resume:
        bot = _bot(settings)
        built = False
        try:
            me = await _check_token(bot, settings)
            async with started(settings) as ready:
                # Logged only now, so that a failed check is the one line on the screen.
                logger.info("bot @%s (id %s) at %s", me.username, me.id, settings.bot_api_url)
                app = build_app(settings, ready.services, bot=bot)
                built = True
                try:
                    if app.agents_chat is not None:
                        ready.reloader.on_problems = app.agents_chat.report_problems
                    async with _watching(settings, ready.reloader):
                        # What start-up built lives as long as the process (the index,
                        # aiogram's and pydantic's models: about 300 000 objects). Frozen, a
                        # full collection no longer walks it: 170 ms pauses, every few seconds
                        # under load, become a few ms.
                        resume()
                        if webhook:
                            await _serve_webhook(app, settings, ready.services.database)
                        else:
                            logger.info("long polling %s", settings.bot_api_url)
                            await app.run_polling(handle_signals=True)
                finally:
                    # Before the engine goes: the updates in hand still write to the database.
                    await app.close()
        finally:
            if not built:
                await bot.session.close()


async def serve_web(settings: Settings, *, host: str, port: int) -> None:
    """Check everything, then serve the authors' and leads' page until SIGINT or SIGTERM.

    :param settings: read once by the caller; ``WEB_TOKEN`` must be set
    :param host: the address to listen on (``127.0.0.1``: this machine only)
    :param port: the TCP port
    :raises StartupError: a start-up check failed
    """
    token = settings.web_token.get_secret_value() if settings.web_token is not None else ""
    if not token.strip():
        raise StartupError("WEB_TOKEN is not set: the page needs a login token")
    # Imported here: the page's reports pull in clustering (half a second) the bot never needs.
    with collections_paused() as resume:
        from bot.web.app import build_app as build_web_app

        async with started(settings) as ready:
            app = build_web_app(token=token, services=ready.services)
            runner = web.AppRunner(app, access_log=None)
            await runner.setup()
            try:
                try:
                    await web.TCPSite(runner, host, port).start()
                except OSError as error:
                    raise StartupError(
                        f"cannot listen on {host}:{port}: {error.strerror or error}"
                    ) from None
                async with _watching(settings, ready.reloader):
                    resume()  # as in serve_bot: what start-up built lives for good
                    logger.info("web page at http://%s:%s/ (log in with WEB_TOKEN)", host, port)
                    await _until_stopped()
            finally:
                await runner.cleanup()


def load_answers(settings: Settings) -> Answers:
    """The knowledge base in ``ARTICLES_DIR``, indexed and warmed up.

    :raises StartupError: no such folder, or no article in it
    """
    try:
        result = load_folder(settings.articles_dir)
    except KnowledgeBaseNotFound as error:
        raise StartupError(str(error)) from None
    for problem in result.problems:
        logger.warning("article skipped: %s", problem)
    for warning in result.warnings:
        logger.warning("served, but: %s", warning)
    if not len(result.catalog):
        raise StartupError(
            f"no articles in {settings.articles_dir} (ARTICLES_DIR); see 'faqbot check'"
        )
    thresholds = _thresholds(settings.thresholds_path)
    logger.info("%d articles from %s", len(result.catalog), settings.articles_dir)
    # A service has no terminal for the bar: a first build of a large KB logs its progress.
    progress = both(progress_bar(), progress_log(logger))
    return Answers(Index.build(result.catalog, progress=progress), thresholds).warm_up()


@contextlib.asynccontextmanager
async def _watching(settings: Settings, reloader: Reloader) -> AsyncIterator[None]:
    """Hot reload in the background while the block runs, if ``RELOAD_ARTICLES`` is on."""
    if not settings.reload_articles:
        yield
        return
    task = asyncio.create_task(reloader.run(), name="reload articles")
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


def _refreezing(delay: float = REFREEZE_AFTER_S) -> OnReloaded:
    """After a reload, let the collector reclaim the replaced index, then freeze again.

    ``gc.freeze()`` in :func:`serve_bot` put the start-up index where collections never look,
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


def _thresholds(path: Path | None) -> Thresholds | None:
    """``THRESHOLDS_PATH``: a JSON object with any of answer, clarify, choices, choice_ratio,
    related, beside."""
    if path is None:
        return None
    try:
        values = json.loads(path.read_text(encoding="utf-8"))
        return Thresholds(**values)
    except (OSError, ValueError, TypeError) as error:
        raise StartupError(f"THRESHOLDS_PATH {path}: {error}") from None


async def _serve_webhook(app: App, settings: Settings, database: Database) -> None:
    assert settings.webhook_url is not None and settings.webhook_secret is not None
    path = urlsplit(settings.webhook_url).path or DEFAULT_WEBHOOK_PATH
    intake = await _shared_intake(app, settings, database)
    try:
        try:
            server = await app.start_webhook(
                secret=settings.webhook_secret.get_secret_value(),
                host=settings.webhook_host,
                port=settings.webhook_port,
                path=path,
                public_url=settings.webhook_url,
            )
        except OSError as error:
            raise StartupError(
                f"cannot listen on {settings.webhook_host}:{settings.webhook_port}: "
                f"{error.strerror or error}"
            ) from None
        logger.info(
            "webhook %s, listening at %s%s",
            mask_password(settings.webhook_url),
            server.url,
            ", sharing the chats with other replicas" if intake is not None else "",
        )
        await _until_stopped()
    finally:
        if intake is not None:
            # In this order: no chat taken any more, the updates in hand finished, and only
            # then the chats given back (a replica taking one must not meet this one's lane).
            await intake.close()
            await app.stop()
            await intake.locks.close()


async def _shared_intake(app: App, settings: Settings, database: Database) -> SharedIntake | None:
    """The chats shared with other replicas (``SHARED_INTAKE``; unset: on for PostgreSQL), or
    None for a process that handles every update it stores."""
    postgres = database.engine.dialect.name == "postgresql"
    if settings.shared_intake is False or (settings.shared_intake is None and not postgres):
        return None
    if not postgres:
        raise StartupError(
            "SHARED_INTAKE needs PostgreSQL in DATABASE_URL: replicas take chats with its "
            "advisory locks"
        )
    locks = await ChatLocks.connect(database.engine.url, prefix=str(app.bot.id))
    intake = SharedIntake(locks, database, app.bot, app.receiver.lanes.put)
    app.receiver.gate = intake
    # A chat is handled by one replica at a time, its updates one by one (the lanes), so
    # aiogram's per-conversation Redis lock adds two round trips per update and nothing else;
    # after a replica is killed, its locks would hold those chats up for 60 s.
    app.dispatcher.fsm.events_isolation = SimpleEventIsolation()
    intake.start()
    return intake


async def _until_stopped() -> None:
    """Wait for SIGINT or SIGTERM."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)
