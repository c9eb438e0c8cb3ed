"""The dialogue core (pure), shared by the terminal chat and the Telegram bot.

:mod:`~bot.dialogue.conversation` says what to show next (answer, numbered choices, a
hand-over with a ticket draft) in the terms of :mod:`~bot.dialogue.replies`;
:mod:`~bot.dialogue.human_request` recognises «позовите оператора» (and :mod:`nlp.small_talk`
«привет», «спасибо»); :mod:`~bot.dialogue.words`
reads «да», «нет» and numbers. No I/O anywhere.
"""

from bot.dialogue.conversation import Conversation, Stage, Turn
from bot.dialogue.human_request import HumanRequest, HumanRequestDetector
from bot.dialogue.replies import (
    AddToTicket,
    AskAboutTicket,
    HandOver,
    HandOverReason,
    Invite,
    Remark,
    Reply,
    Searched,
    ShowAnswer,
    ShowChoices,
    SmallTalkReply,
    Thanks,
    Vote,
)
from bot.dialogue.rules import (
    Dialogue,
    Search,
    asks_nothing,
    small_talk_once_read,
    tells_trouble,
)
from bot.dialogue.words import (
    looks_like_question,
    opening_vote,
    parse_choice,
    parse_ticket_or_new,
    parse_title,
    parse_vote,
    rejects,
    slash_command,
)

__all__ = [
    "AddToTicket",
    "Remark",
    "AskAboutTicket",
    "Conversation",
    "Dialogue",
    "HandOver",
    "HandOverReason",
    "HumanRequest",
    "HumanRequestDetector",
    "Invite",
    "Reply",
    "Search",
    "Searched",
    "ShowAnswer",
    "ShowChoices",
    "SmallTalkReply",
    "Stage",
    "Thanks",
    "Turn",
    "Vote",
    "asks_nothing",
    "tells_trouble",
    "small_talk_once_read",
    "looks_like_question",
    "opening_vote",
    "parse_choice",
    "parse_ticket_or_new",
    "parse_title",
    "parse_vote",
    "rejects",
    "slash_command",
]
