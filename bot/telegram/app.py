"""The Telegram bot assembled: Bot, Dispatcher, routers, middlewares and FSM storage.

:mod:`bot.startup` builds the services from the settings and hands them here; the tests do
the same against the Bot API emulator and a scratch database::

    app = build_app(settings, services)
    await app.run_polling()          # or: server = await app.start_webhook(...)
    await app.close()
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.session.base import BaseSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.fsm.storage.base import BaseEventIsolation, BaseStorage, DefaultKeyBuilder
from aiogram.fsm.storage.memory import SimpleEventIsolation
from redis.asyncio import BlockingConnectionPool, Redis

from bot.db.repo import release_claims, release_notice_claims
from bot.serving import Answers, Database, Services
from bot.serving.buckets import TELEGRAM_LIMITS, Limits
from bot.serving.liveness import Liveness
from bot.serving.rate_limit import (
    MemoryRateLimiter,
    OpenTicketExemption,
    RateLimiter,
    RedisRateLimiter,
)
from bot.serving.send_budget import MemoryBudget, RedisBudget
from bot.settings import Settings
from bot.telegram.customers import Customers
from bot.telegram.desk import AgentsChat, build_agents_chat
from bot.telegram.desk import get_router as get_agents_router
from bot.telegram.errors import errors_router
from bot.telegram.journal import Journal
from bot.telegram.middlewares import PinAnswersMiddleware, RateLimitMiddleware
from bot.telegram.outages import OutageGuard, ReleasingIsolation
from bot.telegram.outbound import Outbound
from bot.telegram.polling import poll
from bot.telegram.receiving import Receiver
from bot.telegram.redis_fsm import RedisFsmStorage
from bot.telegram.response_types import KeepResponseTypes
from bot.telegram.routers import get_routers
from bot.telegram.storage import SqlStorage
from bot.telegram.webhook import WebhookServer, start_webhook_server
from bot.tickets import Clock, utc_now

__all__ = ["App", "build_app", "make_bot"]

logger = logging.getLogger(__name__)

POOL_WAIT_S = 60
"""How long a Redis command waits for a free connection of the pool."""


def make_bot(settings: Settings, *, session: BaseSession | None = None) -> Bot:
    """A Bot for ``BOT_TOKEN`` at ``BOT_API_URL``, sending HTML by default.

    :param session: an HTTP session to use instead of a new aiohttp one
    :raises ValueError: ``BOT_TOKEN`` is not set
    :raises aiogram.utils.token.TokenValidationError: the token is malformed
    """
    if settings.bot_token is None or not settings.bot_token.get_secret_value().strip():
        raise ValueError(
            "BOT_TOKEN is not set: create a bot with @BotFather and put its token there"
        )
    if session is None:
        session = AiohttpSession(
            api=TelegramAPIServer.from_base(settings.bot_api_url),
            timeout=settings.bot_api_timeout_seconds,
        )
    return Bot(
        settings.bot_token.get_secret_value(),
        session=session,
        default=DefaultBotProperties(parse_mode=ParseMode.HTML),
    )


@dataclass
class App:
    """A bot ready to run: long polling, or a webhook server.

    Either way updates go through :attr:`receiver`: stored in the intake journal before
    Telegram is told they arrived, handled in per-chat lanes, marked handled.
    """

    bot: Bot
    dispatcher: Dispatcher
    services: Services
    storage: BaseStorage
    receiver: Receiver
    redis: Redis | None = None
    agents_chat: AgentsChat | None = None
    redis_prefix: str = "faqbot"
    liveness: Liveness | None = None
    """This process's heartbeat; it frees what processes found dead held."""
    _webhook: WebhookServer | None = field(default=None, repr=False)
    _polling: asyncio.Task[None] | None = field(default=None, repr=False)
    _stop: asyncio.Event = field(default_factory=asyncio.Event, repr=False)

    @property
    def answers(self) -> Answers:
        return self.services.answers

    async def run_polling(self, *, handle_signals: bool = False) -> None:
        """Long polling until :meth:`stop` (or SIGINT/SIGTERM, if ``handle_signals``).

        Drops a webhook first: Telegram refuses getUpdates while one is set. Updates stored
        by a previous run and not handled are handled first (:mod:`bot.telegram.journal`).
        Returns once polling has stopped; the updates in hand are finished by :meth:`stop`
        (or :meth:`close`), before anything closes.
        """
        # Cleared before the first await: a stop() asked for during the start-up must stop
        # this run, not be forgotten (the caller would then wait for polling forever).
        self._stop.clear()
        await self.bot.delete_webhook(drop_pending_updates=False)
        if self.redis is not None:
            await forget_locks(self.redis, f"{self.redis_prefix}:fsm:{self.bot.id}")
        if self.agents_chat is not None and (
            released := await forget_claims(self.services.database)
        ):
            logger.warning("released %d delivery claims of a process that died", released)
        if self._stop.is_set():
            return  # stopped while starting: no workers, no polling
        self._start_workers()
        loop = asyncio.get_running_loop()
        signals = (signal.SIGINT, signal.SIGTERM) if handle_signals else ()
        for sig in signals:
            loop.add_signal_handler(sig, self._stop.set)
        self._polling = asyncio.create_task(
            poll(
                self.bot,
                self.receiver,
                allowed_updates=self.dispatcher.resolve_used_update_types(),
            ),
            name="long polling",
        )
        stopped = asyncio.create_task(self._stop.wait())
        try:
            await asyncio.wait({self._polling, stopped}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for sig in signals:
                loop.remove_signal_handler(sig)
            stopped.cancel()
            self._polling.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._polling

    def _start_workers(self) -> None:
        if self.liveness is not None:
            self.liveness.start()
        if self.agents_chat is not None:
            self.agents_chat.start()

    async def stop(self) -> None:
        """Stop reading updates (polling or the webhook server), finish the updates in hand,
        then stop the desk's workers (each finishes the delivery in flight)."""
        self._stop.set()
        if self._polling is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._polling
        if self._webhook is not None:
            await self._webhook.stop()  # stops taking requests, drains, shuts down
            self._webhook = None
        # Stored and confirmed to Telegram: handle them before anything closes. What the
        # grace period does not cover stays in the journal for the next start.
        await self.receiver.drain()
        if self.agents_chat is not None:
            await self.agents_chat.stop()
        if self.liveness is not None:
            await self.liveness.stop()  # last: every claim finished or handed back

    async def start_webhook(
        self,
        *,
        secret: str,
        host: str = "127.0.0.1",
        port: int = 8080,
        path: str = "/webhook",
        public_url: str | None = None,
    ) -> WebhookServer:
        """Serve updates at ``http://host:port/path`` and tell Telegram to send them there.

        :param secret: Telegram sends it in ``X-Telegram-Bot-Api-Secret-Token``; requests
            without it are refused with 403
        :param port: 0 picks a free port (tests)
        :param public_url: the URL Telegram posts to (``WEBHOOK_URL``); the local address
            when omitted
        """
        await self.receiver.resume()
        server = await start_webhook_server(
            self.receiver, secret=secret, host=host, port=port, path=path
        )
        self._webhook = server
        self._start_workers()
        await self.bot.set_webhook(
            public_url or server.url,
            secret_token=secret,
            allowed_updates=self.dispatcher.resolve_used_update_types(),
        )
        return server

    async def close(self) -> None:
        """Stop (the updates in hand finish first), then release the FSM storage and Redis,
        and the HTTP session; the engine is the caller's and outlives this."""
        await self.stop()
        await self.dispatcher.storage.close()  # RedisStorage closes the Redis pool here
        await self.dispatcher.fsm.events_isolation.close()
        await self.bot.session.close()


_DELETE_IF = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end"


async def forget_locks(redis: Redis, prefix: str, *, of: Sequence[str] | None = None) -> int:
    """Delete the conversations' locks under ``prefix``, left by a process that was killed.

    aiogram's Redis isolation holds a lock per conversation while an update is handled, with
    a 60-second expiry. A killed process leaves the locks of the updates it had in hand, and
    the restarted one would wait out the expiry for each of them, its in-flight slots taken.
    Without ``of`` every lock goes: only a long-polling bot calls it so, as Telegram lets one
    ``getUpdates`` reader per bot and no live process holds them. Webhook replicas pass the
    processes found dead (:mod:`bot.serving.liveness`): a lock's token starts with its
    holder's worker id (:class:`ReleasingIsolation`), and it is deleted only if it still
    holds the token read, so a lock taken meanwhile stays.

    :param of: only the locks of these workers
    :returns: how many were deleted
    """
    keys = [key async for key in redis.scan_iter(f"{prefix}:*:lock", count=1000)]
    if of is None:
        if keys:
            await redis.delete(*keys)
        return len(keys)
    dead = {owner.encode() for owner in of}
    deleted = 0
    for key in keys:
        token = await redis.get(key)
        raw = token.encode() if isinstance(token, str) else token
        if raw is not None and raw.partition(b":")[0] in dead:
            deleted += bool(await redis.eval(_DELETE_IF, 1, key, raw))
    return deleted


async def forget_claims(database: Database) -> int:
    """Release the deliveries a killed process had claimed (ticket messages, SLA notices),
    so they go out now rather than after the claims' ``stale_after`` (a minute).

    Only a long-polling bot calls this, for the reason of :func:`forget_locks`: no other live
    process delivers. A message its previous incarnation sent and did not mark delivered is
    sent again either way (Telegram's API has no idempotency key); this only makes it sooner.

    :returns: how many claims were released
    """
    async with database.transaction() as session:
        return await release_claims(session) + await release_notice_claims(session)


def make_storage(
    settings: Settings, database: Database, *, clock: Clock = utc_now, prefix: str = "faqbot"
) -> tuple[BaseStorage, BaseEventIsolation, Redis | None]:
    """FSM storage: Redis when ``REDIS_URL`` is set, else the SQL database (durable either way).

    :param prefix: Redis key prefix (tests use their own)
    """
    if settings.redis_url:
        # One pool for the FSM state, its locks and the rate limit, sized for the updates in
        # flight; a caller finding it in use waits for a connection instead of failing.
        pool = BlockingConnectionPool.from_url(
            settings.redis_url, max_connections=settings.pool_connections(), timeout=POOL_WAIT_S
        )
        redis = Redis(connection_pool=pool)
        storage = RedisFsmStorage(
            redis, key_builder=DefaultKeyBuilder(prefix=f"{prefix}:fsm", with_bot_id=True)
        )
        isolation = ReleasingIsolation(
            redis, key_builder=storage.key_builder, owner=database.worker
        )
        return storage, isolation, redis
    return SqlStorage(database, now=clock), SimpleEventIsolation(), None


def build_app(
    settings: Settings,
    services: Services,
    *,
    bot: Bot | None = None,
    session: BaseSession | None = None,
    redis_prefix: str = "faqbot",
    limiter: RateLimiter | None = None,
) -> App:
    """Wire the bot over ``services``: routers, rate limit, storage, error handler.

    :param services: built once by :func:`bot.startup.build_services`; a hot reload swaps
        the served knowledge-base version in place (:mod:`bot.serving.reload`)
    :param bot: a Bot already made (and checked) with :func:`make_bot`
    :param session: HTTP session for a new Bot (tests pass one that closes at once)
    :param redis_prefix: prefix of the Redis keys, when ``REDIS_URL`` is set
    :param limiter: flood protection; from ``RATE_LIMIT_PER_MINUTE`` (in Redis if set) if omitted
    """
    if bot is None:
        bot = make_bot(settings, session=session)
    elif bot.default.parse_mode != ParseMode.HTML:
        # Every template is HTML; a bot sending them as plain text would show the tags.
        raise ValueError("the bot must send HTML by default: build it with make_bot()")
    bot.session.middleware(KeepResponseTypes())
    clock = services.clock
    storage, isolation, redis = make_storage(
        settings, services.database, clock=clock, prefix=redis_prefix
    )
    # Every send paced to Telegram's limits; without them (a local Bot API server) only 429s.
    limits = TELEGRAM_LIMITS if settings.telegram_limits else Limits(10**6, 10**6, 10**6)
    budget = (
        RedisBudget(redis, limits, prefix=f"{redis_prefix}:outbound")
        if redis is not None and settings.telegram_limits
        else MemoryBudget(limits)
    )
    bot.session.middleware(Outbound(budget))
    if limiter is None:
        limiter = (
            RedisRateLimiter(redis, settings.rate_limit_per_minute, prefix=f"{redis_prefix}:rate")
            if redis is not None
            else MemoryRateLimiter(settings.rate_limit_per_minute)
        )
    agents_chat = build_agents_chat(settings, bot=bot, services=services, pacing=budget.peek)
    dispatcher = Dispatcher(
        storage=storage,
        events_isolation=isolation,
        # Handlers take the one services value; the customers' cache and the agents' desk
        # belong to the Telegram front end, so they come beside it.
        services=services,
        customers=Customers(services.database, now=clock),
        agents_chat=agents_chat,
        gate=agents_chat.gate if agents_chat is not None else None,
    )
    # Before anything else: one knowledge-base version per update, whatever a reload does.
    dispatcher.update.outer_middleware(PinAnswersMiddleware())
    # Outside everything: the database or Redis away, the update is handled again later.
    OutageGuard.install(dispatcher)
    flood = RateLimitMiddleware(
        limiter, services.texts, exempt=OpenTicketExemption(services.database)
    )
    for observer in (dispatcher.message, dispatcher.edited_message, dispatcher.callback_query):
        observer.outer_middleware(flood)
    if agents_chat is not None:
        # First: nothing said in the agents' chat reaches the customers' routers.
        dispatcher.include_router(get_agents_router(agents_chat.chat_id))
    dispatcher.include_routers(*get_routers(), errors_router())
    receiver = Receiver(
        dispatcher,
        bot,
        Journal(services.database, bot, clock=clock),
        limit=settings.max_updates_in_flight,
    )
    liveness = Liveness(
        services.database,
        wake=(agents_chat.relay.kick, agents_chat.sla.wake) if agents_chat is not None else (),
        on_dead=_freeing_locks(redis, f"{redis_prefix}:fsm:{bot.id}") if redis is not None else (),
        clock=clock,
    )
    return App(
        bot,
        dispatcher,
        services,
        storage,
        receiver,
        redis,
        agents_chat,
        redis_prefix,
        liveness=liveness,
    )


def _freeing_locks(
    redis: Redis, prefix: str
) -> tuple[Callable[[Sequence[str]], Awaitable[object]]]:
    async def free(owners: Sequence[str]) -> object:
        if deleted := await forget_locks(redis, prefix, of=owners):
            logger.warning("deleted %d conversation locks of processes found dead", deleted)
        return deleted

    return (free,)
