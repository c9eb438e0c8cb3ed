"""A customer's message for their ticket: stored for the agents, and what the bot says back.

While the ticket is open, everything the customer sends goes to its topic. The bot
acknowledges it only until an agent takes the ticket or answers: after that the customer is
talking to a person, and the bot stays quiet. A reply to one of the agents' messages of a
resolved ticket reopens it: the problem is back.
"""

from __future__ import annotations

from aiogram.types import Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Customer, Ticket
from bot.db.repo import (
    TicketAlreadyOpen,
    add_message,
    apply,
    get_message_by_relay,
    get_open_ticket,
    state_of,
)
from bot.serving.service_levels import ServiceLevels
from bot.telegram.intake import add_to_ticket, agent_engaged
from bot.tickets import NOTICE_TYPES, MessageDirection, TicketError, TicketStatus, on_reopen

__all__ = ["TicketDelivery", "deliver_to_ticket", "store_edit"]


class TicketDelivery:
    """Where a customer's message went: the ticket (and whether to acknowledge), or nowhere."""

    def __init__(self, ticket: Ticket | None, *, reopened: bool = False) -> None:
        self.ticket = ticket
        self.reopened = reopened

    @property
    def acknowledge(self) -> bool:
        """Say «Добавили к заявке»: nobody from the desk is talking to the customer yet."""
        return self.ticket is not None and not agent_engaged(self.ticket)


async def deliver_to_ticket(
    session: AsyncSession, customer: Customer, message: Message, *, levels: ServiceLevels
) -> TicketDelivery:
    """Add ``message`` to the customer's open ticket, or reopen the resolved ticket it
    replies to; ``TicketDelivery(None)`` if it is not for a ticket (the bot answers it)."""
    ticket = await get_open_ticket(session, customer)
    if ticket is not None:
        await add_to_ticket(session, ticket, message, levels=levels)
        return TicketDelivery(ticket)
    reply = message.reply_to_message
    if reply is None:
        return TicketDelivery(None)
    relayed = await get_message_by_relay(session, message.chat.id, reply.message_id)
    if relayed is None or relayed.direction is not MessageDirection.OUT:
        return TicketDelivery(None)
    if relayed.content_type in NOTICE_TYPES:
        return TicketDelivery(None)  # the rating question has buttons of its own
    resolved = relayed.ticket
    if resolved.customer_id != customer.id or resolved.status is not TicketStatus.RESOLVED:
        return TicketDelivery(None)
    try:
        await apply(session, resolved, on_reopen(state_of(resolved)), now=levels.clock)
    except (TicketAlreadyOpen, TicketError):
        return TicketDelivery(None)
    await add_to_ticket(session, resolved, message, levels=levels)
    return TicketDelivery(resolved, reopened=True)


async def store_edit(
    session: AsyncSession, customer: Customer, message: Message, *, levels: ServiceLevels
) -> Ticket | None:
    """Relay the customer's edit of a message already in their open ticket."""
    ticket = await get_open_ticket(session, customer)
    if ticket is None:
        return None
    from bot.db.repo import get_message_by_source

    original = await get_message_by_source(session, message.chat.id, message.message_id)
    if original is None or original.ticket_id != ticket.id:
        return None
    text = message.text if message.text is not None else message.caption
    await add_message(
        session,
        ticket,
        direction=MessageDirection.IN,
        text=text or "",
        author_id=customer.telegram_id,
        content_type="edit",
        dedupe_key=f"edit:{message.chat.id}:{message.message_id}:{message.edit_date or 0}",
        edit_of=original,
        now=levels.clock,
    )
    return ticket
