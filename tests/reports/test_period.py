"""``--since``: spans back from now, ISO dates, and clear refusals."""

from __future__ import annotations

import doctest
from datetime import UTC, datetime, timedelta
from types import ModuleType

import pytest

from bot.reports import BadPeriod, Period, parse_since, wordings
from bot.reports import period as period_module

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "since"),
    [
        ("30d", NOW - timedelta(days=30)),
        ("12h", NOW - timedelta(hours=12)),
        ("2w", NOW - timedelta(weeks=2)),
        (" 7D ", NOW - timedelta(days=7)),
        ("2026-11-01", datetime(2026, 11, 1, tzinfo=UTC)),
        ("2026-11-01T09:30", datetime(2026, 11, 1, 9, 30, tzinfo=UTC)),
        ("2026-11-01T09:30+03:00", datetime(2026, 11, 1, 6, 30, tzinfo=UTC)),
    ],
)
def test_since_reads_spans_and_iso_dates(text: str, since: datetime) -> None:
    assert parse_since(text, NOW) == since


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("abc", "is neither a span nor an ISO date"),
        ("", "is neither a span nor an ISO date"),
        ("30x", "is neither a span nor an ISO date"),
        ("-5d", "is neither a span nor an ISO date"),
        ("0d", "is an empty period"),
        ("2026-12-01", "is in the future"),
        ("99999999w", "reaches before the year 1"),
    ],
)
def test_bad_since_names_the_value_and_the_accepted_forms(text: str, reason: str) -> None:
    with pytest.raises(BadPeriod) as caught:
        parse_since(text, NOW)
    assert str(caught.value).startswith(f"{text!r} {reason}")
    assert "30d, 12h, 2w or 2026-11-01" in str(caught.value)


def test_period_halves_and_days() -> None:
    period = Period(NOW - timedelta(days=30, hours=1), NOW)
    assert period.days == 31
    assert period.middle == NOW - timedelta(days=15, minutes=30)
    assert period.is_recent(period.middle) and not period.is_recent(period.since)
    assert NOW not in period and period.since in period


@pytest.mark.parametrize("module", [period_module, wordings])
def test_docstring_examples(module: ModuleType) -> None:
    failed, tried = doctest.testmod(module)
    assert tried and not failed
