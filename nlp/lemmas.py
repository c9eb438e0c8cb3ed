"""Lemmatisation with pymorphy3, cached: a word is analysed once per process."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

import pymorphy3

# pymorphy3 analyses Russian (and guesses at Latin); other scripts it may fail on, e.g. code
# points without a Unicode name raise ValueError inside it. Those words are kept as they are.
_RUSSIAN_OR_LATIN = re.compile(r"[а-яёa-z0-9\-]+")


@lru_cache(maxsize=1)
def _analyzer() -> Any:
    # Loading the dictionaries takes ~0.3 s and ~15 MB: once per process, on first use.
    return pymorphy3.MorphAnalyzer(lang="ru")


#: Words whose analysis a :class:`Lemmatizer` remembers. Customers type words no dictionary
#: or knowledge base has ever seen (typos, names, gibberish) for as long as the bot runs, so
#: the memory is bounded: the least recently used words are forgotten first (the knowledge
#: base's own words, read at every search, stay). With the typo fixer's repairs, about 70 MB
#: when all are full (400 000 new words grew a process by 188 MB, and on, without the bound).
WORDS_REMEMBERED = 100_000


class Lemmatizer:
    """Normal forms and "is this a real Russian word" answers, memoised per word.

    pymorphy3 puts ``ё`` back into normal forms (``еще`` → ``ещё``); we fold it after
    lemmatising so both sides of a match agree.

    :param memory: how many words' analyses are kept (each of the two memos)
    """

    def __init__(self, memory: int = WORDS_REMEMBERED) -> None:
        # lru_cache: bounded, and safe in the worker threads searches run in.
        self._parse = lru_cache(maxsize=memory)(self._parse_word)
        self._known = lru_cache(maxsize=memory)(self._known_word)

    @staticmethod
    def _parse_word(word: str) -> tuple[str, str]:
        if not _RUSSIAN_OR_LATIN.fullmatch(word):
            return word, ""
        parse = _analyzer().parse(word)[0]
        return parse.normal_form.replace("ё", "е"), str(parse.tag.POS or "")

    @staticmethod
    def _known_word(word: str) -> bool:
        return bool(_RUSSIAN_OR_LATIN.fullmatch(word)) and bool(_analyzer().word_is_known(word))

    def lemma(self, word: str) -> str:
        """The dictionary form of ``word`` (``заказы`` → ``заказ``)."""
        return self._parse(word)[0]

    def pos(self, word: str) -> str:
        """The part of speech of the most likely reading (``NOUN``, ``PREP``, ... or ``""``)."""
        return self._parse(word)[1]

    def remembered(self) -> int:
        """How many words' analyses are kept now."""
        return int(self._parse.cache_info().currsize)

    def forms(self, lemma: str) -> set[str]:
        """Every form of the word whose dictionary form is ``lemma`` (``заказ`` → ``заказами``…)."""
        return self.lexeme(lemma) if self.is_known(lemma) else set()

    def lexeme(self, word: str) -> set[str]:
        """Every form of ``word``'s most likely reading, a guess for a word no dictionary has
        (``инет`` → ``инета``, ``инету``…)."""
        if not _RUSSIAN_OR_LATIN.fullmatch(word):
            return set()
        return {f.word.replace("ё", "е") for f in _analyzer().parse(word)[0].lexeme}

    def is_known(self, word: str) -> bool:
        """Whether the dictionary knows ``word`` (guesses for unknown words do not count)."""
        return bool(self._known(word))
