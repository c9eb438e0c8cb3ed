"""The ticket domain: priority matrix, business hours, SLA deadlines, statuses."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.business_hours import BusinessHours, Window
from bot.tickets import (
    OPEN_STATUSES,
    TRANSITIONS,
    Impact,
    Priority,
    SlaPolicy,
    SlaTarget,
    TicketDraft,
    TicketStatus,
    TransitionNotAllowed,
    Urgency,
    check_transition,
    format_number,
    parse_number,
    priority,
    sla_deadlines,
    sla_due,
)

MSK = ZoneInfo("Europe/Moscow")
NEW_YEAR_WEEK = frozenset({date(2025, 1, 6), date(2025, 1, 7)})  # a Monday and a Tuesday


def msk(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=MSK)


@pytest.fixture
def hours() -> BusinessHours:
    return BusinessHours.weekdays(holidays=NEW_YEAR_WEEK)


# --- priority matrix ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("urgency", "impact", "expected"),
    [
        (Urgency.BLOCKING, Impact.ONLY_ME, Priority.HIGH),
        (Urgency.BLOCKING, Impact.SEVERAL, Priority.HIGH),
        (Urgency.BLOCKING, Impact.EVERYONE, Priority.CRITICAL),
        (Urgency.TODAY, Impact.ONLY_ME, Priority.MEDIUM),
        (Urgency.TODAY, Impact.SEVERAL, Priority.MEDIUM),
        (Urgency.TODAY, Impact.EVERYONE, Priority.HIGH),
        (Urgency.CAN_WAIT, Impact.ONLY_ME, Priority.LOW),
        (Urgency.CAN_WAIT, Impact.SEVERAL, Priority.LOW),
        (Urgency.CAN_WAIT, Impact.EVERYONE, Priority.MEDIUM),
    ],
)
def test_priority_matrix(urgency: Urgency, impact: Impact, expected: Priority) -> None:
    assert priority(urgency, impact) is expected


def test_more_urgency_or_impact_never_lowers_priority() -> None:
    rank = {p: i for i, p in enumerate(reversed(Priority))}  # LOW 0 ... CRITICAL 3
    urgencies = list(reversed(Urgency))  # CAN_WAIT ... BLOCKING
    impacts = list(Impact)  # ONLY_ME ... EVERYONE
    for u_low, u_high in zip(urgencies, urgencies[1:], strict=False):
        for impact in impacts:
            assert rank[priority(u_high, impact)] >= rank[priority(u_low, impact)]
    for i_low, i_high in zip(impacts, impacts[1:], strict=False):
        for urgency in urgencies:
            assert rank[priority(urgency, i_high)] >= rank[priority(urgency, i_low)]


@pytest.mark.parametrize(
    ("level", "label"),
    [
        (Priority.CRITICAL, "Критический"),
        (Priority.HIGH, "Высокий"),
        (Priority.MEDIUM, "Средний"),
        (Priority.LOW, "Низкий"),
    ],
)
def test_priority_has_russian_label(level: Priority, label: str) -> None:
    assert level.label_ru == label


# --- business hours -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "is_open"),
    [
        (msk(2025, 1, 8, 9, 0), True),  # Wednesday, opening instant
        (msk(2025, 1, 8, 8, 59), False),
        (msk(2025, 1, 8, 17, 59), True),
        (msk(2025, 1, 8, 18, 0), False),  # closing instant is closed
        (msk(2025, 1, 11, 12, 0), False),  # Saturday
        (msk(2025, 1, 7, 12, 0), False),  # holiday (Tuesday)
        (datetime(2025, 1, 8, 6, 30, tzinfo=UTC), True),  # 09:30 in Moscow
    ],
)
def test_business_hours_is_open(hours: BusinessHours, moment: datetime, is_open: bool) -> None:
    assert hours.is_open(moment) is is_open


@pytest.mark.parametrize(
    ("moment", "opening"),
    [
        (msk(2025, 1, 8, 10, 15), msk(2025, 1, 8, 10, 15)),  # open: now
        (msk(2025, 1, 8, 3, 0), msk(2025, 1, 8, 9, 0)),  # night: this morning
        (msk(2025, 1, 8, 18, 0), msk(2025, 1, 9, 9, 0)),  # evening: next morning
        (msk(2025, 1, 10, 19, 0), msk(2025, 1, 13, 9, 0)),  # Friday evening: Monday
        (msk(2025, 1, 3, 19, 0), msk(2025, 1, 8, 9, 0)),  # before the holidays: Wednesday
    ],
)
def test_next_opening(hours: BusinessHours, moment: datetime, opening: datetime) -> None:
    result = hours.next_opening(moment)
    assert result == opening
    assert result.tzinfo is UTC


@pytest.mark.parametrize(
    ("start", "duration", "due"),
    [
        (msk(2025, 1, 8, 10), timedelta(hours=2), msk(2025, 1, 8, 12)),  # same day
        (msk(2025, 1, 8, 17), timedelta(hours=2), msk(2025, 1, 9, 10)),  # over the night
        (msk(2025, 1, 8, 3), timedelta(hours=1), msk(2025, 1, 8, 10)),  # starts at night
        (msk(2025, 1, 10, 17), timedelta(hours=2), msk(2025, 1, 13, 10)),  # over a weekend
        (msk(2025, 1, 11, 12), timedelta(hours=1), msk(2025, 1, 13, 10)),  # starts on Saturday
        (msk(2025, 1, 3, 17), timedelta(hours=2), msk(2025, 1, 8, 10)),  # weekend + 2 holidays
        (msk(2025, 1, 8, 9), timedelta(hours=9), msk(2025, 1, 8, 18)),  # ends at closing
        (msk(2025, 1, 8, 9), timedelta(hours=27), msk(2025, 1, 10, 18)),  # three full days
        (msk(2025, 1, 8, 20), timedelta(0), msk(2025, 1, 9, 9)),
    ],
)
def test_add_working_time(
    hours: BusinessHours, start: datetime, duration: timedelta, due: datetime
) -> None:
    assert hours.add_working_time(start, duration) == due


def test_add_working_time_refuses_naive_and_negative(hours: BusinessHours) -> None:
    with pytest.raises(ValueError, match="naive"):
        hours.add_working_time(datetime(2025, 1, 8, 10), timedelta(hours=1))
    with pytest.raises(ValueError, match="negative"):
        hours.add_working_time(msk(2025, 1, 8, 10), timedelta(hours=-1))


def test_calendar_without_working_days_is_an_error() -> None:
    closed = BusinessHours((None,) * 7)
    with pytest.raises(ValueError, match="no working day"):
        closed.add_working_time(msk(2025, 1, 8), timedelta(hours=1))


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: Window(time(18), time(9)), "open before it closes"),
        (lambda: BusinessHours.weekdays(days=[0, 7]), "0 \\(Monday\\) to 6"),
        (lambda: BusinessHours((None,) * 6), "7 entries"),
        (lambda: BusinessHours.weekdays(timezone="Mars/Olympus"), "Mars/Olympus"),
    ],
)
def test_business_hours_validation(make: Callable[[], object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        make()


_BERLIN = BusinessHours.weekdays(time(8), time(20), days=range(6), timezone="Europe/Berlin")


@settings(max_examples=200, deadline=None)
@given(
    start=st.datetimes(
        min_value=datetime(2024, 1, 1), max_value=datetime(2026, 12, 31), timezones=st.just(UTC)
    ),
    minutes=st.integers(min_value=0, max_value=60 * 24 * 20),
)
def test_working_time_added_is_working_time_between(start: datetime, minutes: int) -> None:
    # Berlin has DST changes, which catch wall-clock arithmetic on aware datetimes.
    duration = timedelta(minutes=minutes)
    due = _BERLIN.add_working_time(start, duration)
    assert due >= start
    assert _BERLIN.working_time_between(start, due) == duration
    assert _BERLIN.is_open(due) or _BERLIN.is_open(due - timedelta(microseconds=1))


# --- SLA ------------------------------------------------------------------------------------


def test_critical_sla_runs_around_the_clock(hours: BusinessHours) -> None:
    saturday_night = msk(2025, 1, 11, 3, 0)
    due = sla_deadlines(Priority.CRITICAL, saturday_night, SlaPolicy(), hours)
    assert due.first_response == msk(2025, 1, 11, 3, 30)
    assert due.resolution == msk(2025, 1, 11, 7, 0)


@pytest.mark.parametrize(
    ("level", "first_response", "resolution"),
    [
        # Created Friday 16:00: two hours left that day, then the weekend and the holidays.
        (Priority.HIGH, msk(2025, 1, 3, 17), msk(2025, 1, 8, 15)),
        (Priority.MEDIUM, msk(2025, 1, 8, 11), msk(2025, 1, 10, 13)),
        (Priority.LOW, msk(2025, 1, 8, 15), msk(2025, 1, 14, 11)),
    ],
)
def test_business_hours_sla_skips_nights_weekends_and_holidays(
    hours: BusinessHours, level: Priority, first_response: datetime, resolution: datetime
) -> None:
    created = msk(2025, 1, 3, 16, 0)
    assert sla_due(level, created, SlaPolicy(), hours, SlaTarget.FIRST_RESPONSE) == first_response
    assert sla_due(level, created, SlaPolicy(), hours) == resolution


def test_sla_policy_needs_every_priority() -> None:
    with pytest.raises(ValueError, match="first_response has no target for: low"):
        SlaPolicy(first_response={p: timedelta(hours=1) for p in Priority if p is not Priority.LOW})


# --- statuses -------------------------------------------------------------------------------

_ALLOWED = {(a, b) for a, targets in TRANSITIONS.items() for b in targets}


@pytest.mark.parametrize("current", list(TicketStatus))
@pytest.mark.parametrize("target", list(TicketStatus))
def test_status_transitions(current: TicketStatus, target: TicketStatus) -> None:
    if (current, target) in _ALLOWED:
        check_transition(current, target)
    else:
        with pytest.raises(TransitionNotAllowed) as caught:
            check_transition(current, target)
        assert repr(target.value) in str(caught.value)


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (TicketStatus.NEW, TicketStatus.IN_PROGRESS),
        (TicketStatus.IN_PROGRESS, TicketStatus.WAITING_CUSTOMER),
        (TicketStatus.WAITING_CUSTOMER, TicketStatus.IN_PROGRESS),
        (TicketStatus.IN_PROGRESS, TicketStatus.RESOLVED),
        (TicketStatus.RESOLVED, TicketStatus.CLOSED),
        (TicketStatus.RESOLVED, TicketStatus.IN_PROGRESS),  # reopened
        (TicketStatus.CLOSED, TicketStatus.IN_PROGRESS),  # reopened
    ],
)
def test_workflow_moves_are_allowed(current: TicketStatus, target: TicketStatus) -> None:
    check_transition(current, target)


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (TicketStatus.CLOSED, TicketStatus.RESOLVED),
        (TicketStatus.RESOLVED, TicketStatus.NEW),
        (TicketStatus.IN_PROGRESS, TicketStatus.NEW),
        (TicketStatus.CLOSED, TicketStatus.CLOSED),
    ],
)
def test_backward_moves_are_refused(current: TicketStatus, target: TicketStatus) -> None:
    with pytest.raises(TransitionNotAllowed, match="cannot go from"):
        check_transition(current, target)


def test_open_statuses_and_labels() -> None:
    assert {s for s in TicketStatus if s.is_open} == OPEN_STATUSES
    assert TicketStatus.IN_PROGRESS.label_ru == "в работе"
    assert TicketStatus.WAITING_CUSTOMER.label_ru == "ожидает клиента"
    assert TicketStatus.RESOLVED.label_ru == "решена"
    assert TicketStatus.CLOSED.label_ru == "закрыта"


# --- draft and numbers ----------------------------------------------------------------------


def test_draft_from_question_prefills_what_happened_and_tried() -> None:
    draft = TicketDraft.from_question("не приходит смс", ("Код из СМС",))
    assert draft.what_happened == "не приходит смс"
    assert draft.tried == ("Код из СМС",)
    assert draft.priority is Priority.MEDIUM  # today × only me
    with pytest.raises(dataclasses.FrozenInstanceError):
        draft.device = "iPhone"  # type: ignore[misc]
    urgent = dataclasses.replace(draft, urgency=Urgency.BLOCKING, impact=Impact.EVERYONE)
    assert urgent.priority is Priority.CRITICAL


@pytest.mark.parametrize(
    ("text", "number"),
    [("#1042", 1042), ("1042", 1042), ("№ 1042", 1042), (" #1001 ", 1001), ("заявка", None),
     ("#1042 и ещё", None), (" " * 20_000 + "x", None)],  # blanks once took 6 s to refuse
)  # fmt: skip
def test_parse_number(text: str, number: int | None) -> None:
    assert parse_number(text) == number


def test_format_number_round_trips() -> None:
    assert format_number(1042) == "#1042"
    assert parse_number(format_number(1042)) == 1042
