"""Resolving a ticket from the desk: status, the customer's rating question, learning.

Shared by ``/close``, ``/status решена`` and the card's «Закрыть» button.
"""

from __future__ import annotations

import logging

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError

from bot.db.repo import get_ticket, resolve
from bot.serving.database import Database
from bot.serving.service_levels import ServiceLevels
from bot.telegram.csat import ask_csat
from bot.telegram.desk.chat import AgentsChat
from bot.telegram.desk.suggestions import offer
from bot.texts import Texts
from bot.tickets import TicketError, TicketStatus

__all__ = ["resolve_ticket"]

logger = logging.getLogger(__name__)


async def resolve_ticket(
    ticket_id: int,
    *,
    agent: str,
    bot: Bot,
    db: Database,
    desk: ServiceLevels,
    texts: Texts,
    agents_chat: AgentsChat,
) -> bool:
    """Mark the ticket solved, ask the customer to rate it, and learn from it.

    :returns: ``False`` if it was not open (nothing done)
    """
    async with db.transaction() as session:
        ticket = await get_ticket(session, ticket_id)
        if ticket is None or not ticket.status.is_open:
            return False
        try:
            await resolve(session, ticket, now=desk.clock)
        except TicketError:
            return False
    topic = ticket.topic_id
    await agents_chat.post(
        texts.render("agents/ticket_changed", change="resolved", agent=agent, value="", due=None),
        topic_id=topic,
    )
    await agents_chat.refresh(ticket.id)
    try:
        await ask_csat(bot, texts, chat_id=ticket.customer.chat_id, number=ticket.number)
    except TelegramAPIError as error:
        logger.warning("ticket #%s: rating question not sent: %s", ticket.number, error)
    if ticket.resolved_article_id and ticket.status is TicketStatus.RESOLVED:
        suggested = await agents_chat.learning.suggest(
            ticket.resolved_article_id,
            ticket.question,
            source=f"заявка №{ticket.number}",
            ticket_id=ticket.id,
        )
        if suggested is not None and suggested.created:
            await offer(agents_chat, texts, db, suggested.suggestion)
    return True
