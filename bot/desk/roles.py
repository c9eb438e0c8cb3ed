"""Who may work the desk: agents and leads.

Without an allow-list every member of the agents' chat is an agent, and its administrators
are leads (Telegram already decides who is in the chat). With one (``AGENTS`` in the
settings), only the listed ids may use the desk, with the role listed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum

__all__ = ["AgentRole", "Roster"]


class AgentRole(Enum):
    """Leads also manage canned replies and phrasings, and get SLA breach notices."""

    AGENT = "agent"
    LEAD = "lead"


@dataclass(frozen=True)
class Roster:
    """The allow-list of agents; empty means "every member of the agents' chat".

    :param listed: Telegram user id → role
    """

    listed: Mapping[int, AgentRole] = field(default_factory=dict)

    @property
    def open(self) -> bool:
        """No allow-list: membership of the agents' chat is enough."""
        return not self.listed

    def role_of(self, user_id: int, *, chat_admin: bool) -> AgentRole | None:
        """The user's role at the desk, ``None`` if they may not use it.

        :param chat_admin: the user administers the agents' chat (a lead when no list)
        """
        if self.open:
            return AgentRole.LEAD if chat_admin else AgentRole.AGENT
        return self.listed.get(user_id)

    @property
    def leads(self) -> tuple[int, ...]:
        """Listed leads (with no list, leads are the chat's administrators)."""
        return tuple(uid for uid, role in self.listed.items() if role is AgentRole.LEAD)
