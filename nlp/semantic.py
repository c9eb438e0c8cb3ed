"""The semantic view: an article as several embedded passages, a question as one vector.

An article is read as its title, each of its phrasings (``questions:``) and its body cut at
headings and paragraphs. A question is compared with every passage, and each article keeps
the best cosine per kind of passage::

    title      the article's own title
    phrasing   the best of title and questions (what customers ask)
    body       the best body part (what the answer says)

Passages of one article stay apart because a question usually paraphrases one of them; an
average of the whole article blurs exactly the sentence that matched. Each body part starts
with the title, so a paragraph that only makes sense under its heading is still found.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np
import numpy.typing as npt
from threadpoolctl import ThreadpoolController

from nlp.documents import Document
from nlp.embedding_cache import EmbeddingCache, Progress
from nlp.encoders import Encoder
from nlp.text import as_question

__all__ = ["DenseScores", "SemanticView", "body_parts"]

Floats = npt.NDArray[np.float32]
KINDS = ("title", "phrasing", "body")
#: The encoder's time grows with the text; a question's point is nearly always in its first
#: sentences, and the longest 1 % of questions set the tail latency.
QUERY_CHARS = 300
#: Question vectors kept in memory: a repeated question (a retry, a button's text, the same
#: popular wording from many customers) costs no encoder time.
RECENT_QUERIES = 1024
_TITLE, _QUESTION, _BODY = 0, 1, 2
_BREAK = re.compile(r"\n\s*\n|\n(?=\s*#)")
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")


@cache
def _threadpools() -> ThreadpoolController:
    """The process's native thread pools (BLAS), found once."""
    return ThreadpoolController()


def _sentences(block: str, size: int) -> list[str]:
    """A block longer than ``size`` cut after sentences (help texts pasted as one line)."""
    if len(block) <= size:
        return [block]
    pieces: list[str] = []
    current = ""
    for sentence in _SENTENCE_END.split(block):
        if current and len(current) + len(sentence) + 1 > size:
            pieces.append(current)
            current = ""
        current = f"{current} {sentence}" if current else sentence
    if current:
        pieces.append(current)
    return pieces


def body_parts(body: str, size: int = 600, limit: int = 6) -> list[str]:
    """The body cut at headings and blank lines, short paragraphs packed up to ``size``.

    At most ``limit`` parts: the first paragraphs say what an article is about, and the cap
    bounds a long article's cost.

    >>> body_parts("# Шаг 1\\nОткройте.\\n\\nНажмите.\\n\\n# Шаг 2\\nГотово.", size=30)
    ['# Шаг 1\\nОткройте.\\n\\nНажмите.', '# Шаг 2\\nГотово.']
    """
    parts: list[str] = []
    current = ""
    blocks = (p for b in _BREAK.split(body) for p in _sentences(b.strip(), size))
    for block in blocks:
        if not block:
            continue
        starts_section = block.startswith("#")
        if current and (starts_section or len(current) + len(block) + 2 > size):
            parts.append(current)
            current = ""
        current = f"{current}\n\n{block}" if current else block
        if len(parts) >= limit:
            break
    if current and len(parts) < limit:
        parts.append(current)
    return [p[: size * 2] for p in parts[:limit]]


@dataclass(frozen=True)
class DenseScores:
    """Per article: the best cosine with its title, its phrasings, its body, and over all."""

    title: Floats
    phrasing: Floats
    body: Floats
    best: Floats


class SemanticView:
    """Embed every article's passages once (``fit``), then score questions (``scores``).

    :param encoder: the sentence encoder
    :param cache: where passage vectors are kept between builds (memory only if omitted)
    :param progress: told ``(done, total)`` while new passages are embedded
    :param query_chars: longest question text handed to the encoder
    :param cache_queries: keep question vectors in the cache too (benchmarks that ask the
        same questions again; a live bot rarely sees one twice word for word)
    """

    def __init__(
        self,
        encoder: Encoder,
        cache: EmbeddingCache | None = None,
        progress: Progress | None = None,
        body_size: int = 600,
        body_limit: int = 6,
        cache_queries: bool = False,
        query_chars: int = QUERY_CHARS,
    ) -> None:
        self.encoder = encoder
        self.cache = cache if cache is not None else EmbeddingCache(None)
        self.progress = progress
        self.body_size = body_size
        self.body_limit = body_limit
        self.cache_queries = cache_queries
        self.query_chars = query_chars
        self._recent: OrderedDict[str, Floats] = OrderedDict()
        self._recent_lock = threading.Lock()

    def fit(self, documents: Sequence[Document]) -> SemanticView:
        texts: list[str] = []
        owner: list[int] = []
        kind: list[int] = []
        for i, doc in enumerate(documents):
            passages = [(doc.title, _TITLE)]
            passages += [(q, _QUESTION) for q in doc.questions]
            parts = body_parts(doc.body, self.body_size, self.body_limit)
            passages += [(f"{doc.title}\n\n{part}", _BODY) for part in parts]
            for text, k in passages:
                if text.strip():
                    texts.append(text)
                    owner.append(i)
                    kind.append(k)
        self.n_articles_ = len(documents)
        self.owner_ = np.asarray(owner, dtype=np.int64)
        self.kind_ = np.asarray(kind, dtype=np.int8)
        self.vectors_ = self.cache.embed(self.encoder, texts, "passage", self.progress)
        self.groups_ = {
            "title": self._group((_TITLE,)),
            "phrasing": self._group((_TITLE, _QUESTION)),
            "body": self._group((_BODY,)),
            "best": self._group((_TITLE, _QUESTION, _BODY)),
        }
        return self

    def embed_query(self, question: str) -> Floats:
        """The question's vector (of its first ``query_chars`` characters, cut at a word).

        The last :data:`RECENT_QUERIES` questions' vectors are kept, so asking again is free.
        """
        if len(question) > self.query_chars:
            question = question[: self.query_chars].rsplit(" ", 1)[0]
        question = as_question(question)
        with self._recent_lock:
            known = self._recent.get(question)
            if known is not None:
                self._recent.move_to_end(question)
                return known
        if self.cache_queries:
            vectors = self.cache.embed(self.encoder, [question], "query")
        else:
            vectors = self.encoder.queries([question])
        row: Floats = vectors[0]
        row.setflags(write=False)  # shared between callers
        with self._recent_lock:
            self._recent[question] = row
            if len(self._recent) > RECENT_QUERIES:
                self._recent.popitem(last=False)
        return row

    def scores(self, query: Floats) -> DenseScores:
        """Every article's best cosine per kind of passage (-1 where it has none of a kind).

        One matrix-vector product on one BLAS thread (searches run side by side in worker
        threads on a small machine: two threads each would only fight over the cores), then one
        segmented max per kind: the passages are stored article by article.
        """
        if not len(self.owner_):
            empty = np.full(self.n_articles_, -1.0, dtype=np.float32)
            return DenseScores(empty, empty, empty, empty)
        with _threadpools().limit(limits=1, user_api="blas"):
            cosine = self.vectors_ @ query.astype(np.float32, copy=False)
        out = {}
        for name, (units, starts, owners) in self.groups_.items():
            best = np.full(self.n_articles_, -1.0, dtype=np.float32)
            if len(units) == len(cosine):  # every passage: no gather needed
                best[owners] = np.maximum.reduceat(cosine, starts)
            elif len(units):
                best[owners] = np.maximum.reduceat(cosine[units], starts)
            out[name] = best
        return DenseScores(**out)

    def _group(
        self, kinds: tuple[int, ...]
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        """Units of ``kinds`` (in article order), where each article's run starts, its article.

        Passages are stored article by article, so one ``reduceat`` per kind gives every
        article's best: a loop over articles would cost more than the matrix product.
        """
        units = np.flatnonzero(np.isin(self.kind_, kinds)).astype(np.int64)
        owners = self.owner_[units]
        starts = np.flatnonzero(np.r_[True, owners[1:] != owners[:-1]]) if len(units) else units
        return units, starts.astype(np.int64), owners[starts]
