"""Updates over a webhook: aiogram's aiohttp handler behind a secret-token check.

aiogram's ``SimpleRequestHandler`` answers a request without the right
``X-Telegram-Bot-Api-Secret-Token`` with 401; this one answers 403 Forbidden, which says what
happened (the caller is known to be wrong, not asked to authenticate) and is what the
deployment checks expect.
"""

from __future__ import annotations

from dataclasses import dataclass

from aiogram import Bot, Dispatcher
from aiogram.webhook.aiohttp_server import SimpleRequestHandler, setup_application
from aiohttp import web

from bot.telegram.drain import drain

__all__ = ["SecretRequestHandler", "WebhookServer", "start_webhook_server"]

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


class SecretRequestHandler(SimpleRequestHandler):
    """``SimpleRequestHandler`` that refuses a missing or wrong secret with 403."""

    async def handle(self, request: web.Request) -> web.Response:
        bot = await self.resolve_bot(request)
        if not self.verify_secret(request.headers.get(SECRET_HEADER, ""), bot):
            return web.Response(status=403, text="Forbidden")
        return await super().handle(request)

    __call__ = handle


@dataclass
class WebhookServer:
    """A running webhook server; :meth:`stop` shuts it down (and the dispatcher's hooks)."""

    runner: web.AppRunner
    url: str
    site: web.TCPSite | None = None
    handler: SimpleRequestHandler | None = None

    async def stop(self) -> None:
        """Stop taking requests, finish the updates already answered with 200, shut down."""
        if self.site is not None:
            await self.site.stop()
        if self.handler is not None:
            await drain(self.handler._background_feed_update_tasks)
        await self.runner.cleanup()


async def start_webhook_server(
    dispatcher: Dispatcher,
    bot: Bot,
    *,
    secret: str,
    host: str,
    port: int,
    path: str,
) -> WebhookServer:
    """Listen on ``host:port`` and feed ``POST path`` to the dispatcher.

    Updates are handled in the background: Telegram gets its 200 at once and does not resend
    an update because a handler was slow.

    :param secret: required in every request's secret-token header
    :param port: 0 for a free port; the actual address is in the returned ``url``
    """
    if not secret:
        raise ValueError("a webhook needs WEBHOOK_SECRET, or anyone could post updates to it")
    app = web.Application()
    handler = SecretRequestHandler(dispatcher, bot, secret_token=secret, handle_in_background=True)
    handler.register(app, path=path)
    setup_application(app, dispatcher, bot=bot)
    runner = web.AppRunner(app, shutdown_timeout=1.0)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    bound_host, bound_port = runner.addresses[0][:2]
    return WebhookServer(runner, f"http://{bound_host}:{bound_port}{path}", site, handler)
