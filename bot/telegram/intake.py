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
    apply,
    get_contact,
    get_open_ticket,
    open_ticket,
    state_of,
)
from bot.dialogue import Conversation, HandOver
from bot.serving.database import Database
from bot.serving.service_levels import ServiceLevels
from bot.telegram.callbacks import FormStep
from bot.telegram.customers import Customers
from bot.telegram.form import draft_from_data, draft_to_data, opening, prompt
from bot.telegram.states import form_state, form_step
from bot.telegram.stored_message import attachment_of, replied_to, stored_fields
from bot.texts import Texts
from bot.tickets import MessageDirection, TicketDraft, on_customer_message

# attachment_of and replied_to live in bot.telegram.stored_message; named here too while
# routers/ticket_form.py still imports them from intake.
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


async def add_to_ticket(
    session: AsyncSession, ticket: Ticket, message: Message, *, levels: ServiceLevels
) -> AddedMessage:
    """Store a customer's message in their open ticket (once, however often it arrives).

    A ticket waiting for the customer goes back to work: they answered
    (:func:`bot.tickets.on_customer_message`).
    """
    await apply(session, ticket, on_customer_message(state_of(ticket)), now=levels.clock)
    return await add_message(
        session,
        ticket,
        direction=MessageDirection.IN,
        **stored_fields(message).as_kwargs(),
        now=levels.clock,
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
    levels: ServiceLevels,
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
                now=levels.clock,
            )
    if ticket is None:
        await start_form(reply, bot=bot, chat_id=user.id, state=state, texts=texts)
        return
    await state.update_data(conversation=Conversation().as_dict(), attempt=0)
    # As the question router and the terminal say it: a question joined the open ticket, or
    # (nothing asked yet) the ticket is already with the agents.
    name = "question_added_to_ticket" if reply.draft.question else "ticket_already_open"
    await bot.send_message(user.id, texts.render(name, number=ticket.number))


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
    session: AsyncSession, customer: Customer, draft: TicketDraft, *, levels: ServiceLevels
) -> OpenedTicket:
    """Open the ticket; if one is open already (opened meanwhile), add the draft to it."""
    opened = await open_ticket(
        session, customer, draft, policy=levels.policy, hours=levels.hours, now=levels.clock
    )
    if not opened.created:
        await add_message(
            session,
            opened.ticket,
            direction=MessageDirection.IN,
            text=draft.what_happened,
            author_id=customer.telegram_id,
            now=levels.clock,
        )
    return opened


def ticket_created_text(ticket: Ticket, *, levels: ServiceLevels, texts: Texts) -> str:
    """«Заявка №…, приоритет …, ответим в течение …», saying when agents see it after hours."""
    return texts.render(
        "ticket_created",
        number=ticket.number,
        priority=ticket.priority.label_ru.lower(),
        sla=levels.first_response(ticket.priority),
        opens_at=levels.seen_at(ticket.priority, ticket.created_at),
    )


REMOVE_KEYBOARD = ReplyKeyboardRemove()
"""Sent with the message that ends the form: the contact step's reply keyboard goes away."""
