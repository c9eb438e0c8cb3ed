"""Resolving a ticket from the desk: status, the customer's rating question, learning.

Shared by ``/close``, ``/status решена`` and the card's «Закрыть» button. The rating question
is stored with the resolution, in the same transaction, and the relay delivers it like an
agent's answer: a Telegram outage or a restart between the two cannot lose it.
"""

from __future__ import annotations

import logging

from bot.serving import Services
from bot.telegram.desk.changes import change_ticket
from bot.telegram.desk.chat import AgentsChat
from bot.telegram.desk.suggestions import offer
from bot.tickets import BotNotice, TicketError, TicketStatus, on_resolve

__all__ = ["resolve_ticket"]

logger = logging.getLogger(__name__)


async def resolve_ticket(
    ticket_id: int, *, agent: str, services: Services, agents_chat: AgentsChat
) -> bool:
    """Mark the ticket solved, ask the customer to rate it, and learn from it.

    :param agent: how the topic names the agent who resolved it
    :returns: ``False`` if it was not open (nothing done)
    """
    texts = services.texts
    try:
        ticket = await change_ticket(
            services, ticket_id, on_resolve, notice=BotNotice.CSAT_QUESTION
        )
    except TicketError:
        return False
    await agents_chat.post(
        texts.render("agents/ticket_changed", change="resolved", agent=agent, value="", due=None),
        topic_id=ticket.topic_id,
    )
    await agents_chat.refresh(ticket.id)
    if ticket.resolved_article_id and ticket.status is TicketStatus.RESOLVED:
        suggested = await agents_chat.learning.suggest(
            ticket.resolved_article_id,
            ticket.question,
            source=texts.plain("agents/learning_source", number=ticket.number),
            ticket_id=ticket.id,
        )
        if suggested is not None and suggested.created:
            await offer(agents_chat, texts, services.database, suggested.suggestion)
    return True
