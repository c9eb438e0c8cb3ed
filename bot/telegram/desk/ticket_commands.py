"""Commands inside a ticket's topic: /take /assign /priority /line /status /close /reopen /note.

Each one checks the agent (:func:`~bot.telegram.desk.context.at_ticket`), changes the ticket
in one transaction, says what changed in the topic, and renames the topic and redraws the card.
"""

from __future__ import annotations

from aiogram import Bot, Router
from aiogram.exceptions import TelegramAPIError
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, Message

from bot.db.models import Ticket
from bot.db.repo import (
    TicketAlreadyOpen,
    add_message,
    assign,
    find_agent,
    get_agent,
    get_ticket,
    get_ticket_by_number,
    set_line,
    set_priority,
    set_status,
)
from bot.desk.commands import CommandError, parse_line, parse_priority, parse_status
from bot.desk.labels import line_label
from bot.serving.database import Database
from bot.serving.service_levels import ServiceLevels
from bot.telegram.desk.callbacks import DeskAction
from bot.telegram.desk.chat import AgentsChat
from bot.telegram.desk.context import admit, at_ticket, display_name
from bot.telegram.desk.resolution import resolve_ticket
from bot.texts import Texts
from bot.tickets import MessageDirection, TicketError, TicketStatus

__all__ = ["get_router"]


def get_router() -> Router:
    router = Router(name="desk.tickets")
    router.message.register(take, Command("take"))
    router.message.register(assign_to, Command("assign"))
    router.message.register(priority, Command("priority"))
    router.message.register(line, Command("line"))
    router.message.register(status, Command("status"))
    router.message.register(close, Command("close"))
    router.message.register(reopen, Command("reopen"))
    router.message.register(note, Command("note"))
    router.message.register(help_command, Command("help", "start"))
    router.callback_query.register(card_button, DeskAction.filter())
    return router


def _changed(texts: Texts, change: str, agent: str, value: str = "", due: object = None) -> str:
    return texts.render("agents/ticket_changed", change=change, agent=agent, value=value, due=due)


async def _error(message: Message, texts: Texts, error: str) -> None:
    await message.reply(texts.render("agents/command_error", error=error))


async def _take(ticket_id: int, agent_id: int, db: Database, desk: ServiceLevels) -> Ticket | None:
    async with db.transaction() as session:
        ticket = await get_ticket(session, ticket_id)
        if ticket is None or not ticket.status.is_open:
            return None
        await assign(session, ticket, agent_id, now=desk.clock)
        if ticket.status is TicketStatus.NEW:
            await set_status(session, ticket, TicketStatus.IN_PROGRESS, now=desk.clock)
        return ticket


async def take(
    message: Message, agents_chat: AgentsChat, db: Database, desk: ServiceLevels, texts: Texts
) -> None:
    here = await at_ticket(message, agents_chat, db, texts)
    if here is None or message.from_user is None:
        return
    if await _take(here.ticket.id, message.from_user.id, db, desk) is None:
        await _error(message, texts, "Заявка не открыта — сначала /reopen.")
        return
    await message.answer(_changed(texts, "taken", display_name(message.from_user)))
    await agents_chat.refresh(here.ticket.id)


async def assign_to(
    message: Message,
    command: CommandObject,
    agents_chat: AgentsChat,
    db: Database,
    desk: ServiceLevels,
    texts: Texts,
) -> None:
    here = await at_ticket(message, agents_chat, db, texts)
    if here is None or message.from_user is None:
        return
    reply = message.reply_to_message
    target = reply.from_user if reply is not None and _real_reply(message) else None
    async with db.transaction() as session:
        if target is not None and not target.is_bot:
            agent_id, name = target.id, target.first_name
            known = await get_agent(session, target.id)
            if known is None:
                await _error(message, texts, f"{name} ещё не писал(а) в этом чате как агент.")
                return
        else:
            wanted = (command.args or "").strip()
            if not wanted:
                await _error(message, texts, "Кому? /assign @username или ответом на сообщение.")
                return
            agent = await find_agent(session, wanted)
            if agent is None:
                await _error(
                    message,
                    texts,
                    f"Не знаю агента {wanted}: он должен хотя бы раз написать в этом чате.",
                )
                return
            agent_id, name = agent.telegram_id, agent.first_name
        ticket = await get_ticket(session, here.ticket.id)
        assert ticket is not None
        await assign(session, ticket, agent_id, now=desk.clock)
        if ticket.status is TicketStatus.NEW:
            await set_status(session, ticket, TicketStatus.IN_PROGRESS, now=desk.clock)
    await message.answer(_changed(texts, "assigned", display_name(message.from_user), name))
    await agents_chat.refresh(here.ticket.id)


def _real_reply(message: Message) -> bool:
    reply = message.reply_to_message
    return (
        reply is not None
        and reply.from_user is not None
        and not (message.is_topic_message and reply.message_id == message.message_thread_id)
    )


async def priority(
    message: Message,
    command: CommandObject,
    agents_chat: AgentsChat,
    db: Database,
    desk: ServiceLevels,
    texts: Texts,
) -> None:
    here = await at_ticket(message, agents_chat, db, texts)
    if here is None or message.from_user is None:
        return
    try:
        level = parse_priority(command.args or "")
    except CommandError as error:
        await _error(message, texts, str(error))
        return
    async with db.transaction() as session:
        ticket = await get_ticket(session, here.ticket.id)
        assert ticket is not None
        await set_priority(
            session, ticket, level, policy=desk.policy, hours=desk.hours, now=desk.clock
        )
    await message.answer(
        _changed(
            texts,
            "priority",
            display_name(message.from_user),
            level.label_ru.lower(),
            ticket.resolution_due if ticket.status.is_open else None,
        )
    )
    await agents_chat.refresh(ticket.id)


async def line(
    message: Message,
    command: CommandObject,
    agents_chat: AgentsChat,
    db: Database,
    desk: ServiceLevels,
    texts: Texts,
) -> None:
    here = await at_ticket(message, agents_chat, db, texts)
    if here is None or message.from_user is None:
        return
    try:
        level = parse_line(command.args or "")
    except CommandError as error:
        await _error(message, texts, str(error))
        return
    async with db.transaction() as session:
        ticket = await get_ticket(session, here.ticket.id)
        assert ticket is not None
        await set_line(session, ticket, level, now=desk.clock)
    label = line_label(level).replace("-я линия", "-ю линию")
    await message.answer(_changed(texts, "line", display_name(message.from_user), label))
    await agents_chat.refresh(ticket.id)


async def status(
    message: Message,
    command: CommandObject,
    bot: Bot,
    agents_chat: AgentsChat,
    db: Database,
    desk: ServiceLevels,
    texts: Texts,
) -> None:
    here = await at_ticket(message, agents_chat, db, texts)
    if here is None or message.from_user is None:
        return
    try:
        target = parse_status(command.args or "")
    except CommandError as error:
        await _error(message, texts, str(error))
        return
    agent = display_name(message.from_user)
    if target is TicketStatus.RESOLVED:
        if not await resolve_ticket(
            here.ticket.id,
            agent=agent,
            bot=bot,
            db=db,
            desk=desk,
            texts=texts,
            agents_chat=agents_chat,
        ):
            await _error(message, texts, "Заявка уже не открыта.")
        return
    try:
        async with db.transaction() as session:
            ticket = await get_ticket(session, here.ticket.id)
            assert ticket is not None
            await set_status(session, ticket, target, now=desk.clock)
    except TicketAlreadyOpen as error:
        await _error(message, texts, f"У клиента уже открыта заявка №{error.open_number}.")
        return
    except TicketError:
        await _error(message, texts, f"Из статуса «{here.ticket.status.label_ru}» так нельзя.")
        return
    await message.answer(_changed(texts, "status", agent, target.label_ru))
    await agents_chat.refresh(ticket.id)


async def close(
    message: Message, bot: Bot, agents_chat: AgentsChat, db: Database, desk: ServiceLevels, texts: Texts
) -> None:
    here = await at_ticket(message, agents_chat, db, texts)
    if here is None or message.from_user is None:
        return
    if not await resolve_ticket(
        here.ticket.id,
        agent=display_name(message.from_user),
        bot=bot,
        db=db,
        desk=desk,
        texts=texts,
        agents_chat=agents_chat,
    ):
        await _error(message, texts, "Заявка уже не открыта.")


async def reopen(
    message: Message, bot: Bot, agents_chat: AgentsChat, db: Database, desk: ServiceLevels, texts: Texts
) -> None:
    here = await at_ticket(message, agents_chat, db, texts)
    if here is None or message.from_user is None:
        return
    if here.ticket.status.is_open:
        await _error(message, texts, "Заявка и так открыта.")
        return
    try:
        async with db.transaction() as session:
            ticket = await get_ticket(session, here.ticket.id)
            assert ticket is not None
            await set_status(session, ticket, TicketStatus.IN_PROGRESS, now=desk.clock)
    except TicketAlreadyOpen as error:
        await _error(message, texts, f"У клиента уже открыта заявка №{error.open_number}.")
        return
    await message.answer(_changed(texts, "reopened", display_name(message.from_user)))
    await agents_chat.refresh(ticket.id)
    try:
        await bot.send_message(
            ticket.customer.chat_id, texts.render("ticket_reopened", number=ticket.number)
        )
    except TelegramAPIError:
        pass  # the topic says it is open; the customer hears from the agent's next message


async def note(
    message: Message,
    command: CommandObject,
    agents_chat: AgentsChat,
    db: Database,
    desk: ServiceLevels,
    texts: Texts,
) -> None:
    here = await at_ticket(message, agents_chat, db, texts)
    if here is None or message.from_user is None:
        return
    await store_note(message, here.ticket, command.args or "", db=db, desk=desk)
    await message.reply(_changed(texts, "note", display_name(message.from_user)))


async def store_note(
    message: Message, ticket: Ticket, text: str, *, db: Database, desk: ServiceLevels
) -> None:
    """Keep an agents' note in the ticket's history; it is never relayed."""
    async with db.transaction() as session:
        await add_message(
            session,
            ticket,
            direction=MessageDirection.INTERNAL,
            text=text.strip(),
            author_id=message.from_user.id if message.from_user else None,
            source_chat_id=message.chat.id,
            source_message_id=message.message_id,
            now=desk.clock,
        )


async def help_command(message: Message, agents_chat: AgentsChat, texts: Texts) -> None:
    if await admit(message, agents_chat, texts) is not None:
        await message.answer(texts.render("agents/help"))


async def card_button(
    query: CallbackQuery,
    callback_data: DeskAction,
    bot: Bot,
    agents_chat: AgentsChat,
    db: Database,
    desk: ServiceLevels,
    texts: Texts,
) -> None:
    """«Взять себе» / «Закрыть» on the ticket card."""
    role = await agents_chat.gate.admit(query.from_user)
    if role is None:
        await query.answer(texts.plain("callback_refused", lead_only=False), show_alert=True)
        return
    async with db.transaction() as session:
        ticket = await get_ticket_by_number(session, callback_data.number)
    if ticket is None or not ticket.status.is_open:
        await query.answer(texts.plain("callback_outdated"))
        return
    await query.answer()
    agent = display_name(query.from_user)
    if callback_data.action == "take":
        if await _take(ticket.id, query.from_user.id, db, desk) is not None:
            await agents_chat.post(_changed(texts, "taken", agent), topic_id=ticket.topic_id)
            await agents_chat.refresh(ticket.id)
    elif callback_data.action == "close":
        await resolve_ticket(
            ticket.id, agent=agent, bot=bot, db=db, desk=desk, texts=texts, agents_chat=agents_chat
        )
