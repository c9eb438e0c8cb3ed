"""Callback data of every inline button: ids packed into Telegram's 64 bytes, never texts.

``attempt`` is the id of the stored question a button belongs to (0: none, e.g. an article
picked from the /start menu), so a button pressed on an old message still knows its question.
``article`` is :func:`bot.serving.answers.article_key`, short whatever the article id is.
"""

from __future__ import annotations

from enum import StrEnum

from aiogram.filters.callback_data import CallbackData

from bot.dialogue import HandOverReason

__all__ = [
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


class FormStep(StrEnum):
    """The questions of the ticket form, in order (see :mod:`bot.telegram.form`)."""

    WHAT = "what"
    WHEN = "when"
    ERROR = "error"
    TRIED = "tried"
    DEVICE = "device"
    ORDER = "order"
    CONTACT = "contact"
    URGENCY = "urgency"
    IMPACT = "impact"
    CONFIRM = "confirm"


class FormAction(CallbackData, prefix="form"):
    """A button of the ticket form; ``step`` tells a stale button from the current one."""

    step: FormStep
    action: str  # "skip", "keep", "cancel", "send"


class Level(StrEnum):
    """The three answers to "how urgent" and "how much does it get in the way"."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


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


class CsatSkip(CallbackData, prefix="csat_skip"):
    """No comment after the score."""

    number: int
