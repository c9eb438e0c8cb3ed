"""The clock tickets are stamped with, injectable so that tests can stop time."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

__all__ = ["Clock", "utc_now"]

Clock = Callable[[], datetime]
"""Returns the current moment, timezone-aware; injected so tests can stop time."""


def utc_now() -> datetime:
    """The real clock: now, in UTC."""
    return datetime.now(UTC)
