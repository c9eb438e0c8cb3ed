"""A customer's text outside any form: a question for the knowledge base, a typed vote or
choice, a request for a person, or (while a ticket is open) a message for that ticket.

The dialogue decides; this handler stores what its turn says and sends its reply::

    dialogue_state.load(state)                    the conversation so far (FSM data)
    answers.dialogue.message(conversation, text, answers.search) -> turn
    records.record_turn(session, customer, turn)  the search as an attempt, the vote
    dialogue_state.save(state, turn.conversation) the conversation for the next update
    replies.send_reply(turn.reply)  |  intake.start_form(turn.reply)   a hand-over
"""

from __future__ import annotations

from aiogram import Bot, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import Message

from bot.dialogue import HandOver, Turn
from bot.serving import Services
from bot.serving.answers import QUESTION_LIMIT
from bot.telegram.customers import Customers
from bot.telegram.dialogue_state import Position, load, save
from bot.telegram.filters import HasText, PrivateChat
from bot.telegram.intake import start_form
from bot.telegram.records import record_turn
from bot.telegram.replies import send_reply
from bot.telegram.ticket_chat import deliver_to_ticket

__all__ = ["get_router"]


def get_router() -> Router:
    router = Router(name="question")
    router.message.filter(PrivateChat())
    router.message.register(ask, StateFilter(None), HasText())
    return router


async def ask(
    message: Message, bot: Bot, state: FSMContext, services: Services, customers: Customers
) -> None:
    text, texts, answers = (message.text or "").strip(), services.texts, services.answers
    if message.from_user is None:
        return
    if not text:
        await message.answer(texts.render("empty_message"))
        return
    position = await load(state)
    turn: Turn | None = None
    if len(text) <= QUESTION_LIMIT:
        turn = answers.dialogue.message(position.conversation, text, answers.search)
    attempt = position.attempt
    async with services.database.transaction() as session:
        customer = await customers.of(session, message.from_user)
        delivery = await deliver_to_ticket(session, customer, message, levels=services.levels)
        if delivery.ticket is None and turn is not None:
            attempt = await record_turn(
                session, customer, turn, attempt=attempt, clock=services.clock
            )
            if not isinstance(turn.reply, HandOver):
                # Stored with the attempt: one commit for both.
                await save(state, Position(turn.conversation, attempt))
    chat_id = message.chat.id
    if delivery.ticket is not None:
        if delivery.acknowledge:
            number = delivery.ticket.number
            await message.answer(texts.render("message_added_to_ticket", number=number))
    elif turn is None:
        await message.answer(texts.render("too_long", limit=QUESTION_LIMIT))
    elif isinstance(turn.reply, HandOver):
        await start_form(turn.reply, bot=bot, chat_id=chat_id, state=state, texts=texts)
    else:
        name = message.from_user.first_name
        await send_reply(
            turn.reply, bot=bot, chat_id=chat_id, services=services, attempt=attempt, name=name
        )
