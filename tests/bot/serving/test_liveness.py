"""Heartbeats: a process that stops beating loses its delivery claims to the survivors at once,
not after the claims' minute; a live neighbour's claims stay; on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from bot.db import repo
from bot.db.models import SlaNotice, SlaNoticeKind, Ticket, TicketMessage, Worker
from bot.db.repo.relay_batches import claim_batch
from bot.serving import Database
from bot.serving.liveness import Liveness
from bot.tickets import MessageDirection
from tests.bot.db.fixtures import ScratchDatabase
from tests.bot.db.test_repo import Clock, make_customer, open_ticket
from tests.bot.db.test_repo import clock as clock  # noqa: F401  (the fixture)

IN = MessageDirection.IN


async def _claims(database: Database, clock: Clock) -> tuple[int, list[int]]:
    """A ticket whose topic, first message and SLA notice ``database``'s worker claimed."""
    async with database.transaction() as session:
        ticket = await open_ticket(session, await make_customer(session), clock)
        ids = []
        for text in ("раз", "два"):
            added = await repo.add_message(session, ticket, direction=IN, text=text, now=clock)
            ids.append(added.message.id)
        session.add(
            SlaNotice(
                ticket_id=ticket.id,
                kind=SlaNoticeKind.FIRST_RESPONSE_SOON,
                due_at=clock(),
                created_at=clock(),
            )
        )
    async with database.transaction() as session:
        notice = await session.scalar(select(SlaNotice.id))
        assert notice is not None
        assert await repo.claim_topic(session, ticket.id, now=clock, worker=database.worker)
        assert await repo.claim_notice(session, notice, now=clock, worker=database.worker)
        batch = await claim_batch(
            session, ticket.id, IN, limit=1, now=clock, worker=database.worker
        )
        assert [m.id for m in batch] == ids[:1]
    return ticket.id, ids


async def _held(database: Database) -> tuple[list[str | None], str | None, str | None]:
    async with database.transaction() as session:
        messages = (
            await session.scalars(select(TicketMessage.claimed_by).order_by(TicketMessage.id))
        ).all()
        topic = await session.scalar(select(Ticket.topic_claimed_by))
        notice = await session.scalar(select(SlaNotice.claimed_by))
    return list(messages), topic, notice


async def test_a_silent_process_loses_its_claims_to_a_survivor_at_once(
    database: ScratchDatabase, clock: Clock
) -> None:
    killed = Database(database.engine, worker="killed")
    survivor = Database(database.engine, worker="survivor")
    beats_killed = Liveness(killed, clock=clock, dead_after=10)
    woken: list[str] = []
    beats_survivor = Liveness(
        survivor, clock=clock, dead_after=10, wake=[lambda: woken.append("relay")]
    )
    await beats_killed.round()
    await beats_survivor.round()
    ticket_id, ids = await _claims(killed, clock)
    assert await _held(killed) == (["killed", None], "killed", "killed")

    clock.advance(seconds=5)  # "killed" stops beating here
    assert await beats_survivor.round() == 0
    assert await _held(survivor) == (["killed", None], "killed", "killed")

    clock.advance(seconds=6)  # silent for 11 s: dead, though its claims are 11 s old, not 60
    assert await beats_survivor.round() == 3
    assert woken == ["relay"]
    async with survivor.transaction() as session:
        rows = (await session.scalars(select(TicketMessage).order_by(TicketMessage.id))).all()
        assert [(m.claimed_at, m.claimed_by) for m in rows] == [(None, None), (None, None)]
        assert await session.scalar(select(Ticket.topic_claimed_at)) is None
        assert await session.scalar(select(SlaNotice.claimed_at)) is None
        assert (await session.scalars(select(Worker.id))).all() == ["survivor"]
        # The survivor delivers them now, in order: the first message heads the lane again.
        batch = await claim_batch(session, ticket_id, IN, limit=5, now=clock)
        assert [m.id for m in batch] == ids


async def test_a_live_neighbours_claims_stay(database: ScratchDatabase, clock: Clock) -> None:
    busy = Database(database.engine, worker="busy")
    other = Database(database.engine, worker="other")
    beats_busy, beats_other = Liveness(busy, clock=clock), Liveness(other, clock=clock)
    await beats_busy.round()
    await beats_other.round()
    await _claims(busy, clock)
    for _ in range(10):  # a minute and more of both beating: nobody is dead
        clock.advance(seconds=7)
        await beats_busy.round()
        assert await beats_other.round() == 0
    assert await _held(other) == (["busy", None], "busy", "busy")


async def test_nobody_is_judged_until_the_judge_has_beaten_for_the_whole_window(
    database: ScratchDatabase, clock: Clock
) -> None:
    """After a database outage every process looks silent; each gets time to beat again."""
    slow = Database(database.engine, worker="slow")
    judge = Database(database.engine, worker="judge")
    beats_slow, beats_judge = Liveness(slow, clock=clock), Liveness(judge, clock=clock)
    await beats_slow.round()
    await _claims(slow, clock)
    clock.advance(seconds=30)  # both silent meanwhile (the database away)
    assert await beats_judge.round() == 0  # the judge's first beat: too early to judge
    clock.advance(seconds=2)
    await beats_slow.round()  # back too
    clock.advance(seconds=9)
    assert await beats_judge.round() == 0
    assert await _held(judge) == (["slow", None], "slow", "slow")


async def test_a_failing_heartbeat_judges_nobody_and_a_graceful_stop_retires(
    database: ScratchDatabase, clock: Clock
) -> None:
    url = make_url(database.url)
    away = (
        url.set(database="/nonexistent/dir/x.db")
        if url.get_backend_name() == "sqlite"
        else url.set(port=1)
    )
    unreachable = create_async_engine(away)
    try:
        cut_off = Liveness(Database(unreachable, worker="cut off"), clock=clock)
        assert await cut_off.round() == 0  # logged, not raised
    finally:
        await unreachable.dispose()
    stopping = Database(database.engine, worker="stopping")
    beats = Liveness(stopping, clock=clock)
    await beats.round()
    await beats.stop()
    async with stopping.transaction() as session:
        assert (await session.scalars(select(Worker.id))).all() == []
