"""Splitting normalised text into word tokens, keeping where each came from."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Letters and digits, possibly joined by "-", "." or "/": a word, a number, a hyphenated word, or
# a code such as an order number (``k-123456``, ``err-401``, ``5.0``).
_TOKEN = re.compile(r"[^\W_]+(?:[-./][^\W_]+)*", re.UNICODE)
_JOINERS = re.compile(r"[-./]")


_DIGIT = re.compile(r"\d")


@dataclass(frozen=True)
class Token:
    """A token and its span in the text it was cut from.

    :param is_code: numbers and codes are kept verbatim: matched, never lemmatised or repaired
    """

    text: str
    start: int
    end: int
    is_code: bool = False


def tokenize(text: str) -> list[Token]:
    """Cut ``text`` into words, numbers and codes; hyphenated words become their parts.

    >>> [t.text for t in tokenize("что-то с заказом k-123456 на 1 500 ₽")]
    ['что', 'то', 'с', 'заказом', 'k-123456', 'на', '1', '500']
    """
    tokens: list[Token] = []
    for m in _TOKEN.finditer(text):
        word = m.group()
        if _DIGIT.search(word):
            tokens.append(Token(word, m.start(), m.end(), is_code=True))
            continue
        offset = m.start()
        for part in _JOINERS.split(word):
            tokens.append(Token(part, offset, offset + len(part)))
            offset += len(part) + 1
    return tokens


def words_of(text: str) -> list[str]:
    """The texts of ``tokenize(text)``, without building tokens (for long KB texts).

    >>> words_of("что-то с заказом k-123456")
    ['что', 'то', 'с', 'заказом', 'k-123456']
    """
    words: list[str] = []
    for word in _TOKEN.findall(text):
        if _DIGIT.search(word) or not _JOINERS.search(word):
            words.append(word)
        else:
            words.extend(_JOINERS.split(word))
    return words
