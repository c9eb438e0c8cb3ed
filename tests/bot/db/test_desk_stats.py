"""The numbers of /stats on a seeded database: self-service, finished tickets, per agent."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from bot.business_hours import BusinessHours
from bot.db import repo
from bot.db.models import AttemptDecision, Customer, Ticket
from bot.desk.roles import AgentRole
from bot.tickets import MessageDirection, SlaPolicy, TicketDraft

SINCE = datetime(2025, 1, 14, 21, 0, tzinfo=UTC)  # Wednesday 15 January in Moscow
UNTIL = SINCE + timedelta(days=1)
PERIOD: dict[str, Any] = {"since": SINCE, "until": UNTIL}
OLGA, PETR, STRANGER = 900, 901, 902


def at(hour: int, minute: int = 0, *, day: int = 15) -> Callable[[], datetime]:
    moment = datetime(2025, 1, day, hour, minute, tzinfo=UTC)
    return lambda: moment


@dataclass
class Desk:
    session: AsyncSession
    customers: dict[str, Customer]

    async def ask(self, who: str | None, now: Callable[[], datetime]) -> None:
        await repo.record_attempt(
            self.session,
            customer=self.customers[who] if who else None,
            query_text="вопрос",
            decision=AttemptDecision.ANSWER,
            confidence=0.9,
            chosen_article_id="end-trip",
            now=now,
        )

    async def ticket(self, who: str, now: Callable[[], datetime]) -> Ticket:
        opened = await repo.open_ticket(
            self.session,
            self.customers[who],
            TicketDraft.from_question("вопрос"),
            policy=SlaPolicy(),
            hours=BusinessHours.weekdays(),
            now=now,
        )
        return opened.ticket

    async def answer(self, ticket: Ticket, agent: int, minutes: int) -> None:
        moment = ticket.created_at + timedelta(minutes=minutes)
        await repo.add_message(
            self.session,
            ticket,
            direction=MessageDirection.OUT,
            text="ответ",
            author_id=agent,
            now=lambda: moment,
        )


@pytest.fixture
async def desk(db_session: AsyncSession) -> Desk:
    """A seeded Wednesday: five customers' questions, three tickets of the day, one older."""
    names = "ABCDEFG"
    customers = {
        name: await repo.upsert_customer(db_session, telegram_id=i + 1, chat_id=i + 1)
        for i, name in enumerate(names)
    }
    desk = Desk(db_session, customers)
    for agent, first, last, role in (
        (OLGA, "Ольга", None, AgentRole.AGENT),
        (PETR, "Пётр", "Иванов", AgentRole.LEAD),
    ):
        await repo.upsert_agent(
            db_session,
            telegram_id=agent,
            first_name=first,
            last_name=last,
            username=None,
            role=role,
        )

    await desk.ask("A", at(8))  # followed by a ticket half an hour later
    a = await desk.ticket("A", at(8, 30))
    await desk.ask("B", at(9))  # self-served
    await desk.ask("C", at(10))  # self-served: the ticket came 25 hours later
    await desk.ticket("C", at(11, day=16))
    await desk.ask("D", at(20, 30))  # late in the day, followed by a ticket the next morning
    await desk.ticket("D", at(5, day=16))
    e = await desk.ticket("E", at(7))  # self-served: the ticket came before the question
    await desk.ask("E", at(7, 30))
    await desk.ask(None, at(9))  # the terminal demo: not a customer's question
    await desk.ask("B", at(9, day=14))  # the day before
    f = await desk.ticket("F", at(12))
    g = await desk.ticket("G", at(10, day=14))  # yesterday's, resolved today

    await repo.assign(db_session, a, OLGA)
    await desk.answer(a, OLGA, 10)
    await repo.resolve(db_session, a, now=at(11))
    await repo.set_csat(db_session, a, 5)
    await repo.assign(db_session, e, PETR)
    await desk.answer(e, OLGA, 30)  # Ольга answered first, Пётр has it
    await repo.assign(db_session, f, STRANGER)
    await desk.answer(f, STRANGER, 20)
    await repo.close(db_session, f, now=at(13))
    await repo.set_csat(db_session, f, 3)
    await repo.assign(db_session, g, OLGA)
    await repo.resolve(db_session, g, now=at(10))
    await repo.set_csat(db_session, g, 4)
    await db_session.commit()
    return desk


async def test_self_service_counts_questions_no_ticket_followed(desk: Desk) -> None:
    served = await repo.self_service(desk.session, **PERIOD)
    assert served == repo.SelfService(questions=5, self_served=3)
    assert served.rate == 0.6


async def test_a_question_the_bot_did_not_answer_is_not_self_served(desk: Desk) -> None:
    await repo.record_attempt(
        desk.session,
        customer=desk.customers["G"],
        query_text="рецепт борща",
        decision=AttemptDecision.ESCALATE,
        confidence=0.1,
        now=lambda: PERIOD["since"] + timedelta(minutes=1),
    )
    served = await repo.self_service(desk.session, **PERIOD)
    assert served == repo.SelfService(questions=6, self_served=3)


async def test_self_service_of_a_quiet_period(desk: Desk) -> None:
    quiet = await repo.self_service(
        desk.session, since=UNTIL + timedelta(days=5), until=UNTIL + timedelta(days=6)
    )
    assert quiet == repo.SelfService(0, 0) and quiet.rate is None


async def test_finished_counts_by_when_tickets_were_finished(desk: Desk) -> None:
    assert await repo.count_finished(desk.session, **PERIOD) == 3
    assert sum((await repo.count_by_status(desk.session, **PERIOD)).values()) == 3
    yesterday = {"since": SINCE - timedelta(days=1), "until": SINCE}
    assert await repo.count_finished(desk.session, **yesterday) == 0


async def test_per_agent(desk: Desk) -> None:
    rows = await repo.per_agent(desk.session, **PERIOD)
    assert rows == [
        repo.AgentStats(
            telegram_id=OLGA,
            name="Ольга",
            taken=1,
            resolved=2,
            median_first_response=timedelta(minutes=20),
            csat=repo.CsatSummary(5.0, 1),
        ),
        repo.AgentStats(
            telegram_id=STRANGER,
            name=None,
            taken=1,
            resolved=1,
            median_first_response=timedelta(minutes=20),
            csat=repo.CsatSummary(3.0, 1),
        ),
        repo.AgentStats(
            telegram_id=PETR,
            name="Пётр Иванов",
            taken=1,
            resolved=0,
            median_first_response=None,
            csat=repo.CsatSummary(None, 0),
        ),
    ]
    assert (
        await repo.per_agent(
            desk.session, since=UNTIL + timedelta(days=5), until=UNTIL + timedelta(days=6)
        )
        == []
    )
