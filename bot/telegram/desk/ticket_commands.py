"""Commands inside a ticket's topic: /take /assign /priority /line /status /close /reopen /note.

Every command is a row of :data:`COMMANDS`: how it reads its argument (``parse``), what it
does to the ticket (``apply``, a lifecycle event from :mod:`bot.tickets` stored in one
transaction) and how the topic is told (``label``, a case of ``agents/ticket_changed.j2``).
:func:`run` does the rest the same way for all of them: checks the agent and the topic,
says why nothing happened (``agents/command_error.j2``), posts what changed and redraws the
ticket's card and topic name.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.types import Message, User

from bot.db.models import Ticket
from bot.db.repo import TicketAlreadyOpen, find_agent, get_agent
from bot.desk.commands import CommandError, parse_line, parse_priority, parse_status
from bot.serving import Services
from bot.telegram.desk.changes import change_ticket
from bot.telegram.desk.chat import AgentsChat
from bot.telegram.desk.context import admit, at_ticket, display_name, refusal
from bot.telegram.desk.notes import store_note
from bot.telegram.desk.resolution import resolve_ticket
from bot.tickets import (
    BotNotice,
    TicketNotOpen,
    TicketStatus,
    TicketStillOpen,
    TransitionNotAllowed,
    on_assign,
    on_line,
    on_priority,
    on_reopen,
    on_status,
    on_take,
)

__all__ = ["COMMANDS", "DeskCommand", "Said", "get_router", "run"]


class Refused(Exception):
    """The command does nothing; ``reason`` is a case of ``agents/command_error.j2``."""

    def __init__(self, reason: str, **context: object) -> None:
        super().__init__(reason)
        self.reason = reason
        self.context = context


@dataclass(frozen=True)
class Call:
    """One command as an agent typed it in a ticket's topic."""

    message: Message
    agent: User
    args: str
    ticket: Ticket  # as the topic found it, before the command
    services: Services
    agents_chat: AgentsChat


@dataclass(frozen=True)
class Said:
    """What the topic is told after the change: the new value, and a deadline if it moved."""

    value: str | int = ""
    due: datetime | None = None


Parse = Callable[[Call], Awaitable[Any]]
Apply = Callable[[Call, Any], Awaitable[Said | None]]


@dataclass(frozen=True)
class DeskCommand:
    """A row of the table: ``apply`` returns ``None`` when it told the topic itself.

    :param reply: answer as a reply to the command (a note) rather than a new message
    :param refresh: redraw the card and the topic's name afterwards
    """

    name: str
    parse: Parse
    apply: Apply
    label: str
    reply: bool = False
    refresh: bool = True


# --- reading the argument ------------------------------------------------------------------


async def _nothing(call: Call) -> None:
    return None


async def _text(call: Call) -> str:
    return call.args


def _pure(parse: Callable[[str], Any]) -> Parse:
    async def read(call: Call) -> Any:
        return parse(call.args)

    return read


async def _assignee(call: Call) -> tuple[int, str]:
    """Whom ``/assign`` names: the author of the message it replies to, or ``@username``."""
    reply = call.message.reply_to_message
    target = reply.from_user if reply is not None and _real_reply(call.message) else None
    async with call.services.database.transaction() as session:
        if target is not None and not target.is_bot:
            if await get_agent(session, target.id) is None:
                raise Refused("agent_not_seen", name=target.first_name)
            return target.id, target.first_name
        wanted = call.args.strip()
        if not wanted:
            raise Refused("whom")
        agent = await find_agent(session, wanted)
        if agent is None:
            raise Refused("unknown_agent", name=wanted)
        return agent.telegram_id, agent.first_name


def _real_reply(message: Message) -> bool:
    reply = message.reply_to_message
    return (
        reply is not None
        and reply.from_user is not None
        and not (message.is_topic_message and reply.message_id == message.message_thread_id)
    )


# --- changing the ticket -------------------------------------------------------------------


async def _take(call: Call, _: None) -> Said:
    await change_ticket(call.services, call.ticket.id, lambda s: on_take(s, call.agent.id))
    return Said()


async def _assign(call: Call, whom: tuple[int, str]) -> Said:
    await change_ticket(call.services, call.ticket.id, lambda s: on_assign(s, whom[0]))
    return Said(whom[1])


async def _priority(call: Call, level: Any) -> Said:
    levels = call.services.levels
    ticket = await change_ticket(
        call.services,
        call.ticket.id,
        lambda s: on_priority(s, level, levels.policy, levels.hours),
    )
    return Said(level.label_ru.lower(), ticket.resolution_due if ticket.status.is_open else None)


async def _line(call: Call, line: int) -> Said:
    await change_ticket(call.services, call.ticket.id, lambda s: on_line(s, line))
    return Said(line)


async def _resolve(call: Call) -> None:
    if not await resolve_ticket(
        call.ticket.id,
        agent=display_name(call.agent),
        services=call.services,
        agents_chat=call.agents_chat,
    ):
        raise Refused("no_longer_open")


async def _status(call: Call, target: TicketStatus) -> Said | None:
    if target is TicketStatus.RESOLVED:
        await _resolve(call)
        return None
    try:
        await change_ticket(call.services, call.ticket.id, lambda s: on_status(s, target))
    except TransitionNotAllowed:
        raise Refused("not_from", status=call.ticket.status.label_ru) from None
    return Said(target.label_ru)


async def _close(call: Call, _: None) -> None:
    await _resolve(call)


async def _reopen(call: Call, _: None) -> Said:
    # The customer hears it too, through the relay like every word of the ticket.
    await change_ticket(call.services, call.ticket.id, on_reopen, notice=BotNotice.REOPENED)
    return Said()


async def _note(call: Call, text: str) -> Said:
    await store_note(call.message, call.ticket, text, services=call.services)
    return Said()


COMMANDS: tuple[DeskCommand, ...] = (
    DeskCommand("take", _nothing, _take, "taken"),
    DeskCommand("assign", _assignee, _assign, "assigned"),
    DeskCommand("priority", _pure(parse_priority), _priority, "priority"),
    DeskCommand("line", _pure(parse_line), _line, "line"),
    DeskCommand("status", _pure(parse_status), _status, "status"),
    DeskCommand("close", _nothing, _close, "resolved"),
    DeskCommand("reopen", _nothing, _reopen, "reopened"),
    DeskCommand("note", _text, _note, "note", reply=True, refresh=False),
)
"""The desk's ticket-changing commands: ``/name`` → parse → apply → the topic is told."""


# --- running one ---------------------------------------------------------------------------


async def run(
    desk_command: DeskCommand,
    message: Message,
    args: str,
    *,
    services: Services,
    agents_chat: AgentsChat,
) -> None:
    """Carry out ``desk_command`` typed in a topic, and tell the topic what happened."""
    here = await at_ticket(message, agents_chat, services)
    if here is None or message.from_user is None:
        return
    texts = services.texts
    call = Call(message, message.from_user, args, here.ticket, services, agents_chat)
    try:
        said = await desk_command.apply(call, await desk_command.parse(call))
    except CommandError as error:
        await message.reply(refusal(texts, error))
        return
    except Refused as refused:
        await message.reply(refusal(texts, refused.reason, **refused.context))
        return
    except TicketNotOpen:
        await message.reply(refusal(texts, "not_open"))
        return
    except TicketStillOpen:
        await message.reply(refusal(texts, "still_open"))
        return
    except TicketAlreadyOpen as error:
        await message.reply(refusal(texts, "other_open", number=error.open_number))
        return
    if said is None:
        return
    text = texts.render(
        "agents/ticket_changed",
        change=desk_command.label,
        agent=display_name(message.from_user),
        value=said.value,
        due=said.due,
    )
    await (message.reply(text) if desk_command.reply else message.answer(text))
    if desk_command.refresh:
        await agents_chat.refresh(here.ticket.id)


def _handler(desk_command: DeskCommand) -> Callable[..., Awaitable[None]]:
    async def handle(
        message: Message,
        command: CommandObject,
        services: Services,
        agents_chat: AgentsChat,
    ) -> None:
        await run(
            desk_command, message, command.args or "", services=services, agents_chat=agents_chat
        )

    handle.__name__ = desk_command.name
    return handle


def get_router() -> Router:
    router = Router(name="desk.tickets")
    for desk_command in COMMANDS:
        router.message.register(_handler(desk_command), Command(desk_command.name))
    router.message.register(help_command, Command("help", "start"))
    return router


async def help_command(message: Message, agents_chat: AgentsChat, services: Services) -> None:
    if await admit(message, agents_chat, services.texts) is not None:
        await message.answer(services.texts.render("agents/help"))
