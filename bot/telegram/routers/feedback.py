"""Buttons under answers and lists: 👍 / 👎, an article picked, «Связаться с оператором».

A button may come from an old message: the conversation has moved on, or the bot restarted.
Each button names its stored question (``attempt``), so the conversation it belongs to is
restored and the dialogue carries on from there, exactly as if the message were the last one.
"""

from __future__ import annotations

import contextlib

from aiogram import Bot, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Attempt, AttemptDecision, Customer
from bot.db.repo import get_attempt, record_vote
from bot.dialogue import Conversation, HandOver, Stage, Turn
from bot.serving.answers import Answers
from bot.serving.database import Database
from bot.serving.learning import Learning
from bot.serving.service_levels import ServiceLevels
from bot.telegram.callbacks import AskAgent, Pick, Vote
from bot.telegram.conversation import Position, load, save, send_reply
from bot.telegram.customers import Customers
from bot.telegram.desk.chat import AgentsChat
from bot.telegram.desk.suggestions import offer
from bot.telegram.filters import PrivateChat
from bot.telegram.intake import ask_again, hand_over
from bot.texts import Texts

__all__ = ["get_router"]


def get_router() -> Router:
    router = Router(name="feedback")
    router.callback_query.filter(PrivateChat())
    router.callback_query.register(vote, Vote.filter())
    router.callback_query.register(pick, Pick.filter())
    router.callback_query.register(ask_agent, AskAgent.filter())
    return router


async def _attempt_of(session: AsyncSession, attempt_id: int, customer: Customer) -> Attempt | None:
    """The customer's stored question behind a button, if it is theirs."""
    if attempt_id <= 0:
        return None
    attempt = await get_attempt(session, attempt_id)
    return attempt if attempt is not None and attempt.customer_id == customer.id else None


async def _drop_keyboard(bot: Bot, query: CallbackQuery) -> None:
    """Take the buttons off the message pressed, so that one vote cannot be cast twice."""
    if isinstance(query.message, Message) and query.message.reply_markup is not None:
        with contextlib.suppress(TelegramBadRequest):  # already gone (pressed twice)
            await bot.edit_message_reply_markup(
                chat_id=query.message.chat.id, message_id=query.message.message_id
            )


async def vote(
    query: CallbackQuery,
    callback_data: Vote,
    bot: Bot,
    state: FSMContext,
    raw_state: str | None,
    texts: Texts,
    answers: Answers,
    db: Database,
    customers: Customers,
    desk: ServiceLevels,
    learning: Learning,
    agents_chat: AgentsChat | None,
) -> None:
    article = answers.by_key(callback_data.article)
    if article is None:
        await query.answer(texts.plain("callback_outdated"))
        return
    position = await load(state)
    conversation = position.conversation
    current = (
        raw_state is None
        and position.attempt == callback_data.attempt
        and conversation.stage is Stage.FEEDBACK
        and conversation.article == article.id
    )
    async with db.transaction() as session:
        customer = await customers.of(session, query.from_user)
        question = conversation.question
        stored = await _attempt_of(session, callback_data.attempt, customer)
        if not current:
            question = stored.query_text if stored is not None else article.title
        await record_vote(
            session,
            customer=customer,
            query_text=question,
            article_id=article.id,
            helpful=callback_data.helpful,
            now=desk.clock,
        )
    await query.answer()
    await _drop_keyboard(bot, query)
    if callback_data.helpful and stored is not None and stored.decision is AttemptDecision.CLARIFY:
        # The bot was unsure and the customer found the answer in its list: their words
        # are worth teaching the article.
        await _suggest(learning, agents_chat, texts, db, article.id, stored.query_text)
    if raw_state is not None:
        return  # a form is being filled in: the vote is noted, the form goes on
    if not current:
        if callback_data.helpful:  # an old answer helped: nothing to continue
            await bot.send_message(query.from_user.id, texts.render("vote_thanks"))
            return
        ranking, _ = answers.search(question)
        conversation = Conversation(
            question=question,
            candidates=ranking.hits,
            shown=(article.id,),
            stage=Stage.FEEDBACK,
            article=article.id,
        )
    turn = answers.dialogue.vote(conversation, callback_data.helpful)
    await _carry_on(
        turn, callback_data.attempt, query, bot, state, texts, answers, db, customers, desk
    )


async def _suggest(
    learning: Learning,
    agents_chat: AgentsChat | None,
    texts: Texts,
    db: Database,
    article_id: str,
    question: str,
) -> None:
    suggested = await learning.suggest(article_id, question, source="выбор клиента 👍")
    if suggested is not None and suggested.created and agents_chat is not None:
        await offer(agents_chat, texts, db, suggested.suggestion)


async def pick(
    query: CallbackQuery,
    callback_data: Pick,
    bot: Bot,
    state: FSMContext,
    raw_state: str | None,
    texts: Texts,
    answers: Answers,
    db: Database,
    customers: Customers,
    desk: ServiceLevels,
) -> None:
    article = answers.by_key(callback_data.article)
    if article is None or raw_state is not None:
        await query.answer(texts.plain("callback_outdated"))
        return
    position = await load(state)
    conversation = position.conversation
    if (
        position.attempt == callback_data.attempt
        and conversation.stage is Stage.CHOICE
        and article.id in conversation.choices
    ):
        turn = answers.dialogue.choose(conversation, conversation.choices.index(article.id) + 1)
    else:
        question = article.title  # the /start menu: the title is the question
        if callback_data.attempt > 0:
            async with db.transaction() as session:
                customer = await customers.of(session, query.from_user)
                stored = await _attempt_of(session, callback_data.attempt, customer)
            question = stored.query_text if stored is not None else question
        ranking, _ = answers.search(question)
        listed = Conversation(
            question=question, candidates=ranking.hits, stage=Stage.CHOICE, choices=(article.id,)
        )
        turn = answers.dialogue.choose(listed, 1)
    await query.answer()
    await _carry_on(
        turn, callback_data.attempt, query, bot, state, texts, answers, db, customers, desk
    )


async def ask_agent(
    query: CallbackQuery,
    callback_data: AskAgent,
    bot: Bot,
    state: FSMContext,
    raw_state: str | None,
    texts: Texts,
    answers: Answers,
    db: Database,
    customers: Customers,
    desk: ServiceLevels,
) -> None:
    await query.answer()
    if raw_state is not None:  # already on the way to people: show where the form stands
        await ask_again(
            bot=bot, chat_id=query.from_user.id, state=state, raw_state=raw_state, texts=texts
        )
        return
    position = await load(state)
    conversation = position.conversation
    if position.attempt != callback_data.attempt or conversation.stage is Stage.IDLE:
        async with db.transaction() as session:
            customer = await customers.of(session, query.from_user)
            stored = await _attempt_of(session, callback_data.attempt, customer)
        shown = stored.chosen_article_id if stored is not None else None
        conversation = Conversation(
            question=stored.query_text if stored is not None else "",
            shown=(shown,) if shown is not None and answers.get(shown) is not None else (),
        )
    turn = answers.dialogue.hand_over(conversation, callback_data.reason)
    await _carry_on(turn, 0, query, bot, state, texts, answers, db, customers, desk)


async def _carry_on(
    turn: Turn,
    attempt: int,
    query: CallbackQuery,
    bot: Bot,
    state: FSMContext,
    texts: Texts,
    answers: Answers,
    db: Database,
    customers: Customers,
    desk: ServiceLevels,
) -> None:
    conversation, reply = turn
    if isinstance(reply, HandOver):
        await hand_over(
            reply,
            bot=bot,
            user=query.from_user,
            state=state,
            texts=texts,
            db=db,
            customers=customers,
            desk=desk,
        )
        return
    await save(state, Position(conversation, attempt))
    await send_reply(
        reply,
        bot=bot,
        chat_id=query.from_user.id,
        texts=texts,
        answers=answers,
        attempt=attempt,
    )
