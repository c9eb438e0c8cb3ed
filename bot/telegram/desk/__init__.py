"""The agents' desk in Telegram: a forum topic per ticket, the relay, commands, SLA, stats.

``build_agents_chat`` makes the :class:`AgentsChat` that ``build_app`` passes to handlers;
``get_router`` handles everything that happens in the agents' chat.
"""

from __future__ import annotations

from datetime import timedelta

from aiogram import Bot, Router

from bot.serving import Services
from bot.settings import Settings
from bot.telegram.desk import card, replies, stats, suggestions, ticket_commands, toolbox
from bot.telegram.desk.access import Gate
from bot.telegram.desk.callbacks import SuggestionDecision
from bot.telegram.desk.chat import AgentsChat, topic_link
from bot.telegram.desk.filters import InAgentsChat
from bot.telegram.desk.relay import Pacing, Relay
from bot.telegram.desk.sla_watch import SlaWatch
from bot.telegram.desk.topics import Topics

__all__ = ["AgentsChat", "build_agents_chat", "get_router", "topic_link"]


def build_agents_chat(
    settings: Settings, *, bot: Bot, services: Services, pacing: Pacing | None = None
) -> AgentsChat | None:
    """The desk for ``AGENTS_CHAT_ID``; ``None`` when it is not set.

    :param pacing: the outbound scheduler's wait for a chat; the relay joins a customer's
        messages into one post while the agents' group is short of budget
    """
    chat_id = settings.agents_chat_id
    if chat_id is None:
        return None
    db, texts, answers, clock = services.database, services.texts, services.answers, services.clock
    topics = Topics(bot, db, texts, answers, chat_id, clock=clock)
    relay = Relay(
        bot,
        db,
        texts,
        answers,
        topics,
        chat_id,
        signature=settings.agent_signature,
        clock=clock,
        retry_seconds=settings.relay_retry_seconds,
        pacing=pacing,
    )
    db.on_ticket_write(relay.kick)
    gate = Gate(bot, db, settings.roster(), chat_id, clock=clock)
    sla = SlaWatch(
        bot,
        db,
        texts,
        services.levels,
        chat_id,
        settings.roster(),
        remind_before=timedelta(minutes=settings.sla_reminder_minutes),
        interval=settings.sla_check_seconds,
        clock=clock,
    )
    return AgentsChat(bot, chat_id, topics, relay, gate, services.learning, texts, sla)


def get_router(chat_id: int) -> Router:
    """Every update of the agents' chat; nothing from it reaches the customers' routers."""
    router = Router(name="desk")
    inside = InAgentsChat(chat_id)
    router.message.filter(inside)
    router.edited_message.filter(inside)
    router.callback_query.filter(inside)
    router.callback_query.register(suggestions.decide, SuggestionDecision.filter())
    # Whatever is left in the agents' chat (General chatter, edits) is not for the bot.
    # A sub-router of its own, last: a router's own handlers run before its sub-routers'.
    rest = Router(name="desk.rest")
    rest.message.register(_ignore)
    rest.edited_message.register(_ignore)
    rest.callback_query.register(_ignore)
    router.include_routers(
        stats.get_router(chat_id),
        ticket_commands.get_router(),
        card.get_router(),
        toolbox.get_router(),
        replies.get_router(),
        rest,
    )
    return router


async def _ignore(*_: object) -> None:
    return None
