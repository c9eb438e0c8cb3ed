from __future__ import annotations

import pytest

from nlp.analyzer import Analyzer
from nlp.lemmas import Lemmatizer

KB_TEXTS = [
    "Как отменить заказ",
    "Отмена заказа возможна до передачи курьеру. Деньги вернутся на карту.",
    "Доставка заказа: сроки и стоимость",
    "Возврат товара ненадлежащего качества",
    "Приложение не работает: ошибка при входе",
    "Монетизация видео на RUTUBE",
    "Посылка пришла повреждённой",
    "Как привязать банковскую карту к аккаунту",
]


@pytest.fixture(scope="session")
def lemmatizer() -> Lemmatizer:
    return Lemmatizer()


@pytest.fixture(scope="session")
def analyzer(lemmatizer: Lemmatizer) -> Analyzer:
    return Analyzer(lemmatizer).fit(KB_TEXTS)
