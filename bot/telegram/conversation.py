"""The dialogue in Telegram: its state in the FSM data, and its replies as messages.

The decisions are :class:`bot.dialogue.Dialogue`'s, the same as in ``faqbot chat``; this module
only keeps the :class:`~bot.dialogue.Conversation` between updates (beside the id of the stored
question it is about) and shows a :data:`~bot.dialogue.Reply`.
"""

from __future__ import annotations

from dataclasses import dataclass

from aiogram import Bot
from aiogram.fsm.context import FSMContext

from bot.dialogue import (
    Conversation,
    HandOver,
    HandOverReason,
    Reply,
    ShowAnswer,
    ShowChoices,
    Stage,
    Thanks,
)
from bot.serving.answers import Answers
from bot.telegram.keyboards import answer_keyboard, choices_keyboard
from bot.texts import Texts

__all__ = ["Position", "load", "save", "send_reply", "vote_in"]


@dataclass(frozen=True)
class Position:
    """Where the customer is: the conversation, and the attempt (stored question) it is about.

    ``attempt`` is 0 when the conversation is not about a stored question.
    """

    conversation: Conversation
    attempt: int = 0


async def load(state: FSMContext) -> Position:
    """The conversation kept in the FSM data; a fresh one if none is (or it is unreadable)."""
    data = await state.get_data()
    try:
        conversation = Conversation.from_dict(data["conversation"])
    except (KeyError, TypeError, ValueError):  # nothing yet, or saved by an older version
        return Position(Conversation())
    attempt = data.get("attempt")
    return Position(conversation, attempt if isinstance(attempt, int) else 0)


async def save(state: FSMContext, position: Position) -> None:
    """Keep the conversation for the next update."""
    await state.update_data(conversation=position.conversation.as_dict(), attempt=position.attempt)


def vote_in(before: Conversation, reply: Reply) -> bool | None:
    """The vote a typed message cast: the dialogue answered a "да"/"нет" on an article.

    ``True`` for 👍, ``False`` for 👎, ``None`` if the message was no vote.
    """
    if before.stage is not Stage.FEEDBACK:
        return None
    match reply:
        case Thanks():
            return True
        case ShowChoices(retry=True) | HandOver(reason=HandOverReason.NOT_HELPED):
            return False
        case _:
            return None


async def send_reply(
    reply: ShowAnswer | ShowChoices | Thanks,
    *,
    bot: Bot,
    chat_id: int,
    texts: Texts,
    answers: Answers,
    attempt: int,
) -> None:
    """Show an answer (entities, ``parse_mode=None``), a list of choices, or thanks.

    A :class:`~bot.dialogue.HandOver` is not shown here: it starts the ticket form
    (:func:`bot.telegram.intake.hand_over`).
    """
    match reply:
        case ShowAnswer(article=article):
            chunks = answers.chunks(article)
            for chunk in chunks[:-1]:
                await bot.send_message(chat_id, **chunk.as_kwargs())
            keyboard = answer_keyboard(texts, attempt, article)
            await bot.send_message(chat_id, **chunks[-1].as_kwargs(), reply_markup=keyboard)
        case ShowChoices(articles=articles, retry=retry):
            name = "next_candidates" if retry else "clarify"
            text = texts.render(name, options=[article.title for article in articles])
            await bot.send_message(
                chat_id, text, reply_markup=choices_keyboard(texts, attempt, articles)
            )
        case Thanks():
            await bot.send_message(chat_id, texts.render("vote_thanks"))
