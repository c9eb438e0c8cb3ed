"""The customer's rating of a resolved ticket (1-5 buttons), then an optional comment.

The comment is invited, never required: a message that asks something (the knowledge base
has an answer for it, or it is a question by its form: «?», «как…») is a new question and
goes to the dialogue, not into the rating; and the invitation lapses after
:data:`COMMENT_WINDOW`, after which a message is whatever it is, never swallowed as a comment.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from aiogram import Bot, F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message, User

from bot.db.models import Ticket
from bot.db.repo import get_ticket_by_number, set_csat
from bot.dialogue import looks_like_question
from bot.policy import Answer
from bot.serving import Services
from bot.telegram.callbacks import CsatScore, CsatSkip
from bot.telegram.customers import Customers
from bot.telegram.filters import HasText, PrivateChat
from bot.telegram.keyboards import csat_skip_keyboard
from bot.telegram.replies import drop_buttons
from bot.telegram.routers.question import ask
from bot.telegram.states import CsatForm

__all__ = ["get_router"]

COMMENT_LIMIT = 4096
COMMENT_WINDOW = timedelta(minutes=5)
"""How long after the score a message is taken as its comment."""


def get_router() -> Router:
    router = Router(name="csat")
    router.message.filter(PrivateChat())
    router.callback_query.filter(PrivateChat())
    router.callback_query.register(score_button, CsatScore.filter(F.score.in_(range(1, 6))))
    router.callback_query.register(skip_button, CsatSkip.filter())
    router.message.register(comment, StateFilter(CsatForm.comment), HasText())
    router.message.register(not_a_comment, StateFilter(CsatForm.comment))
    return router


async def _rate(
    services: Services,
    customers: Customers,
    user: User,
    number: int,
    score: int,
    comment: str | None = None,
) -> Ticket | None:
    """Store the rating of the customer's ticket ``number``; ``None`` if it is not theirs."""
    async with services.database.transaction() as session:
        customer = await customers.of(session, user)
        ticket = await get_ticket_by_number(session, number)
        if ticket is None or ticket.customer_id != customer.id:
            return None
        await set_csat(session, ticket, score, comment, now=services.clock)
        return ticket


async def score_button(
    query: CallbackQuery,
    callback_data: CsatScore,
    bot: Bot,
    state: FSMContext,
    raw_state: str | None,
    services: Services,
    customers: Customers,
) -> None:
    number, score, texts = callback_data.number, callback_data.score, services.texts
    if await _rate(services, customers, query.from_user, number, score) is None:
        await query.answer(texts.plain("callback_outdated"))
        return
    await query.answer()
    await drop_buttons(bot, query)
    thanks = texts.render("csat_thanks", score=score)
    if raw_state is not None and raw_state != CsatForm.comment.state:
        # A ticket form is being filled in: thank, and leave the form where it is.
        await bot.send_message(query.from_user.id, thanks)
        return
    await state.set_state(CsatForm.comment)
    invited = services.clock().isoformat()
    await state.update_data(csat={"number": number, "score": score, "at": invited})
    await bot.send_message(
        query.from_user.id,
        f"{thanks}\n\n{texts.render('csat_comment')}",
        reply_markup=csat_skip_keyboard(texts, number),
    )


async def skip_button(
    query: CallbackQuery, bot: Bot, state: FSMContext, raw_state: str | None, services: Services
) -> None:
    if raw_state != CsatForm.comment.state:
        await query.answer(services.texts.plain("callback_outdated"))
        return
    await query.answer()
    await state.set_state(None)
    await drop_buttons(bot, query)


async def comment(
    message: Message, bot: Bot, state: FSMContext, services: Services, customers: Customers
) -> None:
    text, texts = (message.text or "").strip(), services.texts
    if not text or message.from_user is None:
        await message.answer(texts.render("csat_comment"))
        return
    data = await state.get_data()
    rating = data.get("csat") or {}
    if not _invited(rating, services) or await _asks(text, services):
        # Not a comment: the rating stays as scored, the message is answered as any other.
        data.pop("csat", None)
        await state.set_state(None)
        await state.set_data(data)
        await ask(message, bot, state, services, customers)
        return
    await state.set_state(None)
    if isinstance(rating, dict) and {"number", "score"} <= rating.keys():
        number, score = rating["number"], rating["score"]
        await _rate(services, customers, message.from_user, number, score, text[:COMMENT_LIMIT])
    await message.answer(texts.render("vote_thanks"))


async def not_a_comment(message: Message, services: Services, state: FSMContext) -> None:
    """A sticker or a photo where a comment was invited: invite again (or skip with /cancel)."""
    rating = (await state.get_data()).get("csat") or {}
    number = rating.get("number") if isinstance(rating, dict) else None
    texts = services.texts
    markup = csat_skip_keyboard(texts, number) if isinstance(number, int) else None
    await message.answer(texts.render("csat_comment"), reply_markup=markup)


def _invited(rating: object, services: Services) -> bool:
    """Whether the invitation to comment still stands (it lapses after COMMENT_WINDOW)."""
    if not isinstance(rating, dict) or not isinstance(rating.get("at"), str):
        return False  # stored before the window was: lapsed
    try:
        invited = datetime.fromisoformat(rating["at"])
    except ValueError:
        return False
    return services.clock() - invited <= COMMENT_WINDOW


async def _asks(text: str, services: Services) -> bool:
    """Whether ``text`` is a question rather than a comment on the rating (searched off the
    event loop: the encoder takes tens of milliseconds)."""
    if looks_like_question(text):
        return True
    _, decision = await services.answers.off_loop(services.answers.search, text)
    return isinstance(decision, Answer)
