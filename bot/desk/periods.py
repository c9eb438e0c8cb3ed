"""The calendar period of ``/stats``: today, this week or this month, in the desk's timezone.

Pure: "now" and the timezone are passed in. ``/stats`` alone means today; the argument is read
the way agents type it (``неделя``, ``неделю``, ``Месяц``, ``week``).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, tzinfo
from enum import Enum

from bot.desk.commands import CommandError

__all__ = ["ACCEPTED_PERIODS", "StatsPeriod", "UnknownPeriod", "parse_period", "period_bounds"]


class StatsPeriod(Enum):
    """A calendar period up to its end: today since local midnight, this week since Monday,
    this month since the 1st."""

    DAY = "day"
    WEEK = "week"
    MONTH = "month"


_WORDS: dict[str, StatsPeriod] = {
    "": StatsPeriod.DAY,
    "сегодня": StatsPeriod.DAY,
    "день": StatsPeriod.DAY,
    "today": StatsPeriod.DAY,
    "day": StatsPeriod.DAY,
    "неделя": StatsPeriod.WEEK,
    "неделю": StatsPeriod.WEEK,
    "week": StatsPeriod.WEEK,
    "месяц": StatsPeriod.MONTH,
    "month": StatsPeriod.MONTH,
}

ACCEPTED_PERIODS: tuple[str, ...] = ("сегодня", "неделя", "месяц", "today", "week", "month")
"""What the error message offers (the other spellings are accepted quietly)."""


class UnknownPeriod(CommandError):
    """``/stats`` got an argument that is not a period."""

    def __init__(self, value: str) -> None:
        super().__init__(value, reason="period")
        self.value = value

    def __str__(self) -> str:
        return f"не знаю период «{self.value}»: укажите {', '.join(ACCEPTED_PERIODS)}"


def parse_period(text: str | None) -> StatsPeriod:
    """The period an agent asked for; nothing at all is today.

    :raises UnknownPeriod: anything else, with the accepted words in its message

    >>> parse_period("Неделю"), parse_period(None)
    (<StatsPeriod.WEEK: 'week'>, <StatsPeriod.DAY: 'day'>)
    """
    said = " ".join((text or "").casefold().replace("ё", "е").split())
    try:
        return _WORDS[said]
    except KeyError:
        raise UnknownPeriod((text or "").strip()) from None


def period_bounds(period: StatsPeriod, now: datetime, zone: tzinfo) -> tuple[datetime, datetime]:
    """``[since, until)`` in UTC: the local calendar day, week or month that contains ``now``.

    Local midnights are taken in ``zone``, so a day across a DST change is 23 or 25 hours.

    :param period: which calendar period
    :param now: the present, aware
    :param zone: the desk's timezone

    >>> from zoneinfo import ZoneInfo
    >>> since, until = period_bounds(
    ...     StatsPeriod.WEEK, datetime(2025, 1, 15, 9, tzinfo=UTC), ZoneInfo("Europe/Moscow"))
    >>> since.isoformat(), until.isoformat()
    ('2025-01-12T21:00:00+00:00', '2025-01-19T21:00:00+00:00')
    """
    if now.tzinfo is None:
        raise ValueError(f"expected an aware datetime, got naive {now.isoformat()}")
    today = now.astimezone(zone).date()
    if period is StatsPeriod.DAY:
        first, after = today, today + timedelta(days=1)
    elif period is StatsPeriod.WEEK:
        first = today - timedelta(days=today.weekday())
        after = first + timedelta(days=7)
    else:
        first = today.replace(day=1)
        after = (first + timedelta(days=32)).replace(day=1)
    return _midnight(first, zone), _midnight(after, zone)


def _midnight(day: date, zone: tzinfo) -> datetime:
    return datetime.combine(day, time(0), zone).astimezone(UTC)
