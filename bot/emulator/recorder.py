"""Every Bot API call the bot made, in order, and waiting for the next one without sleeping."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .updates import Signal

JSON = dict[str, Any]


@dataclass(frozen=True)
class Call:
    """One Bot API call and Telegram's answer.

    :param method: canonical name, e.g. ``"sendMessage"`` (URLs are case-insensitive)
    :param params: decoded parameters: ints, bools and JSON fields as Python values
    :param response: the JSON body sent back, ``{"ok": true, "result": ...}`` or an error
    :param message: the message this call created, for sendMessage, copyMessage, ...
    :param source: ``"http"``, or ``"webhook_reply"`` for a method in a webhook's answer
    """

    method: str
    params: JSON
    response: JSON
    message: JSON | None = None
    source: str = "http"

    @property
    def ok(self) -> bool:
        return bool(self.response.get("ok"))

    @property
    def result(self) -> Any:
        return self.response.get("result")

    @property
    def description(self) -> str | None:
        return self.response.get("description")

    def summary(self) -> str:
        shown = {k: v for k, v in self.params.items() if k in ("chat_id", "text", "caption")}
        outcome = "ok" if self.ok else f"{self.response.get('error_code')} {self.description}"
        return (
            f"{self.method}({', '.join(f'{k}={v!r:.60}' for k, v in shown.items())}) -> {outcome}"
        )


class CallLog:
    """The calls in order; ``wait_for`` hands out each matching call once."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self._taken: set[int] = set()
        self._recorded = Signal()

    def record(self, call: Call) -> None:
        self.calls.append(call)
        self._recorded.fire()

    async def wait_for(
        self,
        predicate: Callable[[Call], bool],
        *,
        timeout: float,
        what: str,
    ) -> Call:
        """The first call not yet handed out that matches, waiting up to ``timeout`` seconds.

        :raises TimeoutError: naming what was awaited and listing the calls so far
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            for index, call in enumerate(self.calls):
                if index not in self._taken and predicate(call):
                    self._taken.add(index)
                    return call
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(self._explain(what, timeout))
            await self._recorded.wait(remaining)

    def _explain(self, what: str, timeout: float) -> str:
        recent = [c.summary() for c in self.calls if c.method != "getUpdates"][-15:]
        listing = "\n  ".join(recent) or "(none besides getUpdates)"
        return f"no {what} within {timeout} s; calls so far:\n  {listing}"
