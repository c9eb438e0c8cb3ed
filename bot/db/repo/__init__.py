"""The queries the bot runs, as small typed functions over an ``AsyncSession``.

They flush and never commit: whoever opened the session (one per update) commits.
"""

from bot.db.repo.canned import (
    add_canned_reply,
    delete_canned_reply,
    get_canned_reply,
    list_canned_replies,
    update_canned_reply,
)
from bot.db.repo.customers import get_customer, upsert_customer
from bot.db.repo.errors import (
    CannedReplyTitleTaken,
    StorageError,
    TicketAlreadyOpen,
    TooMuchContention,
)
from bot.db.repo.feedback import get_attempt, record_attempt, record_vote
from bot.db.repo.messages import (
    AddedMessage,
    add_message,
    get_message_by_relay,
    get_message_by_source,
    list_messages,
    mark_delivered,
    undelivered_messages,
)
from bot.db.repo.stats import (
    CsatSummary,
    SlaBreaches,
    count_breaches,
    count_by_status,
    csat_summary,
    median_first_response,
)
from bot.db.repo.tickets import (
    OpenedTicket,
    assign,
    close,
    get_open_ticket,
    get_ticket,
    get_ticket_by_number,
    get_ticket_by_topic,
    list_overdue,
    list_tickets,
    open_ticket,
    reopen,
    resolve,
    set_csat,
    set_line,
    set_priority,
    set_status,
    set_topic,
)

__all__ = [
    "AddedMessage",
    "CannedReplyTitleTaken",
    "CsatSummary",
    "OpenedTicket",
    "SlaBreaches",
    "StorageError",
    "TicketAlreadyOpen",
    "TooMuchContention",
    "add_canned_reply",
    "add_message",
    "assign",
    "close",
    "count_breaches",
    "count_by_status",
    "csat_summary",
    "delete_canned_reply",
    "get_attempt",
    "get_canned_reply",
    "get_customer",
    "get_message_by_relay",
    "get_message_by_source",
    "get_open_ticket",
    "get_ticket",
    "get_ticket_by_number",
    "get_ticket_by_topic",
    "list_canned_replies",
    "list_messages",
    "list_overdue",
    "list_tickets",
    "mark_delivered",
    "median_first_response",
    "open_ticket",
    "record_attempt",
    "record_vote",
    "reopen",
    "resolve",
    "set_csat",
    "set_line",
    "set_priority",
    "set_status",
    "set_topic",
    "undelivered_messages",
    "update_canned_reply",
    "upsert_customer",
]
