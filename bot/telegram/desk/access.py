"""Who may use the desk: the roster, the agents' chat membership, and the Agent records.

Every agent interaction goes through :meth:`Gate.admit`: it answers with the role (``None``:
refused, nothing happens) and records the agent's name and username, which ``/assign @name``
and the ticket card need.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.types import User

from bot.db.repo import upsert_agent
from bot.desk.roles import AgentRole, Roster
from bot.serving.database import Database
from bot.tickets import Clock, utc_now

__all__ = ["Gate"]

_ADMIN_STATUSES = frozenset({"creator", "administrator"})


@dataclass
class Gate:
    """Admits agents to the desk.

    :param roster: the allow-list (empty: every member of the chat)
    :param chat_id: the agents' chat; without an allow-list its administrators are leads
    :param admin_ttl: seconds an answer of ``getChatMember`` is trusted
    """

    bot: Bot
    db: Database
    roster: Roster
    chat_id: int
    clock: Clock = utc_now
    admin_ttl: float = 300.0
    _admins: dict[int, tuple[float, bool]] = field(default_factory=dict, repr=False)
    _seen: dict[int, tuple[object, ...]] = field(default_factory=dict, repr=False)

    async def admit(self, user: User | None) -> AgentRole | None:
        """The user's role at the desk, recorded; ``None`` if they may not use it."""
        if user is None or user.is_bot:
            return None
        admin = await self._is_admin(user.id) if self.roster.open else False
        role = self.roster.role_of(user.id, chat_admin=admin)
        if role is not None:
            await self._record(user, role)
        return role

    async def _is_admin(self, user_id: int) -> bool:
        cached = self._admins.get(user_id)
        if cached is not None and time.monotonic() - cached[0] < self.admin_ttl:
            return cached[1]
        try:
            member = await self.bot.get_chat_member(self.chat_id, user_id)
            admin = member.status in _ADMIN_STATUSES
        except TelegramAPIError:
            admin = False
        self._admins[user_id] = (time.monotonic(), admin)
        return admin

    async def _record(self, user: User, role: AgentRole) -> None:
        profile = (user.first_name, user.last_name, user.username, role)
        if self._seen.get(user.id) == profile:
            return
        async with self.db.transaction() as session:
            await upsert_agent(
                session,
                telegram_id=user.id,
                first_name=user.first_name,
                last_name=user.last_name,
                username=user.username,
                role=role,
                now=self.clock,
            )
        self._seen[user.id] = profile
