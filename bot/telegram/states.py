"""FSM states: the ticket form, one state per step, and the CSAT comment.

The form's states are made from :class:`~bot.dialogue.ticket_form.FormStep`, not listed again:
a state is named by its step (``TicketForm:when``), so a new step is a new state at once, and
the names stored in Redis or SQL stay what they were.
"""

from __future__ import annotations

from aiogram.fsm.state import State, StatesGroup, StatesGroupMeta

from bot.dialogue.ticket_form import FormStep

__all__ = ["CsatForm", "TicketForm", "form_state", "form_step"]

TicketForm: type[StatesGroup] = StatesGroupMeta(
    "TicketForm",
    (StatesGroup,),
    {
        "__module__": __name__,
        "__qualname__": "TicketForm",
        "__doc__": "The ticket form: one state per step, waiting for its answer.",
        **{step.value: State() for step in FormStep},
    },
)


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
