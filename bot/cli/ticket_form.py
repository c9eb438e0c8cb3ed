"""The ticket form of the terminal chat: the same steps as in Telegram, one line per answer.

The steps, their order, the skip rules and what an answer means are
:mod:`bot.dialogue.ticket_form`'s; this module only asks and reads. Enter skips a question;
«/отмена» drops the form, «/выход» drops it and ends the chat, «оператор» (or «пока») files
what is known at once; «спасибо» or «привет» gets a word back, not a place in the ticket. The
end of input (Ctrl-D, a pipe running dry) in the middle files nothing: a form the customer did
not finish is not a request they made. A question typed instead of an answer, one the
knowledge base answers or offers among choices (:meth:`bot.dialogue.Dialogue.asks_anew`), is
asked about: «1» takes it as the answer, «2» drops
the form and the chat searches it (:attr:`Filled.question`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.cli.terminal import Terminal
from bot.dialogue.human_request import HumanRequestDetector
from bot.dialogue.ticket_form import (
    ASKS_ANEW_AT,
    IMPACT_OF,
    LEVELS_OFFERED,
    QUESTIONS,
    URGENCY_OF,
    FormCommand,
    FormStep,
    answer,
    can_file,
    choose,
    command,
    confirms,
    known,
    level_of,
    next_step,
    number_of,
    skips,
    small_talk,
)
from bot.tickets import TicketDraft
from nlp.small_talk import SmallTalk

__all__ = ["AsksAnew", "Filled", "fill"]

_LEVEL_OF_URGENCY = {urgency: level for level, urgency in URGENCY_OF.items()}
_LEVEL_OF_IMPACT = {impact: level for level, impact in IMPACT_OF.items()}


@dataclass(frozen=True)
class Filled:
    """How the form ended.

    :param draft: the ticket to file; ``None`` if nothing is to be filed (cancelled, or the
        input ended before the form did)
    :param leave: the chat ends here (``/выход``, or the end of input)
    :param question: a new question the customer asked instead of an answer (the form was
        dropped for it): the chat's next question
    """

    draft: TicketDraft | None
    leave: bool = False
    question: str | None = None


#: Whether a text typed at the form is a new question rather than an answer, given the draft
#: (:meth:`bot.dialogue.Dialogue.asks_anew`).
AsksAnew = Callable[[str, TicketDraft], bool]


class _Stop(Exception):
    def __init__(self, filled: Filled) -> None:
        self.filled = filled


def fill(
    draft: TicketDraft,
    terminal: Terminal,
    people: HumanRequestDetector | None = None,
    asks_anew: AsksAnew | None = None,
) -> Filled:
    """Ask the form's questions, then for a confirmation; the draft to file, if any.

    :param draft: pre-filled by the dialogue (question, articles already offered)
    :param people: a request for a person in any words files the form at once
    :param asks_anew: tells a new question from an answer (none is told without it)
    """
    try:
        step = FormStep.WHAT
        while step is not FormStep.CONFIRM:
            draft, step = _ask(draft, step, terminal, people, asks_anew)
        return _confirm(draft, terminal, people, asks_anew)
    except _Stop as stop:
        return stop.filled


def _read(
    draft: TicketDraft,
    terminal: Terminal,
    people: HumanRequestDetector | None,
    answers: Callable[[str], bool] = lambda _: False,
) -> str:
    """The next answer; a command or the end of input stops the form, small talk gets a word
    back and the next line is read.

    :param answers: what is an answer here before any small talk («ок» at the confirmation)
    """
    while True:
        line = terminal.read()
        if line is None:
            terminal.say("form_abandoned")
            raise _Stop(Filled(None, leave=True))
        text = line.strip()
        match command(text, people):
            case FormCommand.CANCEL | FormCommand.EXIT as said:
                terminal.say("form_cancelled")
                raise _Stop(Filled(None, leave=said is FormCommand.EXIT))
            case FormCommand.FILE if can_file(draft):
                raise _Stop(Filled(draft))
        # «не знаю» skips the question: an answer, not the small talk it is in the chat
        talk = None if answers(text) or skips(text) else small_talk(text)
        if talk is None:
            return text
        if talk is SmallTalk.GOODBYE:  # leaving, and nothing to file yet
            terminal.say("form_cancelled")
            raise _Stop(Filled(None))
        if talk is SmallTalk.SOLVED:  # «всё, разобралась»: nothing left for people to do
            terminal.say("form_solved")
            raise _Stop(Filled(None))
        terminal.say("form_small_talk", talk=talk.value)


def _new_question(
    text: str,
    step: FormStep,
    draft: TicketDraft,
    terminal: Terminal,
    people: HumanRequestDetector | None,
    asks_anew: AsksAnew | None,
) -> None:
    """Ask «это новый вопрос?» about ``text`` if it reads as one; «2» stops the form for it.

    Returns when ``text`` is to be taken as the answer (it is no question, or «1»).
    """
    if asks_anew is None or step not in ASKS_ANEW_AT or skips(text) or not asks_anew(text, draft):
        return
    terminal.say("form_new_question", question=text)
    while True:
        choice = _read(draft, terminal, people, lambda t: t.strip() in ("1", "2")).strip()
        if choice == "1":
            return
        if choice == "2":
            terminal.say("form_asking_anew")
            raise _Stop(Filled(None, question=text))
        terminal.say("form_new_question_retry")


def _ask(
    draft: TicketDraft,
    step: FormStep,
    terminal: Terminal,
    people: HumanRequestDetector | None,
    asks_anew: AsksAnew | None = None,
) -> tuple[TicketDraft, FormStep]:
    """Ask ``step`` until it is answered or skipped; the draft and the step that follows."""
    options = (
        [terminal.texts.button(step.value, level=level.value) for level in LEVELS_OFFERED]
        if step in (FormStep.URGENCY, FormStep.IMPACT)
        else []
    )
    terminal.say(
        "form_step",
        step=step.value,
        number=number_of(step),
        total=QUESTIONS,
        question=draft.what_happened,
        tried=list(draft.tried),
        known=known(draft, step),
        options=options,
    )
    while True:
        text = _read(draft, terminal, people)
        if step is FormStep.WHAT and not can_file(draft) and (skips(text) or command(text, people)):
            terminal.say("form_what_needed")  # nothing to file yet: the problem comes first
            continue
        _new_question(text, step, draft, terminal, people, asks_anew)
        if skips(text):
            return draft, next_step(step, draft)
        if options:
            level = level_of(text, step)
            if level is None:
                terminal.say("form_retry", count=len(options))
                continue
            updated = choose(draft, step, level)
        else:
            answered = answer(draft, step, text)
            if answered is None and step is FormStep.CONTACT:
                terminal.say("form_contact_retry")  # «2» is no contact to remember
                continue
            updated = answered or draft
        return updated, next_step(step, updated)


def _confirm(
    draft: TicketDraft,
    terminal: Terminal,
    people: HumanRequestDetector | None,
    asks_anew: AsksAnew | None = None,
) -> Filled:
    texts = terminal.texts
    terminal.say(
        "form_confirm",
        what=draft.what_happened,
        when=draft.when_happened,
        error=draft.error_text,
        tried=", ".join(draft.tried),
        device=draft.device,
        order=draft.order_number,
        contact=draft.contact,
        urgency=texts.button("urgency", level=_LEVEL_OF_URGENCY[draft.urgency].value),
        impact=texts.button("impact", level=_LEVEL_OF_IMPACT[draft.impact].value),
    )
    while True:
        text = _read(draft, terminal, people, lambda t: confirms(t) is not None)
        said = confirms(text)
        if said is None:
            _new_question(text, FormStep.CONFIRM, draft, terminal, people, asks_anew)
        match said:
            case True:
                return Filled(draft)
            case False:
                terminal.say("form_cancelled")
                return Filled(None)
            case None:
                terminal.say("form_confirm_retry")
