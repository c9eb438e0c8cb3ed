"""The faults, one after another on one deployment, each under bursts both ways.

For a deployment (SQLite; PostgreSQL; PostgreSQL + Redis; two ``faqbot run --webhook``
replicas on PostgreSQL + Redis behind the round-robin balancer): servers of its own
(:mod:`.servers`), ``faqbot run`` processes (:mod:`.deployment`), the emulator in this process
with an agents' forum. Customers file a ticket each through the form, an agent answers in
every topic (so the customer talks to a person from then on), then each fault runs while
customers and agents send bursts at once:

- **kill -9 ×N**: a burst both ways, SIGKILL at a random moment 0..``kill_within`` s into it,
  the process started again at once (it reads the burst's rest, and the next burst waits
  for it); with replicas, a random one of them is killed while the other goes on, and the
  deliveries the dead one had claimed go out once the survivor finds it dead (silent for
  :data:`~bot.serving.liveness.DEAD_AFTER_S`), so that phase waits that much longer;
- **PostgreSQL restart** / **Redis restart**: the server stopped (``pg_ctl stop -m fast``,
  Redis's SIGTERM) at a random moment of the bursts, away ``away`` s, started again;
- **Bot API 502s**: 30 % of calls answered 502 Bad Gateway for the whole phase, and every
  call for 2 s of it;
- **Bot API time-outs**: 30 % of calls held past the bot's time-out (``BOT_API_TIMEOUT_SECONDS``)
  for 3 s of the phase
  (``getUpdates`` excepted: a hung long poll only delays intake, by its 90 s).

A fault's messages count once every one has arrived, or nothing new arrived for
``patience`` s (the rest are lost).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import random
import re
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC
from pathlib import Path

from sqlalchemy import literal_column, select
from sqlalchemy.ext.asyncio import create_async_engine

from benchmarks.desk.messages import (
    AGENT_TEXT,
    CUSTOMER_TEXT,
    DeskLog,
    agent_text,
    customer_text,
    stored_texts,
)
from benchmarks.faults.deployment import Deployment
from benchmarks.faults.ledger import Ledger, Row, windows
from benchmarks.faults.servers import PrivatePostgres, PrivateRedis
from benchmarks.measure import percentile
from benchmarks.throughput.replicas import free_ports
from bot.db.models import Customer, Ticket, TicketMessage
from bot.emulator import FakeChat, FakeUser, TelegramEmulator
from bot.emulator.balancer import Balancer
from bot.emulator.driver import Chat, file_ticket
from bot.serving.liveness import BEAT_S, DEAD_AFTER_S
from bot.settings import Settings
from bot.tickets import MessageDirection

__all__ = ["DEPLOYMENTS", "FAULTS", "run_deployment"]

REPLICAS = "2 replicas"
DEPLOYMENTS = ("sqlite", "postgresql", "postgresql+redis", REPLICAS)
FAULTS = ("kill -9", "PostgreSQL restart", "Redis restart", "Bot API 502s", "Bot API time-outs")
RELEASED = re.compile(r"released (\d+) delivery claims")
# Past the bot's own time-out, after which it gives up a call and tries again.
HOLD_S = Settings.model_fields["bot_api_timeout_seconds"].default + 5.0
BURSTS = 4  # per phase, other than the kills'
BURST_GAP_S = 1.5
# A dead replica's claims go once a survivor has missed its beats this long.
SILENCE_S = DEAD_AFTER_S + 2 * BEAT_S
WEBHOOK_SECRET = "faults-secret"


def log(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


@dataclass
class Servers:
    """What a deployment runs on: its database URL, and what can be restarted."""

    database_url: str
    postgres: PrivatePostgres | None = None
    redis: PrivateRedis | None = None


@contextlib.asynccontextmanager
async def servers(kind: str, folder: Path) -> AsyncIterator[Servers]:
    async with contextlib.AsyncExitStack() as stack:
        if kind == "sqlite":
            yield Servers(f"sqlite+aiosqlite:///{folder / 'faults.sqlite3'}")
            return
        postgres = await stack.enter_async_context(PrivatePostgres.running())
        redis = None
        if kind.endswith("+redis") or kind == REPLICAS:
            redis = await stack.enter_async_context(PrivateRedis.running())
        yield Servers(postgres.url, postgres, redis)


class Run:
    """One deployment through every fault that applies to it."""

    def __init__(
        self, kind: str, args: argparse.Namespace, on: Servers, folder: Path, rng: random.Random
    ) -> None:
        self.kind = kind
        self.args = args
        self.on = on
        self.rng = rng
        self.emulator = TelegramEmulator(token=f"{900000 + rng.randrange(99999)}:faults")
        self.desk: FakeChat = self.emulator.new_supergroup("Поддержка: агенты", is_forum=True)
        self.log = DeskLog(self.desk.id)
        self.emulator.log = self.log
        self.customers: list[FakeUser] = []
        self.agents: list[FakeUser] = []
        self.topic_of: dict[int, int] = {}
        self.ledger = Ledger()
        self.folder = folder
        self.deployment: Deployment | None = None
        self.replicas = 2 if kind == REPLICAS else 1
        self.balancer: Balancer | None = None

    def environment(self) -> dict[str, str]:
        env = {
            "BOT_TOKEN": self.emulator.token,
            "BOT_API_URL": self.emulator.base_url,
            "DATABASE_URL": self.on.database_url,
            "AGENTS_CHAT_ID": str(self.desk.id),
            "RATE_LIMIT_PER_MINUTE": "1000000",
            "TELEGRAM_LIMITS": "false",  # the emulator runs without Telegram's limits here
            # A failed delivery is tried again after 1 s, doubling (5 s by default): the
            # phases end sooner; what is lost or repeated does not depend on it.
            "RELAY_RETRY_SECONDS": "1",
        }
        if self.on.redis is not None:
            env["REDIS_URL"] = self.on.redis.url
        if self.balancer is not None:
            env["WEBHOOK_URL"] = f"{self.balancer.url}/webhook"
            env["WEBHOOK_SECRET"] = WEBHOOK_SECRET
            env["SHARED_INTAKE"] = "true"
        return env

    async def new_deployment(self) -> Deployment:
        """One polling process, or the replicas behind a balancer started here."""
        if self.replicas == 1:
            return Deployment(self.environment(), self.folder)
        ports = free_ports(self.replicas)
        self.balancer = await Balancer([f"127.0.0.1:{port}" for port in ports]).start()
        return Deployment(
            self.environment(),
            self.folder,
            extra=[{"WEBHOOK_PORT": str(port)} for port in ports],
            ready_line=b"listening at",
        )

    # --- customers and agents --------------------------------------------------------------

    async def file_tickets(self) -> None:
        self.customers = [self.emulator.new_user(f"Клиент {n}") for n in range(self.args.customers)]
        self.agents = [self.emulator.new_user(name) for name in ("Ольга", "Иван", "Мария")]
        await asyncio.gather(*(file_ticket(Chat(self.emulator, u)) for u in self.customers))
        engine = create_async_engine(self.on.database_url)
        try:
            deadline = time.monotonic() + 120
            while True:
                async with engine.connect() as connection:
                    rows = (
                        await connection.execute(
                            select(Customer.telegram_id, Ticket.topic_id).join(
                                Ticket, Ticket.customer_id == Customer.id
                            )
                        )
                    ).all()
                if len(rows) >= len(self.customers) and all(topic for _, topic in rows):
                    break
                if time.monotonic() > deadline:
                    raise TimeoutError(f"tickets without a topic after 120 s: {rows}")
                await asyncio.sleep(0.2)
        finally:
            await engine.dispose()
        index = {user.id: n for n, user in enumerate(self.customers)}
        self.topic_of = {index[c]: topic for c, topic in rows if topic is not None}

    def burst(self, fault: str) -> None:
        """Every customer sends ``per_burst`` texts, and an agent answers in every topic."""
        for n, user in enumerate(self.customers):
            for _ in range(self.args.per_burst):
                i = self.ledger.customer_sent(fault, n, time.time())
                self.emulator.send_text(user, user.private_chat, customer_text(n, i))
            r = self.ledger.agent_sent(fault, n, time.time())
            agent = self.agents[n % len(self.agents)]
            self.emulator.send_text(agent, self.desk, agent_text(n, r), topic=self.topic_of[n])

    async def bursts(self, fault: str, count: int = BURSTS) -> None:
        for _ in range(count):
            self.burst(fault)
            await asyncio.sleep(BURST_GAP_S)

    def arrived(self, fault: str) -> int:
        sent_in = self.ledger.to_topics.get(fault, {})
        sent_out = self.ledger.to_customers.get(fault, {})
        return sum(1 for key in sent_in if key in self.log.to_topics) + sum(
            1 for key in sent_out if key in self.log.to_customers
        )

    async def settle(self, fault: str, patience: float | None = None) -> None:
        """Until every message of the fault arrived, or nothing new for ``patience`` s."""
        patience = self.args.patience if patience is None else patience
        expected = self.ledger.expected(fault)
        last, seen = time.monotonic(), -1
        while True:
            arrived = self.arrived(fault)
            if arrived >= expected:
                await asyncio.sleep(1.0)  # room for a repeat to show up
                return
            if arrived != seen:
                last, seen = time.monotonic(), arrived
            elif time.monotonic() - last > patience:
                return
            await asyncio.sleep(0.1)

    async def marked(self, fault: str, patience: float) -> None:
        """Until every message of the fault is marked delivered, or nothing new for
        ``patience`` s.

        Every message may have arrived while some are still claimed by a dead process: the
        deliveries in doubt at a kill, whose repeat comes when the claim is released (at the
        restart, or when a survivor finds the dead replica). Counting before that would miss
        those repeats; the relay sends before it marks, so a marked message's copies are in.
        """
        last, seen = time.monotonic(), -1
        while True:
            marks = await self.delivered_at()
            done = sum(k in marks[0] for k in self.ledger.to_topics.get(fault, {})) + sum(
                k in marks[1] for k in self.ledger.to_customers.get(fault, {})
            )
            if done >= self.ledger.expected(fault):
                return
            if done != seen:
                last, seen = time.monotonic(), done
            elif time.monotonic() - last > patience:
                return
            await asyncio.sleep(0.5)

    async def delivered_at(self) -> tuple[dict[tuple[int, int], float], ...]:
        """When each benchmark text's "delivered" mark was committed: (customers', agents').

        On PostgreSQL, the commit timestamp of the row's last write (the mark: nothing here
        writes a delivered row again); ``delivered_at`` is taken earlier, when the mark joins its
        transaction, and under a burst the commit came ~40 ms after it. SQLite keeps no commit
        times: ``delivered_at`` there.
        """
        found: tuple[dict[tuple[int, int], float], ...] = ({}, {})
        engine = create_async_engine(self.on.database_url)
        committed = (
            literal_column("pg_xact_commit_timestamp(ticket_messages.xmin)")
            if engine.dialect.name == "postgresql"
            else TicketMessage.delivered_at
        )
        try:
            async with engine.connect() as connection:
                rows = await connection.execute(
                    select(TicketMessage.direction, TicketMessage.text, committed).where(
                        TicketMessage.delivered_at.is_not(None)
                    )
                )
                for direction, body, at in rows:
                    incoming = direction is MessageDirection.IN
                    matched = (CUSTOMER_TEXT if incoming else AGENT_TEXT).fullmatch(body or "")
                    if matched is not None and at is not None:
                        at = at if at.tzinfo is not None else at.replace(tzinfo=UTC)
                        found[0 if incoming else 1][(int(matched[1]), int(matched[2]))] = (
                            at.timestamp()
                        )
        finally:
            await engine.dispose()
        return found

    async def stored(self) -> tuple[dict[tuple[int, int], float], dict[tuple[int, int], float]]:
        """The benchmark's texts stored as ticket messages: (customers', agents')."""
        engine = create_async_engine(self.on.database_url)
        try:
            return await stored_texts(engine)
        finally:
            await engine.dispose()

    # --- the faults ------------------------------------------------------------------------

    async def kills(self, fault: str) -> str:
        assert self.deployment is not None
        first_log = len(self.deployment.log_paths)
        starts: list[float] = []
        for _ in range(self.args.kills):
            self.burst(fault)
            await asyncio.sleep(self.rng.uniform(0.0, self.args.kill_within))
            victim = self.rng.randrange(self.replicas)
            await self.deployment.kill(victim)
            begun = time.monotonic()
            await self.deployment.restart(victim)
            starts.append(time.monotonic() - begun)
        # And the last start has logged what it released; a dead replica's claims wait for
        # a survivor to find it dead.
        await self.settle(fault, self.args.patience + (SILENCE_S if self.replicas > 1 else 0.0))
        # Claims a restart released: deliveries in hand at the kill, some of them sent already.
        released = sum(
            int(found) for found in RELEASED.findall(self.deployment.logs(since=first_log))
        )
        marks = await self.delivered_at()
        window = windows(
            self.ledger.to_topics.get(fault, {}), marks[0], self.log.to_topics
        ) + windows(self.ledger.to_customers.get(fault, {}), marks[1], self.log.to_customers)
        in_hand = f"{released} deliveries in hand at the kills" + (
            ""
            if self.replicas == 1
            else f", released by a survivor after {DEAD_AFTER_S:.0f} s of the dead one's silence"
        )
        return (
            f"back up in {sum(starts) / len(starts):.0f} s on average; {in_hand}; Telegram's "
            f"answer to the delivered mark's commit: p50 {percentile(window, 0.5):.0f} ms, p99 "
            f"{percentile(window, 0.99):.0f} ms"
        )

    async def restart_server(self, fault: str, server: PrivatePostgres | PrivateRedis) -> str:
        async def restart() -> None:
            await asyncio.sleep(self.rng.uniform(0.2, BURST_GAP_S * 2))
            await server.restart(self.args.away)

        await asyncio.gather(self.bursts(fault), restart())
        return f"away {self.args.away:.0f} s"

    async def bad_gateways(self, fault: str) -> str:
        faults = self.emulator.faults
        window = BURSTS * BURST_GAP_S
        before = faults.answered_502

        async def switch() -> None:
            faults.set(bad_gateway=0.3, seconds=window)
            await asyncio.sleep(self.rng.uniform(0.2, window - 2.0))
            faults.set(bad_gateway=1.0, seconds=2.0)
            await asyncio.sleep(2.0)
            faults.set(bad_gateway=0.3, seconds=window / 2)

        await asyncio.gather(self.bursts(fault), switch())
        return f"{faults.answered_502 - before} calls answered 502"

    async def time_outs(self, fault: str) -> str:
        faults = self.emulator.faults
        held_before = faults.held

        async def switch() -> None:
            await asyncio.sleep(self.rng.uniform(0.2, 1.0))
            faults.set(hold=HOLD_S, hold_share=0.3, sparing={"getUpdates"}, seconds=3.0)

        await asyncio.gather(self.bursts(fault), switch())
        return f"{faults.held - held_before} calls held {HOLD_S:.0f} s"

    def faults(self) -> list[tuple[str, Callable[[str], Awaitable[str]]]]:
        chosen: list[tuple[str, Callable[[str], Awaitable[str]]]] = [
            (f"kill -9 ×{self.args.kills}", self.kills)
        ]
        postgres, redis = self.on.postgres, self.on.redis
        if postgres is not None:
            chosen.append(("PostgreSQL restart", lambda f: self.restart_server(f, postgres)))
        if redis is not None:
            chosen.append(("Redis restart", lambda f: self.restart_server(f, redis)))
        chosen.append(("Bot API 502s", self.bad_gateways))
        if not self.args.no_time_outs:
            chosen.append(("Bot API time-outs", self.time_outs))
        return chosen

    async def run(self) -> list[Row]:
        rows: list[Row] = []
        async with self.emulator:
            try:
                self.deployment = await self.new_deployment()
                await self.deployment.start()
                await self.file_tickets()
                warm_up = "warm-up"
                for n in range(len(self.customers)):  # from now on, a person answers
                    r = self.ledger.agent_sent(warm_up, n, time.time())
                    agent = self.agents[n % len(self.agents)]
                    self.emulator.send_text(
                        agent, self.desk, agent_text(n, r), topic=self.topic_of[n]
                    )
                await self.settle(warm_up)
                log(f"  {self.kind}: {len(self.customers)} tickets filed and answered")
                for name, fault in self.faults():
                    started = time.monotonic()
                    note = await fault(name)
                    # A held call holds its chat's queue until the client gives up.
                    held = HOLD_S if name == "Bot API time-outs" else 0.0
                    await self.settle(name, self.args.patience + held)
                    await self.marked(name, self.args.patience + SILENCE_S)
                    row = self.ledger.row(
                        self.kind,
                        name,
                        await self.stored(),
                        (self.log.to_topics, self.log.to_customers),
                    )
                    row.seconds, row.note = time.monotonic() - started, note
                    log(f"  {self.kind}, {name}: {row.customers} / {row.agents} ({note})")
                    rows.append(row)
            finally:
                if self.deployment is not None:
                    await self.deployment.stop()
                if self.balancer is not None:
                    await self.balancer.stop()
            errors = self.emulator.internal_errors
            if errors:
                raise RuntimeError(f"emulator bugs: {errors[:3]!r}")
        return rows


async def run_deployment(kind: str, args: argparse.Namespace, rng: random.Random) -> list[Row]:
    """Every fault that applies to ``kind``, on servers and processes of its own."""
    with tempfile.TemporaryDirectory(prefix="faqbot-faults-") as tmp:
        folder = Path(tmp)
        async with servers(kind, folder) as on:
            run = Run(kind, args, on, folder, rng)
            try:
                return await run.run()
            finally:
                if args.keep_logs is not None:
                    args.keep_logs.mkdir(parents=True, exist_ok=True)
                    for path in folder.glob("bot-*.log"):
                        (args.keep_logs / f"{kind}-{path.name}").write_bytes(path.read_bytes())
