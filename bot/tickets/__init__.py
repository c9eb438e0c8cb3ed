"""The ticket domain: priority, SLA deadlines, statuses and the lifecycle (pure).

No aiogram, no SQLAlchemy, no clock of its own: "now" is passed in. Errors::

    TicketError
     ├── TransitionNotAllowed
     ├── TicketNotOpen       (taken, resolved... once it is resolved or closed)
     └── TicketStillOpen     (reopened while it is open)

The lifecycle is events in, a :class:`TicketChange` out; ``bot.db.repo.apply`` stores it::

    event                          assignee          status                   first response
    ─────────────────────────────  ────────────────  ───────────────────────  ──────────────
    on_agent_reply(agent)          agent, if nobody  new → in progress        now, if none
    on_answer_sent(author)         —                 —                        now, if none
    on_take(agent) / on_assign     agent             new → in progress        —
    on_customer_message            —                 waiting → in progress    —
    on_status(target)              —                 → target                 —
    on_resolve                     —                 open → resolved          —
    on_close                       —                 → closed (for good)      —
    on_reopen                      —                 resolved/closed → work   —
    on_priority(level)             —                 —  (priority, deadlines recomputed)
    on_line(line)                  —                 —  (support line 1–3)

``on_take`` and ``on_resolve`` raise :class:`TicketNotOpen` on a settled ticket, ``on_reopen``
raises :class:`TicketStillOpen` on an open one: the desk says so instead of changing anything.
"""

from bot.tickets.clock import Clock, utc_now
from bot.tickets.draft import FIRST_TICKET_NUMBER, TicketDraft, format_number, parse_number
from bot.tickets.lifecycle import (
    TicketChange,
    TicketState,
    on_agent_reply,
    on_answer_sent,
    on_assign,
    on_close,
    on_customer_message,
    on_line,
    on_priority,
    on_reopen,
    on_resolve,
    on_status,
    on_take,
)
from bot.tickets.priority import (
    IMPACT_SCALE,
    SCALE,
    URGENCY_SCALE,
    Impact,
    Priority,
    Urgency,
    priority,
)
from bot.tickets.sla import SlaDeadlines, SlaPolicy, SlaTarget, sla_deadlines, sla_due
from bot.tickets.status import (
    NOTICE_TYPES,
    OPEN_STATUSES,
    TRANSITIONS,
    BotNotice,
    MessageDirection,
    TicketError,
    TicketNotOpen,
    TicketStatus,
    TicketStillOpen,
    TransitionNotAllowed,
    check_transition,
)

__all__ = [
    "FIRST_TICKET_NUMBER",
    "IMPACT_SCALE",
    "NOTICE_TYPES",
    "SCALE",
    "OPEN_STATUSES",
    "TRANSITIONS",
    "URGENCY_SCALE",
    "BotNotice",
    "Clock",
    "Impact",
    "MessageDirection",
    "Priority",
    "SlaDeadlines",
    "SlaPolicy",
    "SlaTarget",
    "TicketChange",
    "TicketDraft",
    "TicketError",
    "TicketNotOpen",
    "TicketState",
    "TicketStillOpen",
    "TicketStatus",
    "TransitionNotAllowed",
    "Urgency",
    "check_transition",
    "format_number",
    "on_agent_reply",
    "on_answer_sent",
    "on_assign",
    "on_close",
    "on_customer_message",
    "on_line",
    "on_priority",
    "on_reopen",
    "on_resolve",
    "on_status",
    "on_take",
    "parse_number",
    "priority",
    "sla_deadlines",
    "sla_due",
    "utc_now",
]
