"""A customer's text outside any form: a question for the knowledge base, a typed vote or
choice, a request for a person, or (while a ticket is open) a message for that ticket."""

from __future__ import annotations

from typing import assert_never

from aiogram import Bot, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import AttemptDecision, Customer
from bot.db.repo import record_attempt, record_vote
from bot.dialogue import HandOver, Turn
from bot.policy import Answer, Clarify, Decision, Escalate
from bot.serving.answers import QUESTION_LIMIT, Answers
from bot.serving.database import Database
from bot.serving.service_levels import ServiceLevels
from bot.telegram.conversation import Position, load, save, send_reply, vote_in
from bot.telegram.customers import Customers
from bot.telegram.filters import HasText, PrivateChat
from bot.telegram.intake import start_form
from bot.telegram.ticket_chat import deliver_to_ticket
from bot.texts import Texts
from nlp.documents import Ranking

__all__ = ["get_router"]

_STORED_TOP = 5


def get_router() -> Router:
    router = Router(name="question")
    router.message.filter(PrivateChat())
    router.message.register(ask, StateFilter(None), HasText())
    return router


def _decision_of(decision: Decision) -> AttemptDecision:
    match decision:
        case Answer():
            return AttemptDecision.ANSWER
        case Clarify():
            return AttemptDecision.CLARIFY
        case Escalate():
            return AttemptDecision.ESCALATE
        case _:
            assert_never(decision)


async def _record_attempt(
    session: AsyncSession,
    customer: Customer,
    text: str,
    ranking: Ranking,
    decision: Decision,
    desk: ServiceLevels,
) -> int:
    stored = await record_attempt(
        session,
        customer=customer,
        query_text=text,
        decision=_decision_of(decision),
        confidence=decision.confidence,
        top_article_ids=[hit.doc_id for hit in ranking.hits[:_STORED_TOP]],
        chosen_article_id=decision.hit.doc_id if isinstance(decision, Answer) else None,
        now=desk.clock,
    )
    return stored.id


async def ask(
    message: Message,
    bot: Bot,
    state: FSMContext,
    texts: Texts,
    answers: Answers,
    db: Database,
    customers: Customers,
    desk: ServiceLevels,
) -> None:
    text = (message.text or "").strip()
    if message.from_user is None:
        return
    if not text:
        await message.answer(texts.render("empty_message"))
        return
    position = await load(state)
    searched: list[tuple[Ranking, Decision]] = []

    def search(question: str) -> tuple[Ranking, Decision]:
        searched.append(answers.search(question))
        return searched[-1]

    turn: Turn | None = None
    if len(text) <= QUESTION_LIMIT:
        turn = answers.dialogue.message(position.conversation, text, search)
    attempt = position.attempt
    async with db.transaction() as session:
        customer = await customers.of(session, message.from_user)
        delivery = await deliver_to_ticket(session, customer, message, desk=desk)
        ticket = delivery.ticket
        if ticket is None and turn is not None:
            if searched:
                attempt = await _record_attempt(session, customer, text, *searched[-1], desk)
            helpful = vote_in(position.conversation, turn.reply)
            if helpful is not None and position.conversation.article is not None:
                await record_vote(
                    session,
                    customer=customer,
                    query_text=position.conversation.question,
                    article_id=position.conversation.article,
                    helpful=helpful,
                    now=desk.clock,
                )
            if not isinstance(turn.reply, HandOver):
                # Stored with the attempt: one commit for both.
                await save(state, Position(turn.conversation, attempt))
    if ticket is not None:
        if delivery.acknowledge:
            await message.answer(texts.render("message_added_to_ticket", number=ticket.number))
        return
    if turn is None:
        await message.answer(texts.render("too_long", limit=QUESTION_LIMIT))
        return
    reply = turn.reply
    if isinstance(reply, HandOver):
        await start_form(reply, bot=bot, chat_id=message.chat.id, state=state, texts=texts)
        return
    await send_reply(
        reply, bot=bot, chat_id=message.chat.id, texts=texts, answers=answers, attempt=attempt
    )
