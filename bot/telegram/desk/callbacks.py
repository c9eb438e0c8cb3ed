"""Callback data of the buttons in the agents' chat."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData

__all__ = ["CannedPick", "DeskAction", "KbPick", "SuggestionDecision"]


class DeskAction(CallbackData, prefix="desk"):
    """«Взять себе» / «Закрыть» on a ticket card."""

    action: str  # "take" | "close"
    number: int


class KbPick(CallbackData, prefix="kb"):
    """An article offered by ``/kb``, to send to the ticket's customer."""

    number: int
    article: str  # bot.serving.answers.article_key


class CannedPick(CallbackData, prefix="canned"):
    """A canned reply offered by ``/canned``, to send to the ticket's customer."""

    number: int
    reply: int


class SuggestionDecision(CallbackData, prefix="sugg"):
    """«Добавить» / «Отклонить» under a suggested phrasing."""

    suggestion: int
    approve: bool
