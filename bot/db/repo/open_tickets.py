"""Whether a Telegram user has a ticket open: the flood limit never drops what goes to one."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Customer, Ticket
from bot.tickets import OPEN_STATUSES

__all__ = ["has_open_ticket"]


async def has_open_ticket(session: AsyncSession, telegram_id: int) -> bool:
    """True if the customer with this Telegram id has a new, in-progress or waiting ticket."""
    query = (
        select(Ticket.id)
        .join(Customer, Ticket.customer_id == Customer.id)
        .where(Customer.telegram_id == telegram_id, Ticket.status.in_(OPEN_STATUSES))
        .limit(1)
    )
    return (await session.scalar(query)) is not None
