"""The ticket card's buttons: «🙋 Взять себе» and «✅ Закрыть»."""

from __future__ import annotations

from aiogram import Router
from aiogram.types import CallbackQuery

from bot.db.repo import get_ticket_by_number
from bot.serving import Services
from bot.telegram.desk.callbacks import DeskAction
from bot.telegram.desk.changes import change_ticket
from bot.telegram.desk.chat import AgentsChat
from bot.telegram.desk.context import display_name
from bot.telegram.desk.resolution import resolve_ticket
from bot.tickets import TicketNotOpen, on_take

__all__ = ["get_router"]


def get_router() -> Router:
    router = Router(name="desk.card")
    router.callback_query.register(card_button, DeskAction.filter())
    return router


async def card_button(
    query: CallbackQuery,
    callback_data: DeskAction,
    agents_chat: AgentsChat,
    services: Services,
) -> None:
    """«Взять себе» / «Закрыть» on the ticket card."""
    texts = services.texts
    role = await agents_chat.gate.admit(query.from_user)
    if role is None:
        await query.answer(texts.plain("callback_refused", lead_only=False), show_alert=True)
        return
    async with services.database.transaction() as session:
        ticket = await get_ticket_by_number(session, callback_data.number)
    if ticket is None or not ticket.status.is_open:
        await query.answer(texts.plain("callback_outdated"))
        return
    await query.answer()
    agent = display_name(query.from_user)
    if callback_data.action == "take":
        try:
            await change_ticket(services, ticket.id, lambda s: on_take(s, query.from_user.id))
        except TicketNotOpen:
            return
        await agents_chat.post(
            texts.render("agents/ticket_changed", change="taken", agent=agent, value="", due=None),
            topic_id=ticket.topic_id,
        )
        await agents_chat.refresh(ticket.id)
    elif callback_data.action == "close":
        await resolve_ticket(ticket.id, agent=agent, services=services, agents_chat=agents_chat)
