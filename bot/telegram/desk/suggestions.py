"""Suggested phrasings in the agents' chat: a message per suggestion, «Добавить» / «Отклонить».

Only leads decide. The message is edited to say what was decided and by whom, so a second
lead pressing the same button sees it is done.
"""

from __future__ import annotations

import contextlib

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup

from bot.db.models import PhrasingSuggestion, SuggestionStatus
from bot.db.repo import get_suggestion, set_suggestion_message
from bot.desk.roles import AgentRole
from bot.serving import Services
from bot.serving.database import Database
from bot.serving.learning import Approval
from bot.telegram.desk.callbacks import SuggestionDecision
from bot.telegram.desk.chat import AgentsChat
from bot.texts import Texts

__all__ = ["decide", "offer"]

_DECISION = {
    Approval.ADDED: "added",
    Approval.ALREADY_THERE: "already",
    Approval.REJECTED: "rejected",
    Approval.ARTICLE_GONE: "failed",
    Approval.UNWRITABLE: "failed",
}


def _text(
    texts: Texts,
    suggestion: PhrasingSuggestion,
    title: str,
    decision: str | None = None,
    by: str | None = None,
    detail: str | None = None,
) -> str:
    return texts.render(
        "agents/suggestion",
        title=title,
        article_id=suggestion.article_id,
        question=suggestion.question,
        source=suggestion.source,
        decision=decision,
        by=by,
        detail=detail,
    )


def _keyboard(texts: Texts, suggestion_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(
                    text=texts.button("suggestion_add"),
                    callback_data=SuggestionDecision(suggestion=suggestion_id, approve=True).pack(),
                ),
                InlineKeyboardButton(
                    text=texts.button("suggestion_reject"),
                    callback_data=SuggestionDecision(
                        suggestion=suggestion_id, approve=False
                    ).pack(),
                ),
            ]
        ]
    )


async def offer(
    agents_chat: AgentsChat, texts: Texts, db: Database, suggestion: PhrasingSuggestion
) -> None:
    """Post a pending suggestion to the agents' chat (General), with the two buttons; one
    written at once (``auto_approve``) needs no one."""
    if suggestion.status is not SuggestionStatus.PENDING:
        return
    article = agents_chat.learning.answers.get(suggestion.article_id)
    title = article.title if article is not None else suggestion.article_id
    message_id = await agents_chat.post(
        _text(texts, suggestion, title), reply_markup=_keyboard(texts, suggestion.id)
    )
    if message_id is not None:
        async with db.transaction() as session:
            stored = await get_suggestion(session, suggestion.id)
            if stored is not None:
                await set_suggestion_message(session, stored, message_id)


async def decide(
    query: CallbackQuery,
    callback_data: SuggestionDecision,
    bot: Bot,
    services: Services,
    agents_chat: AgentsChat,
) -> None:
    """A lead pressed «Добавить» or «Отклонить»."""
    texts = services.texts
    role = await agents_chat.gate.admit(query.from_user)
    if role is not AgentRole.LEAD:
        await query.answer(
            texts.plain("callback_refused", lead_only=role is not None), show_alert=True
        )
        return
    learning = services.learning
    by = query.from_user.first_name
    if callback_data.approve:
        decided = await learning.approve(callback_data.suggestion, by=query.from_user.id)
    else:
        decided = await learning.reject(callback_data.suggestion, by=query.from_user.id)
    await query.answer()
    suggestion = decided.suggestion
    if suggestion is None or query.message is None:
        return
    if decided.outcome is Approval.DECIDED_BEFORE:
        decision = suggestion.status.value.replace("approved", "added")
    else:
        decision = _DECISION.get(decided.outcome, "failed")
    article = learning.answers.get(suggestion.article_id)
    title = article.title if article is not None else suggestion.article_id
    with contextlib.suppress(TelegramBadRequest):
        await bot.edit_message_text(
            _text(texts, suggestion, title, decision, by, decided.detail or None),
            chat_id=query.message.chat.id,
            message_id=query.message.message_id,
        )
