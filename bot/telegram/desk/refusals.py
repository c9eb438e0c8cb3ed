"""What the relay does with a refused delivery: a backoff for a passing refusal, a visible
failed state for a permanent one (the rows say why, and the agents are told in Russian).

Which refusal is which is :mod:`bot.desk.delivery`'s pure rule; this is the I/O around it.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError, TelegramBadRequest, TelegramForbiddenError

from bot.db.repo.relay_batches import release_batch
from bot.desk.delivery import Failure
from bot.serving.database import Database
from bot.texts import Texts
from bot.tickets import utc_now

__all__ = ["Failed", "Refusals", "status_of"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Failed:
    """What the agents are told of a message that will never be delivered."""

    to_customer: bool
    topic_id: int | None
    number: int
    text: str | None


class Refusals:
    """Releases and failures of claimed messages.

    :param chat_id: the agents' chat, where a failure is told
    """

    def __init__(self, bot: Bot, db: Database, texts: Texts, chat_id: int) -> None:
        self.bot = bot
        self.db = db
        self.texts = texts
        self.chat_id = chat_id

    async def retry(self, message_ids: Sequence[int], error: str, retry_in: float) -> None:
        """Not now: tried again in ``retry_in`` seconds."""
        logger.warning("messages %s not relayed, again in %.0f s: %s", message_ids, retry_in, error)
        async with self.db.transaction() as session:
            await release_batch(
                session,
                message_ids,
                error=error,
                # Real time, whatever the clock the tickets are stamped by says.
                retry_at=utc_now() + timedelta(seconds=retry_in),
            )

    async def untried(self, message_ids: Sequence[int]) -> None:
        """Claimed, never sent (their batch stopped before them): back in the lane, as they were."""
        if message_ids:
            async with self.db.transaction() as session:
                await release_batch(session, message_ids, untried=True)

    async def fail(
        self, message_ids: Sequence[int], failed: Failed, failure: Failure, error: str
    ) -> None:
        """Never to be delivered: the rows say why, and the agents are told."""
        logger.warning("messages %s failed for good (%s): %s", message_ids, failure.value, error)
        async with self.db.transaction() as session:
            await release_batch(session, message_ids, error=error, failure=failure.value)
        # The customer's side: in the topic. The topic's side: in General (it may be gone).
        thread = failed.topic_id if failed.to_customer else None
        with contextlib.suppress(TelegramAPIError):
            await self.bot.send_message(
                self.chat_id,
                self.texts.render(
                    "agents/not_delivered",
                    reason=failure.value,
                    to_customer=failed.to_customer,
                    number=failed.number,
                    text=failed.text,
                    error=error,
                ),
                message_thread_id=thread,
            )


def status_of(error: TelegramAPIError) -> int | None:
    """The HTTP status behind aiogram's exception class (a network error has none)."""
    if isinstance(error, TelegramForbiddenError):
        return 403
    if isinstance(error, TelegramBadRequest):
        return 400
    return None
