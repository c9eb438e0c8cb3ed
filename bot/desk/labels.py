"""How the desk shows a ticket's priority and line at a glance."""

from __future__ import annotations

from collections.abc import Mapping

from bot.tickets import Priority

__all__ = ["line_label", "priority_icon"]

_ICONS: Mapping[Priority, str] = {
    Priority.CRITICAL: "🔴",
    Priority.HIGH: "🟠",
    Priority.MEDIUM: "🟡",
    Priority.LOW: "🟢",
}


def priority_icon(priority: Priority) -> str:
    """A coloured circle, most urgent red: the topic list is read by colour first."""
    return _ICONS[priority]


def line_label(line: int) -> str:
    """``"2-я линия"``."""
    return f"{line}-я линия"
