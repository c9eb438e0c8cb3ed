"""The question a knowledge base shows customers as an example of how to ask."""

from __future__ import annotations

import pytest

from kb.article import Article, Catalog


@pytest.mark.parametrize(
    ("first", "example"),
    [
        (Article("a", "Как начать поездку", "…"), "как начать поездку"),
        (Article("a", "Начало", "…", questions=("Забронировал тачку, что дальше?",)),
         "забронировал тачку, что дальше"),  # a phrasing is how customers put it
        (Article("a", "RUTUBE Студия: вход", "…"), "RUTUBE Студия: вход"),  # a name stays
    ],
)  # fmt: skip
def test_the_example_is_the_first_articles_first_phrasing_or_title(
    first: Article, example: str
) -> None:
    assert Catalog.of([first, Article("b", "Другое", "…")]).example_question() == example


def test_an_empty_knowledge_base_has_no_example() -> None:
    assert Catalog.of([]).example_question() is None
    assert Catalog.of([]).example_problem() is None


def test_the_example_problem_is_the_first_told_as_what_does_not_work() -> None:
    catalog = Catalog.of(
        [
            Article("a", "Как начать поездку", "…", questions=("Где кнопка старта?",)),
            Article("b", "Вход", "…", questions=("Как войти", "Не приходит код из СМС")),
            Article("c", "Нет связи с машиной", "…"),
        ]
    )
    assert catalog.example_problem() == "не приходит код из СМС"
    plain = Catalog.of([Article("a", "Как начать поездку", "…"), Article("b", "Не", "…")])
    assert plain.example_problem() == "как начать поездку"  # no problem told: a question
