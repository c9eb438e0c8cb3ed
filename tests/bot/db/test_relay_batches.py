"""The relay's batches in the database: claimed in order, all or none, marked and handed back
together; on SQLite and on PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db import repo
from bot.db.models import TicketMessage
from bot.db.repo.relay_batches import (
    Claimed,
    Mark,
    claim_batch,
    claimable,
    mark_batch,
    release_batch,
)
from bot.tickets import MessageDirection
from tests.bot.db.fixtures import ScratchDatabase
from tests.bot.db.test_repo import Clock, make_customer, open_ticket
from tests.bot.db.test_repo import clock as clock  # noqa: F401  (the fixture)

IN = MessageDirection.IN


async def _lane(session: AsyncSession, clock: Clock, texts: list[str]) -> tuple[int, list[int]]:
    """A ticket with ``texts`` waiting to go to its topic: its id, and the messages' ids."""
    ticket = await open_ticket(session, await make_customer(session), clock)
    ids = []
    for text in texts:
        added = await repo.add_message(session, ticket, direction=IN, text=text, now=clock)
        ids.append(added.message.id)
    return ticket.id, ids


async def _rows(session: AsyncSession, ids: list[int]) -> list[TicketMessage]:
    query = select(TicketMessage).where(TicketMessage.id.in_(ids)).order_by(TicketMessage.id)
    return list((await session.scalars(query.execution_options(populate_existing=True))).all())


async def test_a_batch_is_the_lanes_head_in_order_and_a_second_claim_gets_nothing(
    database: ScratchDatabase, clock: Clock
) -> None:
    async with database.sessions() as session, session.begin():
        ticket_id, ids = await _lane(session, clock, [f"сообщение {n}" for n in range(5)])
    async with database.sessions() as session, session.begin():
        batch = await claim_batch(session, ticket_id, IN, limit=3, now=clock)
    assert [m.id for m in batch] == ids[:3]
    assert [m.text for m in batch] == ["сообщение 0", "сообщение 1", "сообщение 2"]
    assert all(m.attempts == 1 and m.number == 1001 and m.customer_chat_id == 42 for m in batch)
    async with database.sessions() as session, session.begin():
        # Behind three claimed and undelivered messages: nothing of the lane may go.
        assert await claim_batch(session, ticket_id, IN, limit=10, now=clock) == []
        stored = await _rows(session, ids)
    assert [m.attempts for m in stored] == [1, 1, 1, 0, 0]


async def test_a_batch_stops_before_a_message_someone_else_holds(
    database: ScratchDatabase, clock: Clock
) -> None:
    async with database.sessions() as session, session.begin():
        ticket_id, ids = await _lane(session, clock, ["раз", "два", "три", "четыре"])
        # Another worker holds the third one (as after a race between two processes).
        await session.execute(
            update(TicketMessage).where(TicketMessage.id == ids[2]).values(claimed_at=clock())
        )
    async with database.sessions() as session, session.begin():
        batch = await claim_batch(session, ticket_id, IN, limit=10, now=clock)
    assert [m.id for m in batch] == ids[:2]  # never the fourth, around the held third


async def test_a_batch_with_an_earlier_message_on_its_way_is_claimed_by_none(
    database: ScratchDatabase, clock: Clock
) -> None:
    async with database.sessions() as session, session.begin():
        ticket_id, ids = await _lane(session, clock, ["раз", "два"])
        await session.execute(
            update(TicketMessage).where(TicketMessage.id == ids[0]).values(claimed_at=clock())
        )
    async with database.sessions() as session, session.begin():
        assert await claim_batch(session, ticket_id, IN, limit=10, now=clock) == []
        stored = await _rows(session, ids)
    assert stored[1].claimed_at is None and stored[1].attempts == 0


async def test_marks_and_untried_releases_are_written_together(
    database: ScratchDatabase, clock: Clock
) -> None:
    async with database.sessions() as session, session.begin():
        ticket_id, ids = await _lane(session, clock, ["раз", "два", "три", "четыре"])
    async with database.sessions() as session, session.begin():
        batch = await claim_batch(session, ticket_id, IN, limit=4, now=clock)
        assert len(batch) == 4
        marks = [Mark(ids[0], -100, 7), Mark(ids[1], -100, 8)]
        await mark_batch(session, marks, now=clock)
        retry_at = datetime(2030, 1, 1, tzinfo=UTC)
        await release_batch(session, ids[2:3], error="502 Bad Gateway", retry_at=retry_at)
        await release_batch(session, ids[3:], untried=True)
    async with database.sessions() as session:
        stored = await _rows(session, ids)
    assert [(m.delivered, m.relay_message_id) for m in stored] == [
        (True, 7),
        (True, 8),
        (False, None),
        (False, None),
    ]
    assert stored[2].error == "502 Bad Gateway" and stored[2].attempts == 1
    assert stored[2].retry_at == retry_at and stored[2].claimed_at is None
    assert stored[3].attempts == 0 and stored[3].claimed_at is None and stored[3].error is None
    async with database.sessions() as session, session.begin():
        # The third waits out its backoff, and the fourth behind it.
        assert await claim_batch(session, ticket_id, IN, limit=4, now=clock) == []


def _waiting(n: int, **fields: object) -> Claimed:
    values: dict[str, object] = {
        "id": n,
        "ticket_id": 1,
        "direction": IN,
        "author_id": None,
        "text": str(n),
        "content_type": "text",
        "source_chat_id": None,
        "source_message_id": None,
        "reply_to_message_id": None,
        "edit_of_id": None,
        "article_id": None,
        "attempts": 1,
        "claimed_at": None,
        "retry_at": None,
        "topic_id": 5,
        "number": 1001,
        "ticket_open": True,
        "customer_chat_id": 42,
    }
    values.update(fields)
    return Claimed(**values)  # type: ignore[arg-type]


NOW = datetime(2025, 1, 8, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("lane", "taken"),
    [
        ([_waiting(1), _waiting(2), _waiting(3)], [1, 2, 3]),
        ([_waiting(1), _waiting(2, claimed_at=NOW), _waiting(3)], [1]),
        ([_waiting(1, claimed_at=NOW - timedelta(minutes=5)), _waiting(2)], [1, 2]),  # stale
        ([_waiting(1, retry_at=NOW + timedelta(seconds=5)), _waiting(2)], []),
        ([_waiting(1), _waiting(2, edit_of_id=1)], [1]),  # an edit heads its own batch
        ([_waiting(1, reply_to_message_id=9), _waiting(2)], [1, 2]),
        ([_waiting(n) for n in range(1, 30)], list(range(1, 21))),
    ],
)
def test_claimable_takes_the_head_up_to_whatever_must_wait(
    lane: list[Claimed], taken: list[int]
) -> None:
    stale = NOW - timedelta(seconds=60)
    assert [m.id for m in claimable(lane, stale=stale, wall=NOW, limit=20)] == taken
