"""Long polling that confirms an update to Telegram only after the journal has stored it.

aiogram's ``start_polling`` asks for the next batch as soon as it has started handling the
last one, and that request's offset confirms the batch: a crash a moment later loses every
update still being handled. Here the next ``getUpdates`` carries the offset only after
:meth:`~bot.telegram.receiving.Receiver.receive` has committed the batch.
"""

from __future__ import annotations

import asyncio
import logging

from aiogram import Bot
from aiogram.methods import GetUpdates
from aiogram.utils.backoff import Backoff, BackoffConfig

from bot.telegram.receiving import Receiver

__all__ = ["POLLING_TIMEOUT_S", "poll"]

logger = logging.getLogger(__name__)

POLLING_TIMEOUT_S = 30
BACKOFF = BackoffConfig(min_delay=1.0, max_delay=5.0, factor=1.3, jitter=0.1)


async def poll(
    bot: Bot,
    receiver: Receiver,
    *,
    allowed_updates: list[str] | None = None,
    timeout: int = POLLING_TIMEOUT_S,
) -> None:
    """Read updates until cancelled: fetch, store, confirm with the next request's offset.

    A failed ``getUpdates`` or a failed store is retried with a growing pause; nothing is
    confirmed until it is stored.
    """
    await receiver.resume()
    backoff = Backoff(config=BACKOFF)
    offset: int | None = None  # Telegram's unconfirmed updates; the journal skips known ones
    request_timeout = int(bot.session.timeout + timeout) if bot.session.timeout else None
    while True:
        await receiver.room()
        try:
            updates = await bot(
                GetUpdates(offset=offset, timeout=timeout, allowed_updates=allowed_updates),
                request_timeout=request_timeout,
            )
            if updates:
                await receiver.receive(updates)
                offset = updates[-1].update_id + 1
        except asyncio.CancelledError:
            raise
        except Exception as error:  # Telegram or the database is away: wait, try again
            logger.error(
                "reading updates failed: %s: %s; again in %.1f s",
                type(error).__name__,
                error,
                backoff.next_delay,
            )
            await backoff.asleep()
            continue
        backoff.reset()
