"""``faqbot web``'s composition root: settings in, checks, knowledge base, the page served.

Start-up failures are one line each (:class:`bot.__main__.StartupError`): no ``WEB_TOKEN``,
a database that does not answer, a knowledge base with no article, a port taken.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Awaitable, Callable

from aiohttp import web

from bot.__main__ import StartupError, _answers
from bot.db.migrate import upgrade
from bot.db.session import DatabaseUnavailable, check_database, create_engine
from bot.learning import Learning
from bot.settings import Settings, mask_password
from bot.telegram.database import Database
from bot.telegram.reload import Reloader
from bot.web.app import build_app

__all__ = ["reload_after_write", "serve"]

logger = logging.getLogger("bot.web")


def reload_after_write(reloader: Reloader) -> Callable[[], Awaitable[None]]:
    """``Learning(on_written=...)``: serve the written phrasing now, not at the next file event."""

    async def reload() -> None:
        await reloader.reload()

    return reload


async def serve(settings: Settings, *, host: str, port: int) -> None:
    """Check everything, then serve the page until SIGINT or SIGTERM.

    :param settings: read once by the caller; ``WEB_TOKEN`` must be set
    :param host: the address to listen on (``127.0.0.1``: this machine only)
    :param port: the TCP port
    :raises StartupError: a start-up check failed
    """
    token = settings.web_token.get_secret_value() if settings.web_token is not None else ""
    if not token.strip():
        raise StartupError("WEB_TOKEN is not set: the page needs a login token")
    engine = create_engine(settings.database_url)
    runner: web.AppRunner | None = None
    watching: asyncio.Task[None] | None = None
    try:
        try:
            await check_database(engine)
        except DatabaseUnavailable as error:
            raise StartupError(str(error)) from None
        await upgrade(engine)
        answers = _answers(settings)
        db = Database(engine)
        reloader = Reloader(settings.articles_dir, answers)
        learning = Learning(db, answers, on_written=reload_after_write(reloader))
        app = build_app(
            token=token,
            db=db,
            answers=answers,
            learning=learning,
            tz=settings.business_timezone,
        )
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        try:
            await web.TCPSite(runner, host, port).start()
        except OSError as error:
            raise StartupError(
                f"cannot listen on {host}:{port}: {error.strerror or error}"
            ) from None
        if settings.reload_articles:
            watching = asyncio.create_task(reloader.run(), name="reload articles")
        logger.info("database %s", mask_password(settings.database_url))
        logger.info("web page at http://%s:%s/ (log in with WEB_TOKEN)", host, port)
        await _until_stopped()
    finally:
        if watching is not None:
            watching.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watching
        if runner is not None:
            await runner.cleanup()
        await engine.dispose()


async def _until_stopped() -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)
