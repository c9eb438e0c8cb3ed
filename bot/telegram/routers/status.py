"""/status and «Мои заявки»: the customer's open tickets; /close and «Закрыть заявку»."""

from __future__ import annotations

from typing import Any

from aiogram import Bot, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message, User

from bot.db.models import Ticket
from bot.db.repo import close, get_open_ticket, list_tickets
from bot.serving import ServiceLevels, Services
from bot.telegram.callbacks import CloseTicket, MyTickets
from bot.telegram.customers import Customers
from bot.telegram.filters import PrivateChat
from bot.telegram.keyboards import close_keyboard
from bot.tickets import TicketStatus

__all__ = ["get_router", "status_row"]


def get_router() -> Router:
    router = Router(name="status")
    router.message.filter(PrivateChat())
    router.callback_query.filter(PrivateChat())
    router.message.register(show_status, Command("status"))
    router.callback_query.register(show_status_button, MyTickets.filter())
    router.message.register(close_command, Command("close"))
    router.callback_query.register(close_button, CloseTicket.filter())
    return router


def status_row(ticket: Ticket, levels: ServiceLevels) -> dict[str, Any]:
    """What /status shows of ``ticket`` (the ``status_list`` and ``ticket_waiting`` context)."""
    waiting_for_us = ticket.first_response_at is None and ticket.status in (
        TicketStatus.NEW,
        TicketStatus.IN_PROGRESS,
    )
    return {
        "number": ticket.number,
        "subject": ticket.question or ticket.what_happened,
        "status": ticket.status.label_ru,
        "priority": ticket.priority.label_ru.lower(),
        "age": levels.clock() - ticket.created_at,
        "due": ticket.first_response_due if waiting_for_us else None,
    }


async def _status(bot: Bot, user: User, services: Services, customers: Customers) -> None:
    texts = services.texts
    async with services.database.transaction() as session:
        customer = await customers.of(session, user)
        tickets = [t for t in await list_tickets(session, customer) if t.status.is_open]
    if not tickets:
        await bot.send_message(user.id, texts.render("status_empty"))
        return
    await bot.send_message(
        user.id,
        texts.render("status_list", tickets=[status_row(t, services.levels) for t in tickets]),
        reply_markup=close_keyboard(texts, [t.number for t in tickets]),
    )


async def show_status(message: Message, bot: Bot, services: Services, customers: Customers) -> None:
    if message.from_user is not None:
        await _status(bot, message.from_user, services, customers)


async def show_status_button(
    query: CallbackQuery, bot: Bot, services: Services, customers: Customers
) -> None:
    await query.answer()
    await _status(bot, query.from_user, services, customers)


async def _close(
    bot: Bot, user: User, number: int | None, services: Services, customers: Customers
) -> None:
    """Close the customer's open ticket (``number``: only if it is that one)."""
    async with services.database.transaction() as session:
        customer = await customers.of(session, user)
        ticket = await get_open_ticket(session, customer)
        if ticket is not None and number not in (None, ticket.number):
            ticket = None
        if ticket is not None:
            await close(session, ticket, now=services.clock)
    if ticket is None:
        await bot.send_message(user.id, services.texts.render("status_empty"))
    else:
        text = services.texts.render("ticket_closed_by_customer", number=ticket.number)
        await bot.send_message(user.id, text)


async def close_command(
    message: Message, bot: Bot, services: Services, customers: Customers
) -> None:
    if message.from_user is not None:
        await _close(bot, message.from_user, None, services, customers)


async def close_button(
    query: CallbackQuery,
    callback_data: CloseTicket,
    bot: Bot,
    services: Services,
    customers: Customers,
) -> None:
    await query.answer()
    await _close(bot, query.from_user, callback_data.number, services, customers)
