"""The self-service rate over time as chart geometry; ``web/_chart.j2`` draws it as inline SVG.

Pure arithmetic: coordinates in SVG user units, y growing downwards. Days without questions
have no rate: the line breaks there instead of dropping to zero.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from bot.web.outcomes import DayRate

__all__ = ["Bar", "Dot", "RateChart", "Tick", "rate_chart"]

_MARGIN_LEFT, _MARGIN_RIGHT, _MARGIN_TOP, _MARGIN_BOTTOM = 48.0, 16.0, 12.0, 28.0
_RATE_TICKS = (0.0, 0.25, 0.5, 0.75, 1.0)
_DATE_LABELS = 8  # at most this many dates under the axis


@dataclass(frozen=True)
class Tick:
    position: float
    value: float | date


@dataclass(frozen=True)
class Dot:
    """A day with questions: where its rate is drawn, and its numbers for the tooltip."""

    x: float
    y: float
    day: DayRate


@dataclass(frozen=True)
class Bar:
    """How many questions a day had, scaled to the busiest day (grey, behind the line)."""

    x: float
    y: float
    width: float
    height: float
    day: DayRate


@dataclass(frozen=True)
class RateChart:
    width: float
    height: float
    left: float
    top: float
    right: float
    bottom: float
    lines: tuple[str, ...]
    """SVG path data, one path per run of consecutive days with questions."""
    dots: tuple[Dot, ...]
    bars: tuple[Bar, ...]
    rate_ticks: tuple[Tick, ...]
    date_ticks: tuple[Tick, ...]
    busiest: int
    """The most questions on one day (what a full-height bar means)."""


def rate_chart(days: Sequence[DayRate], *, width: float = 1000, height: float = 280) -> RateChart:
    """Lay out ``days`` (consecutive, oldest first) in a ``width`` × ``height`` box.

    >>> from datetime import date
    >>> chart = rate_chart([DayRate(date(2026, 11, 1), 4, 3), DayRate(date(2026, 11, 2), 0, 0)])
    >>> chart.lines, len(chart.dots), chart.busiest
    (('M 282.0 72.0',), 1, 4)
    """
    left, right = _MARGIN_LEFT, width - _MARGIN_RIGHT
    top, bottom = _MARGIN_TOP, height - _MARGIN_BOTTOM
    step = (right - left) / max(len(days), 1)
    busiest = max((day.questions for day in days), default=0)

    def x_of(index: int) -> float:
        return round(left + step * index + (step / 2 if len(days) > 1 else 0), 1)

    def y_of(rate: float) -> float:
        return round(bottom - (bottom - top) * rate, 1)

    lines: list[str] = []
    run: list[str] = []
    dots: list[Dot] = []
    bars: list[Bar] = []
    for index, day in enumerate(days):
        x = x_of(index)
        if day.questions and busiest:
            tall = round((bottom - top) * day.questions / busiest, 1)
            bar_width = round(max(step * 0.6, 1.0), 1)
            bars.append(
                Bar(round(x - bar_width / 2, 1), round(bottom - tall, 1), bar_width, tall, day)
            )
        if day.rate is None:
            if run:
                lines.append(" ".join(run))
                run = []
            continue
        y = y_of(day.rate)
        run.append(f"{'L' if run else 'M'} {x} {y}")
        dots.append(Dot(x, y, day))
    if run:
        lines.append(" ".join(run))
    every = max(1, -(-len(days) // _DATE_LABELS))
    date_ticks = tuple(
        Tick(x_of(index), day.day) for index, day in enumerate(days) if index % every == 0
    )
    rate_ticks = tuple(Tick(y_of(rate), rate) for rate in _RATE_TICKS)
    return RateChart(
        width,
        height,
        left,
        top,
        right,
        bottom,
        tuple(lines),
        tuple(dots),
        tuple(bars),
        rate_ticks,
        date_ticks,
        busiest,
    )
