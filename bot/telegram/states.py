"""FSM states: the ticket form, one state per question, and the CSAT comment."""

from __future__ import annotations

from aiogram.fsm.state import State, StatesGroup

from bot.telegram.callbacks import FormStep

__all__ = ["CsatForm", "TicketForm", "form_state", "form_step"]


class TicketForm(StatesGroup):
    what = State()
    when = State()
    error = State()
    tried = State()
    device = State()
    order = State()
    contact = State()
    urgency = State()
    impact = State()
    confirm = State()


class CsatForm(StatesGroup):
    comment = State()


def form_state(step: FormStep) -> State:
    """The FSM state that waits for the answer to ``step``."""
    state: State = getattr(TicketForm, step.value)
    return state


def form_step(state: str | None) -> FormStep | None:
    """The form question an FSM state name (``"TicketForm:when"``) waits for, if any."""
    group, _, name = (state or "").partition(":")
    if group != TicketForm.__name__:
        return None
    try:
        return FormStep(name)
    except ValueError:  # a state from an older version of the form
        return None
