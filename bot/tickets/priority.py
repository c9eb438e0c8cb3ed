"""How urgent and how wide a problem is, and the priority that follows (the matrix)."""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum

__all__ = ["IMPACT_SCALE", "Impact", "Priority", "SCALE", "URGENCY_SCALE", "Urgency", "priority"]


class Urgency(Enum):
    """How soon the customer needs it fixed (texts live in the templates)."""

    BLOCKING = "blocking"  # "мешает работать прямо сейчас"
    TODAY = "today"  # "нужно сегодня"
    CAN_WAIT = "can_wait"  # "может подождать"


class Impact(Enum):
    """Who is affected (texts live in the templates)."""

    ONLY_ME = "only_me"  # "только я"
    SEVERAL = "several"  # "несколько человек"
    EVERYONE = "everyone"  # "все / теряем деньги"


SCALE: tuple[str, ...] = ("low", "medium", "high")
"""The three-step scale the customer answers urgency and impact on (the form's buttons)."""

URGENCY_SCALE: Mapping[Urgency, str] = {
    Urgency.BLOCKING: "high",
    Urgency.TODAY: "medium",
    Urgency.CAN_WAIT: "low",
}
"""Where each urgency sits on :data:`SCALE`: how the form asks it, how the card shows it."""

IMPACT_SCALE: Mapping[Impact, str] = {
    Impact.ONLY_ME: "low",
    Impact.SEVERAL: "medium",
    Impact.EVERYONE: "high",
}
"""Where each impact sits on :data:`SCALE`: more harm stands for a wider impact."""


class Priority(Enum):
    """Ticket priority, most urgent first."""

    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"

    @property
    def label_ru(self) -> str:
        return _PRIORITY_RU[self]


_PRIORITY_RU: Mapping[Priority, str] = {
    Priority.CRITICAL: "Критический",
    Priority.HIGH: "Высокий",
    Priority.MEDIUM: "Средний",
    Priority.LOW: "Низкий",
}

_MATRIX: Mapping[tuple[Urgency, Impact], Priority] = {
    (Urgency.BLOCKING, Impact.ONLY_ME): Priority.HIGH,
    (Urgency.BLOCKING, Impact.SEVERAL): Priority.HIGH,
    (Urgency.BLOCKING, Impact.EVERYONE): Priority.CRITICAL,
    (Urgency.TODAY, Impact.ONLY_ME): Priority.MEDIUM,
    (Urgency.TODAY, Impact.SEVERAL): Priority.MEDIUM,
    (Urgency.TODAY, Impact.EVERYONE): Priority.HIGH,
    (Urgency.CAN_WAIT, Impact.ONLY_ME): Priority.LOW,
    (Urgency.CAN_WAIT, Impact.SEVERAL): Priority.LOW,
    (Urgency.CAN_WAIT, Impact.EVERYONE): Priority.MEDIUM,
}


def priority(urgency: Urgency, impact: Impact) -> Priority:
    """Priority from the urgency × impact matrix.

    ============  ========  ========  ================
    urgency       only me   several   everyone / money
    ============  ========  ========  ================
    blocking now  HIGH      HIGH      CRITICAL
    today         MEDIUM    MEDIUM    HIGH
    can wait      LOW       LOW       MEDIUM
    ============  ========  ========  ================

    A single customer who cannot work at all is HIGH rather than ITIL's MEDIUM: for a
    customer desk that one person is the whole relationship.

    >>> priority(Urgency.BLOCKING, Impact.EVERYONE)
    <Priority.CRITICAL: 'critical'>
    """
    return _MATRIX[urgency, impact]
