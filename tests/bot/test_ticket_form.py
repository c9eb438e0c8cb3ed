"""bot.dialogue.ticket_form: the form's one list of steps, and answers filling the draft (pure).

That the Telegram form's states and buttons follow the same list is checked in
tests/telegram/test_ticket_form.py.
"""

from __future__ import annotations

import doctest
from types import ModuleType

import pytest

from bot.dialogue import ticket_form, words
from bot.dialogue.human_request import HumanRequestDetector
from bot.dialogue.ticket_form import (
    QUESTIONS,
    STEPS,
    FormCommand,
    FormStep,
    Level,
    answer,
    can_file,
    choose,
    command,
    confirms,
    level_of,
    next_step,
    number_of,
    skips,
    small_talk,
)
from bot.tickets import Impact, TicketDraft, Urgency, contact
from nlp.small_talk import SmallTalk

DRAFT = TicketDraft.from_question("не могу завершить аренду", rejected_articles=("Зоны",))


def test_the_steps_are_the_questions_in_order_then_the_confirmation() -> None:
    assert [step.value for step in STEPS] == [
        "what", "when", "error", "tried", "device", "order", "contact", "urgency", "impact",
    ]  # fmt: skip
    assert QUESTIONS == 9 and FormStep.CONFIRM not in STEPS


def test_each_step_leads_to_the_next_and_the_last_to_the_confirmation() -> None:
    walked = [FormStep.WHAT]
    while walked[-1] is not FormStep.CONFIRM:
        walked.append(next_step(walked[-1]))
    assert walked == [*STEPS, FormStep.CONFIRM]
    assert next_step(FormStep.CONFIRM) is FormStep.CONFIRM


def test_questions_are_numbered_from_one_and_the_confirmation_is_not() -> None:
    assert [number_of(step) for step in STEPS] == list(range(1, QUESTIONS + 1))
    assert number_of(FormStep.CONFIRM) is None


@pytest.mark.parametrize(
    ("step", "field", "value"),
    [
        (FormStep.WHEN, "when_happened", "вчера"),
        (FormStep.ERROR, "error_text", "Ошибка 502"),
        (FormStep.DEVICE, "device", "iPhone"),
        (FormStep.CONTACT, "contact", "+7 900 000-00-00"),
    ],
)
def test_a_typed_answer_fills_its_field(step: FormStep, field: str, value: str) -> None:
    filled = answer(DRAFT, step, value)
    assert filled is not None and getattr(filled, field) == value


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("89001234567", "+7 900 123-45-67"),
        ("мой 8-900-123-45-67, звонить после 18", "мой +7 900 123-45-67, звонить после 18"),
        ("+380 50 123 4567", "+380 50 123 4567"),
        ("380501234567", "+380 50 123 4567"),  # a foreign number, its "+" left out
        ("Anna@Example.RU", "Anna@example.ru"),
        ("телеграм @anna_k", "телеграм @anna_k"),
    ],
)
def test_a_contact_is_kept_with_its_phone_written_one_way(typed: str, kept: str) -> None:
    filled = answer(DRAFT, FormStep.CONTACT, typed)
    assert filled is not None and filled.contact == kept


@pytest.mark.parametrize("typed", ["2", "не знаю", "123456", "anna@example", "ул. Ленина, 5"])
def test_a_contact_that_holds_none_is_asked_again(typed: str) -> None:
    assert answer(DRAFT, FormStep.CONTACT, typed) is None


@pytest.mark.parametrize("typed", ["сюда", "Пишите сюда!", "в телеграм"])
def test_this_chat_as_the_contact_leaves_nothing_to_remember(typed: str) -> None:
    assert answer(DRAFT, FormStep.CONTACT, typed) == DRAFT


def test_what_adds_to_the_question_and_tried_adds_to_the_articles() -> None:
    what = answer(DRAFT, FormStep.WHAT, "и двери не закрываются")
    assert what is not None
    assert what.what_happened == "не могу завершить аренду\n\nи двери не закрываются"
    tried = answer(DRAFT, FormStep.TRIED, "перезагрузил")
    assert tried is not None and tried.tried == ("Зоны", "перезагрузил")


def test_without_a_question_the_first_answer_is_the_question() -> None:
    filled = answer(TicketDraft.from_question(""), FormStep.WHAT, "позвоните мне")
    assert filled is not None and filled.question == filled.what_happened == "позвоните мне"


def test_the_order_number_is_cut_to_the_columns_width() -> None:
    filled = answer(DRAFT, FormStep.ORDER, "1" * 100)
    assert filled is not None and filled.order_number == "1" * 64


@pytest.mark.parametrize("step", [FormStep.URGENCY, FormStep.IMPACT, FormStep.CONFIRM])
def test_steps_with_buttons_take_no_typed_answer(step: FormStep) -> None:
    assert answer(DRAFT, step, "очень срочно") is None


def test_levels_choose_urgency_and_impact_and_nothing_else() -> None:
    assert choose(DRAFT, FormStep.URGENCY, Level.HIGH).urgency is Urgency.BLOCKING
    assert choose(DRAFT, FormStep.IMPACT, Level.HIGH).impact is Impact.EVERYONE
    with pytest.raises(ValueError, match="'when' is not a choice between levels"):
        choose(DRAFT, FormStep.WHEN, Level.LOW)


# --- what can be typed at any step: commands, skips, levels (the same in both front ends) ----


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("/отмена", FormCommand.CANCEL),
        ("Отмена", FormCommand.CANCEL),
        ("/cancel", FormCommand.CANCEL),
        ("/выход", FormCommand.EXIT),
        ("оператор", FormCommand.FILE),
        ("Оператор!", FormCommand.FILE),
        ("позовите оператора", FormCommand.FILE),
        ("вчера вечером", None),
        ("оператор не отвечает", None),
        ("Пока!", FormCommand.FILE),  # leaving: what is known goes to a person
        ("до свидания", FormCommand.FILE),
        ("пока не знаю", None),
        ("спасибо", None),  # small talk, see below
        ("Достали уже!", FormCommand.FILE),  # angry: no more questions, people now
        ("хватит", FormCommand.FILE),
        ("стоп", FormCommand.CANCEL),
        ("передумала", FormCommand.CANCEL),
        ("не понял", None),  # small talk: the question is explained
    ],
)
def test_commands_at_any_step(text: str, said: FormCommand | None) -> None:
    assert command(text) is said


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("хочу поговорить с человеком", FormCommand.FILE),
        ("соедините с живым сотрудником", FormCommand.FILE),
        ("Позовите оператора!", FormCommand.FILE),
        # A request inside an answer is the answer: «что пробовали?» — writing to people.
        ("писала оператору в чат, никто не ответил", None),
        ("звонила оператору связи", None),
        ("вчера вечером", None),
    ],
)
def test_a_request_for_a_person_in_any_words_files_the_form(
    text: str, said: FormCommand | None
) -> None:
    assert command(text, HumanRequestDetector()) is said


@pytest.mark.parametrize(
    ("text", "skipped"),
    [("", True), ("-", True), ("Пропустить", True), ("не знаю", True), ("нет", True),
     ("Ничего.", True), ("ошибки нет", True), ("не помню", True), ("ничего не пробовала", True),
     ("вчера", False), ("iPhone 13", False), ("ничего не открывается", False),
     ("Не надо", True), ("не нужно", True)],
)  # fmt: skip
def test_skips(text: str, skipped: bool) -> None:
    assert skips(text) is skipped


@pytest.mark.parametrize("text", ["не надо", "Не нужно!"])
def test_no_need_answers_a_question_and_drops_no_form(text: str) -> None:
    # «Как с вами связаться?» — «не надо»: no contact, not «cancel the ticket».
    assert command(text) is None and skips(text)


@pytest.mark.parametrize(
    ("text", "level"),
    [("1", Level.HIGH), ("2.", Level.MEDIUM), ("3", Level.LOW), ("срочно", Level.HIGH),
     ("не срочно", Level.LOW), ("4", None), ("0", None), ("завтра", None)],
)  # fmt: skip
def test_levels_typed_as_numbers_or_words(text: str, level: Level | None) -> None:
    assert level_of(text) is level


@pytest.mark.parametrize(
    ("step", "text", "level"),
    [(FormStep.URGENCY, "горит!", Level.HIGH), (FormStep.URGENCY, "не очень срочно", Level.LOW),
     (FormStep.URGENCY, "🟡 Желательно сегодня", Level.MEDIUM),  # the button's words, typed
     (FormStep.IMPACT, "терпимо", Level.LOW), (FormStep.IMPACT, "Совсем не могу пользоваться",
     Level.HIGH), (FormStep.IMPACT, "второе", Level.MEDIUM), (FormStep.IMPACT, "срочно", None)],
)  # fmt: skip
def test_each_level_question_reads_its_own_words(
    step: FormStep, text: str, level: Level | None
) -> None:
    assert level_of(text, step) is level


def test_a_known_contact_is_not_asked_again() -> None:
    assert next_step(FormStep.ORDER, TicketDraft("q", "q")) is FormStep.CONTACT
    known = TicketDraft("q", "q", contact="+7 900 000-00-00")
    assert next_step(FormStep.ORDER, known) is FormStep.URGENCY


def test_a_draft_without_a_question_cannot_be_filed() -> None:
    assert not can_file(TicketDraft("", ""))
    assert can_file(DRAFT)


@pytest.mark.parametrize(
    ("text", "sent"),
    [("", True), ("да", True), ("Отправить", True), ("нет", False), ("вчера", None),
     ("Да, отправляйте", True), ("всё верно", True), ("давай", True),
     ("отправь, пожалуйста", True), ("не отправляй", False), ("исправить", None)],
)  # fmt: skip
def test_the_confirmation_in_words(text: str, sent: bool | None) -> None:
    assert confirms(text) is sent


@pytest.mark.parametrize(
    ("text", "talk"),
    [
        ("спасибо!", SmallTalk.THANKS),
        ("Здравствуйте", SmallTalk.GREETING),
        ("ты бот?", SmallTalk.ARE_YOU_BOT),
        ("пока", SmallTalk.GOODBYE),
        ("спасибо, вчера вечером", None),  # thanks with an answer is the answer
        ("ок", SmallTalk.OKAY),  # no answer to «когда это началось?»
        ("да", None),  # the confirmation's word, not small talk
    ],
)
def test_small_talk_is_no_answer(text: str, talk: SmallTalk | None) -> None:
    assert small_talk(text) is talk


@pytest.mark.parametrize("module", [ticket_form, contact, words])
def test_docstring_examples(module: ModuleType) -> None:
    failed, tried = doctest.testmod(module)
    assert tried and not failed
