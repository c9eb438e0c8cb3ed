"""A customer's message for their ticket: stored for the agents, and what the bot says back.

While the ticket is open, everything the customer sends goes to its topic. The bot
acknowledges it only until an agent takes the ticket or answers: after that the customer is
talking to a person, and the bot stays quiet. It acknowledges a run of messages once, not each
of them: a message that follows the customer's previous one within :data:`ACK_AGAIN_AFTER` is
stored without a word (twenty «Добавили к заявке» for twenty photos is noise, and Telegram
lets the bot send one message a second to a chat). A reply to one of the agents' messages of a
resolved ticket reopens it: the problem is back.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from aiogram.types import Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Customer, Ticket
from bot.db.repo import (
    TicketAlreadyOpen,
    add_message,
    apply,
    get_message_by_relay,
    get_open_ticket,
    last_customer_message_at,
    state_of,
)
from bot.serving.service_levels import ServiceLevels
from bot.telegram.intake import add_to_ticket, agent_engaged
from bot.tickets import NOTICE_TYPES, MessageDirection, TicketError, TicketStatus, on_reopen

__all__ = [
    "ACK_AGAIN_AFTER",
    "TicketDelivery",
    "deliver_to_ticket",
    "follows_previous",
    "in_a_run",
    "store_edit",
]

ACK_AGAIN_AFTER = timedelta(minutes=2)
"""A customer's message this soon after their previous one continues the same run."""


class TicketDelivery:
    """Where a customer's message went: the ticket (and whether to acknowledge), or nowhere.

    :param follows: the message continues a run of the customer's messages (acknowledged at
        its first)
    """

    def __init__(
        self, ticket: Ticket | None, *, reopened: bool = False, follows: bool = False
    ) -> None:
        self.ticket = ticket
        self.reopened = reopened
        self.follows = follows

    @property
    def acknowledge(self) -> bool:
        """Say «Добавили к заявке»: nobody from the desk is talking to the customer yet, and
        this message starts a run."""
        return self.ticket is not None and not agent_engaged(self.ticket) and not self.follows


def in_a_run(previous: datetime | None, now: datetime) -> bool:
    """Whether a message at ``now`` continues the run whose last message was at ``previous``.

    >>> from datetime import datetime, timedelta, timezone
    >>> t = datetime(2026, 12, 5, 12, 0, tzinfo=timezone.utc)
    >>> in_a_run(None, t), in_a_run(t, t + timedelta(seconds=30))
    (False, True)
    >>> in_a_run(t, t + timedelta(minutes=5))
    False
    """
    return previous is not None and now - previous < ACK_AGAIN_AFTER


async def follows_previous(session: AsyncSession, ticket: Ticket, now: datetime) -> bool:
    """The customer's message arriving ``now`` continues a run of theirs in ``ticket``."""
    return in_a_run(await last_customer_message_at(session, ticket), now)


async def deliver_to_ticket(
    session: AsyncSession, customer: Customer, message: Message, *, levels: ServiceLevels
) -> TicketDelivery:
    """Add ``message`` to the customer's open ticket, or reopen the resolved ticket it
    replies to; ``TicketDelivery(None)`` if it is not for a ticket (the bot answers it)."""
    ticket = await get_open_ticket(session, customer)
    if ticket is not None:
        follows = await follows_previous(session, ticket, levels.clock())
        await add_to_ticket(session, ticket, message, levels=levels)
        return TicketDelivery(ticket, follows=follows)
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
