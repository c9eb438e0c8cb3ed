"""The ticket form's steps, in order, and how an answer fills the draft (pure).

:class:`FormStep` is the one list of the form's questions: the Telegram form's FSM states
(:mod:`bot.telegram.states`) and its buttons' callback data (:mod:`bot.telegram.callbacks`)
are derived from it, and the terminal form can take it without importing a transport::

    WHAT → WHEN → ERROR → TRIED → DEVICE → ORDER → CONTACT → URGENCY → IMPACT → CONFIRM
    answer(draft, step, text) -> TicketDraft | None      a typed answer (None: wants a button)
    choose(draft, step, level) -> TicketDraft            urgency or impact, by button
"""

from __future__ import annotations

from dataclasses import replace
from enum import StrEnum

from bot.tickets import Impact, TicketDraft, Urgency

__all__ = [
    "IMPACT_OF",
    "ORDER_NUMBER_LIMIT",
    "QUESTIONS",
    "STEPS",
    "URGENCY_OF",
    "FormStep",
    "Level",
    "answer",
    "choose",
    "next_step",
    "number_of",
]


class FormStep(StrEnum):
    """The form's questions in the order they are asked, then the confirmation.

    A new question is one line here, in its place: states, callback data, numbering and the
    order follow.
    """

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


STEPS: tuple[FormStep, ...] = tuple(step for step in FormStep if step is not FormStep.CONFIRM)
"""The questions in order; :attr:`FormStep.CONFIRM` follows the last one."""
QUESTIONS = len(STEPS)


class Level(StrEnum):
    """The three answers to "how urgent" and "how much does it get in the way"."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


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

ORDER_NUMBER_LIMIT = 64  # the column's width


def next_step(step: FormStep) -> FormStep:
    """The question after ``step``; the confirmation after the last one.

    >>> next_step(FormStep.WHAT), next_step(FormStep.IMPACT), next_step(FormStep.CONFIRM)
    (<FormStep.WHEN: 'when'>, <FormStep.CONFIRM: 'confirm'>, <FormStep.CONFIRM: 'confirm'>)
    """
    if step is FormStep.CONFIRM:
        return step
    position = STEPS.index(step)
    return STEPS[position + 1] if position + 1 < len(STEPS) else FormStep.CONFIRM


def number_of(step: FormStep) -> int | None:
    """The question's number, from 1 («вопрос 2 из 9»); ``None`` for the confirmation."""
    return STEPS.index(step) + 1 if step in STEPS else None


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
    """The draft with the urgency or impact chosen by button.

    :raises ValueError: ``step`` is not a choice between levels
    """
    if step is FormStep.URGENCY:
        return replace(draft, urgency=URGENCY_OF[level])
    if step is FormStep.IMPACT:
        return replace(draft, impact=IMPACT_OF[level])
    raise ValueError(f"{step.value!r} is not a choice between levels")
