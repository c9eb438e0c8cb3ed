"""What a customer's reply to the bot means: a vote («да», «👎») or a number from a list."""

from __future__ import annotations

import re

from nlp.text import normalise

__all__ = ["parse_choice", "parse_vote"]

_PUNCTUATION = re.compile(r"[^\w\s+\-👍👎]")
_YES = frozenset({"да", "д", "ага", "угу", "помог", "помогло", "спасибо", "yes", "y", "+", "👍"})
_YES_PHRASES = frozenset({"да помог", "да помогло", "да спасибо", "помогло спасибо"})
_NO = frozenset(
    {"нет", "н", "неа", "no", "n", "-", "👎", "не помог", "не помогло", "нет не помогло"}
)
_OTHER = frozenset({"другое", "другой", "другая", "ничего", "ничего не подходит", "нет", "не то"})


def _plain(text: str) -> str:
    return " ".join(_PUNCTUATION.sub(" ", normalise(text)).split())


def parse_vote(text: str) -> bool | None:
    """``True`` for «да», «помогло», «👍»; ``False`` for «нет», «не помогло», «👎»; else ``None``.

    >>> parse_vote("Да!"), parse_vote("не помогло"), parse_vote("а как оплатить картой?")
    (True, False, None)
    """
    words = _plain(text)
    if words in _YES or words in _YES_PHRASES:
        return True
    if words in _NO:
        return False
    return None


def parse_choice(text: str, count: int) -> int | None:
    """The number picked from a list of ``count``: 1..count, 0 for «0»/«другое»; else ``None``.

    >>> parse_choice("2.", 3), parse_choice("другое", 3), parse_choice("7", 3)
    (2, 0, None)
    """
    words = _plain(text.replace("№", " "))  # NFKC would read "№" as "No"
    if words.isdigit():
        number = int(words)
        return number if 0 <= number <= count else None
    return 0 if words in _OTHER else None
