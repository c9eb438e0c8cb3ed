"""Synthetic KBs: N unique articles, the same every time, a growing vocabulary."""

from __future__ import annotations

import re

import pytest

from benchmarks.synthetic import articles, catalog, entity_name
from kb.article import Article

SOURCES = [
    Article("a", "Как отменить заказ?", "Откройте заказ. Нажмите «Отменить». Деньги вернутся."),
    Article("b", "Доставка: сроки и стоимость", "Курьер приедет за час. Доставка бесплатна."),
    Article("c", "Как привязать карту", "Откройте профиль. Добавьте карту. Подтвердите код."),
]


def vocabulary(items: list[Article]) -> set[str]:
    return {w for a in items for w in re.findall(r"\w+", f"{a.title} {a.body}".lower())}


def test_makes_n_unique_articles() -> None:
    made = list(articles(SOURCES, 600))
    assert len(made) == 600
    assert len({a.id for a in made}) == 600
    assert len({a.title for a in made}) == 600
    assert all(a.title and a.body for a in made)


def test_same_seed_same_articles_and_smaller_kb_is_a_prefix() -> None:
    big = list(articles(SOURCES, 300, seed=7))
    assert list(articles(SOURCES, 300, seed=7)) == big
    assert list(articles(SOURCES, 100, seed=7)) == big[:100]
    assert list(articles(SOURCES, 300, seed=8)) != big


def test_vocabulary_grows_with_size() -> None:
    small, large = (
        vocabulary(list(articles(SOURCES, 100))),
        vocabulary(list(articles(SOURCES, 1000))),
    )
    assert len(large) > 2 * len(small)


def test_catalog_holds_every_article() -> None:
    kb = catalog(SOURCES, 50)
    assert len(kb) == 50 and "syn000049" in kb


def test_entity_names_are_distinct_words() -> None:
    names = [entity_name(i) for i in range(5000)]
    assert len(set(names)) == len(names)
    assert all(re.fullmatch(r"[а-я]+", n) for n in names)


def test_needs_two_sources() -> None:
    with pytest.raises(ValueError, match="at least two"):
        list(articles(SOURCES[:1], 3))
