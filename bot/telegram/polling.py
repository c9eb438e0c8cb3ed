"""Long polling that confirms an update to Telegram only after the journal has stored it.

aiogram's ``start_polling`` asks for the next batch as soon as it has started handling the
last one, and that request's offset confirms the batch: a crash a moment later loses every
update still being handled. Here the next ``getUpdates`` carries the offset only after
:meth:`~bot.telegram.receiving.Receiver.receive` has committed the batch.

Telegram or the database away (a 502, a time-out, PostgreSQL restarting) is one outage
(:class:`~bot.telegram.outages.Outage`): tried again after 0.5 s, then 1, 2, 4, 5, 5... s,
logged once when it begins and once when it ends. The start waits too: the updates a
previous run stored are queued once the database answers.
"""

from __future__ import annotations

import asyncio
import logging

from aiogram import Bot
from aiogram.methods import GetUpdates

from bot.telegram.outages import Outage
from bot.telegram.receiving import Receiver

__all__ = ["POLLING_TIMEOUT_S", "poll"]

logger = logging.getLogger(__name__)

POLLING_TIMEOUT_S = 30


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
    starting = Outage("queueing the updates stored before the start")
    while True:
        try:
            await receiver.resume()
            break
        except asyncio.CancelledError:
            raise
        except Exception as error:  # the database is away: the stored updates wait for it
            await starting.wait(error)
    starting.over()
    outage = Outage("reading updates")
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
            await outage.wait(error)
            continue
        outage.over()
