"""Repair of misspelt words against the knowledge base's own vocabulary (rapidfuzz)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein


def max_edits(word: str) -> int:
    """How many edits a word of this length may carry and still be recognised.

    Short words have too many neighbours to repair safely (``кот``/``код``); long ones survive two
    or three slips.
    """
    n = len(word)
    if n <= 3:
        return 0
    if n <= 5:
        return 1
    if n <= 9:
        return 2
    return 3


class TypoFixer:
    """Finds the vocabulary word a misspelt word was meant to be.

    >>> TypoFixer().fit(["монетизация", "монетизации", "видео"]).fix("монетизцаия")
    'монетизация'
    """

    def __init__(self, min_length: int = 4) -> None:
        self.min_length = min_length

    def fit(self, words: Iterable[str]) -> TypoFixer:
        """Learn the vocabulary (with frequencies, to break ties towards common words)."""
        self.frequency_: Counter[str] = Counter(w for w in words if w.isalpha())
        by_length: dict[int, list[str]] = {}
        for word in sorted(self.frequency_, key=lambda w: -self.frequency_[w]):
            by_length.setdefault(len(word), []).append(word)
        self.by_length_ = by_length
        self._cache: dict[tuple[str, int], str | None] = {}
        return self

    def __contains__(self, word: str) -> bool:
        return word in self.frequency_

    def fix(self, word: str, limit: int | None = None) -> str | None:
        """The closest vocabulary word within the length-dependent bound, or None.

        :param limit: a tighter bound on edits than ``max_edits`` (for words a dictionary knows)
        """
        if word in self.frequency_ or len(word) < self.min_length or not word.isalpha():
            return None
        bound = max_edits(word) if limit is None else min(limit, max_edits(word))
        key = (word, bound)
        if key in self._cache:
            return self._cache[key]
        best: str | None = None
        if bound:
            choices = [
                w
                for n in range(len(word) - bound, len(word) + bound + 1)
                for w in self.by_length_.get(n, ())
            ]
            found = process.extract(
                word, choices, scorer=DamerauLevenshtein.distance, score_cutoff=bound, limit=8
            )
            if found:
                fewest = min(d for _, d, _ in found)
                # Equal distance: the word the KB uses most is the likelier intent.
                best = max(
                    (w for w, d, _ in found if d == fewest), key=lambda w: self.frequency_[w]
                )
        self._cache[key] = best
        return best
