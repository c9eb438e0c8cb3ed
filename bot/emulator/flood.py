"""Telegram's flood control, for tests that want the bot to meet it (off by default).

Telegram's documented limits for a bot's messages: about 30 per second overall, one per
second in a chat, 20 per minute in a group. Over them, a send is refused with
``429 Too Many Requests: retry after N`` and ``parameters.retry_after`` (aiogram raises
``TelegramRetryAfter``). Only sends count (``sendMessage``, ``copyMessage``, media, forwards);
edits, callback answers and chat methods do not.

``TelegramEmulator(limits=True)`` uses :data:`TELEGRAM_LIMITS`; ``limits=FloodLimits(...)``
sets others.
"""

from __future__ import annotations

import collections
import math
import time
from collections.abc import Callable
from dataclasses import dataclass

from .errors import ApiError

__all__ = ["SENDS", "TELEGRAM_LIMITS", "FloodControl", "FloodLimits"]

SENDS = frozenset(
    {
        "sendMessage", "sendPhoto", "sendDocument", "sendSticker", "sendVoice", "copyMessage",
        "forwardMessage",
    }
)  # fmt: skip


@dataclass(frozen=True)
class FloodLimits:
    """Sends allowed per window.

    :param overall: per second, every chat together
    :param per_chat: per second in one chat
    :param per_group: per minute in one group or supergroup
    """

    overall: int = 30
    per_chat: int = 1
    per_group: int = 20


TELEGRAM_LIMITS = FloodLimits()


class FloodControl:
    """Counts the bot's sends in sliding windows and refuses the ones over a limit.

    :param limits: what is allowed
    :param clock: seconds, monotonic
    """

    def __init__(
        self, limits: FloodLimits = TELEGRAM_LIMITS, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.limits = limits
        self.clock = clock
        self.refused = 0  # 429s answered, for the tests
        self._overall: collections.deque[float] = collections.deque()
        self._chats: dict[int, collections.deque[float]] = {}
        self._groups: dict[int, collections.deque[float]] = {}

    def admit(self, method: str, chat_id: int | None) -> None:
        """Count a send of ``method`` to ``chat_id``, or refuse it.

        :raises ApiError: 429 with ``retry_after``, the whole seconds until it would pass
        """
        if method not in SENDS:
            return
        now = self.clock()
        windows = [(self._overall, 1.0, self.limits.overall)]
        if chat_id is not None:
            windows.append(
                (self._chats.setdefault(chat_id, collections.deque()), 1.0, self.limits.per_chat)
            )
            if chat_id < 0:
                windows.append(
                    (
                        self._groups.setdefault(chat_id, collections.deque()),
                        60.0,
                        self.limits.per_group,
                    )
                )
        wait = 0.0
        for sent, span, limit in windows:
            while sent and sent[0] <= now - span:
                sent.popleft()
            if len(sent) >= limit:
                wait = max(wait, sent[len(sent) - limit] + span - now)
        if wait > 0:
            self.refused += 1
            retry_after = max(1, math.ceil(wait))
            raise ApiError(
                429, f"Too Many Requests: retry after {retry_after}", retry_after=retry_after
            )
        for sent, _, _ in windows:
            sent.append(now)
