"""Large knowledge bases for speed runs, made by recombining real articles deterministically.

Article ``i`` takes the title of one source article, a fragment of another's title and the
name of a product or service, and a body of shuffled sentences from two or three source bodies.
Names are numbered pseudo-words (``каланор``, ``мередис``...) drawn from a pool that grows with
the KB, in several case forms, so the vocabulary grows with size the way a real KB's does
(Heaps' law) instead of staying at the sources' few thousand words.

Article ``i`` depends only on the seed and ``i``'s predecessors: a 1k KB is the first thousand
articles of the 10k one.

:class:`StandInPassages` gives the passages of such a KB vectors of a real encoder's width
without its cost, for timing the dense stage at sizes the real encoder cannot embed here.
"""

from __future__ import annotations

import hashlib
import random
import re
from collections.abc import Iterator, Sequence

import numpy as np
import numpy.typing as npt

from kb.article import Article, Catalog
from nlp.encoders import Encoder

_SYLLABLES = (
    "ка ло ме ри та но ве зу ла ко ми ре са то ни ду ра бе го ли "
    "па си мо ту де ва ки ро на фи же ру со ле би да ти хо ча"
).split()
_ENDINGS = ("ор", "ан", "ис", "ет", "ум", "он", "ар", "ин")
# Case forms of a name ending in a consonant: nominative, genitive, instrumental, prepositional.
_TEMPLATES = (
    "Это касается и сервиса «{nom}».",
    "Для пользователей {gen} условия такие же.",
    "В {prep} это работает так же, как в основном приложении.",
    "Если вы пользуетесь {ins}, проверьте настройки профиля.",
    "Код ошибки {code} означает, что {nom} временно недоступен.",
)
_SENTENCE = re.compile(r"(?<=[.!?])\s+")
_WORD = re.compile(r"\S+")


def entity_name(number: int) -> str:
    """A pronounceable pseudo-word, one per number (a product, a city, a tariff...).

    >>> entity_name(0), entity_name(1), entity_name(41)
    ('калоор', 'лолоан', 'мемеан')
    """
    digits = []
    n = number + len(_SYLLABLES)  # at least two syllables
    while n:
        n, digit = divmod(n, len(_SYLLABLES))
        digits.append(_SYLLABLES[digit])
    return "".join(digits) + _ENDINGS[number % len(_ENDINGS)]


def _forms(name: str) -> dict[str, str]:
    if name[-1] in "аеиоуыэюя":  # a stem in a vowel declines like «Москва»: keep it invariable
        return {"nom": name, "gen": name, "ins": name, "prep": name}
    return {"nom": name, "gen": name + "а", "ins": name + "ом", "prep": name + "е"}


def _pool(i: int) -> int:
    """How many distinct names article ``i`` may mention: grows sublinearly, like a real KB."""
    return 8 + int(1.5 * (i + 1) ** 0.9)


def _fragment(rng: random.Random, title: str) -> str:
    words = _WORD.findall(title.rstrip("?.!"))
    size = min(len(words), rng.randint(3, 6))
    start = rng.randint(0, len(words) - size)
    return " ".join(words[start : start + size]).lower()


def articles(sources: Sequence[Article], size: int, seed: int = 13) -> Iterator[Article]:
    """``size`` synthetic articles with unique ids and titles, built from ``sources``.

    :param sources: real articles to recombine (at least two, each with a title and a body)
    :param seed: the same seed and sources give the same articles
    """
    if len(sources) < 2:
        raise ValueError(f"need at least two source articles to recombine, got {len(sources)}")
    bodies = [[s for s in _SENTENCE.split(a.body.strip()) if s] for a in sources]
    titles: set[str] = set()
    for i in range(size):
        rng = random.Random(seed * 1_000_003 + i)
        first = sources[i % len(sources)]
        tries = 0
        while True:  # names are unique per number: a wider pool soon gives a new title
            tries += 1
            other = sources[rng.randrange(len(sources))]
            name = entity_name(rng.randrange(_pool(i) * tries))
            title = f"{first.title.rstrip('?.!')} — {_fragment(rng, other.title)} ({name})?"
            if title not in titles:
                break
        titles.add(title)
        picked = [i % len(sources), *rng.sample(range(len(sources)), rng.randint(1, 2))]
        sentences = [s for p in picked for s in bodies[p]]
        rng.shuffle(sentences)
        sentences = sentences[: rng.randint(3, 8)]
        mention = entity_name(rng.randrange(_pool(i)))
        template = _TEMPLATES[rng.randrange(len(_TEMPLATES))]
        code = f"e-{rng.randrange(10_000):04d}"
        sentences.insert(
            rng.randint(0, len(sentences)), template.format(code=code, **_forms(mention))
        )
        yield Article(
            id=f"syn{i:06d}",
            title=title,
            body=" ".join(sentences),
            category=first.category,
            tags=tuple(dict.fromkeys((*first.tags, *other.tags))),
        )


def catalog(sources: Sequence[Article], size: int, seed: int = 13) -> Catalog:
    """A catalog of ``size`` synthetic articles (see :func:`articles`)."""
    return Catalog.of(list(articles(sources, size, seed)))


class StandInPassages:
    """An encoder whose questions go to a real one and whose passages get stand-in vectors.

    The real encoder embeds ~35 passages/s on one idle core: the 250 000 passages of a 100k KB
    would take two hours here. What a search costs after that (one matrix product over every
    passage, a segmented max, the candidates) depends on the matrix's shape, not on its values,
    so passages get random unit vectors of the real width, seeded by their text (the same text,
    the same vector, as the cache expects). Questions are embedded by ``questions`` for real:
    their cost is part of every answer. Rankings made with these vectors mean nothing; only
    their time does.

    >>> from nlp.encoders import HashingEncoder
    >>> stand_in = StandInPassages(HashingEncoder(dimension=8))
    >>> v = stand_in.passages(["тариф", "тариф", "баланс"])
    >>> v.shape, bool((v[0] == v[1]).all()), bool((v[0] == v[2]).all())
    ((3, 8), True, False)
    """

    def __init__(self, questions: Encoder) -> None:
        self.questions = questions
        self.dimension = questions.dimension
        self.name = f"stand-in-{questions.name}"

    def queries(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        return self.questions.queries(texts)

    def passages(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        rows = np.empty((len(texts), self.dimension), dtype=np.float32)
        for i, text in enumerate(texts):
            digest = hashlib.blake2b(text.encode("utf-8", "replace"), digest_size=8).digest()
            rng = np.random.default_rng(int.from_bytes(digest, "little"))
            rows[i] = rng.standard_normal(self.dimension, dtype=np.float32)
        rows /= np.linalg.norm(rows, axis=1, keepdims=True)
        return rows
