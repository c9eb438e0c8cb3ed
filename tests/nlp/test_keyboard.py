from __future__ import annotations

import pytest

from nlp.keyboard import from_latin_layout, transliterate, transliterations


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
