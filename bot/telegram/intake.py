"""Questions handed to people: the ticket form's start, filing the ticket, adding to an open one.

A customer has at most one open ticket; anything they hand over while it is open is added to
it as a message instead of starting another form.
"""

from __future__ import annotations

from dataclasses import replace

from aiogram import Bot
from aiogram.fsm.context import FSMContext
from aiogram.types import Message, ReplyKeyboardRemove, User
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Customer, Ticket
from bot.db.repo import (
    AddedMessage,
    OpenedTicket,
    add_message,
    get_contact,
    get_open_ticket,
    open_ticket,
    set_status,
)
from bot.dialogue import Conversation, HandOver
from bot.serving.database import Database
from bot.serving.service_levels import ServiceLevels
from bot.telegram.callbacks import FormStep
from bot.telegram.customers import Customers
from bot.telegram.form import draft_from_data, draft_to_data, opening, prompt
from bot.telegram.states import form_state, form_step
from bot.texts import Texts
from bot.tickets import MessageDirection, TicketDraft, TicketStatus

__all__ = [
    "REMOVE_KEYBOARD",
    "add_to_ticket",
    "agent_engaged",
    "ask_again",
    "attachment_of",
    "file_ticket",
    "hand_over",
    "replied_to",
    "start_form",
    "ticket_created_text",
]


def attachment_of(message: Message) -> tuple[str, str] | None:
    """``(kind, file_id)`` of a media message, the largest size of a photo; else ``None``."""
    if message.photo:
        return "photo", message.photo[-1].file_id
    for kind in ("document", "video", "voice", "audio", "video_note", "animation", "sticker"):
        media = getattr(message, kind, None)
        if media is not None:
            return kind, media.file_id
    return None


def replied_to(message: Message) -> int | None:
    """The id of the message ``message`` replies to, if it really is a reply.

    In a forum topic every message "replies" to the topic's first message; that is not a
    reply anyone wrote.
    """
    reply = message.reply_to_message
    if reply is None:
        return None
    if message.is_topic_message and reply.message_id == message.message_thread_id:
        return None
    return reply.message_id


async def add_to_ticket(
    session: AsyncSession, ticket: Ticket, message: Message, *, desk: ServiceLevels
) -> AddedMessage:
    """Store a customer's message in their open ticket (once, however often it arrives).

    A ticket waiting for the customer goes back to work: they answered.
    """
    attachment = attachment_of(message)
    if ticket.status is TicketStatus.WAITING_CUSTOMER:
        await set_status(session, ticket, TicketStatus.IN_PROGRESS, now=desk.clock)
    return await add_message(
        session,
        ticket,
        direction=MessageDirection.IN,
        text=message.text if message.text is not None else message.caption,
        author_id=message.from_user.id if message.from_user else None,
        content_type=attachment[0] if attachment else "text",
        file_id=attachment[1] if attachment else None,
        source_chat_id=message.chat.id,
        source_message_id=message.message_id,
        reply_to_message_id=replied_to(message),
        now=desk.clock,
    )


def agent_engaged(ticket: Ticket) -> bool:
    """An agent has the ticket (took it or answered): the bot stays out of the conversation."""
    return ticket.assignee_id is not None or ticket.first_response_at is not None


async def start_form(
    hand_over: HandOver, *, bot: Bot, chat_id: int, state: FSMContext, texts: Texts
) -> None:
    """Ask the first question of the ticket form, with the draft the dialogue pre-filled."""
    draft = hand_over.draft
    await state.set_state(form_state(FormStep.WHAT))
    await state.update_data(
        draft=draft_to_data(draft), conversation=Conversation().as_dict(), attempt=0
    )
    question = prompt(FormStep.WHAT, draft, texts)
    intro = opening(hand_over, texts)
    text = f"{intro}\n\n{question.text}" if intro else question.text
    await bot.send_message(chat_id, text, reply_markup=question.markup)


async def hand_over(
    reply: HandOver,
    *,
    bot: Bot,
    user: User,
    state: FSMContext,
    texts: Texts,
    db: Database,
    customers: Customers,
    desk: ServiceLevels,
) -> None:
    """Start the ticket form, or add the question to the ticket the customer has open."""
    async with db.transaction() as session:
        customer = await customers.of(session, user)
        ticket = await get_open_ticket(session, customer)
        contact = await get_contact(session, customer)  # asked once, remembered
        if contact and not reply.draft.contact:
            reply = replace(reply, draft=replace(reply.draft, contact=contact))
        if ticket is not None and reply.draft.question:
            await add_message(
                session,
                ticket,
                direction=MessageDirection.IN,
                text=reply.draft.question,
                author_id=user.id,
                now=desk.clock,
            )
    if ticket is None:
        await start_form(reply, bot=bot, chat_id=user.id, state=state, texts=texts)
        return
    await state.update_data(conversation=Conversation().as_dict(), attempt=0)
    await bot.send_message(user.id, texts.render("message_added_to_ticket", number=ticket.number))


async def ask_again(
    *, bot: Bot, chat_id: int, state: FSMContext, raw_state: str | None, texts: Texts
) -> bool:
    """Repeat the form's current question; ``False`` if no form is being filled.

    A form whose data is unreadable (saved by an older version) is dropped: the customer
    starts again with a question rather than meeting an error at every message.
    """
    step = form_step(raw_state)
    if step is None:
        return False
    try:
        draft = draft_from_data((await state.get_data())["draft"])
    except (KeyError, TypeError, ValueError):
        await state.set_state(None)
        return False
    question = prompt(step, draft, texts)
    await bot.send_message(chat_id, question.text, reply_markup=question.markup)
    return True


async def file_ticket(
    session: AsyncSession, customer: Customer, draft: TicketDraft, *, desk: ServiceLevels
) -> OpenedTicket:
    """Open the ticket; if one is open already (opened meanwhile), add the draft to it."""
    opened = await open_ticket(
        session, customer, draft, policy=desk.policy, hours=desk.hours, now=desk.clock
    )
    if not opened.created:
        await add_message(
            session,
            opened.ticket,
            direction=MessageDirection.IN,
            text=draft.what_happened,
            author_id=customer.telegram_id,
            now=desk.clock,
        )
    return opened


def ticket_created_text(ticket: Ticket, *, desk: ServiceLevels, texts: Texts) -> str:
    """«Заявка №…, приоритет …, ответим в течение …», saying when agents see it after hours."""
    return texts.render(
        "ticket_created",
        number=ticket.number,
        priority=ticket.priority.label_ru.lower(),
        sla=desk.first_response(ticket.priority),
        opens_at=desk.seen_at(ticket.priority, ticket.created_at),
    )


REMOVE_KEYBOARD = ReplyKeyboardRemove()
"""Sent with the message that ends the form: the contact step's reply keyboard goes away."""
