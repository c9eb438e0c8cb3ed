"""``faqbot chat`` driven through a pipe, as a person would type, tickets in a real SQLite file."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from kb import load_folder
from tests.cli.conftest import DEMO, ROOT, TITLES, Run


def tickets(database: Path) -> list[dict[str, Any]]:
    with sqlite3.connect(database) as connection:
        connection.row_factory = sqlite3.Row
        rows = connection.execute("SELECT * FROM tickets ORDER BY number").fetchall()
    return [dict(row) for row in rows]


def no_tickets(database: Path) -> bool:
    """No ticket was filed (the database is opened at a hand-over, to look for an open one)."""
    return not database.exists() or tickets(database) == []


def lines(*typed: str) -> str:
    return "".join(f"{line}\n" for line in typed)


SKIP_5 = ("",) * 5
SKIP_ALL = ("",) * 9
"""Enter at every question of the form (nine of them, as in Telegram)."""
SEND = ""
"""Enter at the confirmation sends the ticket."""


def test_chat_answers_asks_for_feedback_and_thanks(faqbot: Run, kb: Path) -> None:
    result = faqbot("chat", "--articles", str(kb), stdin=lines("Где мой заказ", "да", "/выход"))
    assert result.code == 0, result.err
    assert "База знаний: 6 статей" in result.out
    answer = result.out.split("> Где мой заказ\n", 1)[1]
    assert answer.startswith("Где мой заказ\n\nСтатус заказа виден в разделе Мои заказы.")
    assert "**" not in answer  # Markdown rendered as plain text
    assert "Помог ли ответ? (да/нет)" in answer
    assert "> да\nСпасибо за отзыв!" in result.out
    assert result.out.rstrip().endswith("> /выход\nДо свидания!")
    assert result.err == ""


def test_chat_offers_numbered_choices_and_shows_the_one_picked(faqbot: Run, kb: Path) -> None:
    result = faqbot("chat", "--articles", str(kb), stdin=lines("заказ", "2"))
    assert result.code == 0, result.err
    offered = result.out.split("> заказ\n", 1)[1].split("> 2\n", 1)[0]
    options = [line.strip() for line in offered.splitlines() if line.strip()[:2] in {"1.", "2."}]
    assert len(options) == 2 and all(o[3:] in TITLES.values() for o in options)
    assert "0. Другое — передать вопрос оператору" in offered
    picked = options[1][3:]
    assert result.out.split("> 2\n", 1)[1].startswith(picked + "\n\n")


def test_chat_hands_over_what_it_cannot_answer_and_files_a_ticket(
    faqbot: Run, kb: Path, tmp_path: Path
) -> None:
    # what, 5 skipped (when, error, tried, device, order), contact, urgency 1, impact skipped, send
    typed = lines("погода на марсе", "Хочу знать погоду на Марсе", *SKIP_5, "+7 900 123-45-67", "1")
    result = faqbot("chat", "--articles", str(kb), stdin=typed + lines("", ""))
    assert result.code == 0, result.err
    assert "Передаю ваш вопрос оператору…" in result.out
    assert "Заявка #1001 создана, приоритет: высокий." in result.out
    assert result.err == ""
    # The default database: DATABASE_URL's default, in the working directory.
    [ticket] = tickets(tmp_path / "faqbot.sqlite3")
    assert ticket["number"] == 1001
    assert ticket["status"] == "new" and ticket["priority"] == "high"
    assert ticket["question"] == "погода на марсе"
    assert ticket["what_happened"] == "погода на марсе\n\nХочу знать погоду на Марсе"
    assert ticket["contact"] == "+7 900 123-45-67"
    assert json.loads(ticket["tried"]) == []


def test_thumbs_down_offers_next_best_then_a_ticket_with_what_was_tried(
    faqbot: Run, kb: Path, tmp_path: Path
) -> None:
    database = tmp_path / "desk.sqlite3"
    typed = lines("Как отменить заказ", "нет", "0", *SKIP_ALL, SEND, "Как отменить заказ")
    result = faqbot(
        "chat", "--articles", str(kb), "--database", f"sqlite:///{database}", stdin=typed
    )
    assert result.code == 0, result.err
    # Asked again, the ticket open: the article it found did not help, so the ticket takes it.
    again = result.out.rsplit("> Как отменить заказ\n", 1)[1]
    assert again.startswith("Добавил к заявке #1001 — оператор увидит.")
    after_no = result.out.split("> нет\n", 1)[1]
    assert after_no.startswith("Тогда, может быть, подойдёт одно из этих:")
    assert "Возврат денег за заказ" in after_no  # among the next-best, whatever its place
    assert "Жаль, что не помогло. Передаю ваш вопрос оператору…" in result.out
    assert "Вы уже смотрели:" in result.out
    [ticket] = tickets(database)
    assert ticket["question"] == ticket["what_happened"] == "Как отменить заказ"
    # Every article offered is listed: the answer first, then the next-best ones.
    tried = json.loads(ticket["tried"])
    assert tried[0] == "Как отменить заказ" and "Возврат денег за заказ" in tried
    assert ticket["priority"] == "medium" and ticket["contact"] is None


def test_the_form_shows_what_the_question_said_and_enter_keeps_it(
    faqbot: Run, kb: Path, tmp_path: Path
) -> None:
    database = tmp_path / "desk.sqlite3"
    typed = lines("позовите оператора, вчера заказ 48213 не пришёл", *SKIP_ALL, SEND)
    result = faqbot(
        "chat", "--articles", str(kb), "--database", f"sqlite:///{database}", stdin=typed
    )
    assert result.code == 0, result.err
    assert "Из вашего сообщения: «вчера». Enter — оставить как есть" in result.out
    assert "Из вашего сообщения: 48213. Enter — оставить как есть" in result.out
    [ticket] = tickets(database)
    assert ticket["order_number"] == "48213" and ticket["error_text"] is None
    assert ticket["when_happened"] == "вчера"


def test_asking_for_a_person_at_any_time_and_one_open_ticket(
    faqbot: Run, kb: Path, tmp_path: Path
) -> None:
    database = tmp_path / "desk.sqlite3"
    typed = lines(
        "позавите сотрудника",
        "Курьер привёз не тот заказ",
        *SKIP_ALL[1:],
        SEND,
        "соедините с живым человеком, пожалуйста",  # people have the ticket: added to it
        "Где мой заказ",  # the knowledge base has an answer: asked first
        "1",  # about the ticket: added to it
        "Как отменить заказ",
        "новый вопрос",  # answered from the knowledge base
        "нет",  # the next candidates
        "0",  # people: added to the open ticket, said so, no second form
        "погода на марсе",  # nothing to answer with: straight to the open ticket
    )
    result = faqbot(
        "chat", "--articles", str(kb), "--database", f"sqlite+aiosqlite:///{database}", stdin=typed
    )
    assert result.code == 0, result.err
    assert result.out.count("Хорошо. Передаю ваш вопрос оператору…") == 1
    assert result.out.count("Вопрос 1 из 9.") == 1  # one form, for one problem
    assert "Заявка #1001 создана, приоритет: средний." in result.out
    asked = "У вас открыта заявка #1001. Это про неё или новый вопрос?"
    assert result.out.count(asked) == 2
    added = "Добавил к заявке #1001 — оператор увидит."
    assert f"> соедините с живым человеком, пожалуйста\n{added}" in result.out
    assert f"> 1\n{added}" in result.out and f"> погода на марсе\n{added}" in result.out
    assert "> новый вопрос\nКак отменить заказ\n\n" in result.out
    assert "> 0\nПока заявка #1001 открыта, вторую не открываем" in result.out
    assert result.err == ""
    [ticket] = tickets(database)
    assert ticket["question"] == ticket["what_happened"] == "Курьер привёз не тот заказ"
    with sqlite3.connect(database) as connection:
        added_rows = connection.execute("SELECT text FROM ticket_messages").fetchall()
        customers = connection.execute("SELECT telegram_id FROM customers").fetchall()
    assert [text for (text,) in added_rows] == [
        "соедините с живым человеком, пожалуйста",
        "Где мой заказ",
        "Как отменить заказ",
        "погода на марсе",
    ]
    assert customers == [(0,)]


def test_the_contact_is_asked_once_and_remembered(faqbot: Run, kb: Path, tmp_path: Path) -> None:
    database = tmp_path / "desk.sqlite3"
    url = f"sqlite:///{database}"
    first = lines("оператор", "Не та еда", *SKIP_5, "+7 900 123-45-67", "", "", SEND)
    result = faqbot("chat", "--articles", str(kb), "--database", url, stdin=first)
    assert "Заявка #1001 создана" in result.out, result.out
    with sqlite3.connect(database) as connection:
        connection.execute("UPDATE tickets SET status = 'closed'")
    second = lines("оператор", "Опять не та еда", *SKIP_5, "", "", SEND)
    result = faqbot("chat", "--articles", str(kb), "--database", url, stdin=second)
    assert result.code == 0, result.err
    assert "Как с вами связаться" not in result.out
    assert "Контакт: +7 900 123-45-67" in result.out  # shown in the confirmation
    assert "Заявка #1002 создана" in result.out
    assert [t["contact"] for t in tickets(database)] == ["+7 900 123-45-67"] * 2
    with sqlite3.connect(database) as connection:
        assert connection.execute("SELECT contact FROM customers").fetchall() == [
            ("+7 900 123-45-67",)
        ]


def test_a_contact_with_no_phone_or_address_is_asked_again(
    faqbot: Run, kb: Path, tmp_path: Path
) -> None:
    database = tmp_path / "desk.sqlite3"
    typed = lines("оператор", "Не та еда", *SKIP_5, "2", "8 900 123 45 67", "", "", SEND)
    result = faqbot(
        "chat", "--articles", str(kb), "--database", f"sqlite:///{database}", stdin=typed
    )
    assert result.code == 0, result.err
    assert "> 2\nНе похоже на телефон или e-mail." in result.out
    assert "Заявка #1001 создана" in result.out
    assert [t["contact"] for t in tickets(database)] == ["+7 900 123-45-67"]


def test_the_ticket_form_can_be_cancelled(faqbot: Run, kb: Path, tmp_path: Path) -> None:
    result = faqbot("chat", "--articles", str(kb), stdin=lines("оператор", "/отмена", "/exit"))
    assert result.code == 0, result.err
    assert "Хорошо, заявку не отправляем." in result.out
    assert "Заявка #" not in result.out
    assert no_tickets(tmp_path / "faqbot.sqlite3")


def test_chat_on_the_demo_kb(faqbot: Run) -> None:
    typed = lines("как завершить поездку", "да", "как поменять тариф")
    result = faqbot("chat", "--articles", str(DEMO), stdin=typed)
    assert result.code == 0, result.err
    assert "База знаний: 47 статей" in result.out
    first = result.out.split("> как завершить поездку\n", 1)[1].split("> да\n", 1)[0]
    assert first.startswith("Как завершить аренду")
    # A paraphrase: the tariff article says «сменить», never «поменять», which only the
    # payment article has («Как поменять карту для оплаты?»). The tariff article comes first,
    # answered or as the first of the choices (the words alone would pick the payment one).
    tariff = result.out.split("> как поменять тариф\n", 1)[1]
    offered = tariff.split("\n", 2)
    assert offered[0] == "Тарифы и классы машин" or offered[1] == "  1. Тарифы и классы машин"


def test_a_no_to_an_answer_the_words_alone_found_offers_articles_near_in_meaning(
    faqbot: Run,
) -> None:
    # The words alone are sure of «Деньги списали дважды» (no embedding for it), and after it
    # they would rank «Штрафы ГИБДД с камер» next for the one word «списать» it shares.
    typed = lines("у меня списали деньги дважды за одну поездку, что делать?", "нет")
    result = faqbot("chat", "--articles", str(DEMO), stdin=typed)
    assert result.code == 0, result.err
    answer, offered = result.out.split("> у меня списали", 1)[1].split("> нет\n", 1)
    assert answer.split("\n", 1)[1].startswith("Деньги списали дважды\n")
    listed = [line[5:] for line in offered.splitlines() if line[2:4] in {"1.", "2.", "3.", "4."}]
    assert "Заморозка денег на карте при бронировании" in listed
    assert "Возврат денег за поездку" in listed
    assert "Штрафы ГИБДД с камер" not in listed


def test_a_time_a_phone_or_trouble_alone_is_no_question_but_a_known_error_code_is(
    faqbot: Run,
) -> None:
    typed = lines(
        "вчера вечером", "+79001234567", "ничего не получается", "завершить аренду", "E-100"
    )
    result = faqbot("chat", "--articles", str(DEMO), stdin=typed)
    assert result.code == 0, result.err
    for text in ("вчера вечером", "+79001234567"):
        reply = result.out.split(f"> {text}\n", 1)[1]
        assert reply.startswith("Не совсем понял, о чём вы.")
    # Not «Не получается завершить аренду», whose title it covers: what exactly, and how to say.
    reply = result.out.split("> ничего не получается\n", 1)[1]
    assert reply.startswith("Расскажите, пожалуйста, подробнее: что именно не работает")
    assert "«не могу забронировать, пишет доступ ограничен»" in reply.split("\n>", 1)[0]
    # The detail is read with the trouble: not «Как завершить аренду».
    assert result.out.split("> завершить аренду\n", 1)[1].startswith("Не получается завершить")
    # The demo's error article lists E-100: a code pasted from the screen is answered.
    assert result.out.split("> E-100\n", 1)[1].startswith("Ошибки в приложении")


def test_bad_database_url_is_a_usage_error(faqbot: Run, kb: Path) -> None:
    result = faqbot("chat", "--articles", str(kb), "--database", "desk.sqlite3")
    assert result.code == 2 and "is not a database URL" in result.err


def test_unusable_database_keeps_the_chat_going(faqbot: Run, kb: Path, tmp_path: Path) -> None:
    (tmp_path / "folder").mkdir()
    typed = lines("оператор", "Нужна помощь", *SKIP_ALL[1:], SEND, "/выход")
    result = faqbot(
        "chat", "--articles", str(kb), "--database", f"sqlite:///{tmp_path / 'folder'}", stdin=typed
    )
    assert result.code == 0
    assert "Не получилось сохранить заявку" in result.out
    assert result.err.startswith("Error: the ticket was not saved: ")
    assert result.err.count("\n") == 1
    assert result.out.rstrip().endswith("До свидания!")


def test_ctrl_c_ends_the_chat_cleanly(kb: Path, tmp_path: Path) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "chat", "--articles", str(kb)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT), "PYTHONIOENCODING": "utf-8"},
    )
    assert process.stdout is not None
    while "/выход" not in process.stdout.readline():  # the welcome's last line
        pass
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 0
    assert out.rstrip().endswith("До свидания!")
    assert "Traceback" not in err and "Aborted" not in err


def test_small_talk_is_answered_kindly_and_files_nothing(
    faqbot: Run, kb: Path, tmp_path: Path
) -> None:
    typed = lines(
        "привет", "Здравствуйте!", "спасибо", "спасиб", "как дела?", "ты бот или человек?", "пока"
    )
    result = faqbot("chat", "--articles", str(kb), stdin=typed)
    assert result.code == 0, result.err
    said = result.out.split("> привет\n", 1)[1]
    assert said.startswith("Здравствуйте! Напишите, пожалуйста, ваш вопрос своими словами")
    assert "> спасибо\nПожалуйста!" in said
    assert "> спасиб\nПожалуйста!" in said  # typed with a slip, and still no article
    assert "> как дела?\nСпасибо, у меня всё хорошо!" in said
    assert "> ты бот или человек?\nЯ бот" in said and "«оператор»" in said
    assert "> пока\nВсего доброго!" in said
    assert "оператору…" not in said and "Помог ли ответ?" not in said
    assert not (tmp_path / "faqbot.sqlite3").exists()  # no ticket, not even a database


def test_a_greeting_with_a_question_is_answered_as_the_question(faqbot: Run, kb: Path) -> None:
    result = faqbot("chat", "--articles", str(kb), stdin=lines("Привет! Где мой заказ?"))
    assert result.code == 0, result.err
    assert result.out.split("> Привет! Где мой заказ?\n", 1)[1].startswith("Где мой заказ\n")


def test_the_terminal_form_asks_the_same_steps_as_telegram(faqbot: Run, kb: Path) -> None:
    from bot.dialogue.ticket_form import QUESTIONS

    result = faqbot("chat", "--articles", str(kb), stdin=lines("оператор", "Не та еда"))
    asked = [line for line in result.lines if line.startswith("Вопрос ")]
    assert asked == [f"Вопрос {n} из {QUESTIONS}." for n in range(1, 3)]
    assert "Когда это началось?" in result.out


@pytest.mark.parametrize("word", ["/выход", "/отмена", "отмена"])
def test_the_form_can_be_left_at_any_step_and_files_nothing(
    faqbot: Run, kb: Path, tmp_path: Path, word: str
) -> None:
    # At the urgency question (the eighth), where numbers are expected.
    typed = lines("погода на марсе", *SKIP_ALL[:7], word, "Где мой заказ")
    result = faqbot("chat", "--articles", str(kb), stdin=typed)
    assert result.code == 0, result.err
    after = result.out.split(f"> {word}\n", 1)[1]
    assert after.startswith("Хорошо, заявку не отправляем.")
    assert "Введите номер" not in after and "Заявка #" not in result.out
    if word == "/выход":
        assert after.rstrip().endswith("До свидания!") and "> Где мой заказ" not in after
    else:
        assert "> Где мой заказ\nГде мой заказ\n" in after  # the chat goes on
    assert no_tickets(tmp_path / "faqbot.sqlite3")


def test_input_ending_mid_form_files_nothing(faqbot: Run, kb: Path, tmp_path: Path) -> None:
    result = faqbot("chat", "--articles", str(kb), stdin=lines("привет", "погода на марсе", ""))
    assert result.code == 0, result.err
    assert "Заявку не отправили: форма не дозаполнена." in result.out
    assert result.out.rstrip().endswith("До свидания!")
    assert no_tickets(tmp_path / "faqbot.sqlite3")


@pytest.mark.parametrize("asks", ["оператор", "хочу поговорить с человеком"])
def test_asking_for_a_person_mid_form_files_what_is_known_at_once(
    faqbot: Run, kb: Path, tmp_path: Path, asks: str
) -> None:
    typed = lines("погода на марсе", "", "вчера", asks, "/выход")
    result = faqbot("chat", "--articles", str(kb), stdin=typed)
    assert result.code == 0, result.err
    assert "Заявка #1001 создана" in result.out
    assert "Вопрос 4 из" not in result.out
    [ticket] = tickets(tmp_path / "faqbot.sqlite3")
    assert ticket["question"] == "погода на марсе" and ticket["when_happened"] == "вчера"
    assert not ticket["error_text"]  # the request is no answer to «какую ошибку вы видите?»


def test_small_talk_mid_form_is_no_answer_and_a_goodbye_files_what_is_known(
    faqbot: Run, kb: Path, tmp_path: Path
) -> None:
    typed = lines("погода на марсе", "спасибо", "", "привет", "вчера", "пока", "/выход")
    result = faqbot("chat", "--articles", str(kb), stdin=typed)
    assert result.code == 0, result.err
    assert "> спасибо\nПожалуйста! Ответьте на вопрос выше" in result.out
    assert "> привет\nЗдравствуйте! Ответьте на вопрос выше" in result.out
    assert "Заявка #1001 создана" in result.out and "Вопрос 4 из" not in result.out
    [ticket] = tickets(tmp_path / "faqbot.sqlite3")
    assert ticket["question"] == "погода на марсе"  # not «спасибо»
    assert ticket["when_happened"] == "вчера" and not ticket["error_text"]


def test_an_okay_mid_form_is_no_answer_and_at_the_confirmation_sends(
    faqbot: Run, kb: Path, tmp_path: Path
) -> None:
    typed = lines("погода на марсе", "", "ок", "вчера", *[""] * 7, "ок")
    result = faqbot("chat", "--articles", str(kb), stdin=typed)
    assert result.code == 0, result.err
    assert "> ок\nХорошо. Ответьте на вопрос выше" in result.out
    assert "Заявка #1001 создана" in result.out
    [ticket] = tickets(tmp_path / "faqbot.sqlite3")
    assert ticket["when_happened"] == "вчера"  # not «ок»


def test_the_problem_gone_mid_form_drops_the_form(faqbot: Run, kb: Path, tmp_path: Path) -> None:
    typed = lines("погода на марсе", "", "всё получилось, спасибо", "/выход")
    result = faqbot("chat", "--articles", str(kb), stdin=typed)
    assert result.code == 0, result.err
    assert "> всё получилось, спасибо\nОтлично, рад, что всё получилось!" in result.out
    assert "Заявка #1001" not in result.out
    assert no_tickets(tmp_path / "faqbot.sqlite3")


def test_a_new_question_typed_in_the_form_is_asked_about_and_answered(
    faqbot: Run, kb: Path, tmp_path: Path
) -> None:
    typed = lines("погода на марсе", "", "как применить промокод?", "2", "да", "/выход")
    result = faqbot("chat", "--articles", str(kb), stdin=typed)
    assert result.code == 0, result.err
    asked = result.out.split("> как применить промокод?\n", 1)[1]
    assert asked.startswith("«как применить промокод?» — это новый вопрос?")
    answered = asked.split("> 2\n", 1)[1]
    assert answered.startswith("Хорошо, эту заявку не отправляем. Ищу ответ на новый вопрос.")
    assert "Как применить промокод" in answered.split("> да\n", 1)[0]
    assert "> да\nСпасибо за отзыв!" in result.out  # the chat goes on from that answer
    assert no_tickets(tmp_path / "faqbot.sqlite3")


def test_a_question_typed_in_the_form_can_be_its_answer_after_all(
    faqbot: Run, kb: Path, tmp_path: Path
) -> None:
    typed = lines("погода на марсе", "", "где мой заказ?", "3", "1", *[""] * 7, SEND)
    result = faqbot("chat", "--articles", str(kb), stdin=typed)
    assert result.code == 0, result.err
    assert "> 3\nНапишите 1, если это ответ на вопрос заявки, или 2" in result.out
    assert "Заявка #1001 создана" in result.out
    [ticket] = tickets(tmp_path / "faqbot.sqlite3")
    assert ticket["when_happened"] == "где мой заказ?"


def test_confusion_anger_and_slang_alone_open_no_ticket(
    faqbot: Run, kb: Path, tmp_path: Path
) -> None:
    typed = lines("не понял", "вы издеваетесь?", "норм", "назад", "5", "/выход")
    result = faqbot("chat", "--articles", str(kb), stdin=typed)
    assert result.code == 0, result.err
    said = {text: result.out.split(f"> {text}\n", 1)[1] for text in ("не понял", "вы издеваетесь?")}
    assert said["не понял"].startswith("Давайте попробую иначе")
    assert said["вы издеваетесь?"].startswith("Извините, что так получилось.")
    assert result.out.split("> норм\n", 1)[1].startswith("Хорошо!")
    assert result.out.split("> назад\n", 1)[1].startswith("Я отвечаю на вопросы о сервисе")
    assert "Заполним заявку" not in result.out
    assert no_tickets(tmp_path / "faqbot.sqlite3")


def test_not_understanding_an_answer_tells_how_to_see_other_articles(faqbot: Run, kb: Path) -> None:
    typed = lines("Как отменить заказ", "не понял", "нет", "/выход")
    result = faqbot("chat", "--articles", str(kb), stdin=typed)
    assert result.code == 0, result.err
    said = result.out.split("> не понял\n", 1)[1]
    assert said.startswith("Если статья не о том, о чём вы спрашивали, напишите «нет»")
    # ...and the answer still waits for its vote: the «нет» brings the next articles.
    assert said.split("> нет\n", 1)[1].startswith("Тогда, может быть, подойдёт одно из этих:")


def test_praise_under_an_answer_is_a_thumbs_up_and_half_a_help_brings_the_next_ones(
    faqbot: Run, kb: Path
) -> None:
    typed = lines("Где мой заказ", "Супер!", "Как отменить заказ", "не очень", "/выход")
    result = faqbot("chat", "--articles", str(kb), stdin=typed)
    assert result.code == 0, result.err
    assert "> Супер!\nСпасибо за отзыв!" in result.out
    assert "> не очень\nТогда, может быть, подойдёт одно из этих:" in result.out


def test_i_do_not_know_in_the_form_skips_the_question(
    faqbot: Run, kb: Path, tmp_path: Path
) -> None:
    # what kept, «не знаю» at «когда», 4 skipped, contact, urgency, impact, send
    typed = lines("погода на марсе", "", "не знаю", *("",) * 4, "+7 900 123-45-67", "1", "", "")
    result = faqbot("chat", "--articles", str(kb), stdin=typed)
    assert result.code == 0, result.err
    after = result.out.split("> не знаю\n", 1)[1]
    assert after.startswith("Вопрос 3 из 9.")  # the next question, no word about «не знаю»
    [ticket] = tickets(tmp_path / "faqbot.sqlite3")
    assert ticket["when_happened"] is None


def test_solved_with_a_ticket_open_goes_to_the_ticket(
    faqbot: Run, kb: Path, tmp_path: Path
) -> None:
    database = tmp_path / "desk.sqlite3"
    typed = lines("погода на марсе", *SKIP_ALL, SEND, "всё, разобрался", "/выход")
    result = faqbot(
        "chat", "--articles", str(kb), "--database", f"sqlite:///{database}", stdin=typed
    )
    assert result.code == 0, result.err
    said = result.out.split("> всё, разобрался\n", 1)[1]
    assert said.startswith("Рад, что всё решилось! Написал об этом в заявку #1001")
    with sqlite3.connect(database) as connection:
        texts = [row[0] for row in connection.execute("SELECT text FROM ticket_messages")]
    assert texts[-1] == "всё, разобрался"


def test_no_need_for_a_contact_skips_it_and_the_ticket_is_filed(
    faqbot: Run, kb: Path, tmp_path: Path
) -> None:
    # what kept, 5 skipped (when .. order), «не надо» at the contact, urgency, impact, send
    typed = lines("погода на марсе", "", *SKIP_5, "не надо", "1", "", "")
    result = faqbot("chat", "--articles", str(kb), stdin=typed)
    assert result.code == 0, result.err
    assert "Заявка #1001 создана" in result.out
    [ticket] = tickets(tmp_path / "faqbot.sqlite3")
    assert ticket["contact"] is None


def test_anger_at_an_answer_hands_its_question_over_and_files_mid_form(
    faqbot: Run, kb: Path, tmp_path: Path
) -> None:
    typed = lines("Где мой заказ", "вы издеваетесь?", "", "достали уже", "/выход")
    result = faqbot("chat", "--articles", str(kb), stdin=typed)
    assert result.code == 0, result.err
    assert "> вы издеваетесь?\nЖаль, что не помогло. Передаю ваш вопрос оператору" in result.out
    assert "> достали уже\n✅ Заявка #1001 создана" in result.out
    [ticket] = tickets(tmp_path / "faqbot.sqlite3")
    assert ticket["question"] == "Где мой заказ"


def test_yes_and_no_at_a_list(faqbot: Run, kb: Path, tmp_path: Path) -> None:
    typed = lines("заказ", "да", "второе", "спасибо", "заказ", "нет", "ничего не подходит", "")
    result = faqbot("chat", "--articles", str(kb), stdin=typed)
    assert result.code == 0, result.err
    listed = result.out.split("> заказ\n", 1)[1].split("> да\n", 1)[0]
    second = [line.strip()[3:] for line in listed.splitlines() if line.strip().startswith("2.")]
    after_yes = result.out.split("> да\n", 1)[1]
    assert after_yes.startswith("Какой из вариантов? Введите номер:")  # two plausible: which?
    assert after_yes.split("> второе\n", 1)[1].startswith(second[0] + "\n\n")
    assert "> спасибо\nСпасибо за отзыв!" in result.out  # «спасибо» under an answer: a 👍
    after_no = result.out.split("> нет\n", 1)[1]
    assert after_no.startswith("Тогда, может быть, подойдёт одно из этих:")  # not the form
    after_none = after_no.split("> ничего не подходит\n", 1)[1]
    assert after_none.startswith("Жаль, что не помогло. Передаю ваш вопрос оператору…")
    assert "Заявку не отправили" in after_none
    assert no_tickets(tmp_path / "faqbot.sqlite3")


def test_a_bare_yes_with_nothing_waiting_invites_a_question(faqbot: Run, kb: Path) -> None:
    result = faqbot("chat", "--articles", str(kb), stdin=lines("да", "нет", "фывапролджэ", "😀"))
    assert result.code == 0, result.err
    for typed in ("да", "нет", "фывапролджэ", "😀"):  # no question, and no form for it either
        assert f"> {typed}\nНе совсем понял, о чём вы." in result.out
    assert "оператору…" not in result.out
    example = load_folder(kb).catalog.example_question()  # this KB's, not the demo's
    assert f"например, «{example}»" in result.out


def test_a_command_the_chat_does_not_have_is_named_not_searched(faqbot: Run, kb: Path) -> None:
    result = faqbot("chat", "--articles", str(kb), stdin=lines("/отмена", "/menu please"))
    assert result.code == 0, result.err
    assert "> /отмена\nКоманды /отмена нет." in result.out  # the form's word, no form open
    assert "> /menu please\nКоманды /menu нет." in result.out
    assert "оператору…" not in result.out


def attempts(database: Path) -> list[dict[str, Any]]:
    with sqlite3.connect(database) as connection:
        connection.row_factory = sqlite3.Row
        rows = connection.execute("SELECT * FROM attempts ORDER BY id").fetchall()
    return [dict(row) for row in rows]


def test_the_chat_records_its_questions_and_votes_for_the_authors(
    faqbot: Run, kb: Path, tmp_path: Path
) -> None:
    typed = lines("Где мой заказ", "нет", "привет", "как вырастить кактус на окне", "/отмена")
    result = faqbot("chat", "--articles", str(kb), stdin=typed)
    assert result.code == 0, result.err
    assert result.err == ""
    database = tmp_path / "faqbot.sqlite3"
    # Small talk searches nothing, so it is no question; the form's «/отмена» files nothing.
    answered, escalated = attempts(database)
    assert answered["query_text"] == "Где мой заказ"
    assert answered["decision"] == "answer" and answered["chosen_article_id"] == "order-status"
    assert json.loads(answered["top_article_ids"])[0] == "order-status"
    assert escalated["query_text"] == "как вырастить кактус на окне"
    assert escalated["decision"] == "escalate" and escalated["chosen_article_id"] is None
    assert answered["customer_id"] == escalated["customer_id"] is not None
    with sqlite3.connect(database) as connection:
        votes = connection.execute("SELECT query_text, article_id, helpful FROM votes").fetchall()
    assert votes == [("Где мой заказ", "order-status", 0)]
    assert no_tickets(database)
    # What the author sees next: the question the KB could not answer, and the 👎.
    report = faqbot("gaps", "--articles", str(kb), env={"DATABASE_URL": f"sqlite:///{database}"})
    assert report.code == 0, report.err
    assert "как вырастить кактус на окне" in report.out
    assert "Где мой заказ" in report.out


def test_a_database_that_cannot_record_says_so_once_and_the_chat_goes_on(
    faqbot: Run, kb: Path, tmp_path: Path
) -> None:
    (tmp_path / "folder").mkdir()
    typed = lines("Где мой заказ", "да", "Как отменить заказ")
    result = faqbot(
        "chat", "--articles", str(kb), "--database", f"sqlite:///{tmp_path / 'folder'}", stdin=typed
    )
    assert result.code == 0
    assert result.err.startswith("Warning: questions are not recorded: ")
    assert result.err.count("\n") == 1
    assert "Статус заказа виден" in result.out and "Отменить заказ можно" in result.out
