"""The self-service chart's geometry (bot.web.chart)."""

from __future__ import annotations

import doctest
from datetime import date, timedelta

import bot.web.chart
from bot.web.chart import rate_chart
from bot.web.outcomes import DayRate

START = date(2026, 11, 1)


def days(*counts: tuple[int, int]) -> list[DayRate]:
    return [DayRate(START + timedelta(days=n), q, s) for n, (q, s) in enumerate(counts)]


def test_a_day_without_questions_breaks_the_line() -> None:
    chart = rate_chart(days((4, 2), (2, 2), (0, 0), (5, 0)))
    assert len(chart.lines) == 2
    assert [len(line.split("L")) for line in chart.lines] == [2, 1]
    assert len(chart.dots) == 3 and len(chart.bars) == 3


def test_rates_map_to_the_plot_height() -> None:
    chart = rate_chart(days((4, 4), (4, 0)), width=400, height=200)
    full, empty = chart.dots
    assert full.y == chart.top and empty.y == chart.bottom
    assert chart.left < full.x < empty.x < chart.right
    tallest = max(bar.height for bar in chart.bars)
    assert tallest == chart.bottom - chart.top and chart.busiest == 4


def test_dates_under_the_axis_are_thinned() -> None:
    chart = rate_chart(days(*[(1, 1)] * 90))
    assert 1 < len(chart.date_ticks) <= 8
    assert chart.date_ticks[0].value == START


def test_no_questions_at_all_draws_only_the_axes() -> None:
    chart = rate_chart(days((0, 0), (0, 0)))
    assert chart.lines == () and chart.dots == () and chart.bars == () and chart.busiest == 0
    assert len(chart.rate_ticks) == 5


def test_doctests() -> None:
    failed, tried = doctest.testmod(bot.web.chart)
    assert tried and not failed
