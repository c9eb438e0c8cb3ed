"""Updates over a webhook: stored in the intake journal, then answered 200.

Telegram counts an update as delivered once the webhook answers 2xx, and never sends it
again. So the 200 comes only after the update is in the journal
(:meth:`~bot.telegram.receiving.Receiver.receive`); if storing fails the answer is 500 and
Telegram retries. The update is handled afterwards in its chat's lane. A request without the
right ``X-Telegram-Bot-Api-Secret-Token`` is refused with 403 Forbidden, which says what
happened (the caller is known to be wrong, not asked to authenticate) and is what the
deployment checks expect.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from aiogram.types import Update
from aiohttp import web
from pydantic import ValidationError

from bot.telegram.receiving import Receiver

__all__ = ["WebhookServer", "start_webhook_server"]

logger = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


@dataclass
class WebhookServer:
    """A running webhook server; :meth:`stop` shuts it down."""

    runner: web.AppRunner
    url: str
    site: web.TCPSite | None = None
    receiver: Receiver | None = None

    async def stop(self) -> None:
        """Stop taking requests, finish the updates already answered with 200, shut down."""
        if self.site is not None:
            await self.site.stop()
        if self.receiver is not None:
            await self.receiver.drain()
        await self.runner.cleanup()


def _handler(
    receiver: Receiver, secret: str
) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    async def receive(request: web.Request) -> web.StreamResponse:
        if not hmac.compare_digest(request.headers.get(SECRET_HEADER, ""), secret):
            return web.Response(status=403, text="Forbidden")
        try:
            update = Update.model_validate(await request.json(), context={"bot": receiver.bot})
        except (ValueError, ValidationError):
            return web.Response(status=400, text="Bad Request: not an update")
        try:
            await receiver.receive([update])
        except Exception as error:  # not stored: Telegram must send it again
            logger.error(
                "update %s not stored: %s: %s", update.update_id, type(error).__name__, error
            )
            return web.Response(status=500, text="Internal Server Error")
        return web.json_response({})

    return receive


async def start_webhook_server(
    receiver: Receiver,
    *,
    secret: str,
    host: str,
    port: int,
    path: str,
) -> WebhookServer:
    """Listen on ``host:port`` and hand ``POST path`` to ``receiver``.

    :param secret: required in every request's secret-token header
    :param port: 0 for a free port; the actual address is in the returned ``url``
    """
    if not secret:
        raise ValueError("a webhook needs WEBHOOK_SECRET, or anyone could post updates to it")
    app = web.Application()
    app.router.add_post(path, _handler(receiver, secret))
    runner = web.AppRunner(app, shutdown_timeout=1.0)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    bound_host, bound_port = runner.addresses[0][:2]
    return WebhookServer(runner, f"http://{bound_host}:{bound_port}{path}", site, receiver)
