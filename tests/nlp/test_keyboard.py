from __future__ import annotations

import pytest

from nlp.keyboard import from_latin_layout, next_keys, transliterate, transliterations


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("ghbdtn", "привет"),
        ("rfr", "как"),
        ("jnvtybnm", "отменить"),
        ("pfrfp", "заказ"),
        ("hf,jnftn", "работает"),  # "," is the б key
        ("'nj", "это"),  # "'" is the э key
        ("[jkl", "холд"),  # "[" is the х key
        ("toё", "еще"),
    ],
)
def test_wrong_layout_is_retyped(typed: str, meant: str) -> None:
    assert from_latin_layout(typed) == meant


@pytest.mark.parametrize(
    ("latin", "russian"),
    [
        ("dostavka", "доставка"),
        ("vozvrat", "возврат"),
        ("zakaz", "заказ"),
        ("otpisatsya", "отписаться"),
        ("novyy", "новый"),
        ("moy", "мой"),
        ("ustroystvah", "устройствах"),
        ("pereadresatsiyu", "переадресацию"),
        ("chuzhih", "чужих"),
        ("shchetka", "щетка"),
    ],
)
def test_translit_reads_russian(latin: str, russian: str) -> None:
    assert transliterate(latin) == russian


def test_sch_is_read_both_ways() -> None:
    assert transliterations("schet") == ["щет", "счет"]


@pytest.mark.parametrize(
    ("a", "b", "near"),
    [("ж", "э", True), ("н", "г", True), ("ф", "я", True), ("ь", "б", True), ("д", "э", False),
     ("й", "я", False), ("е", "ё", True)],
)  # fmt: skip
def test_neighbouring_keys_of_the_russian_keyboard(a: str, b: str, near: bool) -> None:
    assert next_keys(a, b) is near
    assert next_keys(b, a) is near or (a, b) == ("е", "ё")
