"""What the customer sees of a turn: an answer, a list of choices, thanks, a reply to small
talk; and buttons taken off a message once they have been used."""

from __future__ import annotations

import contextlib

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import CallbackQuery, Message

from bot.dialogue import Invite, Reply, ShowAnswer, ShowChoices, SmallTalkReply, Thanks
from bot.serving import Services
from bot.telegram.keyboards import answer_keyboard, choices_keyboard
from bot.telegram.sending import send_text

__all__ = ["drop_buttons", "send_reply"]


async def send_reply(
    reply: Reply,
    *,
    bot: Bot,
    chat_id: int,
    services: Services,
    attempt: int,
    name: str | None = None,
) -> None:
    """Show an answer (entities, ``parse_mode=None``), a list of choices, thanks, or the reply
    to small talk.

    A :class:`~bot.dialogue.HandOver` is not shown here: it starts the ticket form
    (:func:`bot.telegram.intake.hand_over`); nor are the replies about an open ticket, which
    :mod:`bot.telegram.routers.question` stores and shows.

    :raises ValueError: the reply is one of those

    :param attempt: the stored question the buttons belong to
    :param name: the customer's first name, for a greeting
    """
    texts = services.texts
    match reply:
        case ShowAnswer(article=article, related=related):
            chunks = services.answers.chunks(article)
            for chunk in chunks[:-1]:
                await send_text(bot, chat_id, **chunk.as_kwargs())
            keyboard = answer_keyboard(texts, attempt, article, related)
            await send_text(bot, chat_id, **chunks[-1].as_kwargs(), reply_markup=keyboard)
        case ShowChoices(articles=articles, retry=retry, again=again):
            name = "next_candidates" if retry else "clarify"
            text = texts.render(name, options=[article.title for article in articles], again=again)
            await send_text(
                bot, chat_id, text, reply_markup=choices_keyboard(texts, attempt, articles)
            )
        case Thanks():
            await send_text(bot, chat_id, texts.render("vote_thanks"))
        case Invite(trouble=trouble):
            answers = services.answers
            example = answers.example_problem if trouble else answers.example
            await send_text(bot, chat_id, texts.render("invite", example=example, trouble=trouble))
        case SmallTalkReply(talk=talk, under_answer=under_answer):
            example = services.answers.example
            text = texts.render(
                "small_talk", talk=talk.value, name=name, example=example, under_answer=under_answer
            )
            await send_text(bot, chat_id, text)
        case _:
            raise ValueError(f"a {reply.kind!r} reply is not shown by send_reply")


async def drop_buttons(bot: Bot, query: CallbackQuery) -> None:
    """Take the buttons off the message pressed, so that one vote or score is not cast twice."""
    if isinstance(query.message, Message) and query.message.reply_markup is not None:
        with contextlib.suppress(TelegramBadRequest):  # already gone (pressed twice)
            await bot.edit_message_reply_markup(
                chat_id=query.message.chat.id, message_id=query.message.message_id
            )
