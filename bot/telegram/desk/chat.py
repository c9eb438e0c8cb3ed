"""The agents' chat as the rest of the bot sees it: topics, the relay, the gate, learning.

``build_app`` makes one when ``AGENTS_CHAT_ID`` is set and hands it to every handler as
``agents_chat`` (``None`` without a desk: tickets are then stored and nothing is relayed).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError

from bot.serving.learning import Learning
from bot.telegram.desk.access import Gate
from bot.telegram.desk.links import topic_link
from bot.telegram.desk.relay import Relay
from bot.telegram.desk.sla_watch import SlaWatch
from bot.telegram.desk.topics import Topics
from bot.telegram.sending import send_text
from bot.texts import Texts

__all__ = ["AgentsChat", "topic_link"]

logger = logging.getLogger(__name__)


@dataclass
class AgentsChat:
    """Everything the bot does in the agents' supergroup."""

    bot: Bot
    chat_id: int
    topics: Topics
    relay: Relay
    gate: Gate
    learning: Learning
    texts: Texts
    sla: SlaWatch

    def start(self) -> None:
        """Start the background workers: the relay delivers what waits from before, the SLA
        watch sends what fell due meanwhile."""
        self.relay.start()
        self.sla.start()

    async def stop(self) -> None:
        await self.sla.stop()
        await self.relay.stop()

    async def post(self, text: str, *, topic_id: int | None = None, **kwargs: object) -> int | None:
        """Send to the chat (a topic, or General); ``None`` if Telegram refused."""
        try:
            return await send_text(
                self.bot, self.chat_id, text, message_thread_id=topic_id, **kwargs
            )
        except TelegramAPIError as error:
            logger.error("agents' chat: message not sent: %s", error)
            return None

    async def leads(self) -> list[dict[str, object]]:
        """The leads to mention: the allow-list's, and those the desk has seen as leads."""
        from bot.db.repo import list_agents
        from bot.desk.roles import AgentRole

        async with self.gate.db.transaction() as session:
            agents = await list_agents(session)
        names = {agent.telegram_id: agent.first_name for agent in agents}
        found = [a.telegram_id for a in agents if a.role is AgentRole.LEAD]
        ids = list(dict.fromkeys([*self.gate.roster.leads, *found]))
        return [{"id": uid, "name": names.get(uid)} for uid in ids]

    async def report_problems(self, problems: Sequence[str]) -> None:
        """A broken edit of the knowledge base (or its fix), told to the leads in General."""
        await self.post(
            self.texts.render(
                "agents/kb_problems", problems=list(problems), leads=await self.leads()
            )
        )

    async def refresh(self, ticket_id: int) -> None:
        with contextlib.suppress(TelegramAPIError):
            await self.topics.refresh(ticket_id)
