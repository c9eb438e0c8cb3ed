"""Customers' wordings: told apart only where they really differ, picked for examples."""

from __future__ import annotations

from collections.abc import Iterable

from nlp.text import normalise

__all__ = ["distinct", "wording"]


def wording(text: str) -> str:
    """What two texts share when they differ only in case, ``ё``, look-alikes or spaces.

    >>> wording("  Промокод  НЕ работает") == wording("промокод не работает")
    True
    """
    return " ".join(normalise(text).split())


def distinct(texts: Iterable[str], limit: int) -> tuple[str, ...]:
    """The first ``limit`` texts that differ by :func:`wording`, as typed, whitespace collapsed.

    >>> distinct(["Где машина?", "где  машина?", "", "Машина где"], 5)
    ('Где машина?', 'Машина где')
    """
    seen: set[str] = set()
    kept: list[str] = []
    for text in texts:
        key = wording(text)
        if key and key not in seen and len(kept) < limit:
            seen.add(key)
            kept.append(" ".join(text.split()))
    return tuple(kept)
