"""bot.desk.periods: the calendar period of /stats, read as agents type it."""

from __future__ import annotations

import doctest
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.desk import periods
from bot.desk.commands import CommandError
from bot.desk.periods import StatsPeriod, UnknownPeriod, parse_period, period_bounds

MOSCOW = ZoneInfo("Europe/Moscow")
BERLIN = ZoneInfo("Europe/Berlin")


@pytest.mark.parametrize(
    ("text", "period"),
    [
        (None, StatsPeriod.DAY),
        ("", StatsPeriod.DAY),
        ("   ", StatsPeriod.DAY),
        ("сегодня", StatsPeriod.DAY),
        ("Сегодня", StatsPeriod.DAY),
        ("день", StatsPeriod.DAY),
        ("today", StatsPeriod.DAY),
        ("неделя", StatsPeriod.WEEK),
        ("неделю", StatsPeriod.WEEK),
        (" НЕДЕЛЯ ", StatsPeriod.WEEK),
        ("week", StatsPeriod.WEEK),
        ("месяц", StatsPeriod.MONTH),
        ("Month", StatsPeriod.MONTH),
    ],
)
def test_periods_are_read_as_typed(text: str | None, period: StatsPeriod) -> None:
    assert parse_period(text) is period


@pytest.mark.parametrize("text", ["год", "вчера", "неделя месяц", "7d", "2025-01-01"])
def test_unknown_period_says_what_is_accepted(text: str) -> None:
    with pytest.raises(UnknownPeriod) as caught:
        parse_period(text)
    assert isinstance(caught.value, CommandError)
    assert caught.value.value == text
    assert str(caught.value) == (
        f"не знаю период «{text}»: укажите сегодня, неделя, месяц, today, week, month"
    )


@pytest.mark.parametrize(
    ("period", "now", "since", "until"),
    [
        # Wednesday 15 January, 12:00 in Moscow.
        (
            StatsPeriod.DAY,
            datetime(2025, 1, 15, 9, tzinfo=UTC),
            "2025-01-14T21:00",
            "2025-01-15T21:00",
        ),
        (
            StatsPeriod.WEEK,
            datetime(2025, 1, 15, 9, tzinfo=UTC),
            "2025-01-12T21:00",
            "2025-01-19T21:00",
        ),
        (
            StatsPeriod.MONTH,
            datetime(2025, 1, 15, 9, tzinfo=UTC),
            "2024-12-31T21:00",
            "2025-01-31T21:00",
        ),
        # 01:30 in Moscow is already the next local day (and, here, month and week).
        (
            StatsPeriod.DAY,
            datetime(2025, 3, 31, 22, 30, tzinfo=UTC),
            "2025-03-31T21:00",
            "2025-04-01T21:00",
        ),
        (
            StatsPeriod.MONTH,
            datetime(2025, 3, 31, 22, 30, tzinfo=UTC),
            "2025-03-31T21:00",
            "2025-04-30T21:00",
        ),
        (
            StatsPeriod.MONTH,
            datetime(2024, 12, 20, tzinfo=UTC),
            "2024-11-30T21:00",
            "2024-12-31T21:00",
        ),
        # Sunday evening belongs to the week that began on Monday.
        (
            StatsPeriod.WEEK,
            datetime(2025, 1, 19, 20, tzinfo=UTC),
            "2025-01-12T21:00",
            "2025-01-19T21:00",
        ),
    ],
)
def test_bounds_are_local_calendar_periods(
    period: StatsPeriod, now: datetime, since: str, until: str
) -> None:
    start, end = period_bounds(period, now, MOSCOW)
    assert start == datetime.fromisoformat(since).replace(tzinfo=UTC)
    assert end == datetime.fromisoformat(until).replace(tzinfo=UTC)


def test_a_day_across_a_dst_change_is_local() -> None:
    start, end = period_bounds(StatsPeriod.DAY, datetime(2025, 3, 30, 12, tzinfo=UTC), BERLIN)
    assert (end - start).total_seconds() == 23 * 3600
    assert start == datetime(2025, 3, 29, 23, tzinfo=UTC)


def test_naive_now_is_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        period_bounds(StatsPeriod.DAY, datetime(2025, 1, 15, 9), MOSCOW)


def test_docstring_examples() -> None:
    failed, tried = doctest.testmod(periods)
    assert tried and not failed
