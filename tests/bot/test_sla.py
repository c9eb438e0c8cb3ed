"""bot.desk.sla: which reminders and breach notices a ticket is due at a moment."""

from __future__ import annotations

import dataclasses
import doctest
from datetime import UTC, datetime, timedelta

import pytest

from bot.db.models import SlaNoticeKind
from bot.desk import sla
from bot.desk.sla import Notice, NoticeKind, TicketDeadlines, due_notices, still_due
from bot.tickets import SlaTarget

FIRST = datetime(2025, 1, 15, 10, 0, tzinfo=UTC)  # first-response deadline
RESOLUTION = datetime(2025, 1, 15, 15, 0, tzinfo=UTC)
REMIND = timedelta(minutes=15)
OPEN = TicketDeadlines(
    is_open=True, first_response_at=None, first_response_due=FIRST, resolution_due=RESOLUTION
)
ANSWERED = dataclasses.replace(OPEN, first_response_at=FIRST - timedelta(hours=1))
CLOSED = dataclasses.replace(OPEN, is_open=False)

FR_SOON = Notice(NoticeKind.FIRST_RESPONSE_SOON, FIRST)
FR_LATE = Notice(NoticeKind.FIRST_RESPONSE_BREACHED, FIRST)
RES_SOON = Notice(NoticeKind.RESOLUTION_SOON, RESOLUTION)
RES_LATE = Notice(NoticeKind.RESOLUTION_BREACHED, RESOLUTION)


def at(deadline: datetime, **delta: float) -> datetime:
    return deadline + timedelta(**delta)


@pytest.mark.parametrize(
    ("case", "ticket", "now", "expected"),
    [
        ("long before", OPEN, at(FIRST, hours=-2), ()),
        ("just before the window", OPEN, at(FIRST, minutes=-15, seconds=-1), ()),
        ("window opens", OPEN, at(FIRST, minutes=-15), (FR_SOON,)),
        ("in the window", OPEN, at(FIRST, minutes=-5), (FR_SOON,)),
        ("at the deadline", OPEN, FIRST, (FR_LATE,)),
        ("long past, no reminder", OPEN, at(FIRST, hours=3), (FR_LATE,)),
        ("resolution near too", OPEN, at(RESOLUTION, minutes=-1), (FR_LATE, RES_SOON)),
        ("both past", OPEN, at(RESOLUTION, days=2), (FR_LATE, RES_LATE)),
        ("answered: nothing about the first response", ANSWERED, at(FIRST, minutes=-5), ()),
        ("answered, resolution past", ANSWERED, at(RESOLUTION, hours=1), (RES_LATE,)),
        ("resolved or closed: nothing", CLOSED, at(RESOLUTION, days=2), ()),
    ],
)
def test_due_notices(
    case: str, ticket: TicketDeadlines, now: datetime, expected: tuple[Notice, ...]
) -> None:
    assert due_notices(ticket, now, REMIND) == expected, case


def test_a_moved_deadline_is_a_new_notice() -> None:
    now = at(FIRST, minutes=-10)
    assert due_notices(OPEN, now, REMIND) == (FR_SOON,)
    # The priority went up: the deadline is now earlier, and already past.
    earlier = dataclasses.replace(OPEN, first_response_due=at(FIRST, minutes=-30))
    assert due_notices(earlier, now, REMIND) == (
        Notice(NoticeKind.FIRST_RESPONSE_BREACHED, at(FIRST, minutes=-30)),
    )


def test_no_reminder_window_means_breaches_only() -> None:
    assert due_notices(OPEN, at(FIRST, seconds=-1), timedelta(0)) == ()
    assert due_notices(OPEN, FIRST, timedelta(0)) == (FR_LATE,)


@pytest.mark.parametrize(
    ("case", "ticket", "now", "notice", "due"),
    [
        ("still in the window", OPEN, at(FIRST, minutes=-1), FR_SOON, True),
        ("the deadline passed meanwhile", OPEN, FIRST, FR_SOON, False),
        ("answered meanwhile", ANSWERED, at(FIRST, minutes=-1), FR_SOON, False),
        ("breach still true", OPEN, at(FIRST, hours=1), FR_LATE, True),
        ("closed meanwhile", CLOSED, at(FIRST, hours=1), FR_LATE, False),
        (
            "the deadline moved",
            dataclasses.replace(OPEN, first_response_due=at(FIRST, hours=4)),
            at(FIRST, hours=1),
            FR_LATE,
            False,
        ),
    ],
)
def test_still_due(
    case: str, ticket: TicketDeadlines, now: datetime, notice: Notice, due: bool
) -> None:
    assert still_due(notice, ticket, now, REMIND) is due, case


def test_kinds_match_the_stored_column() -> None:
    assert [kind.value for kind in NoticeKind] == [kind.value for kind in SlaNoticeKind]
    assert NoticeKind.RESOLUTION_SOON.target is SlaTarget.RESOLUTION
    assert NoticeKind.FIRST_RESPONSE_BREACHED.target is SlaTarget.FIRST_RESPONSE
    assert [kind.breached for kind in NoticeKind] == [False, True, False, True]


def test_docstring_examples() -> None:
    failed, tried = doctest.testmod(sla)
    assert tried and not failed
