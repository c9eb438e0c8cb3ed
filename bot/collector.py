"""The garbage collector during start-up: off while the long-lived objects are built.

Start-up allocates some 300 000 objects that live as long as the process (aiogram's ~650
pydantic models, the index). Every few hundred allocations the collector runs, and a full
collection walks all of them: importing ``bot.startup`` took 6.1–7.3 s with automatic
collection and 4.7–5.3 s without it. Nothing built then is garbage worth chasing mid-way, so
start-up runs with collection paused, then collects once and freezes what is live
(:func:`collections_paused`'s ``resume``), as a long-running server would anyway.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Callable, Iterator

__all__ = ["collections_paused"]


@contextlib.contextmanager
def collections_paused() -> Iterator[Callable[[], None]]:
    """Automatic garbage collection off inside the block.

    Yields ``resume``: collect once, freeze what is still alive (later collections never walk
    it again) and turn collection back on — the end of start-up. If the block ends without it
    (a start-up that failed, or a block that only imports), collection is turned back on as it
    was, without collecting.
    """
    was_enabled = gc.isenabled()
    resumed = False

    def resume() -> None:
        nonlocal resumed
        gc.collect()
        gc.freeze()
        if was_enabled:
            gc.enable()
        resumed = True

    gc.disable()
    try:
        yield resume
    finally:
        if not resumed and was_enabled:
            gc.enable()
