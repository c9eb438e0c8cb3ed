"""getUpdates long polling and the webhook methods, over one update queue."""

from __future__ import annotations

import asyncio
import copy
import re
from typing import Any

from .errors import ApiError, bad_request
from .params import Params
from .updates import Signal, UpdateQueue
from .webhook import WebhookConfig, WebhookDelivery

JSON = dict[str, Any]
CONFLICT_WEBHOOK = (
    "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete "
    "the webhook first"
)
CONFLICT_OTHER_POLL = (
    "Conflict: terminated by other getUpdates request; make sure that only one bot instance is "
    "running"
)
_SECRET = re.compile(r"^[A-Za-z0-9_-]+$")
_URL = re.compile(r"^https?://[^\s/]+")


class UpdateMethods:
    """getUpdates, setWebhook, deleteWebhook and getWebhookInfo.

    Like Telegram: getUpdates is refused while a webhook is set, a newer getUpdates ends an
    older one with a conflict, and a long poll returns as soon as an update arrives.
    """

    def __init__(self, queue: UpdateQueue, webhook: WebhookDelivery):
        self.queue = queue
        self.webhook = webhook
        self.closing = False
        self._generation = 0
        self._long_polls = 0
        self._poll_waiting = Signal()

    def table(self) -> dict[str, Any]:
        return {
            "getUpdates": self.get_updates,
            "setWebhook": self.set_webhook,
            "deleteWebhook": self.delete_webhook,
            "getWebhookInfo": self.get_webhook_info,
        }

    async def close(self) -> None:
        """End waiting long polls with no updates and stop webhook delivery."""
        self.closing = True
        self.queue.changed.fire()
        await self.webhook.delete()

    async def wait_until_polling(self, timeout: float) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while self._long_polls == 0:
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(f"the bot did not wait in getUpdates within {timeout} s")
            await self._poll_waiting.wait(remaining)

    async def get_updates(self, params: Params) -> list[JSON]:
        if self.webhook.config is not None:
            raise ApiError(409, CONFLICT_WEBHOOK)
        self._generation += 1
        generation = self._generation
        self.queue.changed.fire()  # an older long poll ends with a conflict
        self.queue.confirm(params.integer("offset") or 0)
        allowed = params.get("allowed_updates")
        self.queue.set_allowed(allowed if isinstance(allowed, list) else None)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + max(params.integer("timeout") or 0, 0)
        while True:
            updates = self.queue.peek(params.integer("limit") or 100)
            if updates or self.closing:
                return copy.deepcopy(updates)
            if generation != self._generation:
                raise ApiError(409, CONFLICT_OTHER_POLL)
            if self.webhook.config is not None:
                raise ApiError(409, "Conflict: terminated by setWebhook request")
            remaining = deadline - loop.time()
            if remaining <= 0:
                return []
            self._long_polls += 1
            self._poll_waiting.fire()
            try:
                await self.queue.changed.wait(remaining)
            finally:
                self._long_polls -= 1

    async def set_webhook(self, params: Params) -> bool:
        url = params.text("url") or ""
        secret = params.text("secret_token")
        if secret is not None and len(secret) > 256:
            raise bad_request("secret token is too long")
        if secret and not _SECRET.match(secret):
            raise bad_request("secret token contains unallowed characters")
        if params.flag("drop_pending_updates"):
            self.queue.clear()
        if not url:
            await self.webhook.delete()
            return True
        if not _URL.match(url):
            raise bad_request("invalid webhook URL specified")
        allowed = params.get("allowed_updates")
        allowed = allowed if isinstance(allowed, list) else None
        self.queue.set_allowed(allowed)
        config = WebhookConfig(url, secret, params.integer("max_connections") or 40, allowed)
        await self.webhook.set(config)
        return True

    async def delete_webhook(self, params: Params) -> bool:
        if params.flag("drop_pending_updates"):
            self.queue.clear()
        await self.webhook.delete()
        return True

    def get_webhook_info(self, params: Params) -> JSON:
        return self.webhook.info()
