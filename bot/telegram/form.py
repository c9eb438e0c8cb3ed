"""The ticket form in Telegram: what each question shows, and the draft kept in the FSM data.

The steps, their order and how an answer fills the draft are :mod:`bot.dialogue.ticket_form`'s
(``IMPACT_OF`` and ``URGENCY_OF`` are re-exported from there). No aiogram handlers here (they
are in :mod:`bot.telegram.routers.ticket_form`): the draft is a :class:`~bot.tickets.TicketDraft`,
kept between messages as JSON in the FSM data.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aiogram.types import InlineKeyboardMarkup, ReplyKeyboardMarkup

from bot.dialogue import HandOver, HandOverReason
from bot.dialogue.ticket_form import (
    IMPACT_OF,
    QUESTIONS,
    URGENCY_OF,
    FormStep,
    known,
    number_of,
)
from bot.telegram.keyboards import contact_keyboard, form_keyboard, levels_keyboard
from bot.texts import Texts, shorten
from bot.tickets import Impact, TicketDraft, Urgency

__all__ = [
    "IMPACT_OF",
    "URGENCY_OF",
    "Prompt",
    "draft_from_data",
    "draft_to_data",
    "opening",
    "prompt",
]

_LEVEL_OF_URGENCY = {urgency: level for level, urgency in URGENCY_OF.items()}
_LEVEL_OF_IMPACT = {impact: level for level, impact in IMPACT_OF.items()}

# The confirmation repeats every answer; these keep it within Telegram's 4096 characters.
_WHAT_SHOWN = 1500
_FIELD_SHOWN = 300

Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup


@dataclass(frozen=True)
class Prompt:
    """One form message: HTML text and its keyboard."""

    text: str
    markup: Markup


def opening(hand_over: HandOver, texts: Texts) -> str | None:
    """What the bot says before the first question; ``None`` when the question says it all."""
    if not hand_over.draft.question:
        return None  # the "what happened" question itself explains (human_requested)
    if hand_over.reason is HandOverReason.NOT_FOUND:
        return texts.render("not_found", question=hand_over.draft.question)
    return texts.render("escalate_intro", questions=QUESTIONS)


def prompt(step: FormStep, draft: TicketDraft, texts: Texts) -> Prompt:
    """The message that asks ``step`` (or shows the draft for confirmation)."""
    number = number_of(step)
    position = {"step": number, "total": QUESTIONS} if number is not None else {}
    match step:
        case FormStep.WHAT if not draft.question:
            return Prompt(texts.render("human_requested"), form_keyboard(texts, step))
        case FormStep.WHAT:
            question = shorten(draft.what_happened, _WHAT_SHOWN)
            text = texts.render("form_what", question=question, **position)
            return Prompt(text, form_keyboard(texts, step, "keep"))
        case FormStep.TRIED:
            text = texts.render("form_tried", rejected=list(draft.tried), **position)
            return Prompt(text, form_keyboard(texts, step, "keep" if draft.tried else "skip"))
        case FormStep.CONTACT:
            return Prompt(texts.render("form_contact", **position), contact_keyboard(texts))
        case FormStep.URGENCY | FormStep.IMPACT:
            text = texts.render(f"form_{step.value}", **position)
            return Prompt(text, levels_keyboard(texts, step))
        case FormStep.CONFIRM:
            return Prompt(_confirmation(draft, texts), form_keyboard(texts, step, "send"))
        case _:
            found = known(draft, step)
            text = texts.render(f"form_{step.value}", known=found, **position)
            return Prompt(text, form_keyboard(texts, step, "keep" if found else "skip"))


def _confirmation(draft: TicketDraft, texts: Texts) -> str:
    def shown(value: str | None) -> str | None:
        return shorten(value, _FIELD_SHOWN) if value else None

    return texts.render(
        "form_confirm",
        what=shorten(draft.what_happened, _WHAT_SHOWN),
        when=shown(draft.when_happened),
        error=shown(draft.error_text),
        tried=shown(", ".join(draft.tried)),
        device=shown(draft.device),
        order=shown(draft.order_number),
        contact=shown(draft.contact),
        urgency=texts.button("urgency", level=_LEVEL_OF_URGENCY[draft.urgency].value),
        impact=texts.button("impact", level=_LEVEL_OF_IMPACT[draft.impact].value),
        attachments=len(draft.attachments),
    )


def draft_to_data(draft: TicketDraft) -> dict[str, Any]:
    """The draft as JSON values, for the FSM data (Redis or SQL)."""
    return {
        "question": draft.question,
        "what_happened": draft.what_happened,
        "when_happened": draft.when_happened,
        "error_text": draft.error_text,
        "attachments": [list(pair) for pair in draft.attachments],
        "tried": list(draft.tried),
        "device": draft.device,
        "order_number": draft.order_number,
        "contact": draft.contact,
        "urgency": draft.urgency.value,
        "impact": draft.impact.value,
    }


def draft_from_data(data: dict[str, Any]) -> TicketDraft:
    """The draft :func:`draft_to_data` stored."""
    return TicketDraft(
        question=data["question"],
        what_happened=data["what_happened"],
        when_happened=data["when_happened"],
        error_text=data["error_text"],
        attachments=tuple((kind, file_id) for kind, file_id in data["attachments"]),
        tried=tuple(data["tried"]),
        device=data["device"],
        order_number=data["order_number"],
        contact=data["contact"],
        urgency=Urgency(data["urgency"]),
        impact=Impact(data["impact"]),
    )
