"""The bot's keyboards: labels from ``templates/buttons.txt.j2``, data from :mod:`.callbacks`."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

from aiogram.types import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
)

from bot.dialogue import HandOverReason
from bot.dialogue.ticket_form import LEVELS_OFFERED
from bot.serving.answers import article_key
from bot.telegram.callbacks import (
    AboutTicket,
    AskAgent,
    CloseTicket,
    CsatScore,
    CsatSkip,
    FormAction,
    FormChoice,
    FormStep,
    Level,
    MyTickets,
    Pick,
    Vote,
)
from bot.texts import Texts
from kb.article import Article

__all__ = [
    "LEVELS",
    "about_ticket_keyboard",
    "answer_keyboard",
    "choices_keyboard",
    "close_keyboard",
    "contact_keyboard",
    "csat_keyboard",
    "csat_skip_keyboard",
    "form_keyboard",
    "levels_keyboard",
    "menu_keyboard",
]

LEVELS: dict[FormStep, tuple[Level, ...]] = {
    FormStep.URGENCY: LEVELS_OFFERED,
    FormStep.IMPACT: LEVELS_OFFERED,
}
"""The order the choices are offered in: the most serious first, as in the terminal."""


@functools.lru_cache(maxsize=1024)
def _label(texts: Texts, name: str, arguments: tuple[tuple[str, Any], ...]) -> str:
    # Texts.button renders the whole buttons template each time (about 0.15 ms); labels
    # depend only on their arguments, and a question's keyboard has up to five of them.
    return texts.button(name, **dict(arguments))


def label(texts: Texts, name: str, **arguments: Any) -> str:
    """``texts.button(name, **arguments)``, remembered."""
    return _label(texts, name, tuple(sorted(arguments.items())))


def _button(text: str, data: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=data)


def _inline(rows: Sequence[Sequence[InlineKeyboardButton]]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[list(row) for row in rows])


def answer_keyboard(
    texts: Texts, attempt: int, article: Article, related: Sequence[Article] = ()
) -> InlineKeyboardMarkup:
    """👍 / 👎, a button per related article (the engine's close runners-up) and «Связаться с
    оператором» under an article."""
    key = article_key(article.id)
    beside = [
        [
            _button(
                label(texts, "related", title=other.title),
                Pick(attempt=attempt, article=article_key(other.id)).pack(),
            )
        ]
        for other in related
    ]
    return _inline(
        [
            [
                _button(
                    label(texts, "helped"), Vote(attempt=attempt, article=key, helpful=True).pack()
                ),
                _button(
                    label(texts, "not_helped"),
                    Vote(attempt=attempt, article=key, helpful=False).pack(),
                ),
            ],
            *beside,
            [
                _button(
                    label(texts, "contact_agent"),
                    AskAgent(attempt=attempt, reason=HandOverReason.ASKED).pack(),
                )
            ],
        ]
    )


def choices_keyboard(
    texts: Texts, attempt: int, articles: Sequence[Article]
) -> InlineKeyboardMarkup:
    """One button per article, numbered as in the text, and «Другое — написать оператору»."""
    rows = [
        [
            _button(
                label(texts, "option", number=number, title=article.title),
                Pick(attempt=attempt, article=article_key(article.id)).pack(),
            )
        ]
        for number, article in enumerate(articles, start=1)
    ]
    other = AskAgent(attempt=attempt, reason=HandOverReason.NOT_HELPED).pack()
    rows.append([_button(label(texts, "other_agent"), other)])
    return _inline(rows)


def menu_keyboard(texts: Texts, articles: Sequence[Article]) -> InlineKeyboardMarkup:
    """The /start menu: popular articles and «Мои заявки»."""
    rows = [
        [
            _button(
                label(texts, "article", title=article.title),
                Pick(attempt=0, article=article_key(article.id)).pack(),
            )
        ]
        for article in articles
    ]
    rows.append([_button(label(texts, "my_tickets"), MyTickets().pack())])
    return _inline(rows)


def form_keyboard(
    texts: Texts, step: FormStep, *actions: str, cancel: bool = True
) -> InlineKeyboardMarkup:
    """Buttons of a form question: ``actions`` among skip, keep, send, answer, new, then
    «Отмена» (unless ``cancel`` is false)."""
    buttons = [
        _button(label(texts, action), FormAction(step=step, action=action).pack())
        for action in (*actions, *(("cancel",) if cancel else ()))
    ]
    return _inline([buttons] if len(buttons) <= 2 else [[b] for b in buttons])


def levels_keyboard(texts: Texts, step: FormStep) -> InlineKeyboardMarkup:
    """Urgency or impact, one choice per row, then «Отмена»."""
    rows = [
        [
            _button(
                label(texts, step.value, level=level.value),
                FormChoice(step=step, level=level).pack(),
            )
        ]
        for level in LEVELS[step]
    ]
    rows.append([_button(label(texts, "cancel"), FormAction(step=step, action="cancel").pack())])
    return _inline(rows)


def contact_keyboard(texts: Texts) -> ReplyKeyboardMarkup:
    """Telegram's "share my phone number" button, with «Пропустить» and «Отмена» as texts.

    An inline keyboard cannot ask for a contact; this reply keyboard hides after one press and
    is removed for good by the message that ends the form.
    """
    return ReplyKeyboardMarkup(
        keyboard=[
            [KeyboardButton(text=label(texts, "share_contact"), request_contact=True)],
            [
                KeyboardButton(text=label(texts, "skip")),
                KeyboardButton(text=label(texts, "cancel")),
            ],
        ],
        resize_keyboard=True,
        one_time_keyboard=True,
    )


def close_keyboard(texts: Texts, numbers: Sequence[int]) -> InlineKeyboardMarkup | None:
    """«Закрыть заявку №…» for each open ticket in /status."""
    if not numbers:
        return None
    return _inline(
        [
            [_button(label(texts, "close_ticket", number=n), CloseTicket(number=n).pack())]
            for n in numbers
        ]
    )


def csat_keyboard(texts: Texts, number: int) -> InlineKeyboardMarkup:
    """1 ⭐ ... 5 ⭐ in one row."""
    return _inline(
        [
            [
                _button(
                    label(texts, "csat", score=score), CsatScore(number=number, score=score).pack()
                )
                for score in range(1, 6)
            ]
        ]
    )


def about_ticket_keyboard(texts: Texts, number: int) -> InlineKeyboardMarkup:
    """«Про заявку №…» and «Новый вопрос», for a message sent while ticket ``number`` is open."""
    return _inline(
        [
            [
                _button(
                    label(texts, "about_ticket", number=number),
                    AboutTicket(number=number, about=True).pack(),
                )
            ],
            [_button(label(texts, "new_question"), AboutTicket(number=number, about=False).pack())],
        ]
    )


def csat_skip_keyboard(texts: Texts, number: int) -> InlineKeyboardMarkup:
    """«Пропустить» under the invitation to comment on a CSAT score."""
    return _inline([[_button(label(texts, "skip"), CsatSkip(number=number).pack())]])
