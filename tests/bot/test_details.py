"""What a customer's message already says for the form: order number, error, device."""

from __future__ import annotations

import pytest

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


def test_a_draft_from_a_question_starts_with_what_the_question_says() -> None:
    draft = TicketDraft.from_question(
        "Заказ 48213 не пришёл, пишет «Ошибка оплаты», iPhone 13", ("Где мой заказ",)
    )
    assert Details(draft.order_number, draft.error_text, draft.device) == Details(
        "48213", "Ошибка оплаты", "iPhone 13"
    )
    assert draft.tried == ("Где мой заказ",) and draft.what_happened == draft.question


def test_html_in_a_message_is_kept_as_text() -> None:
    assert details_in("пишет «<b>Ошибка</b>»").error_text == "<b>Ошибка</b>"


def test_a_long_pasted_message_is_read_only_at_its_start() -> None:
    # Runs of blanks once backtracked in O(n²): 50 000 of them took 84 s.
    assert details_in("ошибка" + " " * 50_000 + "502") == Details()
    assert details_in("x" * TEXT_LIMIT + " заказ 48213").order_number is None
    assert details_in("x" * (TEXT_LIMIT - 20) + " заказ 48213").order_number == "48213"
