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


class Lemmatizer:
    """Normal forms and "is this a real Russian word" answers, memoised per word.

    pymorphy3 puts ``ё`` back into normal forms (``еще`` → ``ещё``); we fold it after
    lemmatising so both sides of a match agree.
    """

    def __init__(self) -> None:
        self._lemmas: dict[str, str] = {}
        self._known: dict[str, bool] = {}
        self._pos: dict[str, str] = {}

    def lemma(self, word: str) -> str:
        """The dictionary form of ``word`` (``заказы`` → ``заказ``)."""
        lemma = self._lemmas.get(word)
        if lemma is None:
            lemma, pos = word, ""
            if _RUSSIAN_OR_LATIN.fullmatch(word):
                parse = _analyzer().parse(word)[0]
                lemma, pos = parse.normal_form.replace("ё", "е"), str(parse.tag.POS or "")
            self._lemmas[word] = lemma
            self._pos[word] = pos
        return lemma

    def pos(self, word: str) -> str:
        """The part of speech of the most likely reading (``NOUN``, ``PREP``, ... or ``""``)."""
        if word not in self._pos:
            self.lemma(word)
        return self._pos[word]

    def forms(self, lemma: str) -> set[str]:
        """Every form of the word whose dictionary form is ``lemma`` (``заказ`` → ``заказами``…)."""
        if not _RUSSIAN_OR_LATIN.fullmatch(lemma) or not self.is_known(lemma):
            return set()
        return {f.word.replace("ё", "е") for f in _analyzer().parse(lemma)[0].lexeme}

    def is_known(self, word: str) -> bool:
        """Whether the dictionary knows ``word`` (guesses for unknown words do not count)."""
        known = self._known.get(word)
        if known is None:
            known = bool(_RUSSIAN_OR_LATIN.fullmatch(word)) and bool(
                _analyzer().word_is_known(word)
            )
            self._known[word] = known
        return known
