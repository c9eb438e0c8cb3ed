"""Letting the updates in hand finish before the bot stops.

Telegram hands an update over once: long polling confirms it with the next ``getUpdates``,
a webhook with its 200. aiogram handles each one in a task of its own, so when the bot stops
there may be hundreds of confirmed updates still being handled; cancelled by the process
exit, their messages would never be stored. Stopping waits for them first.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Collection
from typing import Any

__all__ = ["SHUTDOWN_GRACE_SECONDS", "drain"]

logger = logging.getLogger(__name__)

SHUTDOWN_GRACE_SECONDS = 30.0
"""How long a stop waits for updates in hand (a container's stop timeout is usually longer)."""


async def drain(
    tasks: Collection[asyncio.Task[Any]], timeout: float = SHUTDOWN_GRACE_SECONDS
) -> int:
    """Wait until ``tasks`` (a live set, read once) are done, at most ``timeout`` seconds.

    :returns: how many were still running when the time ran out (and are left to the caller)
    """
    pending = {task for task in tasks if not task.done()}
    if not pending:
        return 0
    logger.info("finishing %d updates in hand before stopping", len(pending))
    _, still = await asyncio.wait(pending, timeout=timeout)
    if still:
        logger.error("%d updates were still being handled after %.0f s", len(still), timeout)
    return len(still)
