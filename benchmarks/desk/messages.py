"""The benchmark's messages: how each is worded, and where it was seen (Telegram, the database).

Texts carry their sender and number (``клиент 3: сообщение 17``), so a copy in a topic and a
row in ``ticket_messages`` are matched to what was sent by text alone.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.db.models import TicketMessage
from bot.emulator.recorder import Call, CallLog
from bot.tickets import MessageDirection

CUSTOMER_TEXT = re.compile(r"клиент (\d+): сообщение (\d+)")
AGENT_TEXT = re.compile(r"оператор: ответ (\d+)\.(\d+)")


def customer_text(customer: int, n: int) -> str:
    return f"клиент {customer}: сообщение {n}"


def agent_text(customer: int, n: int) -> str:
    return f"оператор: ответ {customer}.{n}"


@dataclass
class Copy:
    """One delivery of a benchmark text, as Telegram saw it: when, and where it landed."""

    at: float
    chat_id: int
    thread: int | None
    message_id: int
    position: int = 0
    """Its place in the post, when several texts were joined into one."""


class DeskLog(CallLog):
    """The emulator's call log, with the moment of each delivery of a benchmark text.

    ``wait_for`` (the form's ``next_bot_message``) scans each call once per waiter, not the
    whole log at every call as ``CallLog`` does: with every customer waiting at once, that
    rescanning made the emulator the bottleneck.
    """

    def __init__(self, agents_chat: int) -> None:
        super().__init__()
        self.agents_chat = agents_chat
        self.to_topics: dict[tuple[int, int], list[Copy]] = defaultdict(list)
        self.to_customers: dict[tuple[int, int], list[Copy]] = defaultdict(list)
        self.topics_created = 0
        self.last_delivery = time.time()

    def record(self, call: Call) -> None:
        super().record(call)
        if not call.ok:
            return
        if call.method == "createForumTopic":
            self.topics_created += 1
        message = call.message
        if message is None:
            return
        body = message.get("text") or message.get("caption") or ""
        chat_id = message["chat"]["id"]
        pattern, into = (
            (CUSTOMER_TEXT, self.to_topics)
            if chat_id == self.agents_chat
            else (AGENT_TEXT, self.to_customers)
        )
        # Several texts in one post: a customer's messages joined while the group was short.
        for position, found in enumerate(pattern.finditer(body)):
            now = time.time()
            key = (int(found[1]), int(found[2]))
            into[key].append(
                Copy(
                    now,
                    chat_id,
                    message.get("message_thread_id"),
                    message["message_id"],
                    position,
                )
            )
            self.last_delivery = now

    async def wait_for(self, predicate: Any, *, timeout: float, what: str) -> Call:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        index = 0
        while True:
            while index < len(self.calls):
                if index not in self._taken and predicate(self.calls[index]):
                    self._taken.add(index)
                    return self.calls[index]
                index += 1
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(self._explain(what, timeout))
            await self._recorded.wait(remaining)


Stored = dict[tuple[int, int], float]


async def stored_texts(reader: AsyncEngine) -> tuple[Stored, Stored]:
    """The customers' and the agents' benchmark messages stored as ticket messages, with the
    moment each row was made."""
    incoming: Stored = {}
    outgoing: Stored = {}
    async with reader.connect() as connection:
        rows = await connection.execute(
            select(TicketMessage.direction, TicketMessage.text, TicketMessage.created_at).where(
                TicketMessage.text.is_not(None)
            )
        )
        for direction, body, created in rows:
            pattern, into = (
                (CUSTOMER_TEXT, incoming)
                if direction is MessageDirection.IN
                else (AGENT_TEXT, outgoing)
            )
            found = pattern.fullmatch(body or "")
            if found is not None:
                if created.tzinfo is None:  # SQLite keeps no time zone; the bot writes UTC
                    created = created.replace(tzinfo=UTC)
                into[(int(found[1]), int(found[2]))] = created.timestamp()
    return incoming, outgoing
