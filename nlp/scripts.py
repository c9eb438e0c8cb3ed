"""Repair of words typed in the wrong script: wrong keyboard layout, translit, look-alikes.

A customer's message may be typed wholly in the Latin layout (``rfr jnvtybnm pfrfp``), in
translit (``kak otmenit zakaz``), or carry a Latin word among Cyrillic ones. Each Latin chunk gets
candidate readings; a dictionary (``is_known``) says which are words. When most chunks of a message
read as words one way, the whole message is read that way, so a typo inside it still converts.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from nlp.keyboard import LAYOUT_CHARS, from_latin_layout, transliterations
from nlp.text import LOOKALIKES

_LATIN = re.compile(r"[a-z]")
_CYRILLIC_NOT_YO = re.compile(r"[а-дж-я]")
_EDGE_PUNCT = '?!"()«»:…'
_TRAILING = ".,;:?!\"')»…"
_WORD = re.compile(r"[а-яa-z]+")


def _bare(reading: str) -> str:
    return reading.strip(_TRAILING + _EDGE_PUNCT)


def _is_latin_chunk(chunk: str) -> bool:
    # Chunks with digits are codes (order numbers, error codes): never re-read.
    return (
        bool(_LATIN.search(chunk))
        and not _CYRILLIC_NOT_YO.search(chunk)
        and not any(ch.isdigit() for ch in chunk)
    )


def _edges(chunk: str, core: str) -> tuple[str, str]:
    """What ``chunk`` has around ``core`` (a question mark, quotes, brackets)."""
    start = chunk.find(core) if core else -1
    if start < 0:
        return "", ""
    return chunk[:start], chunk[start + len(core) :]


def _layout_readings(chunk: str) -> list[str]:
    """The chunk typed in the Latin layout, read in the Russian one; its edges kept as typed.

    A trailing "," or "." is either punctuation or the б/ю key: both readings are offered,
    punctuation last (the reading taken when neither is a word: «rf[fcnfyf,» is «кахастана,»,
    a misspelt country and a comma, not «кахастанаб»). The question mark stays one: the
    sentence encoder reads «как сделать канал?» and «как сделать канал» differently.
    """
    core = chunk.strip(_EDGE_PUNCT)
    if not core or any(ch not in LAYOUT_CHARS and not ch.isdigit() and ch != "-" for ch in core):
        return []
    lead, tail = _edges(chunk, core)
    readings = [lead + from_latin_layout(core) + tail]
    bare = core.rstrip(_TRAILING)
    if bare and bare != core:
        readings.append(lead + from_latin_layout(bare) + core[len(bare) :] + tail)
    return readings


def _translit_readings(chunk: str) -> list[str]:
    core = chunk.strip(_TRAILING + _EDGE_PUNCT)
    if not core.replace("'", "").replace("-", "").isalpha():
        return []
    lead, tail = _edges(chunk, core)
    return [lead + reading + tail for reading in transliterations(core)]


def _lookalike_reading(chunk: str) -> list[str]:
    core = chunk.strip(_TRAILING + _EDGE_PUNCT)
    letters = [ch for ch in core if ch.isalpha()]
    if not letters or any(ch not in LOOKALIKES for ch in letters):
        return []
    lead, tail = _edges(chunk, core)
    return [lead + "".join(LOOKALIKES.get(ch, ch) for ch in core) + tail]


class ScriptRepair:
    """Reads Latin-letter chunks of a message as the Russian words they stand for.

    :param is_known: whether a (Cyrillic or Latin) word is a real word for this knowledge base
    :param keep: whether a Latin word is itself a term of the knowledge base (``rutube``)
    :param count: how often the knowledge base uses a word; in a message typed wholly in
        translit, a Latin word of the KB is read as Russian when the KB uses the Russian
        reading more (``video`` → ``видео``, ``s`` → ``с``, but ``rutube`` stays)
    """

    def __init__(
        self,
        is_known: Callable[[str], bool],
        keep: Callable[[str], bool],
        count: Callable[[str], int] | None = None,
    ) -> None:
        self.is_known = is_known
        self.keep = keep
        self.count = count

    def _reads(self, candidate: str) -> bool:
        words = _WORD.findall(candidate)
        return bool(words) and all(self.is_known(w) for w in words)

    def _first_known(self, readings: list[str]) -> str | None:
        return next((r for r in readings if self._reads(r)), None)

    def _russian_rather(self, chunk: str, readings: Callable[[str], list[str]]) -> str:
        """A KB's Latin word in a message typed wholly in translit or the Latin layout: its
        Russian reading if the KB uses that more (the customer typed «видео» in Latin letters,
        or «а» as «f»), else the word as it is."""
        if self.count is None:
            return chunk
        core = chunk.strip(_TRAILING + _EDGE_PUNCT)
        reading = self._first_known(readings(chunk))
        if reading is None or self.count(_bare(reading)) <= self.count(core):
            return chunk
        return reading

    def repair(self, text: str) -> str:
        """``text`` (normalised) with Latin chunks replaced by their Russian reading."""
        chunks = text.split(" ")
        latin = [i for i, c in enumerate(chunks) if _is_latin_chunk(c)]
        if not latin:
            return text
        kept = {i for i in latin if all(self.keep(w) for w in _WORD.findall(chunks[i]))}
        todo = [i for i in latin if i not in kept]
        layout = {i: _layout_readings(chunks[i]) for i in todo}
        translit = {i: _translit_readings(chunks[i]) for i in todo}
        layout_hits = {i: self._first_known(layout[i]) for i in todo}
        translit_hits = {i: self._first_known(translit[i]) for i in todo}
        n_layout = sum(h is not None for h in layout_hits.values())
        n_translit = sum(h is not None for h in translit_hits.values())
        # A message typed wholly in one way: read every chunk that way, known or not.
        if len(todo) >= 2 and n_layout > n_translit and n_layout * 2 >= len(todo):
            for i in todo:
                chunks[i] = layout_hits[i] or (layout[i][-1] if layout[i] else chunks[i])
            for i in kept:
                chunks[i] = self._russian_rather(chunks[i], _layout_readings)
            return " ".join(chunks)
        if len(todo) >= 2 and n_translit >= n_layout and n_translit * 2 >= len(todo):
            for i in todo:
                chunks[i] = translit_hits[i] or (translit[i][0] if translit[i] else chunks[i])
            for i in kept:
                chunks[i] = self._russian_rather(chunks[i], _translit_readings)
            return " ".join(chunks)
        for i in todo:
            reading = (
                self._first_known(_lookalike_reading(chunks[i]))
                or layout_hits[i]
                or translit_hits[i]
            )
            if reading:
                chunks[i] = reading
        return " ".join(chunks)
