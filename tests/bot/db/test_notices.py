"""SLA notices in the database: stored once, found when due, claimed by one worker."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.business_hours import BusinessHours
from bot.db import repo
from bot.db.models import SlaNotice, SlaNoticeKind, Ticket
from bot.desk.sla import NoticeKind
from bot.tickets import MessageDirection, Priority, SlaPolicy, TicketDraft
from tests.bot.db.fixtures import ScratchDatabase

POLICY = SlaPolicy()
HOURS = BusinessHours.weekdays()
CREATED = datetime(2025, 1, 15, 7, 0, tzinfo=UTC)  # Wednesday, 10:00 in Moscow
REMIND = timedelta(minutes=15)


async def open_ticket(session: AsyncSession, telegram_id: int = 42) -> Ticket:
    customer = await repo.upsert_customer(
        session, telegram_id=telegram_id, chat_id=telegram_id, first_name="Анна"
    )
    opened = await repo.open_ticket(
        session,
        customer,
        TicketDraft.from_question("не приходит смс"),
        policy=POLICY,
        hours=HOURS,
        now=lambda: CREATED,
    )
    return opened.ticket


async def candidates(session: AsyncSession, now: datetime) -> list[int]:
    found = await repo.notice_candidates(session, now=now, remind_before=REMIND)
    return [ticket.id for ticket in found]


async def test_a_notice_stored_concurrently_is_one_row(database: ScratchDatabase) -> None:
    async with database.sessions() as session:
        ticket = await open_ticket(session)
        await session.commit()

    async def store() -> bool:
        async with database.sessions() as session:
            stored = await repo.store_notice(
                session,
                ticket,
                NoticeKind.FIRST_RESPONSE_BREACHED,
                ticket.first_response_due,
                now=lambda: CREATED,
            )
            await session.commit()
            return stored.created

    created = await asyncio.gather(*(store() for _ in range(10)))

    assert sorted(created) == [False] * 9 + [True]
    async with database.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(SlaNotice)) == 1


async def test_the_same_kind_for_a_new_deadline_is_a_new_notice(db_session: AsyncSession) -> None:
    ticket = await open_ticket(db_session)
    first = await repo.store_notice(
        db_session, ticket, NoticeKind.FIRST_RESPONSE_SOON, ticket.first_response_due
    )
    again = await repo.store_notice(
        db_session, ticket, SlaNoticeKind.FIRST_RESPONSE_SOON, ticket.first_response_due
    )
    await repo.set_priority(db_session, ticket, Priority.HIGH, policy=POLICY, hours=HOURS)
    moved = await repo.store_notice(
        db_session, ticket, NoticeKind.FIRST_RESPONSE_SOON, ticket.first_response_due
    )
    assert (first.created, again.created, moved.created) == (True, False, True)
    assert again.notice.id == first.notice.id != moved.notice.id
    assert moved.notice.kind is SlaNoticeKind.FIRST_RESPONSE_SOON
    await db_session.commit()


async def test_candidates_are_tickets_whose_notice_is_not_stored(db_session: AsyncSession) -> None:
    ticket = await open_ticket(db_session)
    due = ticket.first_response_due
    await db_session.commit()

    assert await candidates(db_session, due - timedelta(hours=1)) == []
    assert await candidates(db_session, due - timedelta(minutes=10)) == [ticket.id]
    await repo.store_notice(db_session, ticket, NoticeKind.FIRST_RESPONSE_SOON, due)
    assert await candidates(db_session, due - timedelta(minutes=10)) == []
    # Past the deadline the breach notice is missing: a candidate again, until it is stored.
    assert await candidates(db_session, due + timedelta(minutes=1)) == [ticket.id]
    await repo.store_notice(db_session, ticket, NoticeKind.FIRST_RESPONSE_BREACHED, due)
    assert await candidates(db_session, due + timedelta(minutes=1)) == []
    # Near the resolution deadline, a candidate for that one.
    near = ticket.resolution_due - timedelta(minutes=5)
    assert await candidates(db_session, near) == [ticket.id]
    found = await repo.notice_candidates(db_session, now=near, remind_before=REMIND)
    assert found[0].customer.first_name == "Анна"  # loaded
    await db_session.commit()


async def test_answered_and_closed_tickets_are_not_candidates(db_session: AsyncSession) -> None:
    answered = await open_ticket(db_session, 1)
    closed = await open_ticket(db_session, 2)
    await repo.add_message(
        db_session,
        answered,
        direction=MessageDirection.OUT,
        text="смотрим",
        now=lambda: CREATED + timedelta(minutes=5),
    )
    await repo.close(db_session, closed, now=lambda: CREATED + timedelta(minutes=5))
    await db_session.commit()

    assert await candidates(db_session, answered.first_response_due + timedelta(hours=1)) == []
    assert await candidates(db_session, answered.resolution_due) == [answered.id]


async def test_a_notice_is_claimed_by_one_worker_and_delivered_after(
    database: ScratchDatabase,
) -> None:
    async with database.sessions() as session:
        ticket = await open_ticket(session)
        stored = await repo.store_notice(
            session, ticket, NoticeKind.FIRST_RESPONSE_SOON, ticket.first_response_due
        )
        await session.commit()
    notice_id = stored.notice.id

    async with database.sessions() as session:
        pending = await repo.undelivered_notices(session)
        assert [(p.notice.id, p.ticket.id) for p in pending] == [(notice_id, ticket.id)]
        assert pending[0].ticket.customer.first_name == "Анна"

    async def claim(at: datetime = CREATED) -> bool:
        async with database.sessions() as session:
            won = await repo.claim_notice(session, notice_id, now=lambda: at)
            await session.commit()
            return won

    assert sorted(await asyncio.gather(*(claim() for _ in range(5)))) == [False] * 4 + [True]
    async with database.sessions() as session:
        # Claimed is not sent: still undelivered, for a crash between claim and send.
        assert [p.notice.id for p in await repo.undelivered_notices(session)] == [notice_id]
        await repo.release_notice(session, notice_id)
        await session.commit()
    assert await claim()  # released: claimable again
    assert await claim(CREATED + timedelta(seconds=61))  # a claim a minute old is taken over
    async with database.sessions() as session:
        assert await repo.mark_notice_delivered(session, notice_id, now=lambda: CREATED)
        await session.commit()
        assert await repo.undelivered_notices(session) == []
    assert not await claim(CREATED + timedelta(hours=1))  # sent: nobody claims it again
