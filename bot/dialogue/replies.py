"""What a turn hands its caller besides the next conversation: the reply to show, and the
search and the vote to record.

A reply is a closed set, matched exhaustively::

    Reply = (
        ShowAnswer | ShowChoices | Thanks | SmallTalkReply | Invite
        | AskAboutTicket | AddToTicket | HandOver
    )
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Literal

from bot.policy import Decision
from bot.tickets import TicketDraft
from kb.article import Article
from nlp.documents import Ranking
from nlp.small_talk import SmallTalk

__all__ = [
    "AddToTicket",
    "AskAboutTicket",
    "HandOver",
    "HandOverReason",
    "Invite",
    "Reply",
    "Searched",
    "ShowAnswer",
    "ShowChoices",
    "SmallTalkReply",
    "Thanks",
    "Vote",
]


class HandOverReason(Enum):
    NOT_FOUND = "not_found"  # the engine had nothing good enough
    ASKED = "asked"  # the customer asked for a person
    NOT_HELPED = "not_helped"  # what was offered did not help


@dataclass(frozen=True)
class ShowAnswer:
    """Show ``article`` and ask whether it helped.

    :param chosen: the customer picked it from a list (rather than the engine answering)
    :param related: close runners-up to offer beside it, numbered from 1 (the engine was torn)
    """

    article: Article
    chosen: bool = False
    related: tuple[Article, ...] = ()
    kind: Literal["answer"] = "answer"


@dataclass(frozen=True)
class ShowChoices:
    """Show a numbered list of articles and an "other: talk to a person" option.

    :param retry: these are next-best candidates after a 👎, not a first clarification
    :param again: the same list once more: the customer said «да» to a list of several
    """

    articles: tuple[Article, ...]
    retry: bool = False
    again: bool = False
    kind: Literal["choices"] = "choices"


@dataclass(frozen=True)
class Thanks:
    """The article helped; the conversation about this question is over."""

    kind: Literal["thanks"] = "thanks"


@dataclass(frozen=True)
class SmallTalkReply:
    """Answer small talk («привет», «спасибо», «ты бот?») from its template: no article, no
    ticket, and the conversation stays where it was.

    :param talk: which kind of small talk the message was
    :param under_answer: it came while an article waits for its vote: «не понял» there is
        about that article, and a «нет» would bring the next ones
    """

    talk: SmallTalk
    under_answer: bool = False
    kind: Literal["small_talk"] = "small_talk"


@dataclass(frozen=True)
class Invite:
    """The message had no question in it (a «да» or «нет» with nothing waiting for one, or no
    word at all): invite the customer to ask, rather than answer it or hand it over.

    :param trouble: it told of trouble with no object («не работает», «не получается»): ask
        what exactly does not work, with a problem as example, not a question
    """

    trouble: bool = False

    kind: Literal["invite"] = "invite"


@dataclass(frozen=True)
class AskAboutTicket:
    """A question while ticket ``number`` is open: ask first whether it is about that ticket
    or a new question («Это про заявку #1001 или новый вопрос?»), before any search or form."""

    number: int
    kind: Literal["ask_about_ticket"] = "ask_about_ticket"


class Remark(Enum):
    """What a message for the open ticket says, beyond its words (which go to the ticket)."""

    DETAIL = "detail"  # more about the problem, a screenshot's caption, anything else
    SOLVED = "solved"  # «всё, разобралась», «вопрос решён»: the customer may close the ticket
    WAITING = "waiting"  # «когда ответите?»: the customer is told where the ticket stands


@dataclass(frozen=True)
class AddToTicket:
    """The customer said the message is about their open ticket ``number``: add ``text`` to it.

    :param text: the message asked about, as typed
    :param remark: what the message says beyond its words: the problem is gone (the
        customer is offered to close the ticket), or the customer asks when people answer
        (they are told where the ticket stands); the agents read the words either way
    """

    number: int
    text: str
    remark: Remark = Remark.DETAIL
    kind: Literal["add_to_ticket"] = "add_to_ticket"


@dataclass(frozen=True)
class HandOver:
    """Hand the question to people: start the ticket form with ``draft``.

    ``draft.question`` is empty when the customer asked for a person before asking anything.
    """

    draft: TicketDraft
    reason: HandOverReason
    kind: Literal["hand_over"] = "hand_over"


Reply = (
    ShowAnswer
    | ShowChoices
    | Thanks
    | SmallTalkReply
    | Invite
    | AskAboutTicket
    | AddToTicket
    | HandOver
)


@dataclass(frozen=True)
class Searched:
    """The search a turn made for a new question, for the caller to store beside it.

    :param question: the question as searched, stripped
    :param ranking: its hits, best first
    :param decision: what the policy made of them
    """

    question: str
    ranking: Ranking
    decision: Decision


@dataclass(frozen=True)
class Vote:
    """A 👍 / 👎 cast in a turn (by button or by a typed «да» / «нет»), for the record.

    :param question: the question the article was shown for
    :param article: the id of the article voted on
    """

    question: str
    article: str
    helpful: bool
