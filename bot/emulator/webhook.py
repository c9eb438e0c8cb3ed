"""Webhook delivery: POST each update to the bot's URL until it answers 2xx.

Like Telegram, the emulator sends ``X-Telegram-Bot-Api-Secret-Token`` when a secret was set
and executes a Bot API method the webhook returns in its answer (aiogram's
``SimpleRequestHandler(handle_in_background=False)`` answers with a multipart form).

Updates go out at the same time over up to ``max_connections`` requests, as Telegram's
``setWebhook`` describes, so that several replicas behind one URL all get work. A chat's
updates go one at a time, each after the one before was answered 2xx: Telegram does not
document what it does there, and a test can then check a chat's order end to end (an update
retried after a failure keeps its chat's later ones waiting). ``setWebhook`` again with the
same settings, as every replica does at its start, leaves the deliveries in flight alone.
"""

from __future__ import annotations

import asyncio
import builtins
import contextlib
import functools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import aiohttp

from .params import UploadedFile, decode
from .updates import UpdateQueue

JSON = dict[str, Any]
ReplyExecutor = Callable[[str, JSON], Awaitable[None]]


@dataclass
class WebhookConfig:
    """What setWebhook set; getWebhookInfo reports it."""

    url: str
    secret_token: str | None = None
    max_connections: int = 40
    allowed_updates: list[str] | None = None
    last_error_date: int | None = None
    last_error_message: str | None = None


async def _read_reply(response: aiohttp.ClientResponse) -> tuple[str, JSON] | None:
    """The Bot API method in a webhook's answer, if there is one."""
    raw: JSON = {}
    files: dict[str, UploadedFile] = {}
    if response.content_type == "application/json":
        body = await response.json()
        if isinstance(body, dict):
            raw = body
    elif response.content_type == "multipart/form-data":
        reader = aiohttp.MultipartReader(response.headers, response.content)
        async for part in reader:
            if not isinstance(part, aiohttp.BodyPartReader) or part.name is None:
                continue
            if part.filename:
                files[part.name] = UploadedFile(part.filename, await part.read())
            else:
                raw[part.name] = await part.text()
    method = raw.pop("method", None)
    if not isinstance(method, str):
        return None
    return method, decode(raw, files)


class WebhookDelivery:
    """Sends pending updates to the webhook while one is set.

    :param queue: the bot's updates
    :param execute_reply: runs a method found in a webhook's answer
    :param clock: for ``last_error_date``
    :param retry_delay: seconds before sending a failed update again (Telegram waits longer)
    """

    def __init__(
        self,
        queue: UpdateQueue,
        execute_reply: ReplyExecutor,
        clock: Callable[[], int],
        retry_delay: float = 0.05,
    ):
        self.queue = queue
        self.execute_reply = execute_reply
        self.clock = clock
        self.retry_delay = retry_delay
        self.config: WebhookConfig | None = None
        self._task: asyncio.Task[None] | None = None
        self._session: aiohttp.ClientSession | None = None

    async def set(self, config: WebhookConfig) -> None:
        current = self.config
        if current is not None and self._task is not None and not self._task.done():
            same = (config.url, config.secret_token, config.max_connections, config.allowed_updates)
            if same == (
                current.url,
                current.secret_token,
                current.max_connections,
                current.allowed_updates,
            ):
                return
        await self.delete()
        self.config = config
        self._session = aiohttp.ClientSession()
        self._task = asyncio.create_task(self._run(config, self._session))
        self.queue.changed.fire()  # a long poll in progress ends with a conflict

    async def delete(self) -> None:
        self.config = None
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        if self._session is not None:
            await self._session.close()
            self._session = None

    def info(self) -> JSON:
        """getWebhookInfo's WebhookInfo."""
        config = self.config
        info: JSON = {
            "url": config.url if config else "",
            "has_custom_certificate": False,
            "pending_update_count": self.queue.pending_count,
        }
        if config is not None:
            info["max_connections"] = config.max_connections
            info["ip_address"] = "127.0.0.1"
            if config.allowed_updates is not None:
                info["allowed_updates"] = config.allowed_updates
            if config.last_error_date is not None:
                info["last_error_date"] = config.last_error_date
                info["last_error_message"] = config.last_error_message
        return info

    async def _run(self, config: WebhookConfig, session: aiohttp.ClientSession) -> None:
        in_flight: dict[int, asyncio.Task[None]] = {}  # update_id -> its delivery
        busy: builtins.set[object] = builtins.set()  # chats with an update in flight
        try:
            while True:
                started = False
                blocked: builtins.set[object] = builtins.set(busy)
                for update in self.queue.peek(100):
                    if len(in_flight) >= max(1, config.max_connections):
                        break
                    chat = chat_of(update)
                    if update["update_id"] in in_flight or chat in blocked:
                        blocked.add(chat)  # its later updates wait behind it
                        continue
                    blocked.add(chat)
                    busy.add(chat)
                    task = asyncio.create_task(self._deliver(config, session, update))
                    in_flight[update["update_id"]] = task
                    task.add_done_callback(
                        functools.partial(self._done, in_flight, busy, update["update_id"], chat)
                    )
                    started = True
                if not started:
                    await self.queue.changed.wait(1.0)
        finally:
            for task in list(in_flight.values()):
                task.cancel()
            await asyncio.gather(*in_flight.values(), return_exceptions=True)

    def _done(
        self,
        in_flight: dict[int, asyncio.Task[None]],
        busy: builtins.set[object],
        update_id: int,
        chat: object,
        _: asyncio.Task[None],
    ) -> None:
        in_flight.pop(update_id, None)
        busy.discard(chat)
        self.queue.changed.fire()  # a chat and a connection are free: look again

    async def _deliver(
        self, config: WebhookConfig, session: aiohttp.ClientSession, update: JSON
    ) -> None:
        """POST until the webhook takes it, then forget it and run its answer's method."""
        while True:
            delivered, reply = await self._post(config, session, update)
            if delivered:
                break
            await asyncio.sleep(self.retry_delay)
        self.queue.remove(update)
        if reply is not None:
            await self.execute_reply(*reply)

    async def _post(
        self, config: WebhookConfig, session: aiohttp.ClientSession, update: JSON
    ) -> tuple[bool, tuple[str, JSON] | None]:
        """Whether the webhook took the update, and the method in its answer if any."""
        headers = {}
        if config.secret_token:
            headers["X-Telegram-Bot-Api-Secret-Token"] = config.secret_token
        try:
            async with session.post(
                config.url, json=update, headers=headers, timeout=aiohttp.ClientTimeout(total=10)
            ) as response:
                if 200 <= response.status < 300:
                    try:
                        return True, await _read_reply(response)
                    except (aiohttp.ClientError, ValueError):
                        return True, None  # Telegram ignores an answer it can't read
                error = f"Wrong response from the webhook: {response.status} {response.reason}"
        except aiohttp.ClientConnectorError:
            error = "Connection refused"
        except TimeoutError:
            error = "Read timeout expired"
        except (aiohttp.ClientError, ValueError) as exc:
            error = f"Wrong response from the webhook: {type(exc).__name__}"
        config.last_error_date = self.clock()
        config.last_error_message = error
        return False, None


def chat_of(update: JSON) -> object:
    """What keeps updates in order: the chat of the update's message (a button's message's),
    else its sender, else the update alone."""
    for value in update.values():
        if not isinstance(value, dict):
            continue
        message = value.get("message") if "chat" not in value else value
        if isinstance(message, dict) and isinstance(message.get("chat"), dict):
            return ("chat", message["chat"].get("id"))
        sender = value.get("from") or value.get("user")
        if isinstance(sender, dict):
            return ("user", sender.get("id"))
    return ("update", update.get("update_id"))
