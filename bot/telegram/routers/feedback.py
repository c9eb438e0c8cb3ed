"""Buttons under answers and lists: 👍 / 👎, an article picked, «Связаться с оператором».

A button may come from an old message: the conversation has moved on, or the bot restarted.
Each button names its stored question (``attempt``), so the dialogue resumes the conversation
it belongs to (:meth:`bot.dialogue.Dialogue.resume`) and carries on from there, exactly as if
the message were the last one. What the turn says is stored and sent, nothing more.
"""

from __future__ import annotations

from aiogram import Bot, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, User
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Attempt, AttemptDecision, Customer
from bot.db.repo import get_attempt
from bot.db.turns import record_turn
from bot.dialogue import Conversation, HandOver, Stage, Thanks, Turn
from bot.serving import Answers, Services
from bot.telegram.callbacks import AskAgent, Pick, Vote
from bot.telegram.customers import Customers
from bot.telegram.desk.chat import AgentsChat
from bot.telegram.desk.suggestions import offer
from bot.telegram.dialogue_state import Position, load, save
from bot.telegram.filters import PrivateChat
from bot.telegram.intake import ask_again, hand_over
from bot.telegram.replies import drop_buttons, send_reply
from kb.article import Article

__all__ = ["get_router"]


def get_router() -> Router:
    router = Router(name="feedback")
    router.callback_query.filter(PrivateChat())
    router.callback_query.register(vote, Vote.filter())
    router.callback_query.register(pick, Pick.filter())
    router.callback_query.register(ask_agent, AskAgent.filter())
    return router


async def vote(
    query: CallbackQuery,
    callback_data: Vote,
    bot: Bot,
    state: FSMContext,
    raw_state: str | None,
    services: Services,
    customers: Customers,
    agents_chat: AgentsChat | None,
) -> None:
    answers, attempt = services.answers, callback_data.attempt
    article = answers.by_key(callback_data.article)
    if article is None:
        await query.answer(services.texts.plain("callback_outdated"))
        return
    position = await load(state)
    # The conversation in hand, or an older one (the form's conversation is put aside).
    current = (
        raw_state is None
        and position.about(attempt)
        and position.conversation.awaits_vote(article.id)
    )
    async with services.database.transaction() as session:
        customer = await customers.of(session, query.from_user)
        stored = await _attempt_of(session, attempt, customer)
    # Resumed outside the transaction: rebuilding an old conversation searches again, and no
    # transaction (SQLite's write turn above all) waits on the encoder.
    conversation = (
        position.conversation
        if current
        else await _resumed(answers, stored, article, waiting=Stage.FEEDBACK)
    )
    # Off the loop: a 👎 may rank the question again by meaning (the encoder, tens of ms).
    turn = await answers.off_loop(answers.dialogue.vote, conversation, callback_data.helpful)
    async with services.database.transaction() as session:
        await record_turn(session, customer, turn, attempt=attempt, clock=services.clock)
    await query.answer()
    await drop_buttons(bot, query)
    if callback_data.helpful and stored is not None and _found_by_customer(stored, article.id):
        # The bot was unsure or wrong and the customer found the answer among its offers
        # (a list, the articles beside an answer, the next ones after a 👎): their words are
        # worth teaching the article.
        await _suggest(services, agents_chat, article.id, stored.query_text)
    if raw_state is not None:
        return  # a form is being filled in: the vote is noted, the form goes on
    if current or not isinstance(turn.reply, Thanks):
        await _carry_on(turn, attempt, query, bot, state, services, customers)
        return
    # An old answer helped: thank, and leave the conversation in hand as it is.
    await send_reply(turn.reply, bot=bot, chat_id=query.from_user.id, services=services, attempt=0)


async def pick(
    query: CallbackQuery,
    callback_data: Pick,
    bot: Bot,
    state: FSMContext,
    raw_state: str | None,
    services: Services,
    customers: Customers,
) -> None:
    answers = services.answers
    article = answers.by_key(callback_data.article)
    if article is None or raw_state is not None:
        await query.answer(services.texts.plain("callback_outdated"))
        return
    position = await load(state)
    conversation = position.conversation
    if not (position.about(callback_data.attempt) and conversation.lists(article.id)):
        stored = await _stored(services, customers, query.from_user, callback_data.attempt)
        conversation = await _resumed(answers, stored, article, waiting=Stage.CHOICE)
    turn = answers.dialogue.pick(conversation, article.id)
    await query.answer()
    await _carry_on(turn, callback_data.attempt, query, bot, state, services, customers)


async def ask_agent(
    query: CallbackQuery,
    callback_data: AskAgent,
    bot: Bot,
    state: FSMContext,
    raw_state: str | None,
    services: Services,
    customers: Customers,
) -> None:
    await query.answer()
    user, answers = query.from_user, services.answers
    if raw_state is not None:  # already on the way to people: show where the form stands
        texts = services.texts
        await ask_again(bot=bot, chat_id=user.id, state=state, raw_state=raw_state, texts=texts)
        return
    position = await load(state)
    conversation = position.conversation
    if not position.about(callback_data.attempt) or conversation.stage is Stage.IDLE:
        stored = await _stored(services, customers, user, callback_data.attempt)
        question, shown = (stored.query_text, stored.chosen_article_id) if stored else ("", None)
        conversation = await answers.off_loop(
            answers.dialogue.resume,
            question,
            waiting=Stage.IDLE,
            article=shown,
            search=answers.search,
        )
    turn = answers.dialogue.hand_over(conversation, callback_data.reason)
    await _carry_on(turn, callback_data.attempt, query, bot, state, services, customers)


async def _resumed(
    answers: Answers, stored: Attempt | None, article: Article, *, waiting: Stage
) -> Conversation:
    """The conversation the button's message was sent in; a /start menu button (no stored
    question) asked the article's title."""
    question = stored.query_text if stored is not None else article.title
    return await answers.off_loop(
        answers.dialogue.resume,
        question,
        waiting=waiting,
        article=article.id,
        search=answers.search,
    )


def _found_by_customer(stored: Attempt, article_id: str) -> bool:
    """Whether ``article_id`` helped where the bot had not answered with it on its own."""
    if stored.decision is AttemptDecision.CLARIFY:
        return True
    return stored.decision is AttemptDecision.ANSWER and stored.chosen_article_id != article_id


async def _attempt_of(session: AsyncSession, attempt_id: int, customer: Customer) -> Attempt | None:
    """The customer's stored question behind a button, if it is theirs."""
    if attempt_id <= 0:
        return None
    attempt = await get_attempt(session, attempt_id)
    return attempt if attempt is not None and attempt.customer_id == customer.id else None


async def _stored(
    services: Services, customers: Customers, user: User, attempt_id: int
) -> Attempt | None:
    """:func:`_attempt_of` in a transaction of its own; none for a button without one."""
    if attempt_id <= 0:
        return None
    async with services.database.transaction() as session:
        return await _attempt_of(session, attempt_id, await customers.of(session, user))


async def _suggest(
    services: Services, agents_chat: AgentsChat | None, article_id: str, question: str
) -> None:
    learning = services.learning
    suggested = await learning.suggest(article_id, question, source="выбор клиента 👍")
    if suggested is not None and suggested.created and agents_chat is not None:
        await offer(agents_chat, services.texts, services.database, suggested.suggestion)


async def _carry_on(
    turn: Turn,
    attempt: int,
    query: CallbackQuery,
    bot: Bot,
    state: FSMContext,
    services: Services,
    customers: Customers,
) -> None:
    """Keep the turn's conversation and show its reply, or hand the question over."""
    user = query.from_user
    if isinstance(turn.reply, HandOver):
        await hand_over(
            turn.reply,
            bot=bot,
            user=user,
            state=state,
            texts=services.texts,
            db=services.database,
            customers=customers,
            levels=services.levels,
        )
        return
    await save(state, Position(turn.conversation, attempt))
    await send_reply(turn.reply, bot=bot, chat_id=user.id, services=services, attempt=attempt)
