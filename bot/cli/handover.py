"""Tickets from the terminal chat: the same database and rules as the Telegram bot.

SQLAlchemy and Alembic load on the first hand-over only, so the chat starts fast; the
database is migrated to the newest schema then, once per run.
"""

from __future__ import annotations

import asyncio
import getpass
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from bot.business_hours import BusinessHours
    from bot.db.models import Customer
    from bot.dialogue import Turn
    from bot.settings import Settings
    from bot.tickets import Priority, SlaPolicy, TicketDraft

__all__ = ["TERMINAL_CUSTOMER", "FiledTicket", "TicketDesk"]

T = TypeVar("T")

TERMINAL_CUSTOMER = 0
"""The terminal's customer id: Telegram user ids are positive, so it is nobody's in Telegram."""


@dataclass(frozen=True)
class FiledTicket:
    """The ticket a hand-over ended in.

    :param created: ``False`` when the customer's open ticket got the question instead (one
        open ticket per customer, as in Telegram)
    """

    number: int
    priority: Priority
    first_response_due: datetime
    created: bool


class TicketDesk:
    """Opens tickets for the terminal's customer; :meth:`close` it when the chat ends.

    One event loop serves every hand-over of the chat. aiosqlite answers a failed connection
    from its own thread a moment later; a loop closed by then (``asyncio.run`` per ticket)
    turns that answer into a "RuntimeError: Event loop is closed" traceback on stderr.

    :param database_url: an async SQLAlchemy URL (``sqlite+aiosqlite:///faqbot.sqlite3``)
    :param policy: SLA targets
    :param hours: business hours for the deadlines
    """

    def __init__(self, database_url: str, policy: SlaPolicy, hours: BusinessHours) -> None:
        self.database_url = database_url
        self.policy = policy
        self.hours = hours
        self._migrated = False
        self._loop = asyncio.Runner()

    @classmethod
    def from_settings(cls, settings: Settings) -> TicketDesk:
        return cls(settings.database_url, settings.sla_policy(), settings.business_hours())

    def file(self, draft: TicketDraft) -> FiledTicket:
        """Open a ticket from ``draft``, or add it to the customer's open one; remember the
        contact it gives for the next form."""
        return self._loop.run(self._in_session(self._file, draft))

    def open_ticket(self) -> int | None:
        """The number of the customer's open ticket, if they have one."""
        return self._loop.run(self._in_session(self._open_number))

    def add(self, text: str) -> int | None:
        """Add ``text`` to the customer's open ticket; its number, ``None`` if none is open."""
        return self._loop.run(self._in_session(self._add, text))

    def known_contact(self) -> str | None:
        """The contact the customer gave in an earlier form, if any."""
        return self._loop.run(self._in_session(self._contact))

    def record(self, turn: Turn, attempt: int) -> int:
        """Store the turn's search and vote as the Telegram bot does, for ``faqbot gaps`` and
        the web page's analytics.

        :param attempt: the stored question the chat was about before this turn (0: none)
        :returns: the stored question it is about now
        """
        return self._loop.run(self._in_session(self._record, turn, attempt))

    def close(self) -> None:
        self._loop.close()

    async def _in_session(self, work: Callable[..., Awaitable[T]], *args: Any) -> T:
        """Run ``work(session, customer, *args)`` in one transaction on a migrated database."""
        from bot.db.migrate import upgrade
        from bot.db.repo import upsert_customer
        from bot.db.session import create_engine, create_sessionmaker

        engine = create_engine(self.database_url)
        try:
            if not self._migrated:
                await upgrade(engine)
                self._migrated = True
            async with create_sessionmaker(engine)() as session, session.begin():
                customer = await upsert_customer(
                    session,
                    telegram_id=TERMINAL_CUSTOMER,
                    chat_id=TERMINAL_CUSTOMER,
                    first_name=_user_name(),
                )
                return await work(session, customer, *args)
        finally:
            await engine.dispose()

    async def _file(
        self, session: AsyncSession, customer: Customer, draft: TicketDraft
    ) -> FiledTicket:
        from bot.db.repo import add_message, open_ticket, remember_contact
        from bot.tickets import MessageDirection

        await remember_contact(session, customer, draft.contact)
        opened = await open_ticket(session, customer, draft, policy=self.policy, hours=self.hours)
        ticket = opened.ticket
        if not opened.created:
            await add_message(
                session, ticket, direction=MessageDirection.IN, text=draft.what_happened
            )
        return FiledTicket(
            ticket.number, ticket.priority, ticket.first_response_due, opened.created
        )

    async def _record(
        self, session: AsyncSession, customer: Customer, turn: Turn, attempt: int
    ) -> int:
        from bot.db.turns import record_turn
        from bot.tickets import utc_now

        return await record_turn(session, customer, turn, attempt=attempt, clock=utc_now)

    async def _open_number(self, session: AsyncSession, customer: Customer) -> int | None:
        from bot.db.repo import get_open_ticket

        ticket = await get_open_ticket(session, customer)
        return ticket.number if ticket is not None else None

    async def _add(self, session: AsyncSession, customer: Customer, text: str) -> int | None:
        from bot.db.repo import add_message, get_open_ticket
        from bot.tickets import MessageDirection

        ticket = await get_open_ticket(session, customer)
        if ticket is None:
            return None
        await add_message(session, ticket, direction=MessageDirection.IN, text=text)
        return ticket.number

    async def _contact(self, session: AsyncSession, customer: Customer) -> str | None:
        from bot.db.repo import get_contact

        return await get_contact(session, customer)


def _user_name() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no login name in this environment (some containers)
        return ""
