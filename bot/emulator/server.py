"""A local Telegram Bot API server for end-to-end tests of the bot over real HTTP.

async with TelegramEmulator() as tg:
    bot = Bot(tg.token, session=AiohttpSession(api=TelegramAPIServer.from_base(tg.base_url)))
    anna = tg.new_user("Анна")
    tg.send_text(anna, anna.private_chat, "/start")
    reply = await tg.next_bot_message(anna.private_chat)
"""

from __future__ import annotations

import copy
import inspect
import json
import logging
import time
from collections.abc import Callable
from typing import Any

from aiohttp import web

from .activity import UserActivity, chat_id_of
from .chat_methods import ChatMethods
from .delivery import UpdateMethods
from .errors import ApiError
from .faults import ApiFaults
from .flood import TELEGRAM_LIMITS, FloodControl, FloodLimits
from .message_methods import MessageMethods, Sent
from .params import Params, read_request
from .people import FakeChat, FakeUser, bot_user_json
from .recorder import Call, CallLog
from .state import JSON, EmulatorState
from .updates import UpdateQueue
from .webhook import WebhookDelivery

DEFAULT_TOKEN = "123456:TEST-token"
logger = logging.getLogger(__name__)


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


class TelegramEmulator(UserActivity):
    """The Bot API on 127.0.0.1 with a free port, plus the users the bot talks to.

    :param token: the only token accepted; others get 401 Unauthorized
    :param bot: the bot account getMe returns; its id must be the token's number
    :param pedantic: also reject what Telegram tolerates silently: a bare ``&`` in HTML,
        entities outside the text, an inline button with two actions
    :param clock: seconds since the epoch, for ``date`` fields
    :param webhook_retry_delay: pause before a failed webhook delivery is tried again
    :param limits: Telegram's flood control (:mod:`.flood`): ``True`` for Telegram's limits
        (30 sends/s overall, 1/s per chat, 20/min per group), or :class:`FloodLimits`;
        off by default, so that tests run at full speed
    """

    def __init__(
        self,
        *,
        token: str = DEFAULT_TOKEN,
        bot: FakeUser | None = None,
        pedantic: bool = True,
        clock: Callable[[], float] = time.time,
        webhook_retry_delay: float = 0.05,
        limits: bool | FloodLimits = False,
    ):
        super().__init__()
        bot_id = int(token.partition(":")[0])
        if bot is None:
            bot = FakeUser(
                bot_id, "FAQ Bot", username="faq_test_bot", language_code=None, is_bot=True
            )
        if bot.id != bot_id or not bot.is_bot:
            raise ValueError(f"the bot must be a bot with id {bot_id}, the token's number")
        self.token = token
        self.state = EmulatorState(bot, clock)
        self.queue = UpdateQueue()
        self.log = CallLog()
        self.webhook = WebhookDelivery(
            self.queue, self._execute_reply, self.state.now, webhook_retry_delay
        )
        self._methods: dict[str, tuple[str, Callable[[Params], Any]]] = {}
        self.delivery = UpdateMethods(self.queue, self.webhook)
        tables = (
            MessageMethods(self.state, pedantic=pedantic).table(),
            ChatMethods(self.state).table(),
            self.delivery.table(),
            {"getMe": self._get_me},
        )
        for table in tables:
            for name, handler in table.items():
                self._methods[name.lower()] = (name, handler)  # method names are case-insensitive
        self._failures: dict[str, list[ApiError]] = {}
        self.flood: FloodControl | None = None
        if limits:
            self.flood = FloodControl(TELEGRAM_LIMITS if limits is True else limits)
        self.internal_errors: list[Exception] = []  # emulator bugs; the fixture checks it
        self.faults = ApiFaults()  # 502s and hung calls on demand (off until set)
        self._runner: web.AppRunner | None = None
        self.base_url = ""

    @property
    def bot(self) -> FakeUser:
        return self.state.bot

    @property
    def calls(self) -> list[Call]:
        """Every Bot API call in order, getUpdates included."""
        return self.log.calls

    # lifecycle

    async def start(self) -> TelegramEmulator:
        app = web.Application(client_max_size=50 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_route("*", "/_faults", self._faults_control)
        # handler_cancellation: a bot that stops polling drops its getUpdates at once.
        self._runner = web.AppRunner(app, handler_cancellation=True, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        host, port = self._runner.addresses[0][:2]
        self.base_url = f"http://{host}:{port}"
        return self

    async def stop(self) -> None:
        await self.delivery.close()  # long polls return at once
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> TelegramEmulator:
        return await self.start()

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    # HTTP

    async def _handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            body = ApiError(401, "Unauthorized").to_json()
            return web.json_response(body, status=401, dumps=_dumps)
        method = request.match_info["method"]
        try:
            params = await read_request(request)
        except ApiError as error:
            call = self._log_call(method, {}, error.to_json())
            return web.json_response(call.response, status=error.error_code, dumps=_dumps)
        entry = self._methods.get(method.lower())
        try:
            await self.faults.apply(entry[0] if entry else method)
        except ApiError as error:
            call = self._log_call(method, params, error.to_json())
            return web.json_response(call.response, status=error.error_code, dumps=_dumps)
        call = await self._execute(method, params)
        status = 200 if call.ok else int(call.response["error_code"])
        return web.json_response(call.response, status=status, dumps=_dumps)

    async def _faults_control(self, request: web.Request) -> web.Response:
        """``POST /_faults`` with :meth:`ApiFaults.set`'s arguments as JSON; ``GET``: counts."""
        if request.method == "POST":
            try:
                self.faults.set(**(await request.json()))
            except (TypeError, ValueError) as error:
                return web.json_response({"ok": False, "description": str(error)}, status=400)
        return web.json_response({"ok": True, "result": self.faults.counts()})

    def _log_call(
        self,
        method: str,
        params: JSON,
        response: JSON,
        message: JSON | None = None,
        source: str = "http",
    ) -> Call:
        entry = self._methods.get(method.lower())
        call = Call(entry[0] if entry else method, params, response, message, source)
        self.log.record(call)
        return call

    async def _execute(self, method: str, params: JSON, source: str = "http") -> Call:
        entry = self._methods.get(method.lower())
        message = None
        try:
            if entry is None:
                raise ApiError(404, "Not Found: method not found")
            failures = self._failures.get(entry[0])
            if failures:
                raise failures.pop(0)
            if self.flood is not None:
                chat_id = Params(params).integer("chat_id")
                self.flood.admit(entry[0], chat_id)
            result = entry[1](Params(params))
            if inspect.isawaitable(result):
                result = await result
            if isinstance(result, Sent):
                message = copy.deepcopy(result.message)
                result = result.result
            response: JSON = {"ok": True, "result": result}
        except ApiError as error:
            response = error.to_json()
        except Exception as error:  # a bug in the emulator: answer 500, fail the test later
            logger.exception("the emulator failed on %s", method)
            self.internal_errors.append(error)
            response = ApiError(500, f"Internal Server Error: emulator bug: {error!r}").to_json()
        return self._log_call(method, params, response, message, source)

    async def _execute_reply(self, method: str, params: JSON) -> None:
        await self._execute(method, params, source="webhook_reply")

    def _get_me(self, params: Params) -> JSON:
        return bot_user_json(self.bot)

    # test controls

    def fail_next(
        self,
        method: str,
        error_code: int,
        description: str,
        *,
        retry_after: int | None = None,
        times: int = 1,
    ) -> None:
        """Answer the next ``times`` calls of ``method`` with this error instead."""
        name = self._methods[method.lower()][0]
        error = ApiError(error_code, description, retry_after=retry_after)
        self._failures.setdefault(name, []).extend([error] * times)

    def clear_failures(self) -> None:
        """Forget the failures still queued by :meth:`fail_next`: the outage is over."""
        self._failures.clear()

    def flood_wait(self, method: str, retry_after: int = 1, *, times: int = 1) -> None:
        """Answer the next calls of ``method`` with 429 Too Many Requests, as Telegram's flood
        control does; aiogram raises TelegramRetryAfter with ``retry_after``."""
        self.fail_next(
            method,
            429,
            f"Too Many Requests: retry after {retry_after}",
            retry_after=retry_after,
            times=times,
        )

    # what the bot did

    async def wait_until_polling(self, *, timeout: float = 5.0) -> None:
        """Return once a getUpdates long poll is waiting: the bot has fetched every update.

        :raises TimeoutError: if no long poll waits within ``timeout`` seconds
        """
        await self.delivery.wait_until_polling(timeout)

    async def wait_for(
        self, method: str, predicate: Callable[[Call], bool] | None = None, *, timeout: float = 5.0
    ) -> Call:
        """The next call of ``method`` (matching ``predicate``) not yet returned by a wait.

        :raises TimeoutError: listing the calls made so far
        """
        name = self._methods[method.lower()][0] if method.lower() in self._methods else method
        return await self.log.wait_for(
            lambda call: call.method == name and (predicate is None or predicate(call)),
            timeout=timeout,
            what=f"{name} call",
        )

    async def next_bot_message(
        self, chat: FakeChat | int, *, topic: int | None = None, timeout: float = 5.0
    ) -> JSON:
        """The next message the bot sent to ``chat`` (and ``topic``), each returned once."""
        chat_id = chat_id_of(chat)

        def sent_here(call: Call) -> bool:
            message = call.message
            return (
                message is not None
                and message["chat"]["id"] == chat_id
                and (topic is None or message.get("message_thread_id") == topic)
            )

        call = await self.log.wait_for(
            sent_here, timeout=timeout, what=f"bot message in chat {chat_id}"
        )
        assert call.message is not None
        return copy.deepcopy(call.message)

    def sent_messages(self, chat: FakeChat | int, *, topic: int | None = None) -> list[JSON]:
        """The bot's messages in a chat as they are now (edited, not deleted), oldest first."""
        return [
            message
            for message in self.history(chat)
            if message["from"]["id"] == self.bot.id
            and (topic is None or message.get("message_thread_id") == topic)
        ]

    def history(self, chat: FakeChat | int) -> list[JSON]:
        """Every message in a chat, from users and the bot, oldest first."""
        record = self.state.chats.get(chat_id_of(chat))
        if record is None:
            return []
        return [copy.deepcopy(record.messages[key]) for key in sorted(record.messages)]

    def message(self, chat: FakeChat | int, message_id: int) -> JSON:
        """One message as it is now.

        :raises KeyError: if there is no such message (or it was deleted)
        """
        record = self.state.find_chat(chat_id_of(chat))
        if message_id not in record.messages:
            raise KeyError(f"no message {message_id} in chat {record.chat.id}")
        return copy.deepcopy(record.messages[message_id])

    def topics(self, chat: FakeChat | int) -> list[JSON]:
        """The chat's forum topics as ForumTopic objects, with ``is_closed``."""
        record = self.state.find_chat(chat_id_of(chat))
        return [{**t.to_json(), "is_closed": t.is_closed} for t in record.topics.values()]

    def callback_answer(self, callback_query: JSON | str) -> JSON | None:
        """What answerCallbackQuery said to a button press, or ``None`` if not answered yet."""
        query_id = callback_query if isinstance(callback_query, str) else callback_query["id"]
        return copy.deepcopy(self.state.callback_queries[query_id].answer)

    def commands(self, *, scope: JSON | None = None, language_code: str = "") -> list[JSON]:
        """The command list setMyCommands set for this scope and language."""
        key = (json.dumps(scope or {"type": "default"}, sort_keys=True), language_code)
        return copy.deepcopy(self.state.commands.get(key, []))
