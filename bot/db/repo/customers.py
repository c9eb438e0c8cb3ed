"""Customers: who wrote to the bot."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Customer
from bot.tickets import Clock, utc_now

__all__ = ["get_contact", "get_customer", "remember_contact", "upsert_customer"]


async def get_customer(session: AsyncSession, telegram_id: int) -> Customer | None:
    """The customer with this Telegram user id, if they have written before."""
    return await session.scalar(select(Customer).where(Customer.telegram_id == telegram_id))


async def upsert_customer(
    session: AsyncSession,
    *,
    telegram_id: int,
    chat_id: int,
    first_name: str = "",
    last_name: str | None = None,
    username: str | None = None,
    language_code: str | None = None,
    now: Clock = utc_now,
) -> Customer:
    """Create the customer on first contact, refresh their profile afterwards.

    Writes only when something changed, so calling it on every update is cheap.

    :param telegram_id: Telegram user id
    :param chat_id: the private chat the bot answers in
    """
    profile = {
        "chat_id": chat_id,
        "first_name": first_name,
        "last_name": last_name,
        "username": username,
        "language_code": language_code,
    }
    customer = await get_customer(session, telegram_id)
    if customer is None:
        moment = now()
        customer = Customer(
            telegram_id=telegram_id, created_at=moment, updated_at=moment, **profile
        )
        try:
            async with session.begin_nested():
                session.add(customer)
            return customer
        except IntegrityError:
            # The same user's first two updates raced; the other one created the row.
            customer = await get_customer(session, telegram_id)
            if customer is None:
                raise
    changed = {key: value for key, value in profile.items() if getattr(customer, key) != value}
    if changed:
        for key, value in changed.items():
            setattr(customer, key, value)
        customer.updated_at = now()
        await session.flush()
    return customer


async def remember_contact(
    session: AsyncSession, customer: Customer, contact: str | None, *, now: Clock = utc_now
) -> None:
    """Keep the contact the customer gave in a ticket form, for their next form.

    Written by id: ``customer`` may be a row remembered from an earlier session
    (:class:`bot.telegram.customers.Customers`), which is read, never changed.

    :param contact: the phone or e-mail; ``None`` or blank (the step was skipped) keeps the old
    """
    if contact and contact.strip():
        await session.execute(
            update(Customer)
            .where(Customer.id == customer.id, Customer.contact.is_distinct_from(contact))
            .values(contact=contact, updated_at=now())
        )


async def get_contact(session: AsyncSession, customer: Customer) -> str | None:
    """The contact remembered for ``customer`` (read afresh, not from a remembered row)."""
    return await session.scalar(select(Customer.contact).where(Customer.id == customer.id))
