"""The relay alone: a backlog stored while the bot was down, drained when it comes back.

In a burst the relay shares the process with the handlers storing the messages, and once it
keeps up with them its own rate is not seen. Here every customer's messages are written as
rows while no bot runs (as :func:`bot.db.repo.add_message` stores them, texts of the bot's
own, so each goes as a ``sendMessage`` into the topic like the baseline's), then the bot is
started and its relay has nothing else to do. The rate runs from the first copy to the last,
so the bot's start-up is not counted.
"""

from __future__ import annotations

import argparse
import time
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncEngine

from benchmarks.databases import Scratch
from benchmarks.desk.messages import DeskLog, customer_text
from benchmarks.desk.statistics import Phase, tally
from bot.db import repo
from bot.emulator import FakeUser
from bot.serving import Database
from bot.tickets import MessageDirection

__all__ = ["backlog"]


class Run(Protocol):
    """What the drain needs of the scenario's run (:class:`benchmarks.desk.scenario.Run`)."""

    args: argparse.Namespace
    scratch: Scratch
    customers: list[FakeUser]
    topic_of: dict[int, int]
    log: DeskLog

    def start_bot(self) -> None: ...

    async def settle(self, expected: int, reader: AsyncEngine, patience: float) -> None: ...


async def backlog(
    run: Run, first: int, reader: AsyncEngine, *, arrived_before: int, patience: float
) -> Phase:
    """Store ``customers × messages`` rows numbered from ``first``, start the bot, wait for
    every copy; the bot is left running.

    :param run: the scenario's run, its bot stopped
    :param arrived_before: benchmark texts delivered in the earlier phases
    """
    engine = run.scratch.engine()
    try:
        async with Database(engine).transaction() as session:
            for n, user in enumerate(run.customers):
                ticket = await repo.get_ticket_by_topic(session, run.topic_of[n])
                assert ticket is not None
                for i in range(first, first + run.args.messages):
                    await repo.add_message(
                        session,
                        ticket,
                        direction=MessageDirection.IN,
                        text=customer_text(n, i),
                        author_id=user.id,
                    )
    finally:
        await engine.dispose()
    numbers = range(first, first + run.args.messages)
    keys = [(n, i) for n in range(len(run.customers)) for i in numbers]
    started = time.time()
    run.start_bot()
    sent = dict.fromkeys(keys, started)
    await run.settle(arrived_before + len(keys), reader, patience)
    flow = tally(sent, dict.fromkeys(keys, started), run.log.to_topics)
    landed = run.log.to_topics
    copies = sorted(min(c.at for c in landed[key]) for key in keys if landed.get(key))
    if len(copies) >= 20:
        flow.relay_alone_per_second = (len(copies) - 1) / (copies[-1] - copies[0])
    return Phase("backlog after a restart", flow)
