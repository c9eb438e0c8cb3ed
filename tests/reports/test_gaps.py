"""The gap report's core on hand-made records: topics, trend, impact, articles, pairs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.reports import (
    Activity,
    AttemptRecord,
    GapReport,
    GapSettings,
    Outcome,
    Period,
    QuestionKind,
    TicketRecord,
    VoteRecord,
    build_report,
    unanswered_questions,
)
from kb.index import Index

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
PERIOD = Period(NOW - timedelta(days=30), NOW)  # halves meet on 15 November, 12:00

PROMO = (
    "промокод не работает",
    "Промокод не работаит!",
    "почему не работает промакод",
    "промокоды не работают",
    "не принимается промокод",
    "промо код не срабатывает",
)
ACCOUNT = (
    "как удалить аккаунт",
    "удалите мой аккаунт пожалуйста",
    "хочу удалить акаунт",
    "удаление аккаунта",
)
FINES = (
    "пришел штраф с камеры",
    "штраф с камеры за превышение",
    "откуда штраф с камеры",
    "камера выписала штраф",
    "штрафы с камер",
)


def days_ago(days: float) -> datetime:
    return NOW - timedelta(days=days)


def escalated(text: str, days: float, customer: int, confidence: float = 0.4) -> AttemptRecord:
    return AttemptRecord(text, Outcome.ESCALATE, confidence, days_ago(days), customer_id=customer)


def disliked(text: str, days: float, customer: int, article: str = "promo-code") -> VoteRecord:
    return VoteRecord(text, article, False, days_ago(days), customer)


def ticket(text: str, days: float, customer: int) -> TicketRecord:
    return TicketRecord(1000 + customer, text, days_ago(days), customer)


def clarified(text: str, days: float, *top: str) -> AttemptRecord:
    return AttemptRecord(text, Outcome.CLARIFY, 0.4, days_ago(days), top)


def answered(article: str, days: float, customer: int | None) -> AttemptRecord:
    return AttemptRecord(
        "вопрос", Outcome.ANSWER, 0.9, days_ago(days), (article,), article, customer
    )


def report_of(index: Index, activity: Activity, **settings: object) -> GapReport:
    options = GapSettings(**settings)  # type: ignore[arg-type]
    return build_report(activity, index.catalog, index.retriever.analyzer, PERIOD, options)


@pytest.fixture(scope="module")
def promo_and_account(index: Index) -> GapReport:
    """Six promo-code questions (3 handed over, 2 👎, 1 ticket; 2 older, 4 recent) and four
    account deletions (all tickets; 3 older, 1 recent)."""
    activity = Activity(
        attempts=(
            escalated(PROMO[0], 25, 1),
            escalated(PROMO[1], 10, 2),
            escalated(PROMO[2], 3, 3),
        ),
        votes=(disliked(PROMO[3], 20, 4), disliked(PROMO[4], 5, 5)),
        tickets=(
            ticket(PROMO[5], 1, 6),
            *(
                ticket(text, days, 7 + n)
                for n, (text, days) in enumerate(zip(ACCOUNT, (28, 22, 16, 2), strict=True))
            ),
        ),
    )
    return report_of(index, activity)


def test_word_forms_and_typos_of_one_need_form_one_cluster(promo_and_account: GapReport) -> None:
    promo, account = promo_and_account.clusters
    assert (promo.size, account.size) == (6, 4)
    assert set(promo.examples) < set(PROMO) and len(promo.examples) == 5
    assert set(account.examples) == set(ACCOUNT)
    assert promo_and_account.other_count == 0


def test_cluster_is_labelled_with_its_main_lemmas(promo_and_account: GapReport) -> None:
    promo, account = promo_and_account.clusters
    assert "промокод" in promo.label and 2 <= len(promo.label) <= 3
    assert set(account.label) >= {"аккаунт"} and len(account.label) >= 2


def test_trend_compares_the_halves_of_the_period(promo_and_account: GapReport) -> None:
    promo, account = promo_and_account.clusters
    assert (promo.older, promo.recent, promo.trend) == (2, 4, "↑")
    assert (account.older, account.recent, account.trend) == (3, 1, "↓")


def test_impact_weighs_tickets_and_hand_overs_twice_a_thumbs_down(
    promo_and_account: GapReport,
) -> None:
    promo, account = promo_and_account.clusters
    assert promo.impact == 3 * 2 + 2 * 1 + 1 * 2
    assert dict(promo.kinds) == {
        QuestionKind.TICKET: 1,
        QuestionKind.ESCALATED: 3,
        QuestionKind.DISLIKED: 2,
    }
    assert (account.impact, account.count(QuestionKind.TICKET)) == (8, 4)


def test_clusters_are_sorted_by_impact_not_size(index: Index) -> None:
    activity = Activity(
        votes=tuple(disliked(text, 2, 20 + n, "fine-from-camera") for n, text in enumerate(FINES)),
        tickets=tuple(ticket(text, 2, 30 + n) for n, text in enumerate(ACCOUNT)),
    )
    fines, account = report_of(index, activity).clusters[::-1]
    assert (fines.size, fines.impact) == (5, 5)
    assert (account.size, account.impact) == (4, 8)
    assert report_of(index, activity).clusters == (account, fines)


def test_a_question_like_no_other_goes_to_other(index: Index) -> None:
    activity = Activity(
        attempts=(escalated("можно ли возить собаку", 3, 1), escalated("привет", 2, 2)),
        tickets=tuple(ticket(text, 2, 30 + n) for n, text in enumerate(ACCOUNT)),
    )
    report = report_of(index, activity)
    assert [c.size for c in report.clusters] == [4]
    assert report.other_count == 2  # "привет" has no content word: it is in no topic either
    assert report.other == ("можно ли возить собаку", "привет")


def test_a_wording_in_the_wrong_layout_is_shown_with_the_bots_reading(index: Index) -> None:
    activity = Activity(
        tickets=(
            *(ticket(text, 2, 40 + n) for n, text in enumerate(ACCOUNT[:3])),
            ticket("elfkbnt vjq frrfeyn", 1, 50),  # «удалите мой аккаунт»
        ),
        attempts=(escalated("vj;yj kb djpbnm cj,fre", 3, 51),),  # «можно ли возить собаку»
    )
    report = report_of(index, activity)
    [account] = report.clusters
    assert "elfkbnt vjq frrfeyn (прочитано как «удалите мой аккаунт»)" in account.examples
    assert report.other == ("vj;yj kb djpbnm cj,fre (прочитано как «можно ли возить собаку»)",)


def test_one_customers_repeats_count_once_with_the_strongest_kind() -> None:
    activity = Activity(
        attempts=(escalated("Промокод не работает", 3, 1),),
        votes=(disliked("промокод  не работает", 4, 1),),
        tickets=(ticket("промокод не работает", 2, 1), ticket("промокод не работает", 2, 2)),
    )
    questions = unanswered_questions(activity, out_of_scope_below=0.2)
    assert [(q.customer_id, q.kind) for q in questions] == [
        (1, QuestionKind.TICKET),
        (2, QuestionKind.TICKET),
    ]
    assert questions[0].text == "промокод  не работает"  # the first wording, kept as typed
    assert questions[0].created_at == days_ago(4)


def test_a_hand_over_with_low_confidence_is_out_of_scope() -> None:
    activity = Activity(
        attempts=(
            escalated("можно ли с собакой", 3, 1, confidence=0.05),
            escalated("не работает кнопка", 3, 2, confidence=0.5),
            AttemptRecord("как завершить", Outcome.ANSWER, 0.9, days_ago(1), customer_id=3),
        )
    )
    kinds = [q.kind for q in unanswered_questions(activity, out_of_scope_below=0.2)]
    assert kinds == [QuestionKind.OUT_OF_SCOPE, QuestionKind.ESCALATED]


def test_records_outside_the_period_are_ignored(index: Index) -> None:
    activity = Activity(
        attempts=(escalated(PROMO[0], 31, 1), escalated(PROMO[1], -1, 2)),
        tickets=(ticket(ACCOUNT[0], 40, 3),),
    )
    report = report_of(index, activity)
    assert report.is_empty and report.totals.attempts == 0


def test_self_service_counts_customers_with_a_ticket_within_a_day(index: Index) -> None:
    activity = Activity(
        attempts=(
            answered("deposit-hold", 5, 1),
            answered("deposit-hold", 5, 2),
            answered("deposit-hold", 5, 3),
            answered("deposit-hold", 4, 3),  # the same customer again: still one customer
            answered("deposit-hold", 5, None),  # the terminal demo: no customer to follow
            answered("refund", 6, 4),
        ),
        votes=(
            VoteRecord("заморозили деньги", "deposit-hold", True, days_ago(5), 3),
            VoteRecord("заморозили деньги", "deposit-hold", False, days_ago(5), 1),
            VoteRecord("заморозили деньги", "deposit-hold", False, days_ago(5), 2),
            VoteRecord("возврат", "refund", False, days_ago(6), 4),
            VoteRecord("пробки", "end-trip", True, days_ago(6), 5),
        ),
        tickets=(
            ticket("всё ещё заморожено", 5 - 2 / 24, 1),  # 2 hours later: did not help
            ticket("другой вопрос", 5 - 30 / 24, 2),  # 30 hours later: another matter
            ticket("раньше ответа", 7, 4),  # before the answer: not because of it
        ),
    )
    deposit, refund = report_of(index, activity).articles  # end-trip had no problem
    assert deposit.article.id == "deposit-hold"
    assert deposit.article.title == index.catalog["deposit-hold"].title
    assert (deposit.answered, deposit.helpful, deposit.unhelpful) == (5, 1, 2)
    assert (deposit.customers_answered, deposit.customers_with_ticket) == (3, 1)
    assert deposit.self_service == pytest.approx(2 / 3)
    assert (refund.article.id, refund.self_service, refund.problems) == ("refund", 1.0, 1)


def test_worst_articles_come_first_and_are_limited(index: Index) -> None:
    votes = [disliked("не помогло", 3, n, "refund") for n in range(3)]
    votes += [disliked("не помогло", 3, 10, "debt"), disliked("нет", 3, 11, "gone-article")]
    report = report_of(index, Activity(votes=tuple(votes)), worst_articles=2)
    assert [row.article.id for row in report.articles] == ["refund", "debt"]
    everything = report_of(index, Activity(votes=tuple(votes)))
    assert everything.articles[-1].article.title is None  # no longer in the KB


def test_confusable_pairs_count_either_order_and_skip_chance(index: Index) -> None:
    activity = Activity(
        attempts=(
            clarified("где мои баллы", 9, "bonus-points", "referral-bonus", "promo-code"),
            clarified("баллы за друга", 5, "referral-bonus", "bonus-points"),
            clarified("баллы за друга", 4, "bonus-points", "referral-bonus"),
            clarified("бонусы", 3, "bonus-points", "referral-bonus"),
            clarified("штраф", 2, "dispute-fine", "fine-from-camera"),  # once: chance
            answered("promo-code", 1, 1),  # an answer is no confusion
        )
    )
    (pair,) = report_of(index, activity).confusable
    assert (pair.first.id, pair.second.id, pair.count) == ("bonus-points", "referral-bonus", 4)
    assert pair.examples == ("бонусы", "баллы за друга", "где мои баллы")
    assert pair.first.title == index.catalog["bonus-points"].title


def test_never_matched_lists_articles_in_no_attempt(index: Index) -> None:
    activity = Activity(
        attempts=(
            clarified("где мои баллы", 9, "bonus-points", "referral-bonus", "promo-code"),
            answered("end-trip", 1, 1),
            escalated("собака", 1, 2),
        )
    )
    never = report_of(index, activity).never_matched
    seen = {"bonus-points", "referral-bonus", "promo-code", "end-trip"}
    assert [ref.id for ref in never] == [a.id for a in index.catalog if a.id not in seen]
    assert never[0].title == index.catalog[never[0].id].title


def test_nothing_asked_means_no_article_is_called_never_matched(index: Index) -> None:
    report = report_of(index, Activity(votes=(disliked("нет", 1, 1),)))
    assert not report.is_empty and report.never_matched == ()


def test_an_empty_period_is_an_empty_report(index: Index) -> None:
    report = report_of(index, Activity())
    assert report.is_empty
    assert (report.clusters, report.articles, report.confusable, report.never_matched) == (
        (),
        (),
        (),
        (),
    )
