"""Splitting normalised text into word tokens, keeping where each came from."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Letters and digits, possibly joined by "-", "." or "/": a word, a number, a hyphenated word, or
# a code such as an order number (``k-123456``, ``err-401``, ``5.0``).
_TOKEN = re.compile(r"[^\W_]+(?:[-./][^\W_]+)*", re.UNICODE)
_JOINERS = re.compile(r"[-./]")


@dataclass(frozen=True)
class Token:
    """A token and its span in the text it was cut from."""

    text: str
    start: int
    end: int

    @property
    def is_code(self) -> bool:
        """Numbers and codes are kept verbatim: they are matched, never lemmatised or repaired."""
        return any(ch.isdigit() for ch in self.text)


def tokenize(text: str) -> list[Token]:
    """Cut ``text`` into words, numbers and codes; hyphenated words become their parts.

    >>> [t.text for t in tokenize("что-то с заказом k-123456 на 1 500 ₽")]
    ['что', 'то', 'с', 'заказом', 'k-123456', 'на', '1', '500']
    """
    tokens: list[Token] = []
    for m in _TOKEN.finditer(text):
        word = m.group()
        if any(ch.isdigit() for ch in word):
            tokens.append(Token(word, m.start(), m.end()))
            continue
        offset = m.start()
        for part in _JOINERS.split(word):
            tokens.append(Token(part, offset, offset + len(part)))
            offset += len(part) + 1
    return tokens
