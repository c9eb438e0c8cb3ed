"""Callback data of every inline button: ids packed into Telegram's 64 bytes, never texts.

``attempt`` is the id of the stored question a button belongs to (0: none, e.g. an article
picked from the /start menu), so a button pressed on an old message still knows its question.
``article`` is :func:`bot.serving.answers.article_key`, short whatever the article id is.
The ticket form's buttons carry its :class:`~bot.dialogue.ticket_form.FormStep` (re-exported
here with :class:`~bot.dialogue.ticket_form.Level`), so a new step needs no new callback data.
"""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData

from bot.dialogue import HandOverReason
from bot.dialogue.ticket_form import FormStep, Level

__all__ = [
    "AboutTicket",
    "AskAgent",
    "CloseTicket",
    "CsatScore",
    "CsatSkip",
    "FormAction",
    "FormChoice",
    "FormStep",
    "Level",
    "MyTickets",
    "Pick",
    "Vote",
]


class Vote(CallbackData, prefix="vote"):
    """👍 / 👎 under an answer."""

    attempt: int
    article: str
    helpful: bool


class Pick(CallbackData, prefix="pick"):
    """An article chosen from a list (clarify, next-best, the /start menu)."""

    attempt: int
    article: str


class AskAgent(CallbackData, prefix="agent"):
    """«Связаться с оператором» under an answer, «Другое — написать оператору» under a list."""

    attempt: int
    reason: HandOverReason


class FormAction(CallbackData, prefix="form"):
    """A button of the ticket form; ``step`` tells a stale button from the current one."""

    step: FormStep
    action: str  # "skip", "keep", "cancel", "send"; "answer", "new" under «это новый вопрос?»


class FormChoice(CallbackData, prefix="choice"):
    """Urgency or impact in the ticket form."""

    step: FormStep
    level: Level


class MyTickets(CallbackData, prefix="tickets"):
    """«Мои заявки»: the same as /status."""


class CloseTicket(CallbackData, prefix="close"):
    """The customer closes their ticket."""

    number: int


class CsatScore(CallbackData, prefix="csat"):
    """1-5 after a ticket is resolved."""

    number: int
    score: int


class AboutTicket(CallbackData, prefix="about"):
    """«Про заявку №…» / «Новый вопрос»: a message sent while a ticket is open."""

    number: int
    about: bool


class CsatSkip(CallbackData, prefix="csat_skip"):
    """No comment after the score."""

    number: int
