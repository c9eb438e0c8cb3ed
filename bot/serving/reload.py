"""Hot reload of the knowledge base: watch the folder, rebuild in a thread, swap atomically.

The running bot keeps serving while authors edit ``articles/``::

    reloader = Reloader(settings.articles_dir, app.answers, on_problems=tell_leads)
    task = asyncio.create_task(reloader.run())
    ...
    task.cancel()

After each batch of changes (:func:`kb.watch.watch_articles`) the folder's
:func:`~kb.fingerprint.fingerprint` is compared with the last one seen; only a real change
loads the folder and builds an index, in a worker thread (about a second on the demo KB), so
the event loop goes on answering. The new :class:`~bot.serving.answers.Version` replaces the
old one in a single assignment (:meth:`Answers.replace`).

Broken edits, the policy: **a broken file keeps its last good version in service**, file by
file (:func:`kb.loader.keep_last_good`). If ``a.md`` gets a YAML error while ``b.md`` gets a
new phrasing, ``b.md``'s edit goes live and ``a.md`` is served as it was before the bad save;
a new file with problems is left out until fixed. Every problem is reported as
``file:line: message``, to the log and to ``on_problems``. A folder that vanishes, or that no
longer holds any article, keeps the whole last good version serving, and says so. ``faqbot
check`` stays the strict gate, for commits and CI.

A problem list is reported when it differs from the one reported before (the first check
reports the problems the served version was loaded with), so the leads' chat hears of each
breakage once, not at every save of another file; an empty list says the problems are fixed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from bot.serving.answers import Answers, Version
from kb.article import Catalog
from kb.fingerprint import fingerprint
from kb.index import Index
from kb.loader import KnowledgeBaseNotFound, keep_last_good, load_folder
from kb.watch import DEBOUNCE_MS, POLL_INTERVAL_S, STEP_MS, watch_articles
from nlp.lemmas import Lemmatizer

__all__ = ["OnProblems", "OnReloaded", "Reloaded", "Reloader"]

logger = logging.getLogger("bot.reload")

_T = TypeVar("_T")

OnProblems = Callable[[Sequence[str]], Awaitable[None]]
"""Told the problems of the articles whenever they differ from the last ones told, each
``file:line: message``, while the last good version serves; an empty list: all fixed."""
OnReloaded = Callable[["Reloaded"], Awaitable[None]]
"""Told that a new version is being served, and what changed."""


@dataclass(frozen=True)
class Reloaded:
    """What one reload changed.

    :param articles: articles served now
    :param seconds: loading and indexing time
    :param added: ids new in this version
    :param changed: ids whose article changed
    :param removed: ids no longer served
    :param kept: ids served from their last good version, their file being broken now
    :param problems: the problems found, ``file:line: message``
    """

    articles: int
    seconds: float
    added: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    kept: tuple[str, ...] = ()
    problems: tuple[str, ...] = ()

    def __str__(self) -> str:
        parts = [
            f"{name} {', '.join(ids)}"
            for name, ids in (
                ("changed", self.changed),
                ("added", self.added),
                ("removed", self.removed),
                ("kept last good", self.kept),
            )
            if ids
        ]
        detail = f": {'; '.join(parts)}" if parts else ""
        return f"reloaded {self.articles} articles in {self.seconds:.2f} s{detail}"


@dataclass(frozen=True)
class _Outcome:
    """What the worker thread made: a version to serve (or none), and the problems."""

    version: Version | None
    problems: tuple[str, ...]
    broken: frozenset[Path]
    seconds: float
    warnings: tuple[str, ...] = ()


class Reloader:
    """Keeps ``answers`` serving the newest good version of the articles in ``folder``.

    :param folder: the knowledge-base folder ``answers`` was loaded from (the same path, so
        that problems and kept articles name the same files)
    :param answers: the shared answers whose version is replaced
    :param on_problems: awaited with the problems of a broken edit; the agents' desk passes
        one that tells the leads
    :param on_reloaded: awaited after each swap
    :param step_ms: quiet time that ends a batch of file events
    :param debounce_ms: the longest a batch grows
    :param poll_interval: seconds between fingerprint checks when no event comes
    :param force_polling: poll files instead of OS events (``None``: watchfiles decides)
    """

    def __init__(
        self,
        folder: str | os.PathLike[str],
        answers: Answers,
        *,
        on_problems: OnProblems | None = None,
        on_reloaded: OnReloaded | None = None,
        step_ms: int = STEP_MS,
        debounce_ms: int = DEBOUNCE_MS,
        poll_interval: float = POLL_INTERVAL_S,
        force_polling: bool | None = None,
    ) -> None:
        self.folder = Path(folder)
        self.answers = answers
        self.on_problems = on_problems
        self.on_reloaded = on_reloaded
        self.step_ms = step_ms
        self.debounce_ms = debounce_ms
        self.poll_interval = poll_interval
        self.force_polling = force_polling
        self.ready = asyncio.Event()
        """Set once the folder is watched and checked: a change after it will be seen."""
        self._fingerprint: str | None = None
        self._reported: tuple[str, ...] = ()
        self._warned: tuple[str, ...] = ()
        self._lock = asyncio.Lock()

    async def run(self, stop_event: asyncio.Event | None = None) -> None:
        """Watch and reload until cancelled or until ``stop_event`` is set.

        If the folder cannot be watched (it vanished, or the OS is out of watches), the
        fingerprint is checked every ``poll_interval`` seconds instead, and watching resumes
        when it can.
        """
        failing = False
        while stop_event is None or not stop_event.is_set():
            try:
                async for _changed in watch_articles(
                    self.folder,
                    stop_event=stop_event,
                    step_ms=self.step_ms,
                    debounce_ms=self.debounce_ms,
                    poll_interval=self.poll_interval,
                    force_polling=self.force_polling,
                ):
                    failing = False
                    await self._check()
                    self._set_ready()
                return
            except OSError as error:
                if not failing:
                    logger.warning(
                        "cannot watch %s (%s): checking it every %s s",
                        self.folder,
                        error,
                        self.poll_interval,
                    )
                failing = True
            await self._check()
            self._set_ready()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(_wait(stop_event), self.poll_interval)

    async def reload(self) -> Reloaded | None:
        """Check the folder once: if it changed, load, build, swap and report.

        :returns: what changed, or ``None`` when nothing new is served (no change, or only
            broken edits)
        """
        async with self._lock:
            try:
                mark = await asyncio.to_thread(fingerprint, self.folder)
                if mark == self._fingerprint:
                    return None
                served = self.answers.version
                outcome = await asyncio.to_thread(self._build, served)
            except KnowledgeBaseNotFound as error:
                self._fingerprint = None  # when it is back, load it, even if nothing changed
                await self._report((f"{error}; the last good version stays in service",))
                return None
            self._fingerprint = mark
            await self._report(outcome.problems)
            self._warn(outcome.warnings)
            if outcome.version is None:
                return None
            self.answers.replace(outcome.version)
            reloaded = _summary(served.index.catalog, outcome)
            logger.info("%s", reloaded)
            await self._call(self.on_reloaded, reloaded)
            return reloaded

    def _set_ready(self) -> None:
        if not self.ready.is_set():
            logger.info("watching %s for article edits", self.folder)
            self.ready.set()

    async def _check(self) -> None:
        # A bug in one reload must not stop the watching: log it and wait for the next edit.
        try:
            await self.reload()
        except Exception:
            logger.exception(
                "reloading %s failed; the last good version stays in service", self.folder
            )

    def _build(self, served: Version) -> _Outcome:
        """Load and index the folder; runs in a worker thread."""
        started = time.perf_counter()
        result = keep_last_good(load_folder(self.folder), served.index.catalog)
        problems = tuple(str(problem) for problem in result.problems)
        broken = frozenset(problem.path for problem in result.problems)
        version: Version | None = None
        if not len(result.catalog):
            problems += (f"{self.folder}: no articles; the last good version stays in service",)
        elif result.catalog != served.index.catalog:
            # A lemmatizer of its own: the serving one is not shared with this thread.
            index = Index.build(result.catalog, Lemmatizer())
            version = self.answers.prepare(index, warm=True)
        warnings = tuple(str(warning) for warning in result.warnings)
        return _Outcome(version, problems, broken, time.perf_counter() - started, warnings)

    def _warn(self, warnings: tuple[str, ...]) -> None:
        """Log what ``faqbot check`` would fail on but the bot serves (phrasings two articles
        share), once per change: not at every save of another file."""
        if warnings == self._warned:
            return
        self._warned = warnings
        for warning in warnings:
            logger.warning("served, but: %s", warning)

    async def _report(self, problems: tuple[str, ...]) -> None:
        if problems == self._reported:
            return
        self._reported = problems
        if problems:
            for problem in problems:
                logger.warning("article problem, the last good version serves: %s", problem)
        else:
            logger.info("the articles in %s have no problems now", self.folder)
        await self._call(self.on_problems, problems)

    async def _call(self, callback: Callable[[_T], Awaitable[None]] | None, value: _T) -> None:
        if callback is None:
            return
        try:
            await callback(value)
        except Exception:  # a failed notification must not stop the reloading
            logger.exception("reload callback %r failed", callback)


def _summary(before: Catalog, outcome: _Outcome) -> Reloaded:
    assert outcome.version is not None
    after = outcome.version.index.catalog
    old = {article.id: article for article in before}
    new = {article.id: article for article in after}
    return Reloaded(
        articles=len(after),
        seconds=outcome.seconds,
        added=tuple(i for i in new if i not in old),
        changed=tuple(i for i, a in new.items() if i in old and old[i] != a),
        removed=tuple(i for i in old if i not in new),
        kept=tuple(i for i, a in new.items() if a.path in outcome.broken and old.get(i) == a),
        problems=outcome.problems,
    )


async def _wait(event: asyncio.Event | None) -> None:
    if event is None:
        await asyncio.Future()  # until cancelled
    else:
        await event.wait()
