"""An agent writing in a ticket's topic: the message goes to the customer, from the bot.

``//text`` stays an internal note. The first agent to answer takes a ticket nobody has and
puts a new one in work (:func:`bot.tickets.on_agent_reply`). A ticket that is no longer open
relays nothing (``/reopen`` first): after close, the customer talks to the bot again.
"""

from __future__ import annotations

from aiogram import Router
from aiogram.types import Message

from bot.db.repo import add_message, apply, get_ticket, state_of
from bot.serving import Services
from bot.telegram.desk.chat import AgentsChat
from bot.telegram.desk.context import at_ticket
from bot.telegram.desk.filters import InTopic
from bot.telegram.desk.notes import NOTE_PREFIX, store_note
from bot.telegram.stored_message import stored_fields
from bot.tickets import MessageDirection, on_agent_reply

__all__ = ["get_router"]

# Service messages (topic renamed, members joined...) are not the agent talking.
_SERVICE = frozenset(
    {
        "forum_topic_created",
        "forum_topic_edited",
        "forum_topic_closed",
        "forum_topic_reopened",
        "new_chat_members",
        "left_chat_member",
        "pinned_message",
    }
)


def get_router() -> Router:
    router = Router(name="desk.replies")
    router.message.register(agent_message, InTopic())
    return router


def _is_service(message: Message) -> bool:
    return any(getattr(message, kind, None) for kind in _SERVICE)


async def agent_message(message: Message, agents_chat: AgentsChat, services: Services) -> None:
    if message.from_user is None or message.from_user.is_bot or _is_service(message):
        return
    here = await at_ticket(message, agents_chat, services)
    if here is None:
        return
    if message.text is not None and message.text.startswith(NOTE_PREFIX):
        note = message.text[len(NOTE_PREFIX) :]
        await store_note(message, here.ticket, note, services=services)
        return
    if not here.ticket.status.is_open:
        await message.reply(services.texts.render("agents/topic_closed", number=here.ticket.number))
        return
    agent_id = message.from_user.id
    async with services.database.transaction() as session:
        ticket = await get_ticket(session, here.ticket.id)
        assert ticket is not None
        change = on_agent_reply(state_of(ticket), agent_id, services.clock())
        await add_message(
            session,
            ticket,
            direction=MessageDirection.OUT,
            **stored_fields(message, formatted=True).as_kwargs(),
            now=services.clock,
        )
        await apply(session, ticket, change, now=services.clock)
    if change:
        await agents_chat.refresh(here.ticket.id)
