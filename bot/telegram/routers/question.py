"""A customer's text outside any form: a question for the knowledge base, a typed vote or
choice, small talk, a request for a person, or a message for their open ticket.

The dialogue decides; this handler stores what its turn says and sends its reply::

    dialogue_state.load(state)                    the conversation so far (FSM data)
    answers.dialogue.message(conversation, text, answers.search, open_ticket) -> turn
    turns.record_turn(session, customer, turn)    the search as an attempt, the vote
    dialogue_state.save(state, turn.conversation) the conversation for the next update
    replies.send_reply(turn.reply)  |  intake.start_form(turn.reply)   a hand-over

One ticket per problem: while a ticket is open and no agent has taken it, a question is asked
about first («Это про заявку №1001 или новый вопрос?», two buttons or a typed «1» / «2»),
before any search or form. A message to an agent who is on the ticket (or a reply to one of
their messages) goes to the ticket at once: the customer is talking to a person. A new question
that needs people while the ticket is open is added to it, said so, without a second form (the
desk keeps one open ticket per customer).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from aiogram import Bot, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message, User
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Customer, Ticket
from bot.db.repo import add_message, get_contact, get_open_ticket
from bot.db.turns import record_turn
from bot.dialogue import (
    AddToTicket,
    AskAboutTicket,
    Conversation,
    HandOver,
    Remark,
    Stage,
    Turn,
)
from bot.serving import Services
from bot.serving.answers import QUESTION_LIMIT
from bot.telegram.callbacks import AboutTicket
from bot.telegram.customers import Customers
from bot.telegram.dialogue_state import Position, as_data, load, save
from bot.telegram.filters import HasText, PrivateChat, SlashCommand
from bot.telegram.intake import add_to_ticket, agent_engaged, replied_to, start_form
from bot.telegram.keyboards import about_ticket_keyboard, close_keyboard
from bot.telegram.replies import drop_buttons, send_reply
from bot.telegram.routers.status import status_row
from bot.telegram.sending import send_text
from bot.telegram.ticket_chat import TicketDelivery, deliver_to_ticket, follows_previous
from bot.tickets import MessageDirection

__all__ = ["ask_anew", "get_router"]

PENDING = "pending"
"""FSM data key: ``[chat_id, message_id]`` of the message asked about, so that «про заявку»
adds the message itself (the agents see it copied, photo captions and all)."""


def get_router() -> Router:
    router = Router(name="question")
    router.message.filter(PrivateChat())
    router.callback_query.filter(PrivateChat())
    router.message.register(unknown_command, StateFilter(None), SlashCommand())
    router.message.register(ask, StateFilter(None), HasText())
    router.callback_query.register(about_ticket_button, AboutTicket.filter())
    return router


@dataclass
class _Said:
    """What the turn leaves to send once its transaction is committed."""

    turn: Turn
    attempt: int
    ticket: int | None = None  # the open ticket's number, for the texts about it
    follows: bool = False  # a message that continues a run of the customer's: no «Добавили»
    status: dict[str, Any] | None = None  # where the ticket stands, for «когда ответите?»


async def ask(
    message: Message, bot: Bot, state: FSMContext, services: Services, customers: Customers
) -> None:
    text, texts = (message.text or "").strip(), services.texts
    if message.from_user is None:
        return
    if not text:
        await message.answer(texts.render("empty_message"))
        return
    position = await load(state)
    said: _Said | None = None
    customer, ticket, delivery = await _deliver(message, message.from_user, services, customers)
    if delivery.ticket is None and len(text) <= QUESTION_LIMIT:
        # Searched outside any transaction: none (SQLite's write turn above all) waits on
        # the encoder, and the event loop serves other chats meanwhile.
        turn = await _turn(services, position.conversation, text, ticket)
        async with services.database.transaction() as session:
            ticket = await _ticket_for(session, customer, turn)
            said = await _settle(
                session, customer, ticket, turn, position.attempt, state, services, message
            )
    if delivery.ticket is not None:
        if delivery.acknowledge:
            number = delivery.ticket.number
            await message.answer(texts.render("message_added_to_ticket", number=number))
    elif said is None:
        await message.answer(texts.render("too_long", limit=QUESTION_LIMIT))
    else:
        await _send(said, bot, message.from_user, state, services)


async def ask_anew(
    text: str, bot: Bot, user: User, state: FSMContext, services: Services, customers: Customers
) -> None:
    """``text`` as a new question of a chat outside any form: the customer said so of a
    question typed in the ticket form («Новый вопрос»), which has been left."""
    position = await load(state)
    async with services.database.transaction() as session:
        customer = await customers.of(session, user)
        ticket = await get_open_ticket(session, customer)
    turn = await _turn(services, position.conversation, text, ticket)
    async with services.database.transaction() as session:
        ticket = await _ticket_for(session, customer, turn)
        said = await _settle(session, customer, ticket, turn, position.attempt, state, services)
    await _send(said, bot, user, state, services)


async def _turn(
    services: Services, conversation: Conversation, text: str, ticket: Ticket | None
) -> Turn:
    """The dialogue's turn on ``text``, searched in a worker thread; ``ticket``: the
    customer's open one, whose number and tried articles the dialogue weighs."""
    answers = services.answers
    number, tried = (ticket.number, ticket.tried or ()) if ticket is not None else (None, ())
    return await answers.off_loop(
        answers.dialogue.message, conversation, text, answers.search, number, answers.screen, tried
    )


async def unknown_command(message: Message, services: Services, command: str) -> None:
    """A command the bot does not have (``/menu``, ``/settings``): say which ones it has,
    rather than search the word or hand it to people."""
    await message.answer(services.texts.render("unknown_command", command=command))


async def _deliver(
    message: Message, user: User, services: Services, customers: Customers
) -> tuple[Customer, Ticket | None, TicketDelivery]:
    """The customer, their open ticket, and whether ``message`` went to a ticket.

    A known customer's message that replies to nothing goes to a ticket only if an agent is
    on it: the common case, a question, costs one read and no transaction. Anything else
    (a new customer, a reply that may reopen a ticket, a message for the agent) is stored in
    one transaction.
    """
    known = customers.known(user)
    if known is not None and message.reply_to_message is None:
        async with services.database.reading() as session:
            ticket = await get_open_ticket(session, known)
        if ticket is None or not agent_engaged(ticket):
            return known, ticket, TicketDelivery(None)
    async with services.database.transaction() as session:
        customer = await customers.of(session, user)
        ticket = await get_open_ticket(session, customer)
        if ticket is None and message.reply_to_message is None:
            delivery = TicketDelivery(None)  # no ticket to add it to, none to reopen
        elif ticket is None or agent_engaged(ticket) or replied_to(message) is not None:
            delivery = await deliver_to_ticket(session, customer, message, levels=services.levels)
        else:
            delivery = TicketDelivery(None)
    return customer, ticket, delivery


async def about_ticket_button(
    query: CallbackQuery,
    callback_data: AboutTicket,
    bot: Bot,
    state: FSMContext,
    raw_state: str | None,
    services: Services,
    customers: Customers,
) -> None:
    """«Про заявку №…» or «Новый вопрос» under the question about a message."""
    position = await load(state)
    conversation = position.conversation
    asked = conversation.stage is Stage.TICKET and conversation.ticket == callback_data.number
    if raw_state is not None or not asked:
        await query.answer(services.texts.plain("callback_outdated"))
        return
    await query.answer()
    await drop_buttons(bot, query)
    answers = services.answers
    turn = await answers.off_loop(
        answers.dialogue.about_ticket, conversation, callback_data.about, answers.search
    )
    async with services.database.transaction() as session:
        customer = await customers.of(session, query.from_user)
        ticket = await _ticket_for(session, customer, turn)
        said = await _settle(session, customer, ticket, turn, position.attempt, state, services)
    await _send(said, bot, query.from_user, state, services)


async def _ticket_for(session: AsyncSession, customer: Customer, turn: Turn) -> Ticket | None:
    """The open ticket, read again after the search, if what the turn does depends on it.

    Only a message for the ticket and a hand-over do (the ticket may have closed, or been
    opened, while the question was searched); an answer or a list of choices does not, and
    is stored without the read.
    """
    if isinstance(turn.reply, (AddToTicket, HandOver)):
        return await get_open_ticket(session, customer)
    return None


async def _settle(
    session: AsyncSession,
    customer: Customer,
    ticket: Ticket | None,
    turn: Turn,
    attempt: int,
    state: FSMContext,
    services: Services,
    message: Message | None = None,
) -> _Said:
    """Store what ``turn`` says, in the update's transaction; what is left to send.

    :param message: the message the turn is about, if it came with one (not a button)
    """
    reply = turn.reply
    if isinstance(reply, AddToTicket):
        if ticket is None:  # closed meanwhile: then it is a new question after all
            # Searched off the event loop like any question (a rare race: the transaction
            # waits the tens of ms, the other chats do not).
            turn = await _turn(services, Conversation(), reply.text, None)
            return await _settle(session, customer, None, turn, attempt, state, services)
        follows = False
        if message is not None and (message.text or "").strip() == reply.text:
            follows = await follows_previous(session, ticket, services.clock())
            await add_to_ticket(session, ticket, message, levels=services.levels)
        else:  # the message asked about earlier (the customer chose «про заявку»: say so)
            chat_id, message_id = _source((await state.get_data()).get(PENDING))
            await add_message(
                session,
                ticket,
                direction=MessageDirection.IN,
                text=reply.text,
                author_id=customer.telegram_id,
                source_chat_id=chat_id,
                source_message_id=message_id,
                now=services.clock,
            )
        await save(state, Position(turn.conversation))
        status = status_row(ticket, services.levels) if reply.remark is Remark.WAITING else None
        return _Said(turn, 0, ticket.number, follows=follows, status=status)
    attempt = await record_turn(session, customer, turn, attempt=attempt, clock=services.clock)
    if not isinstance(reply, HandOver):
        # One write (the storage sees its own writes only after the commit), one commit with
        # the attempt; the message asked about is kept for «про заявку».
        pending = (
            {PENDING: [message.chat.id, message.message_id]}
            if isinstance(reply, AskAboutTicket) and message is not None
            else {}
        )
        await state.update_data({**as_data(Position(turn.conversation, attempt)), **pending})
        return _Said(turn, attempt, ticket.number if ticket is not None else None)
    if ticket is not None:
        if reply.draft.question:
            await add_message(
                session,
                ticket,
                direction=MessageDirection.IN,
                text=reply.draft.what_happened,
                author_id=customer.telegram_id,
                now=services.clock,
            )
        await save(state, Position(Conversation()))
        return _Said(turn, 0, ticket.number)
    contact = await get_contact(session, customer)  # asked once, remembered
    if contact and not reply.draft.contact:
        turn = replace(turn, reply=replace(reply, draft=replace(reply.draft, contact=contact)))
    return _Said(turn, attempt)


def _source(pending: Any) -> tuple[int | None, int | None]:
    """``(chat_id, message_id)`` of the message asked about, if the FSM data holds them."""
    if isinstance(pending, list) and len(pending) == 2 and all(isinstance(i, int) for i in pending):
        return pending[0], pending[1]
    return None, None


async def _send(said: _Said, bot: Bot, user: User, state: FSMContext, services: Services) -> None:
    texts, reply, chat_id = services.texts, said.turn.reply, user.id
    match reply:
        case AskAboutTicket(number=number):
            keyboard = about_ticket_keyboard(texts, number)
            text = texts.render("ask_about_ticket", number=number)
            await send_text(bot, chat_id, text, reply_markup=keyboard)
        case AddToTicket(remark=Remark.WAITING) if said.status is not None:
            await send_text(bot, chat_id, texts.render("ticket_waiting", ticket=said.status))
        case AddToTicket(number=number, remark=Remark.SOLVED):
            text = texts.render("ticket_solved", number=number)
            await send_text(bot, chat_id, text, reply_markup=close_keyboard(texts, [number]))
        case AddToTicket(number=number) if not said.follows:
            await send_text(bot, chat_id, texts.render("message_added_to_ticket", number=number))
        case AddToTicket():
            pass  # the run's first message was acknowledged
        case HandOver() if said.ticket is not None:
            name = "question_added_to_ticket" if reply.draft.question else "ticket_already_open"
            await send_text(bot, chat_id, texts.render(name, number=said.ticket))
        case HandOver():
            await start_form(reply, bot=bot, chat_id=chat_id, state=state, texts=texts)
        case _:
            await send_reply(
                reply,
                bot=bot,
                chat_id=chat_id,
                services=services,
                attempt=said.attempt,
                name=user.first_name,
            )
