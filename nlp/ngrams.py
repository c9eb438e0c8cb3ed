"""Character n-grams of terms: they match what lemmas miss (derivations, leftover typos)."""

from __future__ import annotations

from collections.abc import Iterable


def char_ngrams(terms: Iterable[str], low: int = 3, high: int = 5) -> list[str]:
    """N-grams of each term padded with spaces, as scikit-learn's ``char_wb`` does.

    >>> char_ngrams(["код"], 3, 4)
    [' ко', 'код', 'од ', ' код', 'код ']
    """
    grams: list[str] = []
    for term in terms:
        padded = f" {term} "
        for n in range(low, high + 1):
            grams.extend(padded[i : i + n] for i in range(len(padded) - n + 1))
    return grams
