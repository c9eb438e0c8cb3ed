"""The short ticket form of the terminal chat: what happened, how urgent, a contact.

Every question is skipped with Enter. ``/отмена`` drops the ticket. The end of input (Ctrl-D,
or a pipe running dry) submits what was answered so far: the customer did ask for people.
"""

from __future__ import annotations

from dataclasses import replace

from bot.cli.terminal import Terminal
from bot.tickets import TicketDraft, Urgency

__all__ = ["CANCEL", "fill"]

CANCEL = frozenset({"/отмена", "/cancel", "отмена"})
URGENCY = {"1": Urgency.BLOCKING, "2": Urgency.TODAY, "3": Urgency.CAN_WAIT}


class _Cancelled(Exception):
    pass


def fill(draft: TicketDraft, terminal: Terminal, said: str) -> TicketDraft | None:
    """Complete ``draft`` with the customer's answers; ``None`` if they cancel.

    :param draft: pre-filled by the dialogue (question, articles already offered)
    :param said: the customer's last message, the question of last resort («позовите оператора»)
    """
    answers = _Answers(terminal)
    what, urgency, contact = draft.what_happened or said, draft.urgency, draft.contact
    try:
        terminal.say("form_what", question=draft.what_happened, tried=list(draft.tried))
        what = answers.read() or what
        if not answers.ended:
            terminal.say("form_urgency")
            urgency = answers.choice(URGENCY, default=urgency)
        if not answers.ended:
            terminal.say("form_contact")
            contact = answers.read() or contact
    except _Cancelled:
        terminal.say("form_cancelled")
        return None
    return replace(
        draft,
        question=draft.question or what,
        what_happened=what,
        urgency=urgency,
        contact=contact,
    )


class _Answers:
    """The customer's answers; after the end of input every answer is "skipped"."""

    def __init__(self, terminal: Terminal) -> None:
        self.terminal = terminal
        self.ended = False

    def read(self) -> str:
        line = self.terminal.read()
        if line is None:
            self.ended = True
            return ""
        if line.strip().lower() in CANCEL:
            raise _Cancelled
        return line.strip()

    def choice(self, options: dict[str, Urgency], default: Urgency) -> Urgency:
        while True:
            answer = self.read().rstrip(".)")
            if not answer:
                return default
            if answer in options:
                return options[answer]
            self.terminal.say("form_retry")
