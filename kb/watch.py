"""Watch a knowledge-base folder and say when its articles may have changed (watchfiles).

:func:`watch_articles` is the I/O edge of hot reload: it yields after an author saves, adds,
deletes or renames an article, and also on a regular beat with nothing to report, so that the
caller can compare :func:`~kb.fingerprint.fingerprint` for changes that file-system events do
not carry (network shares, some container mounts) or that came before the watch began. It
decides nothing: reloading is the caller's business (``bot/serving/reload.py``).
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import AsyncIterator
from pathlib import Path

from watchfiles import awatch

__all__ = [
    "DEBOUNCE_MS",
    "POLL_INTERVAL_S",
    "STEP_MS",
    "TICK_MS",
    "is_article_change",
    "watch_articles",
]

STEP_MS = 250
"""Quiet time that ends a batch of changes. An editor's save (write a temporary file, rename
it) and a ``git pull`` touch several files within milliseconds; 250 ms makes one reload of
them while staying well below what a person notices."""
DEBOUNCE_MS = 2_000
"""The longest a batch grows while files keep changing, so that an endless copy still reloads."""
POLL_INTERVAL_S = 5.0
"""With no event, yield an empty batch this often: the caller's fingerprint check then finds
what events missed, at the cost of one ``stat`` per article."""
TICK_MS = 200
"""How long the watch thread waits for an event before it looks at the clock again; the first
empty yield comes after one tick."""


def is_article_change(folder: Path, path: str) -> bool:
    """Whether a changed ``path`` under ``folder`` may change the articles.

    Articles are ``*.md`` outside ``.``/``_`` files and folders, ``README.md`` aside (as in
    :func:`~kb.loader.article_paths`). A name without an extension may be a folder renamed or
    deleted with its articles, so it counts too; editors' temporary files (``.a.md.swp``,
    ``a.md~``) do not.

    >>> is_article_change(Path("kb"), "kb/billing/top-up.md")
    True
    >>> is_article_change(Path("kb"), "kb/billing")
    True
    >>> [is_article_change(Path("kb"), p) for p in ("kb/README.md", "kb/_drafts/a.md", "kb/a.md~")]
    [False, False, False]
    """
    # watchfiles reports absolute paths, joined to the working directory but with symbolic
    # links left as they are: abspath on both sides compares them the same way.
    relative = os.path.relpath(os.path.abspath(path), os.path.abspath(folder))
    parts = Path(relative).parts
    if not parts or parts[0] == ".." or any(part.startswith((".", "_")) for part in parts):
        return False
    name = parts[-1].lower()
    if name == "readme.md":
        return False
    return name.endswith(".md") or "." not in name


async def watch_articles(
    folder: str | os.PathLike[str],
    *,
    stop_event: asyncio.Event | None = None,
    step_ms: int = STEP_MS,
    debounce_ms: int = DEBOUNCE_MS,
    poll_interval: float = POLL_INTERVAL_S,
    force_polling: bool | None = None,
) -> AsyncIterator[set[Path]]:
    """Yield the article paths that changed, batch by batch, until ``stop_event`` is set.

    The first yield comes within :data:`TICK_MS` (an empty set if nothing changed yet) and
    means the watch is set up: a change after it will be seen. Later, an empty set means
    "nothing seen for ``poll_interval`` seconds". Cancelling the iterating task stops the
    watch thread within ``step_ms``.

    :param folder: the knowledge-base folder; it must exist
    :param stop_event: ends the iteration when set
    :param step_ms: quiet time that ends a batch
    :param debounce_ms: the longest a batch grows
    :param poll_interval: seconds between empty yields when nothing changes
    :param force_polling: poll the files instead of OS events; ``None`` leaves it to watchfiles
        (``WATCHFILES_FORCE_POLLING``, and on by itself on WSL)
    :raises FileNotFoundError: the folder does not exist
    """
    root = Path(folder)
    if not root.is_dir():
        raise FileNotFoundError(f"knowledge base folder not found: {root}")
    changes = awatch(
        root,
        watch_filter=lambda _change, path: is_article_change(root, path),
        step=step_ms,
        debounce=debounce_ms,
        stop_event=stop_event,
        # watchfiles gives no "watching now" signal, but a timeout comes only from a running
        # watch: a short one tells the caller early, and the empty yields are spaced here.
        rust_timeout=min(TICK_MS, max(1, round(poll_interval * 1000))),
        yield_on_timeout=True,
        force_polling=force_polling,
    )
    last: float | None = None
    async for batch in changes:
        now = time.monotonic()
        if batch or last is None or now - last >= poll_interval:
            last = now
            yield {Path(path) for _change, path in batch}
