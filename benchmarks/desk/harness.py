"""The bot started and stopped as a process of its own would be: polling, SIGTERM, kill.

``BotProcess`` runs ``build_app`` with long polling on a new engine and tracks every task it
starts, so a stop can end the "process" the way ``asyncio.run`` does at exit. ``Problems``
counts what the bot logged meanwhile.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections import Counter
from contextvars import ContextVar
from typing import Any

from benchmarks.databases import Scratch
from bot.emulator.client import LocalSession
from bot.serving import Answers, Database, Services
from bot.settings import Settings
from bot.telegram import App, build_app

_HANDLERS = frozenset(
    {"Dispatcher._process_update", "Dispatcher._process_with_semaphore", "Lanes._work"}
)
_OWNER: ContextVar[BotProcess | None] = ContextVar("bot_process", default=None)


def owned_task_factory(
    loop: asyncio.AbstractEventLoop, coro: Any, context: Any = None
) -> asyncio.Task[Any]:
    """Tasks know which bot "process" made them: the ones it made inherit its context."""
    task: asyncio.Task[Any] = asyncio.Task(coro, loop=loop, context=context)
    owner = context.get(_OWNER) if context is not None else _OWNER.get()
    if owner is not None:
        owner.tasks.add(task)
    return task


class BotProcess:
    """``build_app`` + long polling on a new engine, as ``faqbot run`` does in a process of
    its own; stopped as on SIGTERM, or killed.

    Every task the bot starts (polling, update handlers, the desk's workers) is tracked, so
    that the end of the "process" can cancel what is left, as ``asyncio.run`` does at exit.
    Install :func:`owned_task_factory` on the loop first.
    """

    def __init__(self, scratch: Scratch, settings: Settings, answers: Answers, api: Any) -> None:
        self.tasks: weakref.WeakSet[asyncio.Task[Any]] = weakref.WeakSet()
        self.engine = scratch.engine()
        services = Services.from_settings(settings, database=Database(self.engine), answers=answers)
        self.app: App = build_app(settings, services, session=LocalSession(api=api))
        token = _OWNER.set(self)
        try:
            self.polling = asyncio.create_task(self.app.run_polling())
        finally:
            _OWNER.reset(token)

    def _running(self) -> list[asyncio.Task[Any]]:
        return [task for task in self.tasks if not task.done()]

    def handling(self) -> int:
        """How many updates the bot is handling now."""
        return len(self._handlers())

    def _handlers(self) -> list[asyncio.Task[Any]]:
        """aiogram's update handlers still running: updates fetched, not yet handled."""
        return [
            t for t in self._running() if getattr(t.get_coro(), "__qualname__", "") in _HANDLERS
        ]

    async def _end(self) -> None:
        tasks = self._running()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        # A late handler's send opens a new HTTP session after close(); the process would end.
        await self.app.bot.session.close()
        await self.engine.dispose()

    async def stop(self) -> int:
        """As ``faqbot run`` on SIGTERM (``app.close()``, the engine disposed), then the
        process exits and whatever still runs is cancelled.

        :returns: update handlers still running once the app was closed
        """
        await self.app.stop()
        await self.polling
        await self.app.close()
        handlers = self._handlers()
        await self.engine.dispose()
        await self._end()
        return len(handlers)

    async def kill(self) -> int:
        """As SIGKILL: everything is cancelled where it is (open transactions roll back, as
        the server does for a dropped connection).

        :returns: update handlers that were running
        """
        handlers = len(self._handlers())
        await self._end()
        return handlers


class Problems(logging.Handler):
    """Counts the bot's warnings and errors by logger and level."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.seen: Counter[str] = Counter()
        self.first: dict[str, str] = {}

    def emit(self, record: logging.LogRecord) -> None:
        key = f"{record.levelname} {record.name}"
        self.seen[key] += 1
        self.first.setdefault(key, record.getMessage()[:160])
