from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nlp.text import fold_lookalikes, normalise


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Ещё РАЗ", "еще раз"),
        ("Ёлка", "елка"),
        ("кoрзинe", "корзине"),  # Latin o and e inside a Cyrillic word
        ("Кaкие докymенты", "какие документы"),  # a, y, m look-alikes
        ("iphone", "iphone"),  # an all-Latin word is left for the analyzer
        ("привет\u200bмир", "приветмир"),  # zero-width space
        ("см. https://rutube.ru/info/taboo/ тут", "см. тут"),
        ("Правилhttps://rutube.ru/x по", "правил по"),
        ("  много   пробелов \n\t ", "много пробелов"),
        ("ｆｕｌｌｗｉｄｔｈ", "fullwidth"),
        ("exёnjr", "exеnjr"),  # wrong layout with a stray ё: not a look-alike word
    ],
)
def test_normalise(raw: str, expected: str) -> None:
    assert normalise(raw) == expected


def test_lookalikes_only_fold_mixed_words() -> None:
    assert fold_lookalikes("cat") == "cat"
    assert fold_lookalikes("сat") == "саt".replace("t", "т")


@given(st.text())
def test_normalise_never_raises_and_is_idempotent(raw: str) -> None:
    once = normalise(raw)
    assert normalise(once) == once


@given(st.lists(st.sampled_from(["заказ", "доставка", "карта", "возврат", "ёж"]), min_size=1))
def test_normalise_keeps_cyrillic_words(words: list[str]) -> None:
    text = " ".join(words)
    assert normalise(text).split() == [w.replace("ё", "е") for w in words]
