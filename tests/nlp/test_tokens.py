from __future__ import annotations

import pytest

from nlp.tokens import tokenize


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("что-то сломалось", ["что", "то", "сломалось"]),
        ("заказ k-123456 не пришел", ["заказ", "k-123456", "не", "пришел"]),
        ("ошибка err-401 в версии 5.0", ["ошибка", "err-401", "в", "версии", "5.0"]),
        ("списали 1500 ₽", ["списали", "1500"]),
        ("!!! ??? ...", []),
        ("", []),
    ],
)
def test_tokenize_keeps_codes_and_numbers(text: str, tokens: list[str]) -> None:
    assert [t.text for t in tokenize(text)] == tokens


def test_offsets_point_into_the_text() -> None:
    text = "вход в что-то"
    for token in tokenize(text):
        assert text[token.start : token.end] == token.text
