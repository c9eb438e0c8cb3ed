"""Webhook delivery: POST each update to the bot's URL, one at a time, until it answers 2xx.

Like Telegram, the emulator sends ``X-Telegram-Bot-Api-Secret-Token`` when a secret was set
and executes a Bot API method the webhook returns in its answer (aiogram's
``SimpleRequestHandler(handle_in_background=False)`` answers with a multipart form).
"""

from __future__ import annotations

import asyncio
import contextlib
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
        while True:
            pending = self.queue.peek(1)
            if not pending:
                await self.queue.changed.wait(1.0)
                continue
            update = pending[0]
            delivered, reply = await self._post(config, session, update)
            if not delivered:
                await asyncio.sleep(self.retry_delay)
                continue
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
