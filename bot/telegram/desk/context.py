"""What every desk handler starts with: is this an agent, and which ticket is this topic."""

from __future__ import annotations

from dataclasses import dataclass

from aiogram.types import Message, User

from bot.db.models import Ticket
from bot.db.repo import get_ticket_by_topic
from bot.desk.commands import CommandError
from bot.desk.periods import ACCEPTED_PERIODS, UnknownPeriod
from bot.desk.roles import AgentRole
from bot.serving import Services
from bot.telegram.desk.chat import AgentsChat
from bot.texts import Texts

__all__ = ["AtTicket", "admit", "at_ticket", "display_name", "refusal"]


@dataclass(frozen=True)
class AtTicket:
    role: AgentRole
    ticket: Ticket


def display_name(user: User) -> str:
    """How the desk names an agent in the topic: first name, and @username if any."""
    return f"{user.first_name} (@{user.username})" if user.username else user.first_name


async def admit(
    message: Message, agents_chat: AgentsChat, texts: Texts, *, lead_only: bool = False
) -> AgentRole | None:
    """The sender's role, or ``None`` after telling them they may not (nothing else happens)."""
    role = await agents_chat.gate.admit(message.from_user)
    if role is None or (lead_only and role is not AgentRole.LEAD):
        await message.reply(texts.render("agents/refused", lead_only=role is not None))
        return None
    return role


async def at_ticket(
    message: Message, agents_chat: AgentsChat, services: Services
) -> AtTicket | None:
    """The agent and the ticket of the topic the message is in; ``None`` if either is not."""
    role = await admit(message, agents_chat, services.texts)
    if role is None:
        return None
    ticket = None
    if message.is_topic_message and message.message_thread_id is not None:
        async with services.database.transaction() as session:
            ticket = await get_ticket_by_topic(session, message.message_thread_id)
    if ticket is None:
        await message.reply(refusal(services.texts, "not_in_topic"))
        return None
    return AtTicket(role, ticket)


def refusal(texts: Texts, reason: str | CommandError, **context: object) -> str:
    """Why a desk command did nothing (``agents/command_error.j2``).

    :param reason: one of the template's reasons, or an argument the command could not take
    :param context: what the reason's sentence needs, e.g. ``number=1042``
    """
    if isinstance(reason, UnknownPeriod):
        context = {"value": reason.value, "accepted": list(ACCEPTED_PERIODS), **context}
    if isinstance(reason, CommandError):
        reason = reason.reason
    return texts.render("agents/command_error", reason=reason, **context)
