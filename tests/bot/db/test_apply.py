"""``repo.apply``: a lifecycle change from bot.tickets, stored on the ticket row."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db import repo
from bot.tickets import (
    BotNotice,
    MessageDirection,
    TicketStatus,
    on_agent_reply,
    on_customer_message,
    on_reopen,
    on_status,
)
from tests.bot.db.test_repo import Clock, make_customer, open_ticket


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2025, 1, 8, 7, 0, tzinfo=UTC))  # a Wednesday morning in Moscow


async def test_an_agent_reply_takes_the_ticket_and_stamps_once(
    db_session: AsyncSession, clock: Clock
) -> None:
    ticket = await open_ticket(db_session, await make_customer(db_session), clock)
    first = clock()
    await repo.apply(db_session, ticket, on_agent_reply(repo.state_of(ticket), 7, first))
    assert (ticket.status, ticket.assignee_id) == (TicketStatus.IN_PROGRESS, 7)
    assert (ticket.first_response_at, ticket.first_response_by) == (first, 7)
    clock.advance(minutes=5)
    await repo.apply(db_session, ticket, on_agent_reply(repo.state_of(ticket), 8, clock()))
    assert (ticket.assignee_id, ticket.first_response_at, ticket.first_response_by) == (
        7,
        first,
        7,
    )


async def test_the_customer_answering_puts_a_waiting_ticket_back_in_work(
    db_session: AsyncSession, clock: Clock
) -> None:
    ticket = await open_ticket(db_session, await make_customer(db_session), clock)
    waiting = on_status(repo.state_of(ticket), TicketStatus.WAITING_CUSTOMER)
    await repo.apply(db_session, ticket, waiting, now=clock)
    await repo.apply(db_session, ticket, on_customer_message(repo.state_of(ticket)), now=clock)
    assert ticket.status is TicketStatus.IN_PROGRESS


async def test_reopening_keeps_the_one_open_ticket_rule(
    db_session: AsyncSession, clock: Clock
) -> None:
    customer = await make_customer(db_session)
    old = await open_ticket(db_session, customer, clock)
    await repo.resolve(db_session, old, now=clock)
    await open_ticket(db_session, customer, clock)
    with pytest.raises(repo.TicketAlreadyOpen):
        await repo.apply(db_session, old, on_reopen(repo.state_of(old)), now=clock)
    assert old.status is TicketStatus.RESOLVED


async def test_a_notice_to_the_customer_is_not_a_first_response(
    db_session: AsyncSession, clock: Clock
) -> None:
    ticket = await open_ticket(db_session, await make_customer(db_session), clock)
    await repo.add_message(
        db_session,
        ticket,
        direction=MessageDirection.OUT,
        text=None,
        content_type=BotNotice.CSAT_QUESTION.value,
        now=clock,
    )
    assert ticket.first_response_at is None
    [stored] = await repo.undelivered_messages(db_session)
    assert stored.content_type == "csat_question"
