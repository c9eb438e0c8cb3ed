"""What a customer's message already says for the form: order number, error, device, time."""

from __future__ import annotations

import pytest

from bot.dialogue.ticket_form import FormStep, answer, known
from bot.tickets import TicketDraft
from bot.tickets.details import TEXT_LIMIT, Details, details_in


@pytest.mark.parametrize(
    ("text", "order"),
    [("Здравствуйте, заказ 1234567 так и не привезли", "1234567"),
     ("номер заказа: A-44718", "A-44718"), ("договор № 77-1234", "77-1234"),
     ("посылка 80082 где?", "80082"), ("Заказ №4471 не пришёл", "4471"),
     ("заказал такси в 15:30", None), ("у меня 2 заказа", None),
     ("оплатил 1500 рублей за заказ", None), ("#1001 заявка", None),
     ("заказ от 12.03", None)],
)  # fmt: skip
def test_an_order_number_is_taken_only_beside_a_word_for_it(text: str, order: str | None) -> None:
    assert details_in(text).order_number == order


@pytest.mark.parametrize(
    ("text", "error"),
    [('приложение выдаёт ошибку "Сервис недоступен" уже час', "Сервис недоступен"),
     ("выскакивает окно «Карта отклонена»", "Карта отклонена"),
     ("ошибка 502 при оплате", "ошибка 502"), ("код ошибки E-13", "код ошибки E-13"),
     ("ошибся адресом, что делать", None), ("пишет мне курьер", None)],
)  # fmt: skip
def test_an_error_is_its_quoted_text_or_its_code(text: str, error: str | None) -> None:
    assert details_in(text).error_text == error


@pytest.mark.parametrize(
    ("text", "device"),
    [("на samsung galaxy a52 android 13 не работает", "samsung galaxy a52, android 13"),
     ("Айфон 12 про, не открывается", "Айфон 12 про"), ("redmi note 10 вылетает", "redmi note 10"),
     ("iPhone 13, iOS 17.2", "iPhone 13, iOS 17.2"), ("телефон сломался", None),
     ("андроид не видит машину", None)],
)  # fmt: skip
def test_a_device_is_a_known_make_or_system_with_its_model(text: str, device: str | None) -> None:
    assert details_in(text).device == device


@pytest.mark.parametrize(
    ("text", "when"),
    [("Вчера вечером, около 18:30, списали деньги дважды", "Вчера вечером, около 18:30"),
     ("с утра не могу войти", "с утра"), ("уже третий день не приходит код", "уже третий день"),
     ("2 дня назад оформил заказ 48213", "2 дня назад"), ("пару дней назад", "пару дней назад"),
     ("уже неделю не могу войти", "уже неделю"), ("с понедельника не работает", "с понедельника"),
     ("в прошлую пятницу пришёл штраф", "в прошлую пятницу"), ("поездка 12.03.2025", "12.03.2025"),
     ("12 марта была поездка", "12 марта"), ("сегодня в 15:30 не открылась", "сегодня в 15:30"),
     ("после обновления не запускается", "после обновления"),
     ("позавчера ночью", "позавчера ночью"),
     # how long, a version, a price, a code, a greeting, a wish: no time
     ("пакет 3 часа не списался", None), ("сколько ждать возврата 5 дней", None),
     ("iPhone 13, iOS 17.2", None), ("версия 2.10", None), ("стоит 9.90 за минуту", None),
     ("код 1234 не подходит", None), ("Доброе утро, не могу войти", None), ("добрый вечер", None),
     ("доставка на сегодня не пришла", None), ("тариф на сутки", None),
     # a part of the day alone asks more often than it tells
     ("работает днём?", None), ("можно вернуть машину вечером?", None)],
)  # fmt: skip
def test_a_time_is_taken_as_written_and_only_when_it_says_when(text: str, when: str | None) -> None:
    assert details_in(text).when == when


def test_a_draft_from_a_question_starts_with_what_the_question_says() -> None:
    draft = TicketDraft.from_question(
        "Вчера заказ 48213 не пришёл, пишет «Ошибка оплаты», iPhone 13", ("Где мой заказ",)
    )
    assert Details(
        draft.order_number, draft.error_text, draft.device, draft.when_happened
    ) == Details("48213", "Ошибка оплаты", "iPhone 13", "Вчера")
    assert draft.tried == ("Где мой заказ",) and draft.what_happened == draft.question
    assert known(draft, FormStep.WHEN) == "Вчера"  # shown at «Когда это началось?» to keep


def test_a_problem_told_in_the_form_fills_what_it_names_as_a_question_does() -> None:
    # The customer asked for a person first; the form's first answer is the problem.
    asked = TicketDraft("", "", contact="+7 900 000-00-00", device="Pixel 8")
    told = answer(asked, FormStep.WHAT, "С утра заказ 48213 не оплачивается, samsung s21")
    assert told is not None and told.question == told.what_happened
    assert (told.when_happened, told.order_number) == ("С утра", "48213")
    assert told.device == "Pixel 8" and told.contact == "+7 900 000-00-00"  # kept as known


def test_html_in_a_message_is_kept_as_text() -> None:
    assert details_in("пишет «<b>Ошибка</b>»").error_text == "<b>Ошибка</b>"


def test_a_long_pasted_message_is_read_only_at_its_start() -> None:
    # Runs of blanks once backtracked in O(n²): 50 000 of them took 84 s.
    assert details_in("ошибка" + " " * 50_000 + "502") == Details()
    assert details_in("x" * TEXT_LIMIT + " заказ 48213").order_number is None
    assert details_in("x" * (TEXT_LIMIT - 20) + " заказ 48213").order_number == "48213"
