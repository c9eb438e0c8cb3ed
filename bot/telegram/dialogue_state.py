"""The dialogue's state between updates: the conversation, kept in the FSM data.

The decisions are :class:`bot.dialogue.Dialogue`'s, the same as in ``faqbot chat``; this module
only stores the :class:`~bot.dialogue.Conversation` (beside the id of the stored question it is
about) and reads it back. Showing a reply is :mod:`bot.telegram.replies`' job.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aiogram.fsm.context import FSMContext

from bot.dialogue import Conversation

__all__ = ["Position", "as_data", "load", "save"]


@dataclass(frozen=True)
class Position:
    """Where the customer is: the conversation, and the attempt (stored question) it is about.

    ``attempt`` is 0 when the conversation is not about a stored question.
    """

    conversation: Conversation
    attempt: int = 0

    def about(self, attempt: int) -> bool:
        """Whether a button of stored question ``attempt`` belongs to this conversation."""
        return self.attempt == attempt


def as_data(position: Position) -> dict[str, Any]:
    """The position as FSM data values (JSON), merged into what else the FSM data holds."""
    return {"conversation": position.conversation.as_dict(), "attempt": position.attempt}


async def load(state: FSMContext) -> Position:
    """The conversation kept in the FSM data; a fresh one if none is (or it is unreadable)."""
    data = await state.get_data()
    try:
        conversation = Conversation.from_dict(data["conversation"])
    except (KeyError, TypeError, ValueError):  # nothing yet, or saved by an older version
        return Position(Conversation())
    attempt = data.get("attempt")
    return Position(conversation, attempt if isinstance(attempt, int) else 0)


async def save(state: FSMContext, position: Position) -> None:
    """Keep the conversation for the next update."""
    await state.update_data(as_data(position))
