"""Retrieval on a small knowledge base with deliberately close articles."""

from __future__ import annotations

import pytest

from nlp.documents import Document
from nlp.retriever import Retriever

DOCS = [
    Document(
        id="cancel-order",
        title="Как отменить заказ",
        questions=("Передумал, хочу отказаться от заказа", "Отмена покупки"),
        body="Заказ можно отменить в приложении до передачи курьеру: «Заказы → Отменить».",
    ),
    Document(
        id="refund",
        title="Когда вернутся деньги за отменённый заказ",
        questions=("Отменил заказ, а деньги не пришли",),
        body="Деньги возвращаются на карту в течение 3–5 рабочих дней после отмены.",
    ),
    Document(
        id="courier-late",
        title="Курьер опаздывает",
        questions=("Где курьер, заказ задерживается",),
        body="Если курьер опаздывает больше чем на 15 минут, напишите в чат — начислим баллы.",
    ),
    Document(
        id="promo-code",
        title="Промокод не применяется",
        tags=("промокод", "скидка"),
        body="Проверьте срок действия промокода и минимальную сумму заказа.",
    ),
]


@pytest.fixture(scope="module")
def retriever() -> Retriever:
    return Retriever().fit(DOCS)


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("как отменить заказ", "cancel-order"),
        ("хочу отменить покупку", "cancel-order"),
        ("отменил заказ когда вернут деньги", "refund"),
        ("курьер опаздывает уже полчаса", "courier-late"),
        ("не работает промокод на скидку", "promo-code"),
        ("rfr jnvtybnm pfrfp", "cancel-order"),  # wrong layout
        ("kak otmenit zakaz", "cancel-order"),  # translit
        ("курер опаздывает", "courier-late"),  # typo
        ("Здравствуйте! Подскажите, пожалуйста, где курьер? Заказ задерживается", "courier-late"),
    ],
)
def test_finds_the_right_article(retriever: Retriever, question: str, expected: str) -> None:
    ranking = retriever.search(question)
    assert ranking.top is not None and ranking.top.doc_id == expected


def test_hits_are_ranked_with_scores(retriever: Retriever) -> None:
    hits = retriever.search("отмена заказа и возврат денег", k=3).hits
    assert len(hits) <= 3
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert {h.doc_id for h in hits[:2]} == {"cancel-order", "refund"}


@pytest.mark.parametrize("question", ["", "   ", "!!!", "здравствуйте", "🙂🙂🙂"])
def test_nothing_to_match_gives_no_hits(retriever: Retriever, question: str) -> None:
    assert retriever.search(question).hits == ()


def test_unrelated_question_scores_low(retriever: Retriever) -> None:
    ranking = retriever.search("кто выиграл чемпионат мира по футболу")
    assert not ranking.hits or ranking.hits[0].score < 0.2


def test_empty_knowledge_base_answers_nothing() -> None:
    assert Retriever().fit([]).search("как отменить заказ").hits == ()


def test_agreement_and_coverage_are_reported(retriever: Retriever) -> None:
    ranking = retriever.search("как отменить заказ")
    assert ranking.agreement
    assert ranking.coverage == pytest.approx(1.0)


def test_shortlisting_the_character_view_keeps_the_ranking() -> None:
    exact = Retriever().fit(DOCS)
    shortlisted = Retriever(candidates=2).fit(DOCS)
    for question in ("как отменить заказ", "курер опаздывает", "не работает промокод"):
        assert [h.doc_id for h in shortlisted.search(question).hits[:1]] == [
            h.doc_id for h in exact.search(question).hits[:1]
        ]


def _operator_kb() -> list[Document]:
    """Ten articles of an operator whose name is in every one; the app's title names it."""
    topics = ["тариф", "роуминг", "баланс", "сим-карта", "интернет", "звонки", "смс", "номер"]
    return [
        Document(
            id="outage",
            title="Авария на линии",
            questions=("Когда починят интернет на нашей улице",),
            body="Сбой или плановые работы: Сота сообщает статус по адресу.",
        ),
        Document(
            id="app",
            title="Приложение «Мой Сота» не работает",
            questions=("Не открывается приложение Сота",),
            body="Обновите приложение Сота и войдите снова.",
        ),
        *(
            Document(id=topic, title=topic.capitalize(), body=f"Сота: всё об услуге «{topic}».")
            for topic in topics
        ),
    ]


def test_a_word_of_nearly_every_article_tells_no_article_apart() -> None:
    retriever = Retriever().fit(_operator_kb())
    assert retriever.ubiquitous_ == {"сота"}
    # The app's title names the operator, but the question's only topic is the outage.
    views = retriever.views(retriever.analyzer.analyze("сбой у сота"))
    app = retriever.ids_.index("app")
    assert views["cover_phrasing"][app] == views["char_phrasing"][app] == 0.0
    assert retriever.search("сбой у сота").hits[0].doc_id == "outage"


def test_a_question_of_nothing_but_such_words_still_matches_by_them() -> None:
    assert Retriever().fit(_operator_kb()).search("сота").hits


def test_in_a_handful_of_articles_a_shared_word_still_counts() -> None:
    assert Retriever().fit(DOCS).ubiquitous_ == frozenset()  # «заказ» in all four
