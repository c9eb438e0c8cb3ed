"""Whatever no other handler took: media outside the form, edits, buttons nobody knows.

A customer with an open ticket may send anything (a voice message, a photo of a scratch):
it goes to the ticket. Otherwise the bot says, politely, what it can read.
"""

from __future__ import annotations

from aiogram import Router
from aiogram.types import CallbackQuery, Message

from bot.db.repo import get_open_ticket
from bot.telegram.customers import Customers
from bot.telegram.database import Database
from bot.telegram.desk import Desk
from bot.telegram.filters import PrivateChat
from bot.telegram.intake import add_to_ticket
from bot.texts import Texts

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


async def anything_else(
    message: Message, texts: Texts, db: Database, customers: Customers, desk: Desk
) -> None:
    if message.from_user is None:
        return
    async with db.transaction() as session:
        customer = await customers.of(session, message.from_user)
        ticket = await get_open_ticket(session, customer)
        if ticket is not None:
            await add_to_ticket(session, ticket, message, desk=desk)
    if ticket is not None:
        await message.answer(texts.render("message_added_to_ticket", number=ticket.number))
    else:
        await message.answer(texts.render("unsupported_content"))


async def edited(message: Message, texts: Texts) -> None:
    await message.answer(texts.render("edited_message"))


async def unknown_button(query: CallbackQuery, texts: Texts) -> None:
    await query.answer(texts.plain("callback_outdated"))
