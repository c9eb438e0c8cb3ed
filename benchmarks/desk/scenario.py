"""The benchmark's story: tickets filed, a burst, a burst with restarts and replies, a baseline.

``Run`` plays the customers and agents against one database; ``run_backend`` makes that
database, runs the phases in order and returns their :class:`~benchmarks.desk.statistics.Result`.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import random
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from benchmarks.databases import Scratch, migrated_database
from benchmarks.desk.backlog import backlog
from benchmarks.desk.harness import BotProcess, Problems, owned_task_factory
from benchmarks.desk.messages import (
    DeskLog,
    agent_text,
    customer_text,
    stored_texts,
)
from benchmarks.desk.statistics import Flow, Phase, Result, tally
from bot.db.models import Customer, Ticket, TicketMessage
from bot.emulator import FakeChat, FakeUser, TelegramEmulator
from bot.emulator.client import make_bot
from bot.emulator.driver import Chat, file_ticket
from bot.serving import Answers
from bot.settings import Settings
from bot.texts import Texts
from bot.tickets import MessageDirection

PATIENCE_S = 30.0  # a phase ends this long after the last delivery, whatever is left
STALE_AFTER_S = 60.0  # the relay's default: a dead worker's claim is taken over after it


BASELINE_AT_LEAST = 3000
"""Sends timed by each baseline, at the least."""


class Run:
    """One backend's run: the emulator, the customers and agents, the bot's "processes"."""

    def __init__(
        self,
        args: argparse.Namespace,
        scratch: Scratch,
        answers: Answers,
        *,
        limits: bool = False,
    ) -> None:
        self.args = args
        self.scratch = scratch
        self.answers = answers
        self.rng = random.Random(args.seed)
        self.emulator = TelegramEmulator(limits=limits)
        self.desk: FakeChat = self.emulator.new_supergroup("Поддержка: агенты", is_forum=True)
        self.log = DeskLog(self.desk.id)
        self.emulator.log = self.log
        self.customers: list[FakeUser] = []
        self.topic_of: dict[int, int] = {}  # customer index -> thread id
        self.process: BotProcess | None = None

    def settings(self) -> Settings:
        return Settings(
            _env_file=None,
            bot_token=self.emulator.token,
            bot_api_url=self.emulator.base_url,
            database_url=self.scratch.url,
            redis_url=None,
            rate_limit_per_minute=10**9,
            agents_chat_id=self.desk.id,
            reload_articles=False,
            telegram_limits=self.emulator.flood is not None,
        )

    def start_bot(self) -> None:
        from aiogram.client.telegram import TelegramAPIServer

        api = TelegramAPIServer.from_base(self.emulator.base_url)
        self.process = BotProcess(self.scratch, self.settings(), self.answers, api)

    async def file_tickets(self, reader: AsyncEngine) -> float:
        started = time.time()
        self.customers = [self.emulator.new_user(f"Клиент {n}") for n in range(self.args.customers)]
        await asyncio.gather(*(file_ticket(Chat(self.emulator, user)) for user in self.customers))
        index = {user.id: n for n, user in enumerate(self.customers)}
        deadline = time.time() + 60
        while True:
            async with reader.connect() as connection:
                rows = (
                    await connection.execute(
                        select(Customer.telegram_id, Ticket.topic_id).join(
                            Ticket, Ticket.customer_id == Customer.id
                        )
                    )
                ).all()
            if len(rows) >= len(self.customers) and all(topic for _, topic in rows):
                break
            if time.time() > deadline:
                raise TimeoutError(f"tickets without a topic after 60 s: {rows}")
            await asyncio.sleep(0.1)
        self.topic_of = {index[customer]: topic for customer, topic in rows if topic is not None}
        return time.time() - started

    async def burst(
        self, first: int, sent: dict[tuple[int, int], float], only: range | None = None
    ) -> None:
        async def customer(n: int, user: FakeUser) -> None:
            if only is not None and n not in only:
                return
            for i in range(first, first + self.args.messages):
                sent[(n, i)] = time.time()
                self.emulator.send_text(user, user.private_chat, customer_text(n, i))
                await asyncio.sleep(0)  # let the others in: all customers type at once

        await asyncio.gather(*(customer(n, user) for n, user in enumerate(self.customers)))

    async def answer(
        self, window: float, sent: dict[tuple[int, int], float], only: range | None = None
    ) -> None:
        agents = [self.emulator.new_user(name) for name in ("Ольга", "Иван", "Мария")]
        plan = sorted(
            (self.rng.uniform(0, window), n, r)
            for n in (only if only is not None else range(len(self.customers)))
            for r in range(self.args.replies)
        )
        per_topic: Counter[int] = Counter()
        started = time.time()
        for at, n, _ in plan:
            await asyncio.sleep(max(0.0, started + at - time.time()))
            r = per_topic[n]  # numbered in the order sent, whatever the random times
            per_topic[n] += 1
            sent[(n, r)] = time.time()
            agent = agents[n % len(agents)]
            self.emulator.send_text(agent, self.desk, agent_text(n, r), topic=self.topic_of[n])

    async def restart(self, window: float, phase: Phase) -> None:
        kinds = ["stop"] * self.args.restarts + ["kill"] * self.args.kills
        moments = sorted(self.rng.uniform(0.05, 0.95) * window for _ in kinds)
        self.rng.shuffle(kinds)
        started = time.time()
        for moment, kind in zip(moments, kinds, strict=True):
            await asyncio.sleep(max(0.0, started + moment - time.time()))
            assert self.process is not None
            if kind == "stop":
                phase.cancelled_handlers += await self.process.stop()
                phase.stops += 1
            else:
                phase.cancelled_handlers += await self.process.kill()
                phase.kills += 1
            await asyncio.sleep(self.rng.uniform(0.1, 0.5))  # the process comes back up
            self.start_bot()

    async def settle(self, expected: int, reader: AsyncEngine, patience: float) -> None:
        """Until every sent text arrived; or until nothing is left anywhere (Telegram's
        queue, the bot's handlers, undelivered rows) for a second; or, whatever is left,
        ``patience`` seconds after the last delivery."""
        calm_since: float | None = None
        while True:
            await asyncio.sleep(0.1)
            arrived = len(self.log.to_topics) + len(self.log.to_customers)
            if arrived >= expected:
                await asyncio.sleep(0.5)  # room for a duplicate to show up, were there one
                return
            now = time.time()
            if now - self.log.last_delivery > patience:
                return
            assert self.process is not None
            busy = bool(self.emulator.queue.pending_count or self.process.handling())
            if not busy:
                async with reader.connect() as connection:
                    busy = bool(
                        await connection.scalar(
                            select(func.count())
                            .select_from(TicketMessage)
                            .where(
                                TicketMessage.delivered.is_(False),
                                TicketMessage.failed.is_(False),
                                TicketMessage.direction != MessageDirection.INTERNAL,
                            )
                        )
                    )
            if busy:
                calm_since = None
            elif calm_since is None:
                calm_since = now
            elif now - calm_since > 1.0:
                return

    async def baseline(self, *, as_posted: bool = False) -> float:
        """Plain sendMessage into the topics, one after another: messages per second.

        :param as_posted: send the very posts the relay makes of the backlog (its template,
            HTML, the customer's text), not a short plain text: the same work for Telegram and
            for the client's reading of its answer, without the relay's storing and claiming
        """
        texts = Texts()
        bot = make_bot(self.emulator)
        # Enough sends for a steady rate: a few hundred last a fraction of a second.
        total = max(BASELINE_AT_LEAST, len(self.customers) * self.args.messages)
        topics = [self.topic_of[n] for n in range(len(self.customers))]
        try:
            started = time.time()
            for i in range(total):
                n = i % len(topics)
                text = f"базовая линия {i}"
                if as_posted:
                    said = customer_text(n, i // len(topics) % self.args.messages)
                    text = texts.render("agents/customer_said", text=said, reading=None)
                await bot.send_message(
                    self.desk.id,
                    text,
                    message_thread_id=topics[n],
                    parse_mode="HTML" if as_posted else None,
                )
            return float(total / (time.time() - started))
        finally:
            await bot.session.close()


async def run_backend(backend: str, args: argparse.Namespace, answers: Answers) -> Result:
    problems = Problems()
    for name in ("bot", "aiogram"):
        logging.getLogger(name).addHandler(problems)
    try:
        with tempfile.TemporaryDirectory(prefix="faqbot-desk-") as folder:
            async with migrated_database(backend, Path(folder)) as scratch:
                return await _run(backend, args, answers, scratch, problems)
    finally:
        for name in ("bot", "aiogram"):
            logging.getLogger(name).removeHandler(problems)


async def _run(
    backend: str, args: argparse.Namespace, answers: Answers, scratch: Scratch, problems: Problems
) -> Result:
    result = await _unlimited(backend, args, answers, scratch, problems)
    if args.limited_customers:
        with tempfile.TemporaryDirectory(prefix="faqbot-desk-limits-") as folder:
            async with migrated_database(backend, Path(folder)) as limited:
                result.phases.append(await saturated(backend, args, answers, limited))
    return result


async def saturated(
    backend: str, args: argparse.Namespace, answers: Answers, scratch: Scratch
) -> Phase:
    """Telegram's limits on (the emulator answers 429 over them): half the customers send a
    burst that keeps the agents' group at its 20 messages a minute while agents answer the
    other half (a customer who is sending meanwhile gets one acknowledgement for the run, in
    the same one-a-second chat)."""
    limited = argparse.Namespace(
        **{
            **vars(args),
            "customers": args.limited_customers,
            "messages": args.limited_messages,
            "replies": args.limited_replies,
        }
    )
    run = Run(limited, scratch, answers, limits=True)
    reader = scratch.reader()
    async with run.emulator:
        run.start_bot()
        await run.emulator.wait_until_polling(timeout=30)
        await run.file_tickets(reader)
        sent: dict[tuple[int, int], float] = {}
        replies: dict[tuple[int, int], float] = {}
        # The burst is more than the group takes in a minute; the agents answer while the
        # group works through it.
        half = args.limited_customers // 2
        bursting, quiet = range(half), range(half, args.limited_customers)
        window = half * args.limited_messages * 60 / 20 / 2
        await asyncio.gather(run.burst(0, sent, bursting), run.answer(window, replies, quiet))
        await run.settle(len(sent) + len(replies), reader, PATIENCE_S)
        incoming, outgoing = await stored_texts(reader)
        phase = Phase(
            "Telegram's limits, group saturated",
            tally(sent, incoming, run.log.to_topics),
            tally(replies, outgoing, run.log.to_customers),
        )
        assert run.process is not None
        await run.process.stop()
        assert run.emulator.flood is not None
        phase.refused = run.emulator.flood.refused
    await reader.dispose()
    log(f"  {backend}: saturated group done, {phase.refused} sends refused with 429")
    return phase


async def _unlimited(
    backend: str, args: argparse.Namespace, answers: Answers, scratch: Scratch, problems: Problems
) -> Result:
    asyncio.get_running_loop().set_task_factory(owned_task_factory)
    run = Run(args, scratch, answers)
    reader = scratch.reader()
    async with run.emulator:
        run.start_bot()
        await run.emulator.wait_until_polling(timeout=30)
        filing_s = await run.file_tickets(reader)
        log(f"  {backend}: {len(run.customers)} tickets filed in {filing_s:.1f} s")

        first: dict[tuple[int, int], float] = {}
        await run.burst(0, first)
        await run.settle(len(first), reader, PATIENCE_S)
        incoming, _ = await stored_texts(reader)
        burst = Phase("burst", tally(first, incoming, run.log.to_topics))
        log(f"  {backend}: burst done, {burst.customers.delivered} relayed")

        second: dict[tuple[int, int], float] = {}
        replies: dict[tuple[int, int], float] = {}
        window = max(1.0, burst.customers.seconds)
        restarts = Phase("restarts", Flow())
        await asyncio.gather(
            run.burst(args.messages, second),
            run.answer(window, replies),
            run.restart(window, restarts),
        )
        patience = STALE_AFTER_S + PATIENCE_S if args.kills else PATIENCE_S
        await run.settle(len(first) + len(second) + len(replies), reader, patience)
        incoming, outgoing = await stored_texts(reader)
        restarts.customers = tally(second, incoming, run.log.to_topics)
        restarts.agents = tally(replies, outgoing, run.log.to_customers)
        log(f"  {backend}: restarts done")

        assert run.process is not None
        await run.process.stop()
        arrived = len(run.log.to_topics) + len(run.log.to_customers)
        drained = await backlog(
            run, 2 * args.messages, reader, arrived_before=arrived, patience=PATIENCE_S
        )
        log(f"  {backend}: backlog done, {drained.customers.delivered} relayed")
        assert run.process is not None
        await run.process.stop()
        baseline = await run.baseline()
        as_posted = await run.baseline(as_posted=True)
        async with reader.connect() as connection:
            tickets = (await connection.execute(select(Ticket.topic_id))).scalars().all()
        await reader.dispose()
        topics = len(run.emulator.topics(run.desk))
        errors = run.emulator.internal_errors
        if errors:
            problems.seen[f"emulator bugs: {errors[:3]!r}"] += len(errors)
    return Result(
        backend,
        tickets=len(tickets),
        topics=topics,
        topics_created=run.log.topics_created,
        distinct_topics=len({t for t in tickets if t is not None}),
        filing_s=filing_s,
        phases=[burst, restarts, drained],
        baseline_per_second=baseline,
        posts_per_second=as_posted,
        problems=Counter(
            {f"{key}: {problems.first.get(key, '')}": n for key, n in problems.seen.items()}
        ),
    )


def log(line: str) -> None:
    print(line, file=sys.stderr, flush=True)
