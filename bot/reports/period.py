"""The period a report covers: ``--since 30d`` / ``12h`` / ``2w`` / an ISO date, up to now.

Errors::

    ValueError
    └── BadPeriod        the text is neither a span nor a date, or it points to the future
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

__all__ = ["BadPeriod", "Period", "parse_since"]

_SPAN = re.compile(r"(\d+)\s*([hdw])")
_UNITS = {"h": timedelta(hours=1), "d": timedelta(days=1), "w": timedelta(weeks=1)}
_EXAMPLES = "e.g. 30d, 12h, 2w or 2026-11-01"


class BadPeriod(ValueError):
    """``--since`` could not be read; the message names the value and the accepted forms."""

    def __init__(self, value: str, reason: str) -> None:
        super().__init__(value, reason)
        self.value = value
        self.reason = reason

    def __str__(self) -> str:
        return f"{self.value!r} {self.reason} ({_EXAMPLES})"


@dataclass(frozen=True)
class Period:
    """``[since, until)``, both aware UTC; :attr:`middle` splits it into the older and recent half.

    >>> p = Period(datetime(2026, 11, 1, tzinfo=UTC), datetime(2026, 11, 3, tzinfo=UTC))
    >>> p.middle.day, p.is_recent(datetime(2026, 11, 2, 12, tzinfo=UTC))
    (2, True)
    """

    since: datetime
    until: datetime

    @property
    def middle(self) -> datetime:
        return self.since + (self.until - self.since) / 2

    @property
    def days(self) -> int:
        """Whole days covered, rounded up (what the report header says)."""
        return max(1, -(-(self.until - self.since) // timedelta(days=1)))

    def is_recent(self, moment: datetime) -> bool:
        """Whether ``moment`` falls in the second half of the period."""
        return moment >= self.middle

    def __contains__(self, moment: object) -> bool:
        return isinstance(moment, datetime) and self.since <= moment < self.until


def parse_since(text: str, now: datetime) -> datetime:
    """The start of a period given as a span back from ``now`` or as an ISO date/time (UTC).

    :param text: ``30d``, ``12h``, ``2w``, ``2026-11-01`` or ``2026-11-01T09:30``
    :param now: the end of the period, aware
    :raises BadPeriod: anything else, a zero span, or a start after ``now``

    >>> now = datetime(2026, 11, 30, 12, tzinfo=UTC)
    >>> parse_since("2w", now).isoformat(), parse_since("2026-11-01", now).isoformat()
    ('2026-11-16T12:00:00+00:00', '2026-11-01T00:00:00+00:00')
    """
    value = text.strip().lower()
    span = _SPAN.fullmatch(value)
    if span:
        amount = int(span.group(1))
        if amount == 0:
            raise BadPeriod(text, "is an empty period")
        try:
            return now - amount * _UNITS[span.group(2)]
        except OverflowError:
            raise BadPeriod(text, "reaches before the year 1") from None
    try:
        moment = datetime.fromisoformat(value.upper())
    except ValueError:
        raise BadPeriod(text, "is neither a span nor an ISO date") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    if moment >= now:
        raise BadPeriod(text, "is in the future: the report covers the time up to now")
    return moment.astimezone(UTC)
