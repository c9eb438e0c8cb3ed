"""The satisfaction question a customer gets once their ticket is resolved.

The agents' desk calls :func:`ask_csat` after it resolves a ticket; the answer (a score, then
an optional comment) is handled by :mod:`bot.telegram.routers.csat`.
"""

from __future__ import annotations

from aiogram import Bot
from aiogram.types import Message

from bot.telegram.keyboards import csat_keyboard
from bot.texts import Texts

__all__ = ["ask_csat"]


async def ask_csat(bot: Bot, texts: Texts, *, chat_id: int, number: int) -> Message:
    """Ask the customer to rate ticket ``number`` from 1 to 5.

    :param chat_id: the customer's private chat (``Customer.chat_id``)
    :param number: the ticket's human number (1042 for №1042)
    """
    return await bot.send_message(
        chat_id,
        texts.render("csat_question", number=number),
        reply_markup=csat_keyboard(texts, number),
    )
