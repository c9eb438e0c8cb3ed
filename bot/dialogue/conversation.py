"""Where a conversation about one question stands, and what one step of it decided.

:class:`Conversation` is the state kept between messages (plain JSON by ``as_dict``);
:class:`Turn` is what :class:`~bot.dialogue.rules.Dialogue` returns for a message: the next
conversation, the reply, and for the record the search and the vote it made.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any

from bot.dialogue.replies import Reply, Searched, Vote
from nlp.documents import Hit

__all__ = ["Conversation", "Stage", "Turn"]


class Stage(Enum):
    """What the conversation waits for."""

    IDLE = "idle"  # a new question
    FEEDBACK = "feedback"  # 👍 / 👎 on the article shown
    CHOICE = "choice"  # a number from the list shown
    TICKET = "ticket"  # whether ``question`` is about the open ticket or a new question
    DETAIL = "detail"  # what exactly is wrong: ``question`` told trouble with no object


@dataclass(frozen=True)
class Conversation:
    """Where the conversation about the current question stands.

    :param question: the customer's question, as typed
    :param candidates: its ranking, best first: the pool for next-best offers
    :param by_words: ``candidates`` were ranked by the word views alone (the engine found the
        words decisive and skipped the encoder): they are ranked again by meaning before the
        next ones are offered
    :param shown: ids of every article offered for it, in order
    :param choices: ids in the numbered list, while ``stage`` is ``CHOICE``; while it is
        ``FEEDBACK``, the related articles shown beside the answer (numbered the same way)
    :param article: the id of the article waiting for a vote, while ``stage`` is ``FEEDBACK``
    :param retried: whether next-best candidates were offered already
    :param ticket: the number of the open ticket asked about, while ``stage`` is ``TICKET``
    """

    question: str = ""
    candidates: tuple[Hit, ...] = ()
    by_words: bool = False
    shown: tuple[str, ...] = ()
    stage: Stage = Stage.IDLE
    choices: tuple[str, ...] = ()
    article: str | None = None
    retried: bool = False
    ticket: int | None = None

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON values, for storage between messages (e.g. aiogram's FSM data)."""
        return {
            "question": self.question,
            "candidates": [[hit.doc_id, hit.score] for hit in self.candidates],
            "by_words": self.by_words,
            "shown": list(self.shown),
            "stage": self.stage.value,
            "choices": list(self.choices),
            "article": self.article,
            "retried": self.retried,
            "ticket": self.ticket,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Conversation:
        """The conversation :meth:`as_dict` stored."""
        return cls(
            question=data["question"],
            candidates=tuple(Hit(doc_id, score) for doc_id, score in data["candidates"]),
            by_words=data.get("by_words", False),  # absent from conversations stored before
            shown=tuple(data["shown"]),
            stage=Stage(data["stage"]),
            choices=tuple(data["choices"]),
            article=data["article"],
            retried=data["retried"],
            ticket=data.get("ticket"),  # absent from conversations stored before it existed
        )

    @property
    def showing(self) -> bool:
        """Whether an article or a list is shown, so that «да», «нет» or «не помогло» reply to
        it rather than ask anything."""
        return self.stage in (Stage.FEEDBACK, Stage.CHOICE)

    def awaits_vote(self, article_id: str) -> bool:
        """Whether ``article_id`` is the article shown last, waiting for 👍 / 👎."""
        return self.stage is Stage.FEEDBACK and self.article == article_id

    def lists(self, article_id: str) -> bool:
        """Whether ``article_id`` is on the numbered list shown last (a list of choices, or the
        related articles beside an answer)."""
        return self.showing and article_id in self.choices


@dataclass(frozen=True)
class Turn:
    """What one step of the conversation decided: keep ``conversation``, show ``reply``.

    It unpacks as ``conversation, reply = turn``; the rest is for the record.

    :param searched: the search a new question made, ``None`` if the turn searched nothing
    :param vote: the vote the customer cast, ``None`` if the turn was no vote
    """

    conversation: Conversation
    reply: Reply
    searched: Searched | None = None
    vote: Vote | None = None

    def __iter__(self) -> Iterator[Conversation | Reply]:
        return iter((self.conversation, self.reply))
