"""The agents' desk rules, pure: roles, command arguments, SLA notices, report periods.

No aiogram and no SQLAlchemy here; :mod:`bot.telegram.agents` is the Telegram side.
"""

from bot.agents.commands import (
    CommandError,
    parse_line,
    parse_priority,
    parse_status,
)
from bot.agents.periods import (
    ACCEPTED_PERIODS,
    StatsPeriod,
    UnknownPeriod,
    parse_period,
    period_bounds,
)
from bot.agents.roles import AgentRole, Roster
from bot.agents.sla import Notice, NoticeKind, TicketDeadlines, due_notices, still_due

__all__ = [
    "AgentRole",
    "CommandError",
    "Roster",
    "parse_line",
    "parse_priority",
    "parse_status",
    "ACCEPTED_PERIODS",
    "Notice",
    "NoticeKind",
    "StatsPeriod",
    "TicketDeadlines",
    "UnknownPeriod",
    "due_notices",
    "parse_period",
    "period_bounds",
    "still_due",
]
