"""What a customer tells before a ticket exists, and the ticket's human number."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from bot.tickets.details import details_in
from bot.tickets.priority import Impact, Priority, Urgency, priority

__all__ = ["FIRST_TICKET_NUMBER", "TicketDraft", "format_number", "parse_number"]


@dataclass(frozen=True)
class TicketDraft:
    """What the ticket form collects; ``None`` is "the customer skipped it".

    :param question: the customer's words that led to the ticket
    :param what_happened: pre-filled with ``question``, the customer may rewrite it
    :param attachments: ``(kind, file_id)`` pairs, e.g. ``("photo", "AgAC...")``
    :param tried: what did not help, pre-filled with the articles the bot offered
    """

    question: str
    what_happened: str
    when_happened: str | None = None
    error_text: str | None = None
    attachments: tuple[tuple[str, str], ...] = ()
    tried: tuple[str, ...] = ()
    device: str | None = None
    order_number: str | None = None
    contact: str | None = None
    urgency: Urgency = Urgency.TODAY
    impact: Impact = Impact.ONLY_ME

    @classmethod
    def from_question(cls, question: str, rejected_articles: tuple[str, ...] = ()) -> TicketDraft:
        """A draft started from a question the bot could not settle, with the order number,
        error, device and time the question names already in place (:func:`details_in`).

        :param question: the customer's text
        :param rejected_articles: titles the bot offered and the customer said did not help
        """
        return cls(question="", what_happened="", tried=rejected_articles).told(question)

    def told(self, text: str) -> TicketDraft:
        """The draft with ``text`` as its question, for a form begun before any (the customer
        asked for a person first), and what ``text`` names that the draft lacks in place."""
        found = details_in(text)
        return replace(
            self,
            question=text,
            what_happened=text,
            when_happened=self.when_happened or found.when,
            error_text=self.error_text or found.error_text,
            device=self.device or found.device,
            order_number=self.order_number or found.order_number,
        )

    @property
    def priority(self) -> Priority:
        return priority(self.urgency, self.impact)


FIRST_TICKET_NUMBER = 1001
"""Numbers start here so that the first customer does not see "ticket #1"."""

# Matched on the stripped text: runs of \s* side by side backtrack in O(n²) on long blanks.
_NUMBER = re.compile(r"(?:№|#)?[ \t]{0,3}(\d{1,9})")


def format_number(number: int) -> str:
    """How customers and agents see a ticket number.

    >>> format_number(1042)
    '#1042'
    """
    return f"#{number}"


def parse_number(text: str) -> int | None:
    """The ticket number in ``"#1042"``, ``"1042"`` or ``"№1042"``, else ``None``.

    >>> parse_number("#1042"), parse_number("заявка")
    (1042, None)
    """
    match = _NUMBER.fullmatch(text.strip())
    return int(match.group(1)) if match else None
