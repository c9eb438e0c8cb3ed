"""Deterministic clean-up of raw customer text before it is tokenised.

``normalise`` folds what never carries meaning for matching: Unicode variants, case, ``ё``,
Latin look-alike letters inside Cyrillic words, invisible characters and URLs. Choices that need a
dictionary (wrong keyboard layout, transliteration, typos) are made later by the ``Analyzer``.

>>> normalise("Ёлка  в кoрзинe!")
'елка в корзине!'
"""

from __future__ import annotations

import re
import unicodedata

#: Latin letters that look like Cyrillic ones; folded only inside words that already mix scripts.
LOOKALIKES: dict[str, str] = {
    "a": "а", "b": "в", "c": "с", "e": "е", "h": "н", "k": "к", "m": "м", "n": "п",
    "o": "о", "p": "р", "r": "г", "t": "т", "u": "и", "x": "х", "y": "у", "3": "з",
}  # fmt: skip

_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_CYRILLIC = re.compile(r"[а-яё]")
_WORD = re.compile(r"[^\W_]+")
_LATIN = re.compile(r"[a-z]")
_SENTENCE_END = ("?", "!", ".", "…")

#: Words that open a question («как», «почему», «подскажите»): a message that starts with one
#: asks something, with or without its «?».
QUESTION_WORDS = frozenset(
    {"как", "где", "когда", "почему", "зачем", "что", "сколько", "куда", "откуда", "кто", "какой",
     "какая", "какое", "какие", "чем", "можно", "могу", "нельзя", "подскажите", "скажите",
     "объясните", "help", "how", "why", "what", "where"}
)  # fmt: skip


def fold_lookalikes(word: str) -> str:
    """Replace Latin look-alikes in a word with Cyrillic letters too (``кoрзинe`` → ``корзине``).

    Words that are all Latin are left alone: they may be brand names, English terms or a wrong
    keyboard layout, which the analyzer decides with a dictionary. So is a mixed word with a Latin
    letter that looks like no Cyrillic one: that is a wrong layout with a stray ``ё``.
    """
    if not (_CYRILLIC.search(word) and _LATIN.search(word)):
        return word
    if any(ch not in LOOKALIKES for ch in _LATIN.findall(word)):
        return word
    return "".join(LOOKALIKES.get(ch, ch) for ch in word)


def normalise(raw: str) -> str:
    """Lower-case, fold ``ё``, Unicode variants, look-alikes; drop URLs and invisible characters.

    Never raises; idempotent: ``normalise(normalise(x)) == normalise(x)``.
    """
    text = unicodedata.normalize("NFKC", raw).translate(_INVISIBLE)
    text = text.lower().replace("ё", "е")
    if "http" in text or "www." in text:
        text = _URL.sub(" ", text)
    chunks = text.split()
    if _LATIN.search(text) and _CYRILLIC.search(text):
        chunks = [_WORD.sub(_fold_match, c) if _LATIN.search(c) else c for c in chunks]
    return " ".join(chunks)


def _fold_match(match: re.Match[str]) -> str:
    return fold_lookalikes(match.group())


def opens_with_question_word(text: str) -> bool:
    """Whether the first word of ``text`` is one of :data:`QUESTION_WORDS`.

    >>> opens_with_question_word("Как, скажите, сменить тариф"), opens_with_question_word("тариф")
    (True, False)
    """
    found = _WORD.search(normalise(text[:64]))
    return found is not None and found.group() in QUESTION_WORDS


def as_question(text: str) -> str:
    """``text`` with the «?» it was asked without: a question word first and no sentence mark
    at the end. A question reads the same to the sentence encoder with or without its «?»,
    where it had read otherwise («как поменять тариф» answered, «как поменять тариф?» only a
    choice).

    >>> as_question("как поменять тариф"), as_question("как поменять тариф?"), as_question("тариф")
    ('как поменять тариф?', 'как поменять тариф?', 'тариф')
    """
    stripped = text.rstrip()
    if not stripped or stripped.endswith(_SENTENCE_END) or not opens_with_question_word(stripped):
        return text
    return stripped + "?"
