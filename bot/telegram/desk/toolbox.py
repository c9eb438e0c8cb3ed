"""The agent's ready answers: ``/kb`` (an article, found by the bot's own engine) and
``/canned`` (saved replies; leads manage them with ``/canned add`` and ``/canned del``).

A pressed button stores the answer as the agent's message to the customer (keyed by the
button press, so a double tap sends it once) and the relay delivers it. An article sent this
way is the ticket's answer, which the knowledge base learns from when the ticket is resolved.
"""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message

from bot.db.models import CannedReply, Ticket
from bot.db.repo import (
    CannedReplyTitleTaken,
    add_canned_reply,
    add_message,
    delete_canned_reply,
    get_canned_reply,
    get_ticket_by_number,
    get_ticket_by_topic,
    list_canned_replies,
    set_resolved_article,
)
from bot.desk.commands import canned_verb
from bot.serving import Services
from bot.serving.answers import article_key
from bot.telegram.desk.callbacks import CannedPick, KbPick
from bot.telegram.desk.chat import AgentsChat
from bot.telegram.desk.context import admit, at_ticket, display_name, refusal
from bot.texts import Texts
from bot.tickets import MessageDirection

__all__ = ["get_router"]

KB_HITS = 5
CANNED_TITLE_LIMIT = 100


def get_router() -> Router:
    router = Router(name="desk.toolbox")
    router.message.register(kb_search, Command("kb"))
    router.message.register(canned, Command("canned"))
    router.callback_query.register(kb_pick, KbPick.filter())
    router.callback_query.register(canned_pick, CannedPick.filter())
    return router


async def kb_search(
    message: Message, command: CommandObject, agents_chat: AgentsChat, services: Services
) -> None:
    texts, answers = services.texts, services.answers
    here = await at_ticket(message, agents_chat, services)
    if here is None:
        return
    query = (command.args or "").strip()
    if not query:
        await message.reply(refusal(texts, "kb_what"))
        return
    ranking, _ = await answers.off_loop(answers.search, query)
    hits = [hit for hit in ranking.hits[:KB_HITS] if answers.get(hit.doc_id) is not None]
    rows = []
    for hit in hits:
        article = answers.get(hit.doc_id)
        assert article is not None
        label = texts.button("desk_article", title=article.title, score=round(hit.score * 100))
        data = KbPick(number=here.ticket.number, article=article_key(article.id)).pack()
        rows.append([InlineKeyboardButton(text=label, callback_data=data)])
    await message.answer(
        texts.render("agents/kb_results", query=query, found=len(rows)),
        reply_markup=InlineKeyboardMarkup(inline_keyboard=rows) if rows else None,
    )


async def kb_pick(
    query: CallbackQuery, callback_data: KbPick, agents_chat: AgentsChat, services: Services
) -> None:
    texts, answers, db = services.texts, services.answers, services.database
    if await agents_chat.gate.admit(query.from_user) is None:
        await query.answer(texts.plain("callback_refused", lead_only=False), show_alert=True)
        return
    article = answers.by_key(callback_data.article)
    async with db.transaction() as session:
        ticket = await get_ticket_by_number(session, callback_data.number)
        if article is None or ticket is None or not ticket.status.is_open:
            ticket = None
        else:
            stored = await add_message(
                session,
                ticket,
                direction=MessageDirection.OUT,
                text=article.title,
                author_id=query.from_user.id,
                dedupe_key=f"cb:{query.id}",
                article_id=article.id,
                now=services.clock,
            )
            await set_resolved_article(session, ticket, article.id)
    if ticket is None or article is None:
        await query.answer(texts.plain("callback_outdated"), show_alert=True)
        return
    await query.answer()
    if stored.created:
        await _tell_topic(query, agents_chat, texts, "agents/kb_sent", article.title, ticket)
        await agents_chat.refresh(ticket.id)


async def canned(
    message: Message, command: CommandObject, agents_chat: AgentsChat, services: Services
) -> None:
    texts, db = services.texts, services.database
    args = (command.args or "").strip()
    word, _, rest = args.partition(" ")
    verb = canned_verb(word)
    if verb is not None:
        await _manage(message, verb, rest.strip(), agents_chat, services)
        return
    if await admit(message, agents_chat, texts) is None:
        return
    async with db.transaction() as session:
        replies = list(await list_canned_replies(session))
        ticket = (
            await get_ticket_by_topic(session, message.message_thread_id)
            if message.is_topic_message and message.message_thread_id is not None
            else None
        )
    rows = []
    if ticket is not None and ticket.status.is_open:
        rows = [
            [
                InlineKeyboardButton(
                    text=texts.button("desk_canned", title=reply.title),
                    callback_data=CannedPick(number=ticket.number, reply=reply.id).pack(),
                )
            ]
            for reply in replies
        ]
    text = texts.render(
        "agents/canned_list", titles=[reply.title for reply in replies], in_topic=bool(rows)
    )
    await message.answer(
        text, reply_markup=InlineKeyboardMarkup(inline_keyboard=rows) if rows else None
    )


async def _manage(
    message: Message, verb: str, rest: str, agents_chat: AgentsChat, services: Services
) -> None:
    """``/canned add Название | текст`` and ``/canned del Название``, leads only."""
    texts, db = services.texts, services.database
    if await admit(message, agents_chat, texts, lead_only=True) is None:
        return
    assert message.from_user is not None
    if verb == "add":
        title, bar, body = rest.partition("|")
        title, body = title.strip(), body.strip()
        if not bar or not title or not body:
            await message.reply(refusal(texts, "canned_format"))
            return
        if len(title) > CANNED_TITLE_LIMIT:
            await message.reply(refusal(texts, "canned_title_long", limit=CANNED_TITLE_LIMIT))
            return
        try:
            async with db.transaction() as session:
                await add_canned_reply(
                    session,
                    title=title,
                    text=body,
                    created_by=message.from_user.id,
                    now=services.clock,
                )
        except CannedReplyTitleTaken:
            await message.reply(refusal(texts, "canned_taken", title=title))
            return
        await message.reply(texts.render("agents/canned_saved", title=title, removed=False))
        return
    async with db.transaction() as session:
        found: CannedReply | None = None
        for reply in await list_canned_replies(session):
            if reply.title.casefold() == rest.casefold():
                found = reply
        if found is not None:
            await delete_canned_reply(session, found)
    if found is None:
        await message.reply(refusal(texts, "canned_missing", title=rest))
        return
    await message.reply(texts.render("agents/canned_saved", title=found.title, removed=True))


async def canned_pick(
    query: CallbackQuery, callback_data: CannedPick, agents_chat: AgentsChat, services: Services
) -> None:
    texts, db = services.texts, services.database
    if await agents_chat.gate.admit(query.from_user) is None:
        await query.answer(texts.plain("callback_refused", lead_only=False), show_alert=True)
        return
    async with db.transaction() as session:
        ticket = await get_ticket_by_number(session, callback_data.number)
        reply = await get_canned_reply(session, callback_data.reply)
        stored = None
        if ticket is not None and reply is not None and ticket.status.is_open:
            stored = await add_message(
                session,
                ticket,
                direction=MessageDirection.OUT,
                text=reply.text,
                author_id=query.from_user.id,
                dedupe_key=f"cb:{query.id}",
                now=services.clock,
            )
    if stored is None or ticket is None or reply is None:
        await query.answer(texts.plain("callback_outdated"), show_alert=True)
        return
    await query.answer()
    if stored.created:
        await _tell_topic(query, agents_chat, texts, "agents/canned_sent", reply.title, ticket)


async def _tell_topic(
    query: CallbackQuery,
    agents_chat: AgentsChat,
    texts: Texts,
    template: str,
    title: str,
    ticket: Ticket,
) -> None:
    """Say in the ticket's topic which agent sent what to the customer (once per press)."""
    text = texts.render(template, title=title, agent=display_name(query.from_user))
    await agents_chat.post(text, topic_id=ticket.topic_id)
