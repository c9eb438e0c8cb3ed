"""Working hours of the support desk: when the clock of a non-critical SLA runs.

Pure: no I/O, no "now". Every datetime given must be timezone-aware; results are in UTC.
Arithmetic is done in UTC because Python adds a ``timedelta`` to a datetime in wall-clock
time when the tzinfo is a ``ZoneInfo``, which is wrong across a DST change.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

__all__ = ["BusinessHours", "Window"]

# A calendar with no working day in a whole year is a configuration error, not a long wait.
_SEARCH_DAYS = 400


@dataclass(frozen=True)
class Window:
    """The opening hours of one weekday, local time, ``opens`` < ``closes``."""

    opens: time
    closes: time

    def __post_init__(self) -> None:
        if not self.opens < self.closes:
            raise ValueError(
                f"a working window must open before it closes, got {self.opens}-{self.closes}"
            )


@dataclass(frozen=True)
class BusinessHours:
    """Weekday windows in a timezone, minus holidays.

    :param week: seven entries, Monday first; ``None`` is a day off
    :param timezone: IANA name, e.g. ``"Europe/Moscow"``
    :param holidays: local dates on which the desk is closed all day

    >>> hours = BusinessHours.weekdays()
    >>> friday_evening = datetime(2024, 3, 1, 17, 0, tzinfo=UTC)  # 20:00 in Moscow
    >>> hours.next_opening(friday_evening).isoformat()
    '2024-03-04T06:00:00+00:00'
    """

    week: tuple[Window | None, ...]
    timezone: str = "Europe/Moscow"
    holidays: frozenset[date] = frozenset()

    def __post_init__(self) -> None:
        if len(self.week) != 7:
            raise ValueError(f"week needs 7 entries (Monday first), got {len(self.week)}")
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(
                f"unknown timezone {self.timezone!r}, use an IANA name such as 'Europe/Moscow'"
            ) from exc

    @classmethod
    def weekdays(
        cls,
        opens: time = time(9),
        closes: time = time(18),
        *,
        days: Iterable[int] = range(5),
        timezone: str = "Europe/Moscow",
        holidays: Iterable[date] = (),
    ) -> BusinessHours:
        """The same window on the given weekdays (0 is Monday).

        :param opens: local opening time
        :param closes: local closing time
        :param days: working weekdays, 0 = Monday ... 6 = Sunday
        :param timezone: IANA timezone name
        :param holidays: dates off in addition to the weekly days off
        """
        working = set(days)
        if not working <= set(range(7)):
            raise ValueError(f"weekdays are 0 (Monday) to 6 (Sunday), got {sorted(working)}")
        window = Window(opens, closes)
        week = tuple(window if day in working else None for day in range(7))
        return cls(week, timezone, frozenset(holidays))

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def is_open(self, at: datetime) -> bool:
        """Whether the desk works at ``at`` (the closing instant itself is closed)."""
        local = _aware(at).astimezone(self.zone)
        span = self._span(local.date())
        return span is not None and span[0] <= at < span[1]

    def next_opening(self, at: datetime) -> datetime:
        """``at`` itself if the desk is open then, otherwise when it opens next (UTC)."""
        return self.add_working_time(at, timedelta(0))

    def add_working_time(self, start: datetime, duration: timedelta) -> datetime:
        """The instant when ``duration`` of working time has passed since ``start`` (UTC).

        Nights, days off and holidays do not count. A deadline that falls exactly on a
        closing time stays there rather than moving to the next morning.

        :param start: aware datetime, may be outside working hours
        :param duration: non-negative working time to add
        """
        if duration < timedelta(0):
            raise ValueError(f"duration must not be negative, got {duration}")
        start = _aware(start).astimezone(UTC)
        remaining = duration
        for opens, closes in self._spans_from(start):
            begin = max(start, opens)
            if begin >= closes:
                continue
            available = closes - begin
            if remaining <= available:
                return begin + remaining
            remaining -= available
        raise ValueError(f"no working day within {_SEARCH_DAYS} days of {start.isoformat()}")

    def working_time_between(self, start: datetime, end: datetime) -> timedelta:
        """Working time in ``[start, end)``; zero if ``end`` is not after ``start``."""
        start = _aware(start).astimezone(UTC)
        end = _aware(end).astimezone(UTC)
        total = timedelta(0)
        if end <= start:
            return total
        days = (end.astimezone(self.zone).date() - start.astimezone(self.zone).date()).days + 1
        for opens, closes in self._spans_from(start, days):
            total += max(timedelta(0), min(closes, end) - max(opens, start))
        return total

    def _spans_from(
        self, start: datetime, days: int = _SEARCH_DAYS
    ) -> Iterator[tuple[datetime, datetime]]:
        day = start.astimezone(self.zone).date()
        for offset in range(days):
            span = self._span(day + timedelta(days=offset))
            if span is not None:
                yield span

    def _span(self, day: date) -> tuple[datetime, datetime] | None:
        window = self.week[day.weekday()]
        if window is None or day in self.holidays:
            return None
        zone = self.zone
        opens = datetime.combine(day, window.opens, zone).astimezone(UTC)
        closes = datetime.combine(day, window.closes, zone).astimezone(UTC)
        return opens, closes


def _aware(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"expected a timezone-aware datetime, got naive {moment.isoformat()}")
    return moment
