"""An agent writing in a ticket's topic: the message goes to the customer, from the bot.

``//text`` stays an internal note. The first agent to answer takes a ticket nobody has and
puts a new one in work. A ticket that is no longer open relays nothing (``/reopen`` first):
after close, the customer talks to the bot again.
"""

from __future__ import annotations

from aiogram import Router
from aiogram.types import Message

from bot.db.repo import add_message, assign, get_ticket, set_status
from bot.serving.database import Database
from bot.serving.service_levels import ServiceLevels
from bot.telegram.desk.chat import AgentsChat
from bot.telegram.desk.context import at_ticket
from bot.telegram.desk.filters import InTopic
from bot.telegram.desk.ticket_commands import store_note
from bot.telegram.intake import attachment_of, replied_to
from bot.texts import Texts
from bot.tickets import MessageDirection, TicketStatus

__all__ = ["NOTE_PREFIX", "get_router"]

NOTE_PREFIX = "//"

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


async def agent_message(
    message: Message, agents_chat: AgentsChat, db: Database, desk: ServiceLevels, texts: Texts
) -> None:
    if message.from_user is None or message.from_user.is_bot or _is_service(message):
        return
    here = await at_ticket(message, agents_chat, db, texts)
    if here is None:
        return
    text = message.text if message.text is not None else message.caption
    if message.text is not None and message.text.startswith(NOTE_PREFIX):
        await store_note(message, here.ticket, message.text[len(NOTE_PREFIX) :], db=db, desk=desk)
        return
    if not here.ticket.status.is_open:
        await message.reply(texts.render("agents/topic_closed", number=here.ticket.number))
        return
    attachment = attachment_of(message)
    # The agent's formatting travels as HTML (bold, links, code): html_text escapes the rest.
    html = message.html_text if text is not None else None
    async with db.transaction() as session:
        ticket = await get_ticket(session, here.ticket.id)
        assert ticket is not None
        await add_message(
            session,
            ticket,
            direction=MessageDirection.OUT,
            text=html,
            author_id=message.from_user.id,
            content_type=attachment[0] if attachment else "text",
            file_id=attachment[1] if attachment else None,
            source_chat_id=message.chat.id,
            source_message_id=message.message_id,
            reply_to_message_id=replied_to(message),
            now=desk.clock,
        )
        changed = False
        if ticket.assignee_id is None:
            await assign(session, ticket, message.from_user.id, now=desk.clock)
            changed = True
        if ticket.status in (TicketStatus.NEW, TicketStatus.WAITING_CUSTOMER):
            # An answer puts a new ticket in work; the agent sets "ожидает клиента" by command.
            if ticket.status is TicketStatus.NEW:
                await set_status(session, ticket, TicketStatus.IN_PROGRESS, now=desk.clock)
                changed = True
    if changed or here.ticket.first_response_at is None:
        await agents_chat.refresh(here.ticket.id)
