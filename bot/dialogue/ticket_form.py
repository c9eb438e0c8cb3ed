"""The ticket form's steps, in order, and how an answer fills the draft (pure).

:class:`FormStep` is the one list of the form's questions: the Telegram form's FSM states
(:mod:`bot.telegram.states`) and its buttons' callback data (:mod:`bot.telegram.callbacks`)
are derived from it, and the terminal form can take it without importing a transport::

    WHAT → WHEN → ERROR → TRIED → DEVICE → ORDER → CONTACT → URGENCY → IMPACT → CONFIRM
    command(text, people) -> FormCommand | None          «отмена», «/выход», «оператор», «пока»
    small_talk(text) -> SmallTalk | None                 «спасибо», «привет»: no answer
    skips(text) -> bool                                  «пропустить», «-», Enter
    answer(draft, step, text) -> TicketDraft | None      a typed answer (None: wants a button,
                                                         or a contact that holds none)
    level_of(text) -> Level | None                       «1», «2», «3» typed for a choice
    choose(draft, step, level) -> TicketDraft            urgency or impact, by button or number
    next_step(step, draft) -> FormStep                   the order, and the skip rules
    known(draft, step) -> str | None                     what the question already said
    can_file(draft) -> bool                              enough is known to file
    confirms(text) -> bool | None                        «да» / «нет» at the confirmation
    ASKS_ANEW_AT                                         where a question may be a new one
                                                         (Dialogue.asks_anew; not «что
                                                         случилось?», whose answer is one)

Every step can be skipped: a skipped question leaves the draft as it was (the question the
dialogue pre-filled, «сегодня» urgency, «только у меня» impact); «что случилось» is the one
exception while the draft has no question yet (the customer asked for a person first). The
contact step is skipped when the contact is known (remembered from an earlier ticket).
At any step «/отмена» or «отмена» drops the form, «/выход» drops it and leaves, and
«оператор» files what is known at once, as does a request for a person in any words that say
nothing else («хочу поговорить с человеком»): the customer asked for people, not for more
questions. A request inside an answer («писала оператору, чат молчит») is an answer. Ending
the input in the middle files nothing.

Small talk is no answer either: «спасибо», «привет» or «ты бот?» typed at «что случилось?»
would otherwise go to the agent as the problem. It gets a word back and the same question; a
goodbye («пока») files what is known, as «оператор» does: the question was handed over
already, and the customer is leaving, not withdrawing it. So does anger («достали», «сколько
можно»: enough questions) and «хватит»; «стоп» or «передумал» drops the form, as «отмена».
"""

from __future__ import annotations

import re
from dataclasses import replace
from enum import Enum, StrEnum

from bot.dialogue.human_request import HumanRequestDetector
from bot.dialogue.words import parse_choice
from bot.tickets import Impact, TicketDraft, Urgency
from bot.tickets.contact import read_contact
from nlp.small_talk import SmallTalk, detect
from nlp.text import normalise

__all__ = [
    "ASKS_ANEW_AT",
    "IMPACT_OF",
    "LEVELS_OFFERED",
    "ORDER_NUMBER_LIMIT",
    "QUESTIONS",
    "STEPS",
    "URGENCY_OF",
    "FormCommand",
    "FormStep",
    "Level",
    "answer",
    "can_file",
    "choose",
    "command",
    "confirms",
    "known",
    "level_of",
    "next_step",
    "number_of",
    "skips",
    "small_talk",
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
ASKS_ANEW_AT: frozenset[FormStep] = frozenset(FormStep) - {FormStep.WHAT}
"""Where a question typed is asked about («ответ или новый вопрос?») before it is taken: at
«что случилось?» a question is the answer itself (the problem, or more of it)."""


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

LEVELS_OFFERED: tuple[Level, ...] = (Level.HIGH, Level.MEDIUM, Level.LOW)
"""The order urgency and impact are offered in, the most serious first: «1» is the first."""

ORDER_NUMBER_LIMIT = 64  # the column's width


class FormCommand(Enum):
    """What a customer can say at any step instead of an answer."""

    CANCEL = "cancel"  # drop the form, file nothing
    EXIT = "exit"  # the same, and the customer is leaving (the terminal ends the chat)
    FILE = "file"  # «оператор», «пока»: file with what is known, the remaining questions skipped


_PUNCTUATION = re.compile(r"[^\w\s/]")
_COMMANDS: dict[str, FormCommand] = {
    **dict.fromkeys(
        (
            "/отмена",
            "отмена",
            "/cancel",
            "cancel",
            "отменить",
            "отменить заявку",
            "стоп",
            "передумал",
            "передумала",
        ),
        FormCommand.CANCEL,
    ),
    **dict.fromkeys(("/выход", "/exit", "/quit", "/q", "выход"), FormCommand.EXIT),
    **dict.fromkeys(
        (
            "оператор",
            "оператора",
            "позовите оператора",
            "отправить сейчас",
            "/оператор",
            "хватит",
            "хватит вопросов",
            "отправляйте так",
        ),
        FormCommand.FILE,
    ),
}
_SKIPS = frozenset(
    {"", "-", "—", "пропустить", "пропуск", "skip", "/skip", "не знаю", "нет", "оставить как есть",
     # «нет» in other words: no error on screen, nothing tried, no order, time forgotten
     "нету", "не помню", "ничего", "никакой", "никакую", "никакого", "ошибки нет", "нет ошибки",
     "ошибок нет", "без ошибки", "ничего не пробовал", "ничего не пробовала", "не пробовал",
     "не пробовала", "нет заказа", "нет номера", "не было",
     # «не надо» answers the question («как с вами связаться?» — «не надо»); it had dropped
     # the whole form, the customer's problem with it («отмена» or «передумал» do that)
     "не надо", "не нужно", "не требуется", "не обязательно", "необязательно"}
)  # fmt: skip
#: The contact given as this very chat, where the answer comes anyway: nothing to keep.
_THIS_CHAT = frozenset(
    {"сюда", "здесь", "тут", "в чат", "в этот чат", "в этом чате", "в телеграм", "в телеграмм",
     "в телеграме", "в телеграмме", "телеграм", "телеграмм", "telegram", "в telegram",
     "пишите сюда", "пишите здесь", "пишите в чат", "сюда пишите", "здесь пишите"}
)  # fmt: skip
#: Words for each level, per question (its buttons' own words among them, typed).
_LEVEL_WORDS: dict[FormStep, dict[str, Level]] = {
    FormStep.URGENCY: {
        **dict.fromkeys(
            ("срочно", "очень срочно", "да срочно", "срочно прямо сейчас", "прямо сейчас",
             "горит", "критично", "немедленно", "asap"),
            Level.HIGH,
        ),
        **dict.fromkeys(
            ("сегодня", "желательно сегодня", "в течение дня", "средне"), Level.MEDIUM
        ),
        **dict.fromkeys(
            ("не срочно", "не очень срочно", "может подождать", "можно подождать", "подождет",
             "не горит", "терпит"),
            Level.LOW,
        ),
    },
    FormStep.IMPACT: {
        **dict.fromkeys(
            ("совсем не могу пользоваться", "не могу пользоваться", "ничего не работает",
             "совсем", "полностью", "очень сильно", "сильно"),
            Level.HIGH,
        ),
        **dict.fromkeys(
            ("не получается сделать что то важное", "что то важное", "важное", "мешает",
             "средне"),
            Level.MEDIUM,
        ),
        **dict.fromkeys(
            ("неудобно но терпимо", "терпимо", "неудобно", "немного", "чуть чуть", "не сильно",
             "не очень"),
            Level.LOW,
        ),
    },
}  # fmt: skip


def _plain(text: str) -> str:
    return " ".join(_PUNCTUATION.sub(" ", normalise(text)).split())


def command(text: str, people: HumanRequestDetector | None = None) -> FormCommand | None:
    """The command typed instead of an answer, if it is one.

    :param people: recognises a request for a person in other words than «оператор»; a bare
        one files the form like «оператор» (one that says more is an answer)

    >>> command("/отмена"), command("Оператор!"), command("/выход"), command("вчера")
    (<FormCommand.CANCEL: 'cancel'>, <FormCommand.FILE: 'file'>, <FormCommand.EXIT: 'exit'>, None)
    >>> command("До свидания!")
    <FormCommand.FILE: 'file'>
    """
    said = _COMMANDS.get(_plain(text))
    if said is None and people is not None:
        request = people.detect(text)
        if request is not None and request.bare:
            return FormCommand.FILE
    if said is None and small_talk(text) in (SmallTalk.GOODBYE, SmallTalk.UPSET):
        return FormCommand.FILE
    return said


def small_talk(text: str) -> SmallTalk | None:
    """Small talk typed instead of an answer: a message of nothing else (see the module).

    «ок», «понятно» are small talk too (no answer to «когда это началось?»); at the
    confirmation, read :func:`confirms` first: «ок» sends the ticket there.

    >>> small_talk("Спасибо!"), small_talk("пока"), small_talk("спасибо, вчера вечером")
    (<SmallTalk.THANKS: 'thanks'>, <SmallTalk.GOODBYE: 'goodbye'>, None)
    """
    return detect(text)


def skips(text: str) -> bool:
    """Whether ``text`` skips the question: empty (Enter), «-», «пропустить», «не знаю».

    >>> skips(""), skips("Пропустить"), skips("вчера вечером")
    (True, True, False)
    """
    return _plain(text) in _SKIPS


def level_of(text: str, step: FormStep = FormStep.URGENCY) -> Level | None:
    """The level typed for urgency or impact: its number in :data:`LEVELS_OFFERED`, an
    ordinal, or that question's words (a button's own words typed, «горит», «терпимо»).

    >>> level_of("1"), level_of("3."), level_of("не срочно"), level_of("5")
    (<Level.HIGH: 'high'>, <Level.LOW: 'low'>, <Level.LOW: 'low'>, None)
    >>> level_of("терпимо", FormStep.IMPACT), level_of("второе", FormStep.IMPACT)
    (<Level.LOW: 'low'>, <Level.MEDIUM: 'medium'>)
    """
    # A number or an ordinal, read as a pick from a list is («второе», «3.», «2-е»).
    number = parse_choice(text, len(LEVELS_OFFERED)) or 0
    if number:
        return LEVELS_OFFERED[number - 1]
    return _LEVEL_WORDS.get(step, {}).get(_plain(text))


_SEND = frozenset(
    {"", "да", "1", "отправить", "отправляйте", "отправь", "отправляй", "ок", "ok", "верно", "+",
     "да отправляйте", "да отправить", "да отправь", "отправь пожалуйста",
     "отправьте пожалуйста", "отправьте", "все верно", "да все верно", "все правильно",
     "да все правильно", "правильно", "давай", "давайте", "го", "подтверждаю", "да ок"}
)  # fmt: skip
_DO_NOT_SEND = frozenset(
    {"нет", "2", "не отправлять", "не надо", "не отправляй", "не отправляйте", "не нужно"}
)  # fmt: skip


def confirms(text: str) -> bool | None:
    """The answer at the confirmation: ``True`` send, ``False`` drop, ``None`` neither.

    >>> confirms(""), confirms("Да!"), confirms("нет"), confirms("вчера")
    (True, True, False, None)
    """
    words = _plain(text)
    if words in _SEND:
        return True
    return False if words in _DO_NOT_SEND else None


def can_file(draft: TicketDraft) -> bool:
    """Whether the draft says enough to be filed: it has the customer's question."""
    return bool(draft.question.strip())


def next_step(step: FormStep, draft: TicketDraft | None = None) -> FormStep:
    """The question after ``step``; the confirmation after the last one.

    :param draft: the draft so far; a question it already answers is skipped (the contact,
        remembered from an earlier ticket)

    >>> next_step(FormStep.WHAT), next_step(FormStep.IMPACT), next_step(FormStep.CONFIRM)
    (<FormStep.WHEN: 'when'>, <FormStep.CONFIRM: 'confirm'>, <FormStep.CONFIRM: 'confirm'>)
    """
    while step is not FormStep.CONFIRM:
        position = STEPS.index(step)
        step = STEPS[position + 1] if position + 1 < len(STEPS) else FormStep.CONFIRM
        if not (step is FormStep.CONTACT and draft is not None and draft.contact):
            return step
    return step


def number_of(step: FormStep) -> int | None:
    """The question's number, from 1 («вопрос 2 из 9»); ``None`` for the confirmation."""
    return STEPS.index(step) + 1 if step in STEPS else None


def known(draft: TicketDraft, step: FormStep) -> str | None:
    """What the draft already holds for ``step``, taken from the customer's message (shown,
    to keep or to type over); ``None`` for the steps that are never pre-filled so."""
    match step:
        case FormStep.WHEN:
            return draft.when_happened
        case FormStep.ERROR:
            return draft.error_text
        case FormStep.DEVICE:
            return draft.device
        case FormStep.ORDER:
            return draft.order_number
        case _:
            return None


def answer(draft: TicketDraft, step: FormStep, text: str) -> TicketDraft | None:
    """The draft with ``text`` as the answer to ``step``; ``None`` if the step wants a button
    or, for the contact, ``text`` holds none (:func:`bot.tickets.contact.read_contact`: a
    stray «2» would be remembered for the customer's next tickets).

    :param text: the customer's message, stripped, not empty
    """
    match step:
        case FormStep.WHAT if not draft.question:
            return draft.told(text)  # «заказ 48213 не пришёл»: the order step shows it
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
        case FormStep.CONTACT if _plain(text) in _THIS_CHAT:
            return draft  # «сюда»: the answer comes here anyway
        case FormStep.CONTACT:
            contact = read_contact(text)
            return replace(draft, contact=contact) if contact else None
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
