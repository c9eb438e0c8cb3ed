"""Reliability of the agents' desk: a burst of customers' messages, then restarts mid-burst.

    .venv/bin/python -m benchmarks.desk_reliability [--customers 20] [--messages 50]
        [--restarts 3] [--replies 10] [--backend sqlite|postgresql|both] [--write-readme]

The whole bot runs in this process as the tests run it (``build_app``, long polling) against
the Bot API emulator (``tests/telegram_emulator``, a real HTTP server), with a forum
supergroup as the agents' chat (``AGENTS_CHAT_ID``), on a fresh database: an SQLite file in
a temporary folder, or a scratch schema on PostgreSQL at 127.0.0.1:5432/test, dropped after.

1. **Tickets**: ``--customers`` customers file a ticket each through the form, all at once
   (``tests/telegram/desk_fixtures.file_ticket``); the relay opens a topic per ticket.
2. **Burst**: each customer sends ``--messages`` messages as fast as the emulator queues them,
   all customers together. Counted by text: stored (rows), delivered (copies in the topic),
   lost (stored, never copied before the phase ends), not stored (sent, no row), duplicated
   (a text copied twice), out of order (a copy after a later message of the same customer).
   Latency runs from queueing the customer's update to the call that made the copy, and is
   split at the row's ``created_at``: the handlers' part, then the relay's.
3. **Restarts**: a second burst of the same size while agents answer in every topic
   (``--replies`` each, spread over the phase), and the bot is stopped ``--restarts`` times
   at random moments and started again on the same database and emulator. A stop goes the
   way ``faqbot run`` goes on SIGTERM: ``app.stop()``, ``app.close()``, the engine disposed,
   then the "process" exits: what it still runs is cancelled, as ``asyncio.run`` does (every
   task the bot started is tracked; aiogram's handlers of updates it had already fetched are
   counted). The agents' replies are counted on the customers' side.
4. **Baseline**: the same number of messages sent to the topics with plain
   ``bot.send_message``, one after another (the relay is one worker sending one at a time):
   no database, no relay. Throughput is reported as a ratio to it, since the machine is noisy.

``App.stop`` finishes the updates already fetched (they are confirmed to Telegram) before it
returns; "handlers still running" counts any it left. ``--kills`` adds hard stops (every
task cancelled where it is): the one case where the relay may send
twice; the dead worker's claim is taken over after ``stale_after`` (60 s), so the phase
then lasts that much longer.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import random
import re
import sys
import tempfile
import time
import uuid
import weakref
from collections import Counter, defaultdict
from collections.abc import AsyncIterator, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, date
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from bot.db.migrate import upgrade
from bot.db.models import Customer, Ticket, TicketMessage
from bot.db.session import create_engine
from bot.serving import Answers, Database, Services
from bot.settings import Settings
from bot.telegram import App, build_app
from bot.tickets import MessageDirection
from kb import load_folder
from kb.index import Index
from tests.telegram.conftest import Chat
from tests.telegram.desk_fixtures import file_ticket
from tests.telegram_emulator import FakeChat, FakeUser, TelegramEmulator
from tests.telegram_emulator.fixtures import LocalSession, make_bot
from tests.telegram_emulator.recorder import Call, CallLog

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
START = "<!-- desk-reliability:start -->"
END = "<!-- desk-reliability:end -->"
POSTGRES_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
PATIENCE_S = 30.0  # a phase ends this long after the last delivery, whatever is left
STALE_AFTER_S = 60.0  # the relay's default: a dead worker's claim is taken over after it

CUSTOMER_TEXT = re.compile(r"клиент (\d+): сообщение (\d+)")
AGENT_TEXT = re.compile(r"оператор: ответ (\d+)\.(\d+)")


def customer_text(customer: int, n: int) -> str:
    return f"клиент {customer}: сообщение {n}"


def agent_text(customer: int, n: int) -> str:
    return f"оператор: ответ {customer}.{n}"


# --- what Telegram saw ----------------------------------------------------------------------


@dataclass
class Copy:
    at: float
    chat_id: int
    thread: int | None
    message_id: int


class DeskLog(CallLog):
    """The emulator's call log, with the moment of each delivery of a benchmark text.

    ``wait_for`` (the form's ``next_bot_message``) scans each call once per waiter, not the
    whole log at every call as ``CallLog`` does: with every customer waiting at once, that
    rescanning made the emulator the bottleneck.
    """

    def __init__(self, agents_chat: int) -> None:
        super().__init__()
        self.agents_chat = agents_chat
        self.to_topics: dict[tuple[int, int], list[Copy]] = defaultdict(list)
        self.to_customers: dict[tuple[int, int], list[Copy]] = defaultdict(list)
        self.topics_created = 0
        self.last_delivery = time.time()

    def record(self, call: Call) -> None:
        super().record(call)
        if not call.ok:
            return
        if call.method == "createForumTopic":
            self.topics_created += 1
        message = call.message
        if message is None:
            return
        body = message.get("text") or message.get("caption") or ""
        chat_id = message["chat"]["id"]
        pattern, into = (
            (CUSTOMER_TEXT, self.to_topics)
            if chat_id == self.agents_chat
            else (AGENT_TEXT, self.to_customers)
        )
        found = pattern.search(body)
        if found is not None:
            now = time.time()
            key = (int(found[1]), int(found[2]))
            into[key].append(
                Copy(now, chat_id, message.get("message_thread_id"), message["message_id"])
            )
            self.last_delivery = now

    async def wait_for(self, predicate: Any, *, timeout: float, what: str) -> Call:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        index = 0
        while True:
            while index < len(self.calls):
                if index not in self._taken and predicate(self.calls[index]):
                    self._taken.add(index)
                    return self.calls[index]
                index += 1
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(self._explain(what, timeout))
            await self._recorded.wait(remaining)


# --- figures ----------------------------------------------------------------------------------


@dataclass
class Flow:
    """One direction of one phase: customers → topics, or agents → customers."""

    sent: int = 0
    stored: int = 0
    delivered: int = 0
    lost: int = 0
    not_stored: int = 0
    duplicated: int = 0
    out_of_order: int = 0
    seconds: float = 0.0
    latency_ms: list[float] = field(default_factory=list, repr=False)
    """From the update queued to the first copy (or message) delivered."""
    storing_ms: list[float] = field(default_factory=list, repr=False)
    """From the update queued to its row (``created_at``): the handlers' part."""
    relaying_ms: list[float] = field(default_factory=list, repr=False)
    """From the row to the copy: the relay's part."""
    relay_alone_per_second: float = float("nan")
    """Copies per second once every row of the phase was stored (nothing else to do)."""

    @property
    def per_second(self) -> float:
        return self.delivered / self.seconds if self.seconds else 0.0


def percentile(values: Sequence[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


@dataclass
class Phase:
    name: str
    customers: Flow
    agents: Flow | None = None
    stops: int = 0
    kills: int = 0
    cancelled_handlers: int = 0  # updates fetched, still being handled when the process ended


@dataclass
class Result:
    backend: str
    tickets: int
    topics: int
    topics_created: int  # createForumTopic calls Telegram answered
    distinct_topics: int
    filing_s: float
    phases: list[Phase]
    baseline_per_second: float
    problems: Counter[str]


def measure(
    sent: dict[tuple[int, int], float],
    stored: dict[tuple[int, int], float],
    copies: dict[tuple[int, int], list[Copy]],
) -> Flow:
    """Match what was sent with what was stored and what Telegram received, by text.

    :param sent: when each update was queued
    :param stored: when each row was made
    :param copies: what the bot sent with each text
    """
    flow = Flow(sent=len(sent), stored=len(stored.keys() & sent.keys()))
    firsts: list[float] = []
    places: dict[object, list[tuple[int, int, int]]] = defaultdict(list)
    for key, at in sent.items():
        arrived = copies.get(key, [])
        if not arrived:
            flow.lost += key in stored
            flow.not_stored += key not in stored
            continue
        flow.delivered += 1
        flow.duplicated += len(arrived) - 1
        first = min(arrived, key=lambda c: c.at)
        firsts.append(first.at)
        flow.latency_ms.append((first.at - at) * 1000)
        if key in stored:
            flow.storing_ms.append((stored[key] - at) * 1000)
            flow.relaying_ms.append((first.at - stored[key]) * 1000)
        for copy in arrived:
            places[(copy.chat_id, copy.thread)].append((copy.message_id, key[0], key[1]))
    for received in places.values():
        latest: dict[int, int] = {}
        for _, author, n in sorted(received):
            if n < latest.get(author, -1):
                flow.out_of_order += 1
            latest[author] = max(n, latest.get(author, -1))
    if firsts:
        flow.seconds = max(firsts) - min(sent.values())
        last_row = max((stored[key] for key in sent if key in stored), default=0.0)
        after = [at for at in firsts if at > last_row]
        if len(after) >= 20:  # fewer says nothing about a rate
            flow.relay_alone_per_second = len(after) / (max(after) - last_row)
    return flow


# --- the database ------------------------------------------------------------------------------


@dataclass
class Scratch:
    """A migrated database the bot gets a new engine for at every start, as a process would."""

    backend: str
    url: str
    connect_args: dict[str, Any]

    def engine(self) -> AsyncEngine:
        return create_engine(self.url, connect_args=self.connect_args)

    def reader(self) -> AsyncEngine:
        """The benchmark's own engine: plain reads (the bot's SQLite engine takes the write
        lock at BEGIN)."""
        return create_async_engine(self.url, connect_args=self.connect_args)


@contextlib.asynccontextmanager
async def scratch_database(backend: str, folder: Path) -> AsyncIterator[Scratch]:
    if backend == "sqlite":
        scratch = Scratch(backend, f"sqlite+aiosqlite:///{folder / 'desk.sqlite3'}", {})
        engine = scratch.engine()
        try:
            await upgrade(engine)
        finally:
            await engine.dispose()
        yield scratch
        return
    schema = f"faqbot_desk_{uuid.uuid4().hex[:10]}"
    server = create_engine(POSTGRES_URL)
    try:
        async with server.begin() as connection:
            await connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        scratch = Scratch(backend, POSTGRES_URL, {"server_settings": {"search_path": schema}})
        engine = scratch.engine()
        try:
            await upgrade(engine)
        finally:
            await engine.dispose()
        yield scratch
    finally:
        async with server.begin() as connection:
            await connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        await server.dispose()


Stored = dict[tuple[int, int], float]


async def stored_texts(reader: AsyncEngine) -> tuple[Stored, Stored]:
    """The customers' and the agents' benchmark messages stored as ticket messages, with the
    moment each row was made."""
    incoming: Stored = {}
    outgoing: Stored = {}
    async with reader.connect() as connection:
        rows = await connection.execute(
            select(TicketMessage.direction, TicketMessage.text, TicketMessage.created_at).where(
                TicketMessage.text.is_not(None)
            )
        )
        for direction, body, created in rows:
            pattern, into = (
                (CUSTOMER_TEXT, incoming)
                if direction is MessageDirection.IN
                else (AGENT_TEXT, outgoing)
            )
            found = pattern.fullmatch(body or "")
            if found is not None:
                if created.tzinfo is None:  # SQLite keeps no time zone; the bot writes UTC
                    created = created.replace(tzinfo=UTC)
                into[(int(found[1]), int(found[2]))] = created.timestamp()
    return incoming, outgoing


# --- the bot, started and stopped like a process ------------------------------------------------


_HANDLERS = frozenset({"Dispatcher._process_update", "Dispatcher._process_with_semaphore"})
_OWNER: ContextVar[BotProcess | None] = ContextVar("bot_process", default=None)


def _owned_task_factory(
    loop: asyncio.AbstractEventLoop, coro: Any, context: Any = None
) -> asyncio.Task[Any]:
    """Tasks know which bot "process" made them: the ones it made inherit its context."""
    task: asyncio.Task[Any] = asyncio.Task(coro, loop=loop, context=context)
    owner = context.get(_OWNER) if context is not None else _OWNER.get()
    if owner is not None:
        owner.tasks.add(task)
    return task


class BotProcess:
    """``build_app`` + long polling on a new engine, as ``faqbot run`` does in a process of
    its own; stopped as on SIGTERM, or killed.

    Every task the bot starts (polling, update handlers, the desk's workers) is tracked, so
    that the end of the "process" can cancel what is left, as ``asyncio.run`` does at exit.
    Install :func:`_owned_task_factory` on the loop first.
    """

    def __init__(self, scratch: Scratch, settings: Settings, answers: Answers, api: Any) -> None:
        self.tasks: weakref.WeakSet[asyncio.Task[Any]] = weakref.WeakSet()
        self.engine = scratch.engine()
        services = Services.from_settings(settings, database=Database(self.engine), answers=answers)
        self.app: App = build_app(settings, services, session=LocalSession(api=api))
        token = _OWNER.set(self)
        try:
            self.polling = asyncio.create_task(self.app.run_polling())
        finally:
            _OWNER.reset(token)

    def _running(self) -> list[asyncio.Task[Any]]:
        return [task for task in self.tasks if not task.done()]

    def handling(self) -> int:
        """How many updates the bot is handling now."""
        return len(self._handlers())

    def _handlers(self) -> list[asyncio.Task[Any]]:
        """aiogram's update handlers still running: updates fetched, not yet handled."""
        return [
            t for t in self._running() if getattr(t.get_coro(), "__qualname__", "") in _HANDLERS
        ]

    async def _end(self) -> None:
        tasks = self._running()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        # A late handler's send opens a new HTTP session after close(); the process would end.
        await self.app.bot.session.close()
        await self.engine.dispose()

    async def stop(self) -> int:
        """As ``faqbot run`` on SIGTERM (``app.close()``, the engine disposed), then the
        process exits and whatever still runs is cancelled.

        :returns: update handlers still running once the app was closed
        """
        await self.app.stop()
        await self.polling
        await self.app.close()
        handlers = self._handlers()
        await self.engine.dispose()
        await self._end()
        return len(handlers)

    async def kill(self) -> int:
        """As SIGKILL: everything is cancelled where it is (open transactions roll back, as
        the server does for a dropped connection).

        :returns: update handlers that were running
        """
        handlers = len(self._handlers())
        await self._end()
        return handlers


# --- the run ------------------------------------------------------------------------------------


class Problems(logging.Handler):
    """Counts the bot's warnings and errors by logger and level."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.seen: Counter[str] = Counter()
        self.first: dict[str, str] = {}

    def emit(self, record: logging.LogRecord) -> None:
        key = f"{record.levelname} {record.name}"
        self.seen[key] += 1
        self.first.setdefault(key, record.getMessage()[:160])


class Run:
    """One backend's run: the emulator, the customers and agents, the bot's "processes"."""

    def __init__(self, args: argparse.Namespace, scratch: Scratch, answers: Answers) -> None:
        self.args = args
        self.scratch = scratch
        self.answers = answers
        self.rng = random.Random(args.seed)
        self.emulator = TelegramEmulator()
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

    async def burst(self, first: int, sent: dict[tuple[int, int], float]) -> None:
        async def customer(n: int, user: FakeUser) -> None:
            for i in range(first, first + self.args.messages):
                sent[(n, i)] = time.time()
                self.emulator.send_text(user, user.private_chat, customer_text(n, i))
                await asyncio.sleep(0)  # let the others in: all customers type at once

        await asyncio.gather(*(customer(n, user) for n, user in enumerate(self.customers)))

    async def answer(self, window: float, sent: dict[tuple[int, int], float]) -> None:
        agents = [self.emulator.new_user(name) for name in ("Ольга", "Иван", "Мария")]
        plan = sorted(
            (self.rng.uniform(0, window), n, r)
            for n in range(len(self.customers))
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

    async def baseline(self) -> float:
        """Plain sendMessage into the topics, one after another: messages per second."""
        bot = make_bot(self.emulator)
        total = len(self.customers) * self.args.messages
        topics = [self.topic_of[n] for n in range(len(self.customers))]
        try:
            started = time.time()
            for i in range(total):
                topic = topics[i % len(topics)]
                await bot.send_message(self.desk.id, f"базовая линия {i}", message_thread_id=topic)
            return float(total / (time.time() - started))
        finally:
            await bot.session.close()


async def run_backend(backend: str, args: argparse.Namespace, answers: Answers) -> Result:
    problems = Problems()
    for name in ("bot", "aiogram"):
        logging.getLogger(name).addHandler(problems)
    try:
        with tempfile.TemporaryDirectory(prefix="faqbot-desk-") as folder:
            async with scratch_database(backend, Path(folder)) as scratch:
                return await _run(backend, args, answers, scratch, problems)
    finally:
        for name in ("bot", "aiogram"):
            logging.getLogger(name).removeHandler(problems)


async def _run(
    backend: str, args: argparse.Namespace, answers: Answers, scratch: Scratch, problems: Problems
) -> Result:
    asyncio.get_running_loop().set_task_factory(_owned_task_factory)
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
        burst = Phase("burst", measure(first, incoming, run.log.to_topics))
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
        restarts.customers = measure(second, incoming, run.log.to_topics)
        restarts.agents = measure(replies, outgoing, run.log.to_customers)
        log(f"  {backend}: restarts done")

        assert run.process is not None
        await run.process.stop()
        baseline = await run.baseline()
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
        phases=[burst, restarts],
        baseline_per_second=baseline,
        problems=Counter(
            {f"{key}: {problems.first.get(key, '')}": n for key, n in problems.seen.items()}
        ),
    )


# --- the report -------------------------------------------------------------------------------


def _ms(value: float) -> str:
    """A duration given in ms: ``85 ms``, ``4.5 s``."""
    if value != value:
        return "–"
    return f"{value / 1000:.1f} s" if value >= 1000 else f"{value:.0f} ms"


def _rate(value: float) -> str:
    return "–" if value != value else f"{value:.0f}"


_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


def _rows(results: Sequence[Result]) -> list[tuple[Result, str, str, Flow]]:
    rows = []
    for result in results:
        for phase in result.phases:
            label = phase.name
            if phase.stops or phase.kills:
                label = f"burst, {phase.stops} restarts" + (
                    f", {phase.kills} kills" if phase.kills else ""
                )
            rows.append((result, label, "customer → topic", phase.customers))
            if phase.agents is not None:
                rows.append((result, label, "agent → customer", phase.agents))
    return rows


def table(results: Sequence[Result]) -> str:
    """Counts and the end-to-end figures, one row per phase and direction."""
    lines = [
        "| database | phase | direction | sent | stored | delivered | lost | not stored | "
        "duplicated | out of order | latency p50 / p95 / p99 | relayed/s | ÷ plain send |",
        "|:--|:--|:--|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for result, label, direction, flow in _rows(results):
        latency = " / ".join(_ms(percentile(flow.latency_ms, q)) for q in (0.5, 0.95, 0.99))
        lines.append(
            f"| {_NAMES[result.backend]} | {label} | {direction} | {flow.sent} | {flow.stored} | "
            f"{flow.delivered} | {flow.lost} | {flow.not_stored} | {flow.duplicated} | "
            f"{flow.out_of_order} | {latency} | {flow.per_second:.0f} | "
            f"{flow.per_second / result.baseline_per_second:.2f} |"
        )
    return "\n".join(lines)


def split_table(results: Sequence[Result]) -> str:
    """Where the time goes: the handlers storing the rows, then the relay copying them."""
    lines = [
        "| database | phase | direction | to the row p50 / p99 | row to copy p50 / p99 "
        "| relay alone, /s | ÷ plain send |",
        "|:--|:--|:--|--:|--:|--:|--:|",
    ]
    for result, label, direction, flow in _rows(results):
        alone = flow.relay_alone_per_second
        lines.append(
            f"| {_NAMES[result.backend]} | {label} | {direction} | "
            f"{_ms(percentile(flow.storing_ms, 0.5))} / {_ms(percentile(flow.storing_ms, 0.99))} | "
            f"{_ms(percentile(flow.relaying_ms, 0.5))} / "
            f"{_ms(percentile(flow.relaying_ms, 0.99))} | {_rate(alone)} | "
            f"{'–' if alone != alone else f'{alone / result.baseline_per_second:.2f}'} |"
        )
    return "\n".join(lines)


def summary(results: Sequence[Result]) -> str:
    lines = []
    for result in results:
        restarts = result.phases[-1]
        lines.append(
            f"{_NAMES[result.backend]}: {result.tickets} tickets, {result.topics} topics "
            f"({result.topics_created} createForumTopic calls, {result.distinct_topics} distinct "
            f"in the database), filed through the form in "
            f"{result.filing_s:.1f} s; plain sendMessage {result.baseline_per_second:.0f}/s; "
            f"{restarts.cancelled_handlers} update handlers still running when the app was "
            "closed"
        )
        for problem, count in result.problems.most_common(8):
            lines.append(f"  logged {count}×  {problem}")
    return "\n".join(lines)


def section(results: Sequence[Result], args: argparse.Namespace, seconds: float) -> str:
    """The README's figures: the date and machine, the main table, a line per database."""
    from benchmarks.report import hardware

    hw = hardware(ROOT)
    command = (
        f"python -m benchmarks.desk_reliability --customers {args.customers} "
        f"--messages {args.messages} --restarts {args.restarts} --replies {args.replies}"
        + (f" --kills {args.kills}" if args.kills else "")
    )
    lines = [
        f"_{date.today().isoformat()}, {hw['cpu']}, {hw['cores']} cores (shared), "
        f"Python {hw['python']}, commit {hw['commit'] or 'unknown'}; `{command}`, "
        f"{seconds:.0f} s._",
        "",
        table(results),
        "",
    ]
    for result in results:
        burst, restarts = result.phases[0].customers, result.phases[-1]
        alone = burst.relay_alone_per_second
        lines.append(
            f"- {_NAMES[result.backend]}: {result.tickets} tickets, {result.topics} topics; "
            f"plain `sendMessage` {result.baseline_per_second:.0f}/s, the relay alone (after "
            f"the burst's last row) {_rate(alone)}/s; in the burst, p50 "
            f"{_ms(percentile(burst.storing_ms, 0.5))} to the row, then "
            f"{_ms(percentile(burst.relaying_ms, 0.5))} to the copy; "
            f"{restarts.cancelled_handlers} update handlers were still running at the "
            f"{restarts.stops + restarts.kills} stops."
        )
    return "\n".join(lines)


def write_readme(path: Path, body: str) -> None:
    """Put ``body`` between the desk-reliability markers (nothing else changes)."""
    readme = path.read_text(encoding="utf-8")
    start, end = readme.find(START), readme.find(END)
    if start == -1 or end < start:
        raise SystemExit(f"{path}: add {START} and {END} where the figures go")
    updated = readme[: start + len(START)] + "\n" + body + "\n" + readme[end:]
    path.write_text(updated, encoding="utf-8")


def log(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def load_answers() -> Answers:
    loaded = load_folder(ROOT / "articles")
    if loaded.problems:
        raise SystemExit(f"the demo KB has problems: {loaded.problems[:3]}")
    return Answers(Index.build(loaded.catalog)).warm_up()


async def main_async(args: argparse.Namespace) -> list[Result]:
    answers = load_answers()
    results = []
    for backend in args.backend:
        log(f"{backend}...")
        results.append(await run_backend(backend, args, answers))
    return results


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.desk_reliability",
        description="The agents' desk under a burst and across restarts: lost, duplicated, "
        "out-of-order messages, latency and throughput against plain sendMessage.",
    )
    parser.add_argument("--customers", type=int, default=20)
    parser.add_argument("--messages", type=int, default=50, help="per customer and burst")
    parser.add_argument("--restarts", type=int, default=3, help="graceful stops mid-burst")
    parser.add_argument("--kills", type=int, default=0, help="hard stops mid-burst (slow)")
    parser.add_argument("--replies", type=int, default=10, help="agents' replies per topic")
    parser.add_argument(
        "--backend",
        choices=["sqlite", "postgresql", "both"],
        default="both",
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--write-readme", action="store_true")
    args = parser.parse_args(argv)
    args.backend = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    started = time.perf_counter()
    results = asyncio.run(main_async(args))
    seconds = time.perf_counter() - started
    print(table(results))
    print()
    print(split_table(results))
    print(summary(results))
    print(f"{seconds:.0f} s in all.")
    if args.write_readme:
        write_readme(README, section(results, args, seconds))
        print(f"Figures written into {README.relative_to(ROOT)}.")


if __name__ == "__main__":
    main()
