"""The agents' desk rules, pure: roles, command arguments, SLA notices, report periods.

No aiogram and no SQLAlchemy here; :mod:`bot.telegram.desk` is the Telegram side.
"""

from bot.desk.commands import (
    CommandError,
    parse_line,
    parse_priority,
    parse_status,
)
from bot.desk.periods import (
    ACCEPTED_PERIODS,
    StatsPeriod,
    UnknownPeriod,
    parse_period,
    period_bounds,
)
from bot.desk.roles import AgentRole, Roster
from bot.desk.sla import Notice, NoticeKind, TicketDeadlines, due_notices, still_due

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
