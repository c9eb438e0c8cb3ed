"""The terminal's texts, ``bot/templates/cli/*.txt.j2``: plain text, Russian plurals, no gaps."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from jinja2 import UndefinedError

from bot.texts import Texts, make_environment
from nlp.small_talk import SmallTalk

NOW = datetime(2024, 11, 25, 9, 0, tzinfo=UTC)  # 12:00 in Moscow
SAMPLES: dict[str, dict[str, Any]] = {
    "welcome": {"count": 44, "folder": "articles"},
    "help": {"example": "как завершить поездку"},
    "answer": {
        "article": "Как завершить аренду\n\nНажмите «Завершить».",
        "related": ["Зоны завершения", "Платное ожидание"],
    },
    "choices": {
        "options": ["Как завершить аренду", "Зоны завершения"],
        "retry": False,
        "again": False,
    },
    "invite": {"example": "не приходит код", "trouble": True},
    "form_small_talk": {"talk": "thanks"},
    "unknown_command": {"command": "отмена"},
    "ask_about_ticket": {"number": 1001},
    "added_to_ticket": {"number": 1001},
    "ticket_solved": {"number": 1001},
    "question_added_to_ticket": {"number": 1001},
    "ticket_already_open": {"number": 1001},
    "thanks": {},
    "small_talk": {"talk": "greeting", "example": "как завершить поездку", "under_answer": False},
    "hand_over": {"reason": "not_found", "questions": 9},
    "form_step": {
        "step": "what",
        "number": 1,
        "total": 9,
        "question": "не могу завершить",
        "tried": ["Как завершить аренду"],
        "options": [],
    },
    "form_what_needed": {},
    "form_confirm": {
        "what": "не могу завершить",
        "when": "утром",
        "error": None,
        "tried": "Как завершить аренду",
        "device": None,
        "order": None,
        "contact": "+7 900 000-00-00",
        "urgency": "🔴 Срочно, прямо сейчас",
        "impact": "Неудобно, но терпимо",
    },
    "form_confirm_retry": {},
    "form_abandoned": {},
    "form_retry": {"count": 3},
    "form_contact_retry": {},
    "form_cancelled": {},
    "form_solved": {},
    "form_new_question": {"question": "как поменять тариф?"},
    "form_new_question_retry": {},
    "form_asking_anew": {},
    "ticket_created": {"number": 1001, "priority": "средний", "due": NOW},
    "ticket_exists": {"number": 1001},
    "ticket_failed": {},
    "goodbye": {},
}


@pytest.fixture
def texts() -> Texts:
    return Texts(tz="Europe/Moscow", clock=lambda: NOW)


def test_every_terminal_template_has_a_sample() -> None:
    names = make_environment().list_templates(filter_func=lambda name: name.startswith("cli/"))
    assert {name.removeprefix("cli/").removesuffix(".txt.j2") for name in names} == set(SAMPLES)
    assert all(name.endswith(".txt.j2") for name in names)  # plain text: never escaped


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_template_renders_without_gaps(texts: Texts, name: str) -> None:
    text = texts.plain(f"cli/{name}", **SAMPLES[name])
    assert text and text == text.strip() and "\n\n\n" not in text


@pytest.mark.parametrize(
    ("name", "variable"),
    [(name, variable) for name, context in sorted(SAMPLES.items()) for variable in context],
)
def test_template_refuses_a_missing_variable(texts: Texts, name: str, variable: str) -> None:
    context = {key: value for key, value in SAMPLES[name].items() if key != variable}
    with pytest.raises(UndefinedError):
        texts.plain(f"cli/{name}", **context)


def test_what_people_typed_is_shown_as_typed(texts: Texts) -> None:
    context = {**SAMPLES["form_step"], "question": "<3 & «Co»", "tried": []}
    text = texts.plain("cli/form_step", **context)
    assert "«<3 & «Co»»" in text


@pytest.mark.parametrize(
    ("count", "words"),
    [(1, "1 статья"), (3, "3 статьи"), (5, "5 статей"), (11, "11 статей"), (21, "21 статья"),
     (44, "44 статьи")],
)  # fmt: skip
def test_welcome_names_the_kb_size_in_russian(texts: Texts, count: int, words: str) -> None:
    text = texts.plain("cli/welcome", count=count, folder="articles")
    assert f"База знаний: {words} (articles)." in text


@pytest.mark.parametrize(
    ("reason", "opening"),
    [
        ("not_found", "Готового ответа на этот вопрос у меня нет."),
        ("not_helped", "Жаль, что не помогло."),
        ("asked", "Хорошо."),
    ],
)
def test_hand_over_says_why(texts: Texts, reason: str, opening: str) -> None:
    text = texts.plain("cli/hand_over", reason=reason, questions=9)
    assert text.startswith(f"{opening} Передаю ваш вопрос оператору…")


def test_ticket_created_gives_number_priority_and_deadline(texts: Texts) -> None:
    text = texts.plain("cli/ticket_created", **SAMPLES["ticket_created"])
    assert (
        text
        == "✅ Заявка #1001 создана, приоритет: средний.\nОператор ответит сегодня до 12:00 МСК."
    )


@pytest.mark.parametrize(
    ("questions", "words"),
    [(1, "1 короткий вопрос"), (3, "3 коротких вопроса"), (9, "9 коротких вопросов")],
)
def test_hand_over_counts_the_questions_in_russian(
    texts: Texts, questions: int, words: str
) -> None:
    assert f"Заполним заявку: {words}," in texts.plain(
        "cli/hand_over", reason="asked", questions=questions
    )


@pytest.mark.parametrize("step", ["what", "when", "error", "tried", "device", "order", "contact",
                                  "urgency", "impact"])  # fmt: skip
def test_every_form_step_asks_its_question(texts: Texts, step: str) -> None:
    options = ["🔴 Срочно", "🟡 Сегодня", "🟢 Не срочно"]
    context = {**SAMPLES["form_step"], "step": step, "options": options, "known": None}
    text = texts.plain("cli/form_step", **context)
    assert text.startswith("Вопрос 1 из 9.\n") and "?" in text


@pytest.mark.parametrize("step", ["when", "error", "device", "order"])
def test_what_the_question_said_is_shown_to_keep(texts: Texts, step: str) -> None:
    context = {**SAMPLES["form_step"], "step": step, "known": "<48213>"}
    text = texts.plain("cli/form_step", **context)
    assert "Из вашего сообщения: " in text and "<48213>" in text
    assert "Enter — оставить как есть" in text
    with pytest.raises(UndefinedError):
        texts.plain("cli/form_step", **{**SAMPLES["form_step"], "step": step})


@pytest.mark.parametrize("name", ["small_talk", "form_small_talk"])
def test_every_kind_of_small_talk_gets_its_own_words(texts: Texts, name: str) -> None:
    context = {"example": None, "under_answer": False}
    said = {talk: texts.plain(f"cli/{name}", talk=talk.value, **context) for talk in SmallTalk}
    # A goodbye or «всё получилось» ends the form before its small-talk reply is needed.
    ending = {SmallTalk.GOODBYE, SmallTalk.SOLVED}
    kinds = said if name == "small_talk" else {t: s for t, s in said.items() if t not in ending}
    assert all(text.strip() for text in kinds.values())
    assert len(set(kinds.values())) == len(kinds)  # none falls through to another's reply
