"""The arguments of agents' commands, read the way agents type them.

``/priority высокий`` (or ``высокая``, ``high``, ``2``), ``/status в работе`` (or
``ожидает клиента``, ``решена``), ``/line 2`` (or ``L2``, ``вторая``). Case, ``ё`` and word
endings do not matter: an agent writes «Высокий» as readily as «высокая».
"""

from __future__ import annotations

from bot.tickets import Priority, TicketStatus

__all__ = ["CommandError", "canned_verb", "parse_line", "parse_priority", "parse_status"]


class CommandError(ValueError):
    """An argument the command cannot take.

    :param reason: which argument (``"priority"``, ``"status"``, ``"line"``, ``"period"``):
        the desk says what it accepts from ``agents/command_error.j2``; the message is for logs
    """

    def __init__(self, message: str, *, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


def _words(text: str) -> list[str]:
    return text.casefold().replace("ё", "е").replace("-", " ").split()


# Stems, so that every gender and case of the adjective matches.
_PRIORITY_STEMS: tuple[tuple[tuple[str, ...], Priority], ...] = (
    (("критич", "critical", "крит", "p1", "1"), Priority.CRITICAL),
    (("высок", "high", "p2", "2"), Priority.HIGH),
    (("средн", "medium", "normal", "обычн", "p3", "3"), Priority.MEDIUM),
    (("низк", "low", "p4", "4"), Priority.LOW),
)


def parse_priority(text: str) -> Priority:
    """``"высокий"`` → :attr:`Priority.HIGH`.

    >>> parse_priority("Критическая")
    <Priority.CRITICAL: 'critical'>
    """
    words = _words(text)
    if len(words) == 1:
        for stems, level in _PRIORITY_STEMS:
            if any(
                words[0].startswith(stem) if stem.isalpha() else words[0] == stem for stem in stems
            ):
                return level
    raise CommandError("expected a priority: critical, high, medium or low", reason="priority")


_STATUSES: tuple[tuple[tuple[str, ...], TicketStatus], ...] = (
    (("в работе", "работа", "в работу", "in progress", "работаем"), TicketStatus.IN_PROGRESS),
    (
        ("ожидает клиента", "ожидает", "ждем клиента", "ждем", "ожидание", "waiting"),
        TicketStatus.WAITING_CUSTOMER,
    ),
    (("решена", "решено", "решен", "resolved", "готово"), TicketStatus.RESOLVED),
)


def parse_status(text: str) -> TicketStatus:
    """``"ожидает клиента"`` → :attr:`TicketStatus.WAITING_CUSTOMER`.

    >>> parse_status("В работе")
    <TicketStatus.IN_PROGRESS: 'in_progress'>
    """
    said = " ".join(_words(text))
    for names, status in _STATUSES:
        if said in names:
            return status
    raise CommandError("expected a status: in progress, waiting or resolved", reason="status")


_LINES = {
    "1": 1,
    "2": 2,
    "3": 3,
    "l1": 1,
    "l2": 2,
    "l3": 3,
    "первая": 1,
    "вторая": 2,
    "третья": 3,
    "первую": 1,
    "вторую": 2,
    "третью": 3,
}


def parse_line(text: str) -> int:
    """``"2"``, ``"L2"`` or ``"вторая"`` → 2.

    >>> parse_line("L3")
    3
    """
    words = _words(text)
    if len(words) == 1 and words[0] in _LINES:
        return _LINES[words[0]]
    raise CommandError("expected a support line: 1, 2 or 3", reason="line")


_CANNED_VERBS = {"add": "add", "добавить": "add", "del": "del", "delete": "del", "удалить": "del"}


def canned_verb(word: str) -> str | None:
    """``"add"`` or ``"del"`` for the first word of ``/canned add ...``; ``None`` otherwise
    (``/canned`` alone, or anything else, lists the replies).

    >>> canned_verb("Удалить"), canned_verb("приветствие")
    ('del', None)
    """
    return _CANNED_VERBS.get(word.casefold())
