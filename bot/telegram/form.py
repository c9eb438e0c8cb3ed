"""The ticket form's questions: their order, what each shows, how an answer fills the draft.

No aiogram handlers here (they are in :mod:`bot.telegram.routers.ticket_form`): the draft is a
:class:`~bot.tickets.TicketDraft`, kept between messages as JSON in the FSM data.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from aiogram.types import InlineKeyboardMarkup, ReplyKeyboardMarkup

from bot.dialogue import HandOver, HandOverReason
from bot.telegram.callbacks import FormStep, Level
from bot.telegram.keyboards import contact_keyboard, form_keyboard, levels_keyboard
from bot.texts import Texts, shorten
from bot.tickets import Impact, TicketDraft, Urgency

__all__ = [
    "IMPACT_OF",
    "QUESTIONS",
    "STEPS",
    "URGENCY_OF",
    "Prompt",
    "answer",
    "choose",
    "draft_from_data",
    "draft_to_data",
    "next_step",
    "opening",
    "prompt",
]

STEPS: tuple[FormStep, ...] = (
    FormStep.WHAT,
    FormStep.WHEN,
    FormStep.ERROR,
    FormStep.TRIED,
    FormStep.DEVICE,
    FormStep.ORDER,
    FormStep.CONTACT,
    FormStep.URGENCY,
    FormStep.IMPACT,
)
"""The questions in order; :attr:`FormStep.CONFIRM` follows the last one."""
QUESTIONS = len(STEPS)

URGENCY_OF: dict[Level, Urgency] = {
    Level.HIGH: Urgency.BLOCKING,
    Level.MEDIUM: Urgency.TODAY,
    Level.LOW: Urgency.CAN_WAIT,
}
# The buttons ask how badly it gets in the way; more harm stands for a wider impact.
IMPACT_OF: dict[Level, Impact] = {
    Level.LOW: Impact.ONLY_ME,
    Level.MEDIUM: Impact.SEVERAL,
    Level.HIGH: Impact.EVERYONE,
}
_LEVEL_OF_URGENCY = {urgency: level for level, urgency in URGENCY_OF.items()}
_LEVEL_OF_IMPACT = {impact: level for level, impact in IMPACT_OF.items()}

ORDER_NUMBER_LIMIT = 64  # the column's width
# The confirmation repeats every answer; these keep it within Telegram's 4096 characters.
_WHAT_SHOWN = 1500
_FIELD_SHOWN = 300

Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup


@dataclass(frozen=True)
class Prompt:
    """One form message: HTML text and its keyboard."""

    text: str
    markup: Markup


def next_step(step: FormStep) -> FormStep:
    """The question after ``step``; the confirmation after the last one."""
    if step is FormStep.CONFIRM:
        return step
    position = STEPS.index(step)
    return STEPS[position + 1] if position + 1 < len(STEPS) else FormStep.CONFIRM


def opening(hand_over: HandOver, texts: Texts) -> str | None:
    """What the bot says before the first question; ``None`` when the question says it all."""
    if not hand_over.draft.question:
        return None  # the "what happened" question itself explains (human_requested)
    if hand_over.reason is HandOverReason.NOT_FOUND:
        return texts.render("not_found", question=hand_over.draft.question)
    return texts.render("escalate_intro", questions=QUESTIONS)


def prompt(step: FormStep, draft: TicketDraft, texts: Texts) -> Prompt:
    """The message that asks ``step`` (or shows the draft for confirmation)."""
    position = {"step": STEPS.index(step) + 1, "total": QUESTIONS} if step in STEPS else {}
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
            text = texts.render(f"form_{step.value}", **position)
            return Prompt(text, form_keyboard(texts, step, "skip"))


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


def answer(draft: TicketDraft, step: FormStep, text: str) -> TicketDraft | None:
    """The draft with ``text`` as the answer to ``step``; ``None`` if the step wants a button.

    :param text: the customer's message, stripped, not empty
    """
    match step:
        case FormStep.WHAT if not draft.question:
            return replace(draft, question=text, what_happened=text)
        case FormStep.WHAT:
            # «напишите, что добавить»: the question stays, the addition follows it.
            return replace(draft, what_happened=f"{draft.what_happened}\n\n{text}")
        case FormStep.WHEN:
            return replace(draft, when_happened=text)
        case FormStep.ERROR:
            return replace(draft, error_text=text)
        case FormStep.TRIED:
            return replace(draft, tried=(*draft.tried, text))
        case FormStep.DEVICE:
            return replace(draft, device=text)
        case FormStep.ORDER:
            return replace(draft, order_number=text[:ORDER_NUMBER_LIMIT])
        case FormStep.CONTACT:
            return replace(draft, contact=text)
        case _:
            return None


def choose(draft: TicketDraft, step: FormStep, level: Level) -> TicketDraft:
    """The draft with the urgency or impact chosen by button."""
    if step is FormStep.URGENCY:
        return replace(draft, urgency=URGENCY_OF[level])
    if step is FormStep.IMPACT:
        return replace(draft, impact=IMPACT_OF[level])
    raise ValueError(f"{step.value!r} is not a choice between levels")


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
