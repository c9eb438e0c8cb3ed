"""Text typed in the wrong keyboard layout, and Russian typed in Latin letters (translit).

Both return a candidate only; the ``Analyzer`` keeps it when a dictionary knows the result.

>>> from_latin_layout("ghbdtn")
'привет'
>>> transliterate("vozvrat")
'возврат'
"""

from __future__ import annotations

import re

_QWERTY = "qwertyuiop[]asdfghjkl;'zxcvbnm,.`"
_JCUKEN = "йцукенгшщзхъфывапролджэячсмитьбюе"
_LAYOUT = str.maketrans(_QWERTY, _JCUKEN)
#: Characters a word typed in the Latin layout may contain (the Cyrillic ``ё`` key survives some
#: keyboards' remapping, so it is allowed too, and so is ``е``, which ``normalise`` made of it).
LAYOUT_CHARS = frozenset(_QWERTY) | {"ё", "е"}

_TRANSLIT_MULTI = [
    ("shch", "щ"), ("tsya", "ться"), ("sch", "щ"), ("zh", "ж"), ("kh", "х"), ("ts", "ц"),
    ("ch", "ч"), ("sh", "ш"), ("yu", "ю"), ("ju", "ю"), ("ya", "я"), ("ja", "я"), ("yo", "е"),
    ("jo", "е"), ("ye", "е"), ("'", "ь"),
]  # fmt: skip
_TRANSLIT_ONE = str.maketrans({
    "a": "а", "b": "б", "c": "к", "d": "д", "e": "е", "f": "ф", "g": "г", "h": "х", "i": "и",
    "j": "й", "k": "к", "l": "л", "m": "м", "n": "н", "o": "о", "p": "п", "q": "к", "r": "р",
    "s": "с", "t": "т", "u": "у", "v": "в", "w": "в", "x": "кс", "y": "ы", "z": "з",
})  # fmt: skip
_TRANSLIT_RE = re.compile("|".join(re.escape(k) for k, _ in _TRANSLIT_MULTI))
_TRANSLIT_MAP = dict(_TRANSLIT_MULTI)
_VOWELS = set("аеиоуыэюя")


def from_latin_layout(chunk: str) -> str:
    """Re-type ``chunk`` as if the Russian layout had been on (``ghbdtn`` → ``привет``)."""
    return chunk.translate(_LAYOUT).replace("ё", "е")


def transliterations(word: str) -> list[str]:
    """Readings of a Latin-letter word, most likely first (``sch`` is щ or сч: ``schet``)."""
    first = transliterate(word)
    if "sch" not in word:
        return [first]
    return [first, transliterate(word.replace("sch", "s\x00ch")).replace("\x00", "")]


def transliterate(word: str) -> str:
    """Best-effort reading of a Latin-letter Russian word (``dostavka`` → ``доставка``)."""
    text = _TRANSLIT_RE.sub(lambda m: _TRANSLIT_MAP[m.group()], word).translate(_TRANSLIT_ONE)
    # A "y" left over after a vowel is й ("moy" → "мой", "novyy" → "новый"), otherwise ы.
    out: list[str] = []
    for ch in text:
        out.append("й" if ch == "ы" and out and out[-1] in _VOWELS else ch)
    return "".join(out)
