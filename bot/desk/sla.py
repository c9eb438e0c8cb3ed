"""Which SLA notices a ticket is due now: a reminder before a deadline, or its breach (pure).

A notice is identified by its kind and the deadline it is about, so a deadline that moves
(the priority changed) earns new notices, and the same deadline never earns a notice twice.
No clock of its own: "now" is passed in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum

from bot.tickets import SlaTarget

__all__ = ["NoticeKind", "Notice", "TicketDeadlines", "due_notices", "still_due"]


class NoticeKind(Enum):
    """The same values as :class:`bot.db.models.SlaNoticeKind`, the column that stores them."""

    FIRST_RESPONSE_SOON = "first_response_soon"
    FIRST_RESPONSE_BREACHED = "first_response_breached"
    RESOLUTION_SOON = "resolution_soon"
    RESOLUTION_BREACHED = "resolution_breached"

    @property
    def target(self) -> SlaTarget:
        if self in (NoticeKind.FIRST_RESPONSE_SOON, NoticeKind.FIRST_RESPONSE_BREACHED):
            return SlaTarget.FIRST_RESPONSE
        return SlaTarget.RESOLUTION

    @property
    def breached(self) -> bool:
        return self in (NoticeKind.FIRST_RESPONSE_BREACHED, NoticeKind.RESOLUTION_BREACHED)


@dataclass(frozen=True)
class TicketDeadlines:
    """What the SLA clock of one ticket depends on.

    :param is_open: new, in progress or waiting for the customer
    :param first_response_at: when an agent first answered, ``None`` before that
    :param first_response_due: the first-response deadline (aware)
    :param resolution_due: the resolution deadline (aware)
    """

    is_open: bool
    first_response_at: datetime | None
    first_response_due: datetime
    resolution_due: datetime


@dataclass(frozen=True)
class Notice:
    """One notice: which, and about which deadline."""

    kind: NoticeKind
    due_at: datetime


def due_notices(
    ticket: TicketDeadlines, now: datetime, remind_before: timedelta
) -> tuple[Notice, ...]:
    """The notices the ticket is due at ``now``, first response first.

    A deadline within ``remind_before`` earns a reminder; a deadline passed earns the breach
    notice only, without the reminder a bot that was down through the window never sent.
    Nothing for a closed or resolved ticket; nothing about the first response once given.

    :param ticket: the deadlines and state
    :param now: the present, aware
    :param remind_before: how long before a deadline the reminder is due

    >>> from datetime import UTC
    >>> noon = datetime(2025, 1, 15, 12, tzinfo=UTC)
    >>> deadlines = TicketDeadlines(True, None, noon, noon + timedelta(hours=8))
    >>> [n.kind.value for n in due_notices(deadlines, noon, timedelta(minutes=15))]
    ['first_response_breached']
    """
    if not ticket.is_open:
        return ()
    notices: list[Notice] = []
    if ticket.first_response_at is None:
        notices.extend(
            _about(
                ticket.first_response_due,
                now,
                remind_before,
                NoticeKind.FIRST_RESPONSE_SOON,
                NoticeKind.FIRST_RESPONSE_BREACHED,
            )
        )
    notices.extend(
        _about(
            ticket.resolution_due,
            now,
            remind_before,
            NoticeKind.RESOLUTION_SOON,
            NoticeKind.RESOLUTION_BREACHED,
        )
    )
    return tuple(notices)


def _about(
    due: datetime, now: datetime, remind_before: timedelta, soon: NoticeKind, late: NoticeKind
) -> tuple[Notice, ...]:
    if now >= due:
        return (Notice(late, due),)
    if now >= due - remind_before:
        return (Notice(soon, due),)
    return ()


def still_due(
    notice: Notice, ticket: TicketDeadlines, now: datetime, remind_before: timedelta
) -> bool:
    """Whether a notice planned earlier is still worth sending at ``now``.

    A notice that waited (the ticket had no topic yet) may have lost its point: the agent
    answered, the ticket was resolved, the priority moved the deadline, or the reminder's
    deadline has passed and the breach notice replaces it.
    """
    return notice in due_notices(ticket, now, remind_before)
