"""A round-robin HTTP reverse proxy standing in for nginx before the replicas (tests, benchmarks).

Each request goes to the next replica in turn; a replica that does not take the connection
(stopped, killed) is skipped for the next one, as nginx's ``proxy_next_upstream error`` does,
and only when none answers is the answer 502 Bad Gateway (Telegram then sends the update
again). A request a replica took and died on is not repeated here: nginx does not repeat a
POST either (``non_idempotent`` is off by default), Telegram does. ``deploy/nginx-faqbot.conf``
is the production counterpart.

::

    python -m bot.emulator.balancer --listen 127.0.0.1:8443 127.0.0.1:8081 127.0.0.1:8082
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import signal
from collections.abc import Sequence

import aiohttp
from aiohttp import web

__all__ = ["Balancer"]

HOP_BY_HOP = frozenset(
    {"connection", "keep-alive", "transfer-encoding", "upgrade", "host", "content-length"}
)
TIMEOUT_S = 30.0


class Balancer:
    """Listens on one address and passes each request to the next of ``upstreams``.

    :param upstreams: ``host:port`` of each replica
    """

    def __init__(self, upstreams: Sequence[str]) -> None:
        if not upstreams:
            raise ValueError("the balancer needs at least one upstream host:port")
        self.upstreams = list(upstreams)
        self.passed = dict.fromkeys(self.upstreams, 0)
        """Requests each upstream answered, for a test to see the load spread."""
        self._turns = itertools.cycle(range(len(self.upstreams)))
        self._runner: web.AppRunner | None = None
        self._session: aiohttp.ClientSession | None = None
        self.url = ""

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> Balancer:
        """Listen; ``port`` 0 picks a free one (see :attr:`url`)."""
        self._session = aiohttp.ClientSession(
            timeout=aiohttp.ClientTimeout(total=TIMEOUT_S),
            connector=aiohttp.TCPConnector(limit=0),
            auto_decompress=False,
        )
        app = web.Application(client_max_size=50 * 1024 * 1024)
        app.router.add_route("*", "/{tail:.*}", self._pass)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        await web.TCPSite(self._runner, host, port).start()
        bound_host, bound_port = self._runner.addresses[0][:2]
        self.url = f"http://{bound_host}:{bound_port}"
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def __aenter__(self) -> Balancer:
        return await self.start()

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    async def _pass(self, request: web.Request) -> web.StreamResponse:
        assert self._session is not None
        body = await request.read()
        headers = {k: v for k, v in request.headers.items() if k.lower() not in HOP_BY_HOP}
        first = next(self._turns)
        for step in range(len(self.upstreams)):
            upstream = self.upstreams[(first + step) % len(self.upstreams)]
            try:
                async with self._session.request(
                    request.method,
                    f"http://{upstream}{request.rel_url}",
                    data=body,
                    headers=headers,
                    allow_redirects=False,
                ) as answer:
                    payload = await answer.read()
                    self.passed[upstream] += 1
                    return web.Response(
                        status=answer.status,
                        body=payload,
                        headers={
                            k: v for k, v in answer.headers.items() if k.lower() not in HOP_BY_HOP
                        },
                    )
            except aiohttp.ClientConnectorError:
                continue  # not listening: the next one, as nginx does
            except (aiohttp.ClientError, TimeoutError):
                break  # it took the request and failed: the sender decides whether to repeat
        return web.Response(status=502, text="Bad Gateway")


async def _serve(listen: str, upstreams: Sequence[str]) -> None:
    host, _, port = listen.rpartition(":")
    balancer = await Balancer(upstreams).start(host or "127.0.0.1", int(port))
    try:
        print(f"balancing {balancer.url} over {', '.join(upstreams)}", flush=True)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await stop.wait()
    finally:
        await balancer.stop()


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bot.emulator.balancer", description="Round-robin HTTP reverse proxy."
    )
    parser.add_argument("--listen", default="127.0.0.1:8443", metavar="HOST:PORT")
    parser.add_argument("upstreams", nargs="+", metavar="HOST:PORT")
    args = parser.parse_args(argv)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(args.listen, args.upstreams))


if __name__ == "__main__":
    main()
