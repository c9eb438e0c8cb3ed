"""The customer behind an update: created on first contact, remembered afterwards."""

from __future__ import annotations

from collections import OrderedDict

from aiogram.types import User
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Customer
from bot.db.repo import upsert_customer
from bot.serving.database import Database
from bot.tickets import Clock, utc_now

__all__ = ["Customers"]

DEFAULT_REMEMBERED = 10_000

Profile = tuple[str, str | None, str | None, str | None]


def _profile(user: User) -> Profile:
    return (user.first_name, user.last_name, user.username, user.language_code)


class Customers:
    """Customer rows by Telegram user.

    Every update needs its customer's row id. After the first update of a customer the row is
    remembered with the profile it was stored with, and looked up again only when the profile
    changes (a new name or username is written then), which saves a query on every update.
    The rows are read, never changed, through what is remembered.

    :param database: whose transactions create the rows; a row is remembered once committed
    :param now: the clock for ``created_at`` and ``updated_at``
    :param remembered: how many customers to keep in memory
    """

    def __init__(
        self, database: Database, *, now: Clock = utc_now, remembered: int = DEFAULT_REMEMBERED
    ) -> None:
        self.database = database
        self.now = now
        self.remembered = remembered
        self._known: OrderedDict[int, tuple[Profile, Customer]] = OrderedDict()

    def known(self, user: User) -> Customer | None:
        """The remembered record of ``user`` if their profile has not changed, without a query
        (None: ask :meth:`of`, in a transaction)."""
        known = self._known.get(user.id)
        if known is None or known[0] != _profile(user):
            return None
        self._known.move_to_end(user.id)
        return known[1]

    async def of(self, session: AsyncSession, user: User) -> Customer:
        """The customer record of ``user``, refreshed if their profile changed.

        The bot talks to customers in private chats only, where the chat id is the user id.
        """
        known = self.known(user)
        if known is not None:
            return known
        profile = _profile(user)
        customer = await upsert_customer(
            session,
            telegram_id=user.id,
            chat_id=user.id,
            first_name=user.first_name,
            last_name=user.last_name,
            username=user.username,
            language_code=user.language_code,
            now=self.now,
        )
        self.database.after_commit(lambda: self._remember(user.id, profile, customer))
        return customer

    def _remember(self, user_id: int, profile: Profile, customer: Customer) -> None:
        self._known[user_id] = (profile, customer)
        self._known.move_to_end(user_id)
        while len(self._known) > self.remembered:
            self._known.popitem(last=False)
