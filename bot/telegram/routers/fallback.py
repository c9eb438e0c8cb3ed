"""Whatever no other handler took: media outside the form, edits, buttons nobody knows.

A customer with an open ticket may send anything (a voice message, a photo of a scratch):
it goes to the ticket. Otherwise the bot says, politely, what it can read.
"""

from __future__ import annotations

from aiogram import Router
from aiogram.types import CallbackQuery, Message

from bot.serving import Services
from bot.telegram.customers import Customers
from bot.telegram.filters import PrivateChat
from bot.telegram.ticket_chat import deliver_to_ticket, store_edit

__all__ = ["get_router"]


def get_router() -> Router:
    router = Router(name="fallback")
    router.message.filter(PrivateChat())
    router.edited_message.filter(PrivateChat())
    router.callback_query.filter(PrivateChat())
    router.message.register(anything_else)
    router.edited_message.register(edited)
    router.callback_query.register(unknown_button)
    return router


async def anything_else(message: Message, services: Services, customers: Customers) -> None:
    if message.from_user is None:
        return
    texts = services.texts
    async with services.database.transaction() as session:
        customer = await customers.of(session, message.from_user)
        delivery = await deliver_to_ticket(session, customer, message, levels=services.levels)
    if delivery.ticket is None:
        await message.answer(texts.render("unsupported_content"))
    elif delivery.acknowledge:
        await message.answer(texts.render("message_added_to_ticket", number=delivery.ticket.number))


async def edited(message: Message, services: Services, customers: Customers) -> None:
    """An edit of a message in an open ticket goes to the agents; others are not re-read."""
    if message.from_user is None:
        return
    async with services.database.transaction() as session:
        customer = await customers.of(session, message.from_user)
        ticket = await store_edit(session, customer, message, levels=services.levels)
    if ticket is None:
        await message.answer(services.texts.render("edited_message"))


AGENT_COMMANDS = ("take", "assign", "priority", "line", "reopen", "kb", "canned", "note", "stats")
"""The desk's commands: a customer typing one gets a refusal, not a search."""


async def agent_command(message: Message, services: Services) -> None:
    await message.answer(services.texts.render("agents/refused", lead_only=False))


async def unknown_button(query: CallbackQuery, services: Services) -> None:
    await query.answer(services.texts.plain("callback_outdated"))
