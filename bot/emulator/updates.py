"""The bot's update queue: confirmed by getUpdates' offset or by a webhook's 2xx answer."""

from __future__ import annotations

import asyncio
import itertools
from typing import Any

JSON = dict[str, Any]
# Sent when allowed_updates is empty or was never given (Bot API getUpdates docs).
DEFAULT_UPDATE_TYPES = frozenset(
    {
        "message", "edited_message", "channel_post", "edited_channel_post", "business_connection",
        "business_message", "edited_business_message", "deleted_business_messages",
        "inline_query", "chosen_inline_result", "callback_query", "shipping_query",
        "pre_checkout_query", "purchased_paid_media", "poll", "poll_answer", "my_chat_member",
        "chat_join_request", "chat_boost", "removed_chat_boost",
    }
)  # fmt: skip


class Signal:
    """Wakes every waiter once; waiters re-check their condition after waking."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def fire(self) -> None:
        self._event.set()
        self._event = asyncio.Event()

    async def wait(self, timeout: float) -> None:
        """Return when fired or after ``timeout`` seconds, whichever comes first."""
        event = self._event
        # asyncio.timeout, not wait_for: on Python 3.11 wait_for can swallow a cancellation that
        # arrives in the same tick as the wake-up, and stop() then waits forever for its task.
        try:
            async with asyncio.timeout(timeout):
                await event.wait()
        except TimeoutError:
            pass


def update_type(update: JSON) -> str:
    return next(key for key in update if key != "update_id")


class UpdateQueue:
    """Pending updates in order, with Telegram's allowed_updates filter."""

    def __init__(self) -> None:
        self._pending: list[JSON] = []
        self._ids = itertools.count(1)
        self.allowed: frozenset[str] = DEFAULT_UPDATE_TYPES
        self.changed = Signal()  # new update, new poller, webhook change or shutdown

    def push(self, kind: str, payload: JSON) -> JSON:
        update = {"update_id": next(self._ids), kind: payload}
        self._pending.append(update)
        self.changed.fire()
        return update

    def set_allowed(self, allowed: list[str] | None) -> None:
        """``None`` keeps the previous setting; an empty list means the default set."""
        if allowed is not None:
            self.allowed = frozenset(allowed) if allowed else DEFAULT_UPDATE_TYPES

    def confirm(self, offset: int) -> None:
        """getUpdates' offset: forget updates below it; a negative one keeps the last -offset."""
        if offset < 0:
            self._pending = self._pending[offset:]
        elif offset > 0:
            self._pending = [u for u in self._pending if u["update_id"] >= offset]

    def remove(self, update: JSON) -> None:
        self._pending = [u for u in self._pending if u["update_id"] != update["update_id"]]

    def peek(self, limit: int = 100) -> list[JSON]:
        """The first ``limit`` pending updates of allowed types; others are dropped."""
        self._pending = [u for u in self._pending if update_type(u) in self.allowed]
        return self._pending[: max(1, min(limit, 100))]

    def clear(self) -> None:
        self._pending.clear()

    @property
    def pending_count(self) -> int:
        return len(self._pending)
