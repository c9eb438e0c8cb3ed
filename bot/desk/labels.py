"""How the desk shows a ticket's priority at a glance (its line is a template's: "2-я линия",
"на 2-ю линию" — the case belongs with the sentence)."""

from __future__ import annotations

from collections.abc import Mapping

from bot.tickets import Priority

__all__ = ["priority_icon"]

_ICONS: Mapping[Priority, str] = {
    Priority.CRITICAL: "🔴",
    Priority.HIGH: "🟠",
    Priority.MEDIUM: "🟡",
    Priority.LOW: "🟢",
}


def priority_icon(priority: Priority) -> str:
    """A coloured circle, most urgent red: the topic list is read by colour first."""
    return _ICONS[priority]
