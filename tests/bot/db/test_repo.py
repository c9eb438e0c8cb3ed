"""Storage functions against real databases: SQLite files and PostgreSQL schemas."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.business_hours import BusinessHours
from bot.db import repo
from bot.db.models import Attempt, AttemptDecision, Customer, Ticket, TicketMessage
from bot.tickets import (
    Impact,
    MessageDirection,
    Priority,
    SlaPolicy,
    TicketDraft,
    TicketStatus,
    TransitionNotAllowed,
    Urgency,
)
from tests.bot.db.fixtures import ScratchDatabase

MSK = ZoneInfo("Europe/Moscow")
POLICY = SlaPolicy()
HOURS = BusinessHours.weekdays()


class Clock:
    """A clock that moves only when told to."""

    def __init__(self, start: datetime) -> None:
        self.moment = start

    def __call__(self) -> datetime:
        return self.moment

    def advance(self, **delta: float) -> datetime:
        self.moment += timedelta(**delta)
        return self.moment


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2025, 1, 8, 10, 0, tzinfo=MSK))  # a Wednesday morning in Moscow


async def make_customer(session: AsyncSession, telegram_id: int = 42, **profile: Any) -> Customer:
    return await repo.upsert_customer(
        session, telegram_id=telegram_id, chat_id=telegram_id, first_name="Анна", **profile
    )


def draft(question: str = "не приходит смс", **fields: Any) -> TicketDraft:
    return dataclasses.replace(TicketDraft.from_question(question, ("Код из СМС",)), **fields)


async def open_ticket(
    session: AsyncSession, customer: Customer, clock: Clock, **fields: Any
) -> Ticket:
    opened = await repo.open_ticket(
        session, customer, draft(**fields), policy=POLICY, hours=HOURS, now=clock
    )
    return opened.ticket


# --- customers and time ---------------------------------------------------------------------


async def test_upsert_customer_creates_then_refreshes_profile(
    db_session: AsyncSession, clock: Clock
) -> None:
    first = await repo.upsert_customer(
        db_session, telegram_id=7_000_000_001, chat_id=7_000_000_001, first_name="Анна", now=clock
    )
    clock.advance(days=1)
    again = await repo.upsert_customer(
        db_session,
        telegram_id=7_000_000_001,
        chat_id=7_000_000_001,
        first_name="Анна",
        username="anna",
        now=clock,
    )
    await db_session.commit()
    assert again.id == first.id
    assert again.username == "anna"
    assert again.updated_at == clock()
    assert again.created_at == clock() - timedelta(days=1)
    assert await db_session.scalar(select(func.count()).select_from(Customer)) == 1


async def test_datetimes_come_back_aware_utc(database: ScratchDatabase, clock: Clock) -> None:
    async with database.sessions() as session:
        customer = await make_customer(session)
        customer.created_at = datetime(2025, 1, 8, 23, 30, 15, 123456, tzinfo=MSK)
        await session.commit()
    async with database.sessions() as session:
        stored = await repo.get_customer(session, 42)
    assert stored is not None
    assert stored.created_at.tzinfo is UTC
    assert stored.created_at == datetime(2025, 1, 8, 20, 30, 15, 123456, tzinfo=UTC)


async def test_naive_datetime_is_refused(db_session: AsyncSession) -> None:
    customer = await make_customer(db_session)
    customer.updated_at = datetime(2025, 1, 8, 10, 0)
    with pytest.raises(Exception, match="naive"):
        await db_session.flush()


# --- opening tickets ------------------------------------------------------------------------


async def test_open_ticket_fills_fields_priority_deadlines_and_number(
    db_session: AsyncSession, clock: Clock
) -> None:
    customer = await make_customer(db_session)
    opened = await repo.open_ticket(
        db_session,
        customer,
        draft(
            urgency=Urgency.BLOCKING,
            impact=Impact.ONLY_ME,
            attachments=(("photo", "AgAC-1"),),
            order_number="A-17",
        ),
        policy=POLICY,
        hours=HOURS,
        now=clock,
    )
    await db_session.commit()
    ticket = opened.ticket
    assert opened.created
    assert ticket.number == 1001
    assert ticket.status is TicketStatus.NEW
    assert ticket.priority is Priority.HIGH
    assert ticket.question == ticket.what_happened == "не приходит смс"
    assert ticket.tried == ["Код из СМС"]
    assert ticket.attachment_pairs == (("photo", "AgAC-1"),)
    assert ticket.order_number == "A-17"
    assert ticket.first_response_due == clock() + timedelta(hours=1)
    assert ticket.resolution_due == clock() + timedelta(hours=8)  # 10:00 to 18:00 the same day
    second = await open_ticket(db_session, await make_customer(db_session, 43), clock)
    assert second.number == 1002


async def test_open_ticket_returns_the_open_one(db_session: AsyncSession, clock: Clock) -> None:
    customer = await make_customer(db_session)
    first = await open_ticket(db_session, customer, clock)
    opened = await repo.open_ticket(
        db_session, customer, draft("другой вопрос"), policy=POLICY, hours=HOURS, now=clock
    )
    assert not opened.created
    assert opened.ticket.id == first.id
    assert (await repo.get_open_ticket(db_session, customer)) is not None


async def test_after_resolution_a_new_ticket_can_be_opened(
    db_session: AsyncSession, clock: Clock
) -> None:
    customer = await make_customer(db_session)
    first = await open_ticket(db_session, customer, clock)
    await repo.resolve(db_session, first, now=clock)
    clock.advance(hours=1)
    second = await open_ticket(db_session, customer, clock, question="снова")
    assert second.number == first.number + 1
    listed = await repo.list_tickets(db_session, customer)
    assert [t.number for t in listed] == [second.number, first.number]


async def test_database_itself_refuses_a_second_open_ticket(
    db_session: AsyncSession, clock: Clock
) -> None:
    customer = await make_customer(db_session)
    first = await open_ticket(db_session, customer, clock)
    twin = Ticket(
        **{
            column.key: getattr(first, column.key)
            for column in Ticket.__table__.columns
            if column.key not in ("id", "number")
        },
        number=first.number + 1,
    )
    db_session.add(twin)
    with pytest.raises(IntegrityError):
        await db_session.flush()


async def _open_concurrently(
    database: ScratchDatabase, customers: list[Customer], clock: Clock
) -> list[repo.OpenedTicket]:
    async def one(customer: Customer) -> repo.OpenedTicket:
        async with database.sessions() as session:
            opened = await repo.open_ticket(
                session, customer, draft(), policy=POLICY, hours=HOURS, now=clock
            )
            await session.commit()
            return opened

    return await asyncio.gather(*(one(customer) for customer in customers))


async def test_concurrent_opens_for_one_customer_make_one_ticket(
    database: ScratchDatabase, clock: Clock
) -> None:
    async with database.sessions() as session:
        customer = await make_customer(session)
        await session.commit()

    results = await _open_concurrently(database, [customer] * 20, clock)

    assert sum(result.created for result in results) == 1
    assert len({result.ticket.id for result in results}) == 1
    async with database.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Ticket)) == 1


async def test_concurrent_customers_get_consecutive_numbers(
    database: ScratchDatabase, clock: Clock
) -> None:
    async with database.sessions() as session:
        customers = [await make_customer(session, 100 + i) for i in range(10)]
        await session.commit()

    results = await _open_concurrently(database, customers, clock)

    assert all(result.created for result in results)
    assert sorted(result.ticket.number for result in results) == list(range(1001, 1011))


# --- moving tickets along -------------------------------------------------------------------


async def test_status_changes_stamp_times_and_follow_the_workflow(
    db_session: AsyncSession, clock: Clock
) -> None:
    ticket = await open_ticket(db_session, await make_customer(db_session), clock)
    await repo.set_status(db_session, ticket, TicketStatus.IN_PROGRESS, now=clock)
    resolved_at = clock.advance(hours=2)
    await repo.resolve(db_session, ticket, now=clock)
    assert ticket.resolved_at == resolved_at
    closed_at = clock.advance(days=1)
    await repo.close(db_session, ticket, now=clock)
    assert (ticket.status, ticket.closed_at, ticket.updated_at) == (
        TicketStatus.CLOSED,
        closed_at,
        closed_at,
    )
    with pytest.raises(TransitionNotAllowed):
        await repo.set_status(db_session, ticket, TicketStatus.RESOLVED, now=clock)
    await repo.set_status(db_session, ticket, TicketStatus.CLOSED, now=clock)  # same: no-op
    reopened = await repo.reopen(db_session, ticket, now=clock)
    assert reopened.status is TicketStatus.IN_PROGRESS
    assert reopened.resolved_at is None and reopened.closed_at is None
    await db_session.commit()


async def test_reopen_is_refused_while_another_ticket_is_open(
    db_session: AsyncSession, clock: Clock
) -> None:
    customer = await make_customer(db_session)
    old = await open_ticket(db_session, customer, clock)
    await repo.resolve(db_session, old, now=clock)
    new = await open_ticket(db_session, customer, clock)
    with pytest.raises(repo.TicketAlreadyOpen, match=f"#{new.number}"):
        await repo.reopen(db_session, old, now=clock)


async def test_set_priority_recomputes_deadlines(db_session: AsyncSession, clock: Clock) -> None:
    ticket = await open_ticket(db_session, await make_customer(db_session), clock)
    assert ticket.priority is Priority.MEDIUM
    created = ticket.created_at
    clock.advance(minutes=5)
    await repo.set_priority(
        db_session, ticket, Priority.CRITICAL, policy=POLICY, hours=HOURS, now=clock
    )
    assert ticket.first_response_due == created + timedelta(minutes=30)
    assert ticket.resolution_due == created + timedelta(hours=4)


async def test_find_by_number_and_topic_with_customer_loaded(
    database: ScratchDatabase, clock: Clock
) -> None:
    async with database.sessions() as session:
        ticket = await open_ticket(session, await make_customer(session), clock)
        await repo.set_topic(session, ticket, 555, now=clock)
        await repo.assign(session, ticket, 9001, now=clock)
        await repo.set_line(session, ticket, 2, now=clock)
        await session.commit()
    async with database.sessions() as session:
        by_number = await repo.get_ticket_by_number(session, 1001, for_update=True)
        by_topic = await repo.get_ticket_by_topic(session, 555)
        assert by_number is not None and by_topic is not None
        assert by_number.id == by_topic.id
        assert by_number.customer.telegram_id == 42
        assert (by_number.assignee_id, by_number.line) == (9001, 2)
        assert await repo.get_ticket_by_number(session, 999) is None
        with pytest.raises(ValueError, match="line must be 1, 2 or 3"):
            await repo.set_line(session, by_number, 4)


async def test_csat_is_stored_and_validated(db_session: AsyncSession, clock: Clock) -> None:
    ticket = await open_ticket(db_session, await make_customer(db_session), clock)
    await repo.set_csat(db_session, ticket, 5, "спасибо!", now=clock)
    assert (ticket.csat_score, ticket.csat_comment) == (5, "спасибо!")
    with pytest.raises(ValueError, match="1 to 5"):
        await repo.set_csat(db_session, ticket, 6)


async def test_overdue_lists_open_tickets_past_a_deadline(
    db_session: AsyncSession, clock: Clock
) -> None:
    ticket = await open_ticket(db_session, await make_customer(db_session), clock)
    assert await repo.list_overdue(db_session, now=clock) == []
    clock.advance(hours=5)  # medium: first response due after 4 working hours
    assert [t.id for t in await repo.list_overdue(db_session, now=clock)] == [ticket.id]
    await repo.resolve(db_session, ticket, now=clock)
    assert await repo.list_overdue(db_session, now=clock) == []


# --- messages -------------------------------------------------------------------------------


async def test_add_message_is_idempotent_on_the_telegram_message(
    db_session: AsyncSession, clock: Clock
) -> None:
    ticket = await open_ticket(db_session, await make_customer(db_session), clock)
    kwargs: dict[str, Any] = dict(direction=MessageDirection.IN, text="алло", source_chat_id=42)
    first = await repo.add_message(db_session, ticket, **kwargs, source_message_id=10, now=clock)
    again = await repo.add_message(db_session, ticket, **kwargs, source_message_id=10, now=clock)
    other = await repo.add_message(db_session, ticket, **kwargs, source_message_id=11, now=clock)
    assert (first.created, again.created, other.created) == (True, False, True)
    assert again.message.id == first.message.id
    assert [m.source_message_id for m in await repo.list_messages(db_session, ticket)] == [10, 11]


async def test_duplicate_message_from_a_concurrent_update_is_one_row(
    database: ScratchDatabase, clock: Clock
) -> None:
    async with database.sessions() as session:
        ticket = await open_ticket(session, await make_customer(session), clock)
        await session.commit()

    async def relay_once() -> bool:
        async with database.sessions() as session:
            own = await repo.get_ticket(session, ticket.id)
            assert own is not None
            added = await repo.add_message(
                session,
                own,
                direction=MessageDirection.IN,
                text="алло",
                source_chat_id=42,
                source_message_id=77,
                now=clock,
            )
            await session.commit()
            return added.created

    created = await asyncio.gather(*(relay_once() for _ in range(5)))
    assert sorted(created) == [False] * 4 + [True]


async def test_first_agent_reply_stamps_first_response(
    db_session: AsyncSession, clock: Clock
) -> None:
    ticket = await open_ticket(db_session, await make_customer(db_session), clock)
    clock.advance(minutes=20)
    await repo.add_message(
        db_session, ticket, direction=MessageDirection.INTERNAL, text="смотрю", now=clock
    )
    assert ticket.first_response_at is None
    replied = clock.advance(minutes=5)
    await repo.add_message(
        db_session, ticket, direction=MessageDirection.OUT, text="Здравствуйте!", now=clock
    )
    clock.advance(minutes=5)
    await repo.add_message(
        db_session, ticket, direction=MessageDirection.OUT, text="Ещё", now=clock
    )
    assert ticket.first_response_at == replied


async def test_undelivered_messages_survive_a_restart_until_delivered(
    database: ScratchDatabase, clock: Clock
) -> None:
    async with database.sessions() as session:
        ticket = await open_ticket(session, await make_customer(session), clock)
        for n, direction in enumerate(MessageDirection):
            await repo.add_message(
                session,
                ticket,
                direction=direction,
                text=direction.value,
                source_chat_id=1,
                source_message_id=n,
                now=clock,
            )
        await session.commit()

    async with database.sessions() as session:  # a new process would start here
        pending = await repo.undelivered_messages(session)
        assert [m.direction for m in pending] == [MessageDirection.IN, MessageDirection.OUT]
        assert pending[0].ticket.customer.chat_id == 42
        delivered_at = clock.advance(seconds=3)
        await repo.mark_delivered(
            session, pending[0], relay_chat_id=-100, relay_message_id=500, now=clock
        )
        await session.commit()

    async with database.sessions() as session:
        pending = await repo.undelivered_messages(session)
        assert [m.direction for m in pending] == [MessageDirection.OUT]
        copy = await repo.get_message_by_relay(session, -100, 500)
        assert copy is not None
        assert (copy.delivered, copy.delivered_at, copy.text) == (True, delivered_at, "in")
        assert copy.ticket.number == 1001


# --- votes, attempts, canned replies --------------------------------------------------------


async def test_votes_and_attempts_are_recorded(db_session: AsyncSession, clock: Clock) -> None:
    customer = await make_customer(db_session)
    vote = await repo.record_vote(
        db_session,
        customer=customer,
        query_text="как оплатить",
        article_id="billing/top-up",
        helpful=False,
        now=clock,
    )
    attempt = await repo.record_attempt(
        db_session,
        customer=None,
        query_text="как оплатить",
        decision=AttemptDecision.CLARIFY,
        confidence=0.42,
        top_article_ids=["billing/top-up", "billing/cards"],
        now=clock,
    )
    await db_session.commit()
    assert (vote.customer_id, vote.helpful) == (customer.id, False)
    await db_session.refresh(attempt)
    assert attempt.top_article_ids == ["billing/top-up", "billing/cards"]
    assert attempt.decision is AttemptDecision.CLARIFY


async def test_stored_attempt_reads_back_as_a_recorded_one(
    db_session: AsyncSession, clock: Clock
) -> None:
    customer = await make_customer(db_session)
    fields = {
        "query_text": "не приходит код «из смс»",
        "decision": AttemptDecision.ANSWER,
        "confidence": 0.91,
        "top_article_ids": ["account/login-code", "account/phone"],
        "chosen_article_id": "account/login-code",
        "now": clock,
    }
    recorded = await repo.record_attempt(db_session, customer=customer, **fields)
    stored_id = await repo.store_attempt(db_session, customer_id=customer.id, **fields)
    await db_session.commit()
    assert stored_id == recorded.id + 1
    stored = await repo.get_attempt(db_session, stored_id)
    assert stored is not None

    def row(a: Attempt) -> tuple[object, ...]:
        return (
            a.customer_id, a.query_text, a.decision, a.confidence, a.top_article_ids,
            a.chosen_article_id, a.created_at,
        )  # fmt: skip

    await db_session.refresh(recorded)
    assert row(stored) == row(recorded)
    assert stored.decision is AttemptDecision.ANSWER


async def test_canned_replies_crud(db_session: AsyncSession, clock: Clock) -> None:
    hello = await repo.add_canned_reply(
        db_session, title="Приветствие", text="Здравствуйте!", created_by=9001, now=clock
    )
    await repo.add_canned_reply(
        db_session, title="Возврат", text="Деньги вернутся за 3 дня.", created_by=9001, now=clock
    )
    with pytest.raises(repo.CannedReplyTitleTaken, match="Возврат"):
        await repo.add_canned_reply(db_session, title="Возврат", text="...", created_by=1)
    with pytest.raises(repo.CannedReplyTitleTaken):
        await repo.update_canned_reply(db_session, hello, title="Возврат")
    await repo.update_canned_reply(db_session, hello, text="Добрый день!", now=clock)
    titles = [r.title for r in await repo.list_canned_replies(db_session)]
    assert titles == ["Возврат", "Приветствие"]
    fetched = await repo.get_canned_reply(db_session, hello.id)
    assert fetched is not None and fetched.text == "Добрый день!"
    await repo.delete_canned_reply(db_session, hello)
    assert [r.title for r in await repo.list_canned_replies(db_session)] == ["Возврат"]
    await db_session.commit()


# --- stats ----------------------------------------------------------------------------------


async def test_stats_for_a_period(db_session: AsyncSession, clock: Clock) -> None:
    start = clock()
    fast = await open_ticket(db_session, await make_customer(db_session, 1), clock)
    slow = await open_ticket(db_session, await make_customer(db_session, 2), clock)
    silent = await open_ticket(db_session, await make_customer(db_session, 3), clock)

    def at(**delta: float) -> Clock:
        return Clock(start + timedelta(**delta))

    for ticket, minutes in ((fast, 10), (slow, 300)):
        await repo.add_message(
            db_session, ticket, direction=MessageDirection.OUT, text="ok", now=at(minutes=minutes)
        )
    await repo.resolve(db_session, fast, now=at(hours=1))
    await repo.set_csat(db_session, fast, 5)
    await repo.close(db_session, slow, now=at(days=10))
    await repo.set_csat(db_session, slow, 2)
    await db_session.commit()

    period: dict[str, Any] = dict(since=start, until=start + timedelta(days=1))
    counts = await repo.count_by_status(db_session, **period)
    assert counts[TicketStatus.RESOLVED] == counts[TicketStatus.CLOSED] == 1
    assert counts[TicketStatus.NEW] == 1 and counts[TicketStatus.IN_PROGRESS] == 0
    assert await repo.median_first_response(db_session, **period) == timedelta(minutes=155)
    breaches = await repo.count_breaches(db_session, **period, now=at(days=30))
    # slow: late reply (5 h > 4 working hours) and late closing; silent: never answered.
    assert breaches == repo.SlaBreaches(first_response=2, resolution=2)
    assert await repo.csat_summary(db_session, **period) == repo.CsatSummary(3.5, 2)
    assert silent.status is TicketStatus.NEW

    empty: dict[str, Any] = dict(since=start - timedelta(days=9), until=start - timedelta(days=1))
    assert await repo.median_first_response(db_session, **empty) is None
    assert await repo.csat_summary(db_session, **empty) == repo.CsatSummary(None, 0)


async def test_message_rows_cascade_with_their_ticket(
    db_session: AsyncSession, clock: Clock
) -> None:
    ticket = await open_ticket(db_session, await make_customer(db_session), clock)
    await repo.add_message(db_session, ticket, direction=MessageDirection.IN, text="x", now=clock)
    await db_session.delete(ticket)
    await db_session.flush()
    assert await db_session.scalar(select(func.count()).select_from(TicketMessage)) == 0
