"""The last resort: an update whose handler failed is logged with its id, and the customer
gets a polite reply from ``templates/error.j2``, never a stack trace."""

from __future__ import annotations

import contextlib
import logging

from aiogram import Bot, Router
from aiogram.filters import ExceptionTypeFilter
from aiogram.types import ErrorEvent

from bot.serving import Services

__all__ = ["errors_router"]

logger = logging.getLogger("bot.telegram")


def errors_router() -> Router:
    """A router with the error handler; include it in the dispatcher."""
    router = Router(name="errors")
    router.errors.register(_on_error, ExceptionTypeFilter(Exception))
    return router


async def _on_error(event: ErrorEvent, bot: Bot, services: Services) -> bool:
    update = event.update
    logger.error(
        "update %s failed: %s: %s",
        update.update_id,
        type(event.exception).__name__,
        event.exception,
        exc_info=event.exception,
    )
    query = update.callback_query
    message = update.message or update.edited_message or (query.message if query else None)
    if message is not None and message.chat.type == "private":
        try:
            await bot.send_message(message.chat.id, services.texts.render("error"))
        except Exception as error:  # Telegram itself may be what failed; the log line stays
            logger.warning(
                "update %s: could not tell the customer about the error: %s",
                update.update_id,
                error,
            )
    if query is not None:
        with contextlib.suppress(Exception):  # the handler may have answered it already
            await bot.answer_callback_query(query.id)
    return True
