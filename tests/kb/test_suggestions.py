"""The suggestion path: trivial variants of a phrasing are dropped, real paraphrases kept."""

from __future__ import annotations

import pytest

from kb import Article, Catalog
from kb.index import Index
from kb.suggestions import Duplicate, Reason, Refused, Review, Suggestion, review
from nlp.analyzer import Analyzer

CATALOG = Catalog.of(
    [
        Article(
            id="login-code",
            title="Не приходит код для входа",
            body="Проверьте номер телефона и запросите код ещё раз через минуту.",
            questions=("Где мой пароль из смс", "Ещё не пришёл код"),
        ),
        Article(
            id="fines",
            title="Как оплатить штраф",
            body="Штраф оплачивается картой в приложении, в разделе «Штрафы».",
            questions=("Пришёл штраф с камеры",),
        ),
    ]
)


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    """The engine's own analyzer, fitted on the catalog, as the bot and the CLI use it."""
    return Index.build(CATALOG).retriever.analyzer


def one(question: str, analyzer: Analyzer, article_id: str = "login-code") -> Review:
    return review([Suggestion(article_id, question, "test:1")], CATALOG, analyzer)


@pytest.mark.parametrize(
    ("question", "existing"),
    [
        ("не приходит код для входа", "Не приходит код для входа"),  # case
        ("Не приходит код для входа!!!", "Не приходит код для входа"),  # punctuation
        ("Код для входа не приходит", "Не приходит код для входа"),  # word order
        ("еще не пришел код", "Ещё не пришёл код"),  # ё
        ("Здравствуйте! Не приходит код для входа", "Не приходит код для входа"),  # greeting
        (
            "Добрый день, подскажите пожалуйста, не приходит код для входа",
            "Не приходит код для входа",
        ),
        ("Не приходят коды для входа", "Не приходит код для входа"),  # inflection
        ("Не приходит кодд для входа", "Не приходит код для входа"),  # typo, repaired
        ("где мой пароль из СМС?", "Где мой пароль из смс"),  # a question, not the title
    ],
)
def test_trivial_variants_are_dropped(question: str, existing: str, analyzer: Analyzer) -> None:
    result = one(question, analyzer)
    assert result.duplicates == (Duplicate(Suggestion("login-code", question, "test:1"), existing),)
    assert result.accepted == () and result.refused == ()


@pytest.mark.parametrize(
    "question",
    [
        "СМС с кодом так и не пришло",  # a paraphrase in other words
        "Не приходит код для входа на почту",  # one new word: what the KB lacked
        "Приходит код для входа",  # no negation: another need, not a variant
        "Не приходит код",  # fewer words than the title: still a new phrasing to match
    ],
)
def test_paraphrases_are_kept(question: str, analyzer: Analyzer) -> None:
    result = one(question, analyzer)
    assert result.accepted == (Suggestion("login-code", question, "test:1"),)
    assert result.duplicates == ()


def test_repeats_within_a_batch_keep_the_first(analyzer: Analyzer) -> None:
    batch = [
        Suggestion("login-code", "Смс с кодом не пришло", "tickets:1"),
        Suggestion("fines", "Смс с кодом не пришло", "tickets:2"),
        Suggestion("login-code", "СМС, с кодом, не пришло!", "tickets:3"),
    ]
    result = review(batch, CATALOG, analyzer)
    # Per article: the same wording resolved with another article is that article's phrasing.
    assert result.accepted == (batch[0], batch[1])
    assert result.duplicates == (Duplicate(batch[2], "Смс с кодом не пришло"),)


def test_a_variant_of_another_articles_phrasing_is_not_a_duplicate(analyzer: Analyzer) -> None:
    assert one("Как оплатить штраф?", analyzer, "login-code").accepted
    assert one("Как оплатить штраф?", analyzer, "fines").duplicates


@pytest.mark.parametrize(
    ("suggestion", "reason", "message"),
    [
        (
            Suggestion("nope", "Где код", "t.tsv:4"),
            Reason.UNKNOWN_ARTICLE,
            "t.tsv:4: unknown article id 'nope'",
        ),
        (Suggestion("fines", "", "t.tsv:5"), Reason.EMPTY_QUESTION, "t.tsv:5: empty question"),
        (Suggestion("fines", "  \t ", "t.tsv:6"), Reason.EMPTY_QUESTION, "t.tsv:6: empty question"),
        (
            Suggestion("fines", "Здравствуйте! Спасибо!", "t.tsv:7"),
            Reason.NO_CONTENT,
            "t.tsv:7: no words to match on in 'Здравствуйте! Спасибо!'",
        ),
        (Suggestion("nope", "Где код"), Reason.UNKNOWN_ARTICLE, "unknown article id 'nope'"),
    ],
)
def test_refusals_say_why_and_where(
    suggestion: Suggestion, reason: Reason, message: str, analyzer: Analyzer
) -> None:
    result = review([suggestion], CATALOG, analyzer)
    assert result.refused == (Refused(suggestion, reason),)
    assert str(result.refused[0]) == message
    assert result.accepted == () and result.duplicates == ()


def test_a_batch_is_sorted_in_order_and_nothing_is_lost(analyzer: Analyzer) -> None:
    batch = [
        Suggestion("fines", "Штраф за парковку у дома", "s:1"),
        Suggestion("ghost", "Что-то", "s:2"),
        Suggestion("fines", "Как оплатить штраф", "s:3"),
        Suggestion("login-code", "Код не приходит по смс", "s:4"),
    ]
    result = review(batch, CATALOG, analyzer)
    assert [s.source for s in result.accepted] == ["s:1", "s:4"]
    assert [d.suggestion.source for d in result.duplicates] == ["s:3"]
    assert [r.suggestion.source for r in result.refused] == ["s:2"]


def test_review_leaves_the_catalog_as_it_was(analyzer: Analyzer) -> None:
    before = [(a.id, a.questions) for a in CATALOG]
    review([Suggestion("fines", "Штраф за парковку у дома")], CATALOG, analyzer)
    assert [(a.id, a.questions) for a in CATALOG] == before
