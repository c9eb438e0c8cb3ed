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

#: The Russian keyboard's letter rows, each shifted a little right of the one above: a key
#: touches its row neighbours, the two keys above it and the two below.
_ROWS = ("йцукенгшщзхъ", "фывапролджэ", "ячсмитьбю")


def _neighbours() -> dict[str, frozenset[str]]:
    near: dict[str, set[str]] = {}
    for r, row in enumerate(_ROWS):
        for i, key in enumerate(row):
            keys = {row[j] for j in (i - 1, i + 1) if 0 <= j < len(row)}
            if r > 0:  # above: the key straight up and the one to its right
                keys |= {_ROWS[r - 1][j] for j in (i, i + 1) if j < len(_ROWS[r - 1])}
            if r + 1 < len(_ROWS):  # below: the key straight down and the one to its left
                keys |= {_ROWS[r + 1][j] for j in (i - 1, i) if 0 <= j < len(_ROWS[r + 1])}
            near[key] = keys
    near["е"] = near["е"] | {"ё"}
    return {k: frozenset(v) for k, v in near.items()}


#: Keys next to each Russian letter key (``ж``: ``д``, ``э``, ``з``, ``х``, ``ю``).
KEY_NEIGHBOURS = _neighbours()


def next_keys(a: str, b: str) -> bool:
    """Whether ``a`` and ``b`` are neighbouring keys (a finger that slipped).

    >>> next_keys("ж", "э"), next_keys("ь", "б"), next_keys("д", "э")
    (True, True, False)
    """
    return b in KEY_NEIGHBOURS.get(a, ())


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
