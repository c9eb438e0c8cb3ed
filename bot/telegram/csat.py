"""The satisfaction question a customer gets once their ticket is resolved.

The agents' desk stores it with the ticket when it resolves one (a
:class:`~bot.tickets.BotNotice`), and the relay sends :func:`csat_question`; the answer (a
score, then an optional comment) is handled by :mod:`bot.telegram.routers.csat`.
"""

from __future__ import annotations

from aiogram import Bot
from aiogram.types import InlineKeyboardMarkup, Message

from bot.telegram.keyboards import csat_keyboard
from bot.texts import Texts

__all__ = ["ask_csat", "csat_question"]


def csat_question(texts: Texts, number: int) -> tuple[str, InlineKeyboardMarkup]:
    """The question about ticket ``number`` and its 1–5 buttons."""
    return texts.render("csat_question", number=number), csat_keyboard(texts, number)


async def ask_csat(bot: Bot, texts: Texts, *, chat_id: int, number: int) -> Message:
    """Ask the customer to rate ticket ``number`` from 1 to 5.

    :param chat_id: the customer's private chat (``Customer.chat_id``)
    :param number: the ticket's human number (1042 for №1042)
    """
    text, markup = csat_question(texts, number)
    return await bot.send_message(chat_id, text, reply_markup=markup)
