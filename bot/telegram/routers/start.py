"""/start and /help: what the bot can do, and a few articles to begin with."""

from __future__ import annotations

from aiogram import Bot, Router
from aiogram.filters import Command, CommandStart
from aiogram.fsm.context import FSMContext
from aiogram.types import Message

from bot.serving import Services
from bot.telegram.filters import PrivateChat
from bot.telegram.intake import ask_again
from bot.telegram.keyboards import menu_keyboard
from bot.telegram.routers.fallback import AGENT_COMMANDS, agent_command
from bot.telegram.states import CsatForm

__all__ = ["get_router"]


def get_router() -> Router:
    router = Router(name="start")
    router.message.filter(PrivateChat())
    router.message.register(greet, CommandStart())
    router.message.register(explain, Command("help"))
    router.message.register(agent_command, Command(*AGENT_COMMANDS))
    return router


async def greet(
    message: Message, bot: Bot, state: FSMContext, raw_state: str | None, services: Services
) -> None:
    name = message.from_user.first_name if message.from_user else None
    text = services.texts.render("start", name=name)
    await _reply(message, bot, state, raw_state, services, text)


async def explain(
    message: Message, bot: Bot, state: FSMContext, raw_state: str | None, services: Services
) -> None:
    text = services.texts.render("help", example=services.answers.example)
    await _reply(message, bot, state, raw_state, services, text)


async def _reply(
    message: Message,
    bot: Bot,
    state: FSMContext,
    raw_state: str | None,
    services: Services,
    text: str,
) -> None:
    texts = services.texts
    if raw_state == CsatForm.comment.state:
        await state.set_state(None)  # the comment was optional; the customer moved on
    await message.answer(text, reply_markup=menu_keyboard(texts, services.answers.menu))
    # A half-filled ticket form resumes where it stopped.
    await ask_again(bot=bot, chat_id=message.chat.id, state=state, raw_state=raw_state, texts=texts)
