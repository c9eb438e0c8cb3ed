"""Repair of misspelt words against the knowledge base's own vocabulary (rapidfuzz)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from functools import lru_cache

import numpy as np
import numpy.typing as npt
from rapidfuzz import process
from rapidfuzz.distance import OSA, Levenshtein
from scipy import sparse

from nlp.keyboard import next_keys

#: Misspelt words whose repair is remembered (the least recently seen are forgotten first).
WORDS_REMEMBERED = 50_000


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


def _bigrams(word: str) -> set[str]:
    padded = f"^{word}$"
    return {padded[i : i + 2] for i in range(len(padded) - 1)}


def _commonest(words: Iterable[str], frequency: Counter[str]) -> str:
    """Of equally likely repairs, the word the KB uses most is the likelier intent (then the
    first alphabetically, so the choice never depends on the order they were found in)."""
    return min(words, key=lambda w: (-frequency[w], w))


def keyboard_slips(typed: str, word: str) -> int:
    """How many of the edits from ``word`` to ``typed`` a finger on the keyboard explains: two
    neighbouring letters typed in the wrong order, a letter replaced by a neighbouring key's
    (the Russian layout's), a key pressed twice, or a doubled letter typed once.

    «эдать» is one edit from «дать» and from «ждать», but only the second is a slip
    (``ж`` and ``э`` are neighbours). A missing letter says nothing of the keyboard, and nor
    does an extra one unless it doubles its neighbour: two keys pressed together that happen
    to be neighbours are too common by chance to tell words apart.

    >>> keyboard_slips("эдать", "ждать"), keyboard_slips("эдать", "дать")
    (1, 0)
    """
    if typed in _swaps(word):
        return 1
    slips = 0
    for edit in Levenshtein.editops(word, typed):
        op, at, to = edit.tag, edit.src_pos, edit.dest_pos
        if op == "replace" and next_keys(word[at], typed[to]):
            slips += 1
        elif op == "insert":  # typed has a letter the word has not: the same key twice?
            slips += typed[to] in typed[max(0, to - 1) : to] + typed[to + 1 : to + 2]
        elif op == "delete":  # a doubled letter typed once («програма»)
            slips += word[at] in word[max(0, at - 1) : at] + word[at + 1 : at + 2]
    return slips


def _likeliest(typed: str, words: Iterable[str], frequency: Counter[str]) -> str:
    """Of repairs equally many edits away, the one a slip of the finger explains best, then
    the commonest (:func:`_commonest`)."""
    return min(words, key=lambda w: (-keyboard_slips(typed, w), -frequency[w], w))


def _swaps(word: str) -> set[str]:
    """``word`` with two neighbouring letters swapped, each way it can be (not itself)."""
    return {word[:i] + word[i + 1] + word[i] + word[i + 2 :] for i in range(len(word) - 1)} - {word}


def _two_swaps(word: str) -> set[str]:
    """``word`` with two separate pairs of neighbouring letters swapped (``тчоыб``: ``чтобы``)."""
    out = set()
    for i in range(len(word) - 3):
        once = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
        out |= {
            once[:j] + once[j + 1] + once[j] + once[j + 2 :] for j in range(i + 2, len(word) - 1)
        }
    return out - {word}


class TypoFixer:
    """Finds the vocabulary word a misspelt word was meant to be.

    Candidates are found through shared letter pairs (an edit breaks at most two of the padded
    word's pairs, a swap three), so only a handful of words get an exact OSA distance, where
    a swap of neighbouring letters counts as one edit. That keeps a repair well under a
    millisecond on a vocabulary of 100 000 words.

    >>> TypoFixer().fit(["монетизация", "монетизации", "видео"]).fix("монетизцаия")
    'монетизация'
    """

    def __init__(self, min_length: int = 4, memory: int = WORDS_REMEMBERED) -> None:
        self.min_length = min_length
        self.memory = memory

    def fit(self, words: Iterable[str]) -> TypoFixer:
        """Learn the vocabulary (with frequencies, to break ties towards common words)."""
        self.frequency_: Counter[str] = Counter(w for w in words if w.isalpha())
        self.vocabulary_ = _Vocabulary(self.frequency_)
        # Bounded: customers' misspellings never run out while the bot runs. The memo holds
        # the vocabulary, not the fixer: no reference cycle, so a replaced index is freed at
        # once (a frozen start-up one would otherwise never be).
        self._closest_memo = lru_cache(maxsize=self.memory)(self.vocabulary_.closest)
        return self

    def remembered(self) -> int:
        """How many repairs are kept now."""
        return int(self._closest_memo.cache_info().currsize)

    def __contains__(self, word: str) -> bool:
        return word in self.frequency_

    def fix(self, word: str) -> str | None:
        """The closest vocabulary word within the length-dependent bound, or None."""
        if word in self.frequency_ or not word.isalpha():
            return None
        if len(word) == 3:
            return self._swapped(word)
        if len(word) < self.min_length:
            return None
        bound = max_edits(word)
        # A short word may also carry two swapped pairs (see _Vocabulary.closest).
        return self._closest_memo(word, bound, bound == 1) if bound else None

    def one_edit(self, word: str) -> str | None:
        """The commonest vocabulary word exactly one edit (or swap) from ``word``, or None."""
        if word in self.frequency_ or not word.isalpha() or len(word) < self.min_length:
            return None
        return self._closest_memo(word, 1)

    def misread(self, word: str) -> str | None:
        """The vocabulary word a dictionary word was meant to be, when it is one of two slips:
        a doubled letter typed once («балами» → «баллами», «сумой» → «суммой») or two
        neighbouring letters swapped («крату» → «карту»).

        For a word the dictionary knows and the vocabulary does not. Any other single edit of a
        real word makes another real word far too often («привет»/«придет», «помощь»/«помочь»),
        and so does a doubled letter typed once more («совершенно»/«совершено») or a slip in
        a word of three letters («мен»/«мне», «дин»/«дни»). Measured on other KBs' articles
        read as questions (110 000 words of correct Russian): 8 misreadings, of «дает» and
        «весит».
        """
        if word in self.frequency_ or not word.isalpha() or len(word) < 4:
            return None
        # Not the first letter («вести»/«ввести») nor «н» («цена»/«ценна», «ранее»/«раннее»):
        # there both words are common and either may be meant.
        doubled = {word[: i + 1] + word[i:] for i in range(1, len(word)) if word[i] != "н"}
        return self._commonest_known(doubled | _swaps(word))

    def _swapped(self, word: str) -> str | None:
        """A three-letter slip read only as two neighbouring letters typed in the wrong order
        («дге» → «где», «чта» → «чат»): any other edit of so short a word makes another word
        too often («кот»/«код», and even a slip to a neighbouring key: «еть» is no «ето»)."""
        return self._commonest_known(_swaps(word))

    def _commonest_known(self, candidates: set[str]) -> str | None:
        known = [w for w in candidates if w in self.frequency_]
        return _commonest(known, self.frequency_) if known else None


class _Vocabulary:
    """The words a slip can be repaired to, indexed by letter pairs and by length."""

    def __init__(self, frequency: Counter[str]) -> None:
        self.frequency = frequency
        # By length first: the words a slip can have come from (within ``bound`` letters of
        # its length) are then one run of columns, and only that run is counted.
        self.words = sorted(frequency, key=lambda w: (len(w), w))
        lengths = np.array([len(w) for w in self.words], dtype=np.int64)
        self.length_starts = np.searchsorted(lengths, np.arange(lengths.max(initial=0) + 2))
        gram_ids: dict[str, int] = {}
        rows: list[int] = []
        cols: list[int] = []
        for col, word in enumerate(self.words):
            for gram in _bigrams(word):
                rows.append(gram_ids.setdefault(gram, len(gram_ids)))
                cols.append(col)
        self.gram_ids = gram_ids
        grams = sparse.csr_matrix(
            (np.ones(len(rows), dtype=np.float32), (rows, cols)),
            shape=(len(gram_ids), len(self.words)),
        )
        grams.sort_indices()
        self.word_of_pair = grams.indices
        # (gram, word) as one sorted key per stored pair: one searchsorted finds where every
        # gram's run of words of the wanted lengths starts and ends.
        owner = np.repeat(np.arange(len(gram_ids), dtype=np.int64), np.diff(grams.indptr))
        self.keys = owner * max(1, len(self.words)) + grams.indices

    def closest(self, word: str, bound: int, two_swaps: bool = False) -> str | None:
        """The commonest vocabulary word fewest edits (at most ``bound``) from ``word``.

        :param two_swaps: failing that, a word two swapped pairs away: two edits, more than a
            short word may carry, yet a fast typist's commonest slip; only those, never any
            two edits («тчоыб» is «чтобы»)
        """
        found = self._closest(word, bound)
        if found is None and two_swaps:
            known = [w for w in _two_swaps(word) if w in self.frequency]
            found = _commonest(known, self.frequency) if known else None
        return found

    def _closest(self, word: str, bound: int) -> str | None:
        grams = _bigrams(word)
        ids = np.array([self.gram_ids[g] for g in grams if g in self.gram_ids], dtype=np.int64)
        if not len(ids):
            return None
        # Most slips are one edit: look among the words one edit can reach first (within a
        # letter of the length, sharing all but three letter pairs), a far shorter list than
        # ``bound`` edits allow. Only if none is there, look as far as ``bound``. Exact: every
        # word one edit away is in the first list.
        scored = self._within(word, ids, len(grams), 1)
        if not scored and bound > 1:
            scored = self._within(word, ids, len(grams), bound)
        if not scored:
            return None
        fewest = min(d for _, d, _ in scored)
        closest = [w for w, d, _ in scored if d == fewest]
        # The keyboard tells one slip from another; of two or more, any word is explained
        # by some neighbouring keys («ложили» is «ложим» by «м»/«и»), so it tells nothing.
        if fewest == 1:
            return _likeliest(word, closest, self.frequency)
        return _commonest(closest, self.frequency)

    def _within(
        self, word: str, ids: npt.NDArray[np.int64], grams: int, bound: int
    ) -> list[tuple[str, int, int]]:
        """The vocabulary words within ``bound`` edits of ``word`` (whose ``grams`` letter pairs
        have the ids ``ids``), with their distances."""
        # Only words within ``bound`` letters of the typed length can be within ``bound`` edits.
        top = len(self.length_starts) - 1
        low = int(self.length_starts[min(top, max(0, len(word) - bound))])
        high = int(self.length_starts[min(top, len(word) + bound + 1)])
        if low >= high:
            return []
        width = len(self.words)
        starts = np.searchsorted(self.keys, ids * width + low)
        lengths = np.searchsorted(self.keys, ids * width + high) - starts
        total = int(lengths.sum())
        if not total:
            return []
        take = np.arange(total) + np.repeat(starts - (np.cumsum(lengths) - lengths), lengths)
        shared = np.bincount(self.word_of_pair[take] - low, minlength=high - low)
        needed = max(1, grams - 2 * bound - 1)
        candidates: list[str] = [self.words[low + int(i)] for i in np.flatnonzero(shared >= needed)]
        return process.extract(
            word, candidates, scorer=OSA.distance, score_cutoff=bound, limit=None
        )
