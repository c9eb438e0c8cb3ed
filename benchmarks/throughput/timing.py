"""The emulator with a clock: who asked what when, and each question matched to its reply.

Every moment is taken on this process's clock as the emulator records the call, so end-to-end
and "bot" latencies need nothing from the bot's side.
"""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict
from dataclasses import dataclass, field

from bot.emulator import FakeUser, TelegramEmulator
from bot.emulator.recorder import Call, CallLog

DRAIN_S = 30.0


class TimedCallLog(CallLog):
    """The emulator's call log, with the moment each call was answered, and the bot's
    messages counted per chat.

    Waiting here costs nothing per call; the emulator's own ``next_bot_message`` rescans the
    whole log for every waiter at every call, which at thousands of calls and dozens of
    waiting customers makes the emulator, not the bot, the bottleneck.
    """

    def __init__(self) -> None:
        super().__init__()
        self.times: list[float] = []
        self.replies: dict[int, int] = defaultdict(int)
        self._waiters: dict[int, list[tuple[int, asyncio.Future[None]]]] = defaultdict(list)

    def record(self, call: Call) -> None:
        self.times.append(time.perf_counter())
        self.calls.append(call)  # CallLog.record would wake every wait_for; none is used here
        if call.method == "sendMessage" and call.message is not None:
            chat_id = call.message["chat"]["id"]
            self.replies[chat_id] += 1
            waiting = self._waiters[chat_id]
            for count, future in [w for w in waiting if w[0] <= self.replies[chat_id]]:
                waiting.remove((count, future))
                if not future.done():
                    future.set_result(None)

    async def wait_replies(self, chat_id: int, count: int, timeout: float) -> None:
        """Until the bot has sent ``count`` messages to ``chat_id``."""
        if self.replies[chat_id] >= count:
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters[chat_id].append((count, future))
        await asyncio.wait_for(future, timeout)


@dataclass
class Sent:
    chat_id: int
    update_id: int
    at: float


@dataclass
class Result:
    backend: str
    mode: str
    updates: int
    lost: int
    seconds: float
    end_to_end_ms: list[float] = field(default_factory=list)
    bot_ms: list[float] = field(default_factory=list)
    handler_ms: list[float] = field(default_factory=list)

    @property
    def per_second(self) -> float:
        return (self.updates - self.lost) / self.seconds if self.seconds else 0.0


class Telegram:
    """The emulator with timing, and the bookkeeping of who asked what when."""

    def __init__(self, token: str | None = None) -> None:
        self.emulator = TelegramEmulator(token=token) if token else TelegramEmulator()
        self.log = TimedCallLog()
        self.emulator.log = self.log
        self.sent: list[Sent] = []
        self.asked: dict[int, int] = defaultdict(int)  # questions per chat, one reply each

    def ask(self, user: FakeUser, text: str) -> None:
        self.asked[user.id] += 1
        self.emulator.send_text(user, user.private_chat, text)
        update_id = self.emulator.queue._pending[-1]["update_id"]  # the one just queued
        self.sent.append(Sent(user.id, update_id, time.perf_counter()))

    async def reply(self, user: FakeUser, timeout: float = DRAIN_S) -> None:
        """Until the bot has answered everything ``user`` asked so far."""
        await self.log.wait_replies(user.id, self.asked[user.id], timeout)

    def measure(self, backend: str, mode: str, calls: range, handled: dict[int, int]) -> Result:
        """Match each question to the reply in its chat (the k-th to the k-th).

        :param calls: the positions in the call log of this run's calls
        """
        delivered: dict[int, float] = {}
        replies: dict[int, list[float]] = defaultdict(list)
        log, times = self.log.calls, self.log.times
        for index in calls:
            call = log[index]
            if call.method == "getUpdates" and call.ok:
                for update in call.result:
                    delivered.setdefault(update["update_id"], times[index])
            elif call.method == "sendMessage" and call.message is not None:
                replies[call.message["chat"]["id"]].append(times[index])
        asked: dict[int, list[Sent]] = defaultdict(list)
        for sent in self.sent:
            asked[sent.chat_id].append(sent)
        result = Result(backend, mode, len(self.sent), 0, 0.0)
        last = max((t for chat in replies.values() for t in chat), default=0.0)
        first = min((s.at for s in self.sent), default=0.0)
        result.seconds = max(0.0, last - first)
        for chat_id, questions in asked.items():
            answers = replies.get(chat_id, [])
            result.lost += max(0, len(questions) - len(answers))
            for sent, answered in zip(questions, answers, strict=False):
                result.end_to_end_ms.append((answered - sent.at) * 1000)
                if sent.update_id in delivered:
                    result.bot_ms.append((answered - delivered[sent.update_id]) * 1000)
                if sent.update_id in handled:
                    result.handler_ms.append(handled[sent.update_id])
        return result
