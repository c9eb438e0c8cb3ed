"""What the desk says when a command does nothing, and the cases its sentences need."""

from __future__ import annotations

from typing import Any

import pytest

from bot.desk.commands import CommandError, parse_line, parse_priority, parse_status
from bot.desk.periods import parse_period
from bot.texts import Texts


@pytest.fixture
def texts() -> Texts:
    return Texts(tz="Europe/Moscow")


@pytest.mark.parametrize(
    ("reason", "context", "said"),
    [
        ("not_in_topic", {}, "Эта команда работает в теме заявки."),
        ("not_open", {}, "Заявка не открыта — сначала /reopen."),
        ("no_longer_open", {}, "Заявка уже не открыта."),
        ("still_open", {}, "Заявка и так открыта."),
        ("other_open", {"number": 1042}, "У клиента уже открыта заявка №1042."),
        ("not_from", {"status": "новая"}, "Из статуса «новая» так нельзя."),
        ("whom", {}, "Кому? /assign @username или ответом на сообщение."),
        (
            "unknown_agent",
            {"name": "@olga"},
            "Не знаю агента @olga: он должен хотя бы раз написать в этом чате.",
        ),
        ("agent_not_seen", {"name": "Ольга"}, "Ольга ещё не писал(а) в этом чате как агент."),
        ("kb_what", {}, "Что искать? /kb как сбросить пароль"),
        ("canned_format", {}, "Формат: /canned add Название | текст ответа"),
        ("canned_title_long", {"limit": 64}, "Название длиннее 64 символов."),
        ("canned_taken", {"title": "Привет"}, "Ответ «Привет» уже есть: удалите его сначала."),
        ("canned_missing", {"title": "Привет"}, "Нет готового ответа «Привет»."),
    ],
)
def test_refusals(texts: Texts, reason: str, context: dict[str, Any], said: str) -> None:
    assert texts.render("agents/command_error", reason=reason, **context) == f"⚠️ {said}"


@pytest.mark.parametrize(
    ("parse", "typed", "said"),
    [
        (parse_priority, "очень", "укажите приоритет: критический, высокий, средний или низкий"),
        (parse_status, "спит", "укажите статус: «в работе», «ожидает клиента» или «решена»"),
        (parse_line, "4", "укажите линию поддержки: 1, 2 или 3"),
    ],
)
def test_a_bad_argument_is_explained_from_the_template(
    texts: Texts, parse: Any, typed: str, said: str
) -> None:
    with pytest.raises(CommandError) as caught:
        parse(typed)
    rendered = texts.render("agents/command_error", reason=caught.value.reason)
    assert rendered == f"⚠️ {said}"


def test_an_unknown_period_names_the_accepted_ones(texts: Texts) -> None:
    from bot.desk.periods import ACCEPTED_PERIODS, UnknownPeriod

    with pytest.raises(UnknownPeriod) as caught:
        parse_period("год")
    rendered = texts.render(
        "agents/command_error",
        reason=caught.value.reason,
        value=caught.value.value,
        accepted=list(ACCEPTED_PERIODS),
    )
    assert rendered == f"⚠️ {caught.value}"


@pytest.mark.parametrize("line", [1, 2, 3])
def test_the_line_takes_the_case_its_sentence_needs(texts: Texts, line: int) -> None:
    moved = texts.render(
        "agents/ticket_changed", change="line", agent="Ольга", value=line, due=None
    )
    assert moved == f"⤴️ Ольга: заявка передана на {line}-ю линию."
