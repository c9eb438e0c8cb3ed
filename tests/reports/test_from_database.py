"""The gap report on a real database (SQLite and PostgreSQL), filled the way the bot fills it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.business_hours import BusinessHours
from bot.db import repo
from bot.db.models import AttemptDecision, Customer
from bot.db.repo.analytics import load_activity
from bot.reports import Outcome, Period, build_report
from bot.tickets import SlaPolicy, TicketDraft
from kb.index import Index
from tests.bot.db.fixtures import ScratchDatabase

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
PERIOD = Period(NOW - timedelta(days=30), NOW)

PROMO = (
    "промокод не работает",
    "Промокод не работаит!",
    "почему не работает промакод",
    "промокоды не работают",
    "не принимается промокод",
    "промо код не срабатывает",
)
ACCOUNT = ("как удалить аккаунт", "удалите мой аккаунт пожалуйста", "хочу удалить акаунт")


@dataclass
class Bot:
    """Writes what the bot writes, at the moments a test says."""

    session: AsyncSession
    customers: dict[int, Customer] = field(default_factory=dict)

    async def customer(self, telegram_id: int) -> Customer:
        if telegram_id not in self.customers:
            self.customers[telegram_id] = await repo.upsert_customer(
                self.session, telegram_id=telegram_id, chat_id=telegram_id, first_name="Анна"
            )
        return self.customers[telegram_id]

    async def asked(
        self,
        who: int,
        text: str,
        decision: AttemptDecision,
        days_ago: float,
        top: tuple[str, ...] = (),
        confidence: float = 0.4,
    ) -> None:
        chosen = top[0] if decision is AttemptDecision.ANSWER else None
        await repo.record_attempt(
            self.session,
            customer=await self.customer(who),
            query_text=text,
            decision=decision,
            confidence=confidence,
            top_article_ids=top,
            chosen_article_id=chosen,
            now=lambda: NOW - timedelta(days=days_ago),
        )

    async def voted(
        self, who: int, text: str, article: str, helpful: bool, days_ago: float
    ) -> None:
        await repo.record_vote(
            self.session,
            customer=await self.customer(who),
            query_text=text,
            article_id=article,
            helpful=helpful,
            now=lambda: NOW - timedelta(days=days_ago),
        )

    async def ticket(self, who: int, question: str, days_ago: float) -> None:
        await repo.open_ticket(
            self.session,
            await self.customer(who),
            TicketDraft.from_question(question),
            policy=SlaPolicy(),
            hours=BusinessHours.weekdays(),
            now=lambda: NOW - timedelta(days=days_ago),
        )


async def seed(session: AsyncSession) -> None:
    """Six promo-code questions, three account deletions, a confused pair, an old question."""
    bot = Bot(session)
    escalate, clarify, answer = (
        AttemptDecision.ESCALATE,
        AttemptDecision.CLARIFY,
        AttemptDecision.ANSWER,
    )
    for who, (text, days) in enumerate(zip(PROMO[:3], (25, 10, 3), strict=True), 1):
        await bot.asked(who, text, escalate, days, confidence=0.1)
    await bot.asked(4, PROMO[3], answer, 20, top=("promo-code", "bonus-points"), confidence=0.8)
    await bot.voted(4, PROMO[3], "promo-code", False, 20)
    await bot.asked(5, PROMO[4], answer, 5, top=("promo-code",), confidence=0.8)
    await bot.voted(5, PROMO[4], "promo-code", False, 5)
    await bot.ticket(5, PROMO[4], 5 - 1 / 24)  # an hour after the answer: it did not help
    await bot.ticket(6, PROMO[5], 1)
    for who, text in enumerate(ACCOUNT, 7):
        await bot.asked(who, text, escalate, 2, confidence=0.5)
        await bot.ticket(who, text, 2)  # the same customer and words: one question
    for who, days in ((10, 4), (11, 3)):
        await bot.asked(who, "баллы", clarify, days, top=("bonus-points", "referral-bonus"))
    await bot.asked(12, "промокод не работает", escalate, 45)  # before the period
    await session.commit()


async def test_report_from_the_bots_database(database: ScratchDatabase, index: Index) -> None:
    async with database.sessions() as session:
        await seed(session)
    async with database.sessions() as session:
        activity = await load_activity(session, since=PERIOD.since, until=PERIOD.until)
    assert len(activity.attempts) == 3 + 2 + 3 + 2
    assert activity.attempts[0].outcome is Outcome.ESCALATE
    assert activity.attempts[0].created_at == NOW - timedelta(days=25)
    assert activity.attempts[1].top_article_ids == ("promo-code", "bonus-points")
    assert {t.number for t in activity.tickets} == {1001, 1002, 1003, 1004, 1005}

    report = build_report(activity, index.catalog, index.retriever.analyzer, PERIOD)
    promo, account = report.clusters
    assert (promo.size, promo.older, promo.recent) == (6, 2, 4)
    assert promo.impact == 3 * 2 + 1 + 2 + 2  # 3 hand-overs, a 👎, a 👎 then a ticket, a ticket
    assert (account.size, account.impact) == (3, 6)
    assert set(account.examples) == set(ACCOUNT)
    assert report.other_count == 0

    (promo_code,) = report.articles
    assert promo_code.article.id == "promo-code"
    assert (promo_code.answered, promo_code.unhelpful) == (2, 2)
    assert (promo_code.customers_answered, promo_code.customers_with_ticket) == (2, 1)
    assert promo_code.self_service == 0.5

    (pair,) = report.confusable
    assert (pair.first.id, pair.second.id, pair.count) == ("bonus-points", "referral-bonus", 2)
    assert "promo-code" not in {ref.id for ref in report.never_matched}
    assert "delete-account" in {ref.id for ref in report.never_matched}
