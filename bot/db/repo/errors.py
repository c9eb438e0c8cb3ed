"""What the storage functions raise when a request cannot be carried out.

StorageError
 ├── TicketAlreadyOpen
 ├── CannedReplyTitleTaken
 └── TooMuchContention
"""

from __future__ import annotations

__all__ = ["CannedReplyTitleTaken", "StorageError", "TicketAlreadyOpen", "TooMuchContention"]


class StorageError(Exception):
    """Base of the storage errors."""


class TicketAlreadyOpen(StorageError):
    """A ticket cannot be reopened while the customer has another open one."""

    def __init__(self, ticket_number: int, open_number: int) -> None:
        super().__init__(ticket_number, open_number)
        self.ticket_number = ticket_number
        self.open_number = open_number

    def __str__(self) -> str:
        return (
            f"ticket #{self.ticket_number} cannot be reopened: the customer already has open "
            f"ticket #{self.open_number}; close or resolve it first"
        )


class CannedReplyTitleTaken(StorageError):
    """Canned replies are picked by title, so titles are unique."""

    def __init__(self, title: str) -> None:
        super().__init__(title)
        self.title = title

    def __str__(self) -> str:
        return f"a canned reply titled {self.title!r} already exists; choose another title"


class TooMuchContention(StorageError):
    """An insert kept colliding with concurrent ones; the caller may retry later."""

    def __init__(self, what: str, attempts: int) -> None:
        super().__init__(what, attempts)
        self.what = what
        self.attempts = attempts

    def __str__(self) -> str:
        return f"could not {self.what} after {self.attempts} attempts under concurrent writes"
