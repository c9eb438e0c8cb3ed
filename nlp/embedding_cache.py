"""Embeddings kept on disk, keyed by model and text: a restart or a reload embeds only news.

One file per model and role (``<folder>/<model>.passage.npz``): the SHA-256 of each text and
its vector, as two arrays (the keys, and one float16 matrix). In memory a table stays one matrix
with a dictionary from key to row, so reading a 25 000-text file is two array loads and one
dict, not 25 000 small arrays. A file that cannot be read (truncated by a crash, written by
something else) is set aside with a warning and rebuilt: a cache may cost time, never an
answer. Writes go to a temporary file renamed over the old one, so a reader never sees half a
file.

``EmbeddingCache(None)`` keeps vectors in memory only (tests, one-off runs).
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import tempfile
import threading
import time
import warnings
from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any, TextIO

import numpy as np
import numpy.typing as npt
from tqdm import tqdm

from nlp.encoders import Encoder

__all__ = [
    "BATCH",
    "EmbeddingCache",
    "Progress",
    "both",
    "default_cache",
    "default_folder",
    "progress_bar",
    "progress_log",
    "shared_cache",
]

Floats = npt.NDArray[np.float32]
#: ``progress(done, total)`` while a build embeds new texts.
Progress = Callable[[int, int], None]
#: Texts embedded between two progress reports.
BATCH = 64
#: Seconds between two saves during a long build.
SAVE_EVERY = 30.0


class _Bar:
    """A tqdm bar fed by :data:`Progress` calls, made on the first call of a large build."""

    def __init__(self, description: str, minimum: int, stream: TextIO | None) -> None:
        self.description = description
        self.minimum = minimum
        self.stream = stream
        self._bar: tqdm[Any] | None = None

    def __call__(self, done: int, total: int) -> None:
        if self._bar is None:
            if total < self.minimum:
                return
            # disable=None: shown on a terminal only, so logs and pipes stay clean.
            self._bar = tqdm(
                total=total, desc=self.description, unit="passage", file=self.stream,
                disable=None, dynamic_ncols=True,
            )  # fmt: skip
        self._bar.update(done - self._bar.n)
        if done >= total:
            self._bar.close()
            self._bar = None


def progress_bar(
    description: str = "embedding passages", minimum: int = BATCH, stream: TextIO | None = None
) -> Progress:
    """A progress bar on stderr (a terminal only) for builds that embed at least ``minimum``
    new texts: a first build of a large KB takes minutes, an edit a blink.

    :param stream: where the bar is drawn (stderr if omitted)
    """
    return _Bar(description, minimum, stream)


class _Log:
    """Progress as log lines: where no terminal shows a bar (a service), a first build of a
    large KB would otherwise be minutes of silence that read as a hang."""

    def __init__(self, logger: logging.Logger, minimum: int, steps: int) -> None:
        self.logger = logger
        self.minimum = minimum
        self.steps = steps
        self._reported = -1
        self._started = 0.0

    def __call__(self, done: int, total: int) -> None:
        if total < self.minimum:
            return
        if self._reported < 0:
            self._started = time.monotonic()
            self.logger.info("embedding %d new passages (cached ones are reused)", total)
            self._reported = 0
        step = done * self.steps // total
        if step > self._reported and done < total:
            self._reported = step
            self.logger.info("embedded %d of %d passages (%d%%)", done, total, 100 * done // total)
        if done >= total:
            seconds = time.monotonic() - self._started
            self.logger.info("embedded %d passages in %.0f s", total, seconds)
            self._reported = -1


def progress_log(logger: logging.Logger, minimum: int = BATCH, steps: int = 10) -> Progress:
    """Log lines for builds that embed at least ``minimum`` new texts: the start, each tenth
    (``steps``) of the way, and the end with the time it took."""
    return _Log(logger, minimum, steps)


def both(*reports: Progress) -> Progress:
    """Every one of ``reports``, told the same."""

    def told(done: int, total: int) -> None:
        for report in reports:
            report(done, total)

    return told


def default_folder(environ: Mapping[str, str]) -> Path:
    """Where embeddings are kept: ``$XDG_CACHE_HOME/faqbot/embeddings`` (``~/.cache`` default)."""
    base = environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "faqbot" / "embeddings"


@lru_cache(maxsize=8)
def shared_cache(folder: Path) -> EmbeddingCache:
    """One cache per folder and process: rebuilds read the file once, not per reload."""
    return EmbeddingCache(folder)


def default_cache(environ: Mapping[str, str]) -> EmbeddingCache:
    """The shared cache in :func:`default_folder`."""
    return shared_cache(default_folder(environ))


#: Rows a table grows by when it is full (then it doubles): a build adds batches, a query one row.
_MIN_CAPACITY = 256


def _key(text: str) -> bytes:
    return hashlib.sha256(text.encode("utf-8", "replace")).digest()[:16]


def _exact(keys: npt.NDArray[np.bytes_]) -> list[bytes]:
    """The 16-byte keys of an ``S16`` array as they were stored.

    Not ``keys.tolist()``: numpy strips trailing NUL bytes from each, so one key in 256 would
    no longer match its text and be embedded again at every start.
    """
    raw = np.ascontiguousarray(keys, dtype="S16").tobytes()
    return [raw[at : at + 16] for at in range(0, len(raw), 16)]


class _Table:
    """One model and role's vectors: a float16 matrix that grows by doubling, and each key's row.

    float16 halves memory and file; cosines move by less than 1e-3.
    """

    def __init__(self, keys: npt.NDArray[np.bytes_], vectors: npt.NDArray[np.float16]) -> None:
        self.row: dict[bytes, int] = dict(zip(_exact(keys), range(len(keys)), strict=True))
        self.size = len(keys)
        self._data = vectors if len(vectors) else np.zeros((0, 0), dtype=np.float16)

    @classmethod
    def empty(cls) -> _Table:
        return cls(np.zeros(0, dtype="S16"), np.zeros((0, 0), dtype=np.float16))

    def add(self, keys: Sequence[bytes], vectors: npt.NDArray[np.floating[Any]]) -> None:
        """Rows for ``keys`` not yet present (a key already here keeps its row)."""
        fresh = [i for i, key in enumerate(keys) if key not in self.row]
        if not fresh:
            return
        width = vectors.shape[1]
        needed = self.size + len(fresh)
        if self._data.shape[1] != width and self.size == 0:
            self._data = np.zeros((0, width), dtype=np.float16)
        if needed > len(self._data):
            grown = np.zeros((max(needed, 2 * len(self._data), _MIN_CAPACITY), width), np.float16)
            grown[: self.size] = self._data[: self.size]
            self._data = grown
        self._data[self.size : needed] = vectors[fresh]
        for offset, i in enumerate(fresh):
            self.row[keys[i]] = self.size + offset
        self.size = needed

    def keys(self) -> npt.NDArray[np.bytes_]:
        ordered = np.empty(self.size, dtype="S16")
        for key, row in self.row.items():
            ordered[row] = key
        return ordered

    def vectors(self) -> npt.NDArray[np.float16]:
        return self._data[: self.size]

    def gather(self, keys: Sequence[bytes], dimension: int) -> Floats:
        """The rows of ``keys`` (all present), as float32."""
        if not keys:
            return np.zeros((0, dimension), dtype=np.float32)
        rows = np.fromiter((self.row[k] for k in keys), dtype=np.int64, count=len(keys))
        return self._data[rows].astype(np.float32)


class EmbeddingCache:
    """Vectors by (model, role, text), loaded from ``folder`` once and saved after a build.

    :param folder: where the files live; None keeps everything in memory
    """

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self._tables: dict[str, _Table] = {}
        self._lock = threading.Lock()

    def _path(self, table: str) -> Path | None:
        if self.folder is None:
            return None
        return self.folder / f"{re.sub(r'[^A-Za-z0-9._-]', '_', table)}.npz"

    def _table(self, table: str) -> _Table:
        if table not in self._tables:
            self._tables[table] = self._read(table, warn=True)
        return self._tables[table]

    def _read(self, table: str, *, warn: bool) -> _Table:
        path = self._path(table)
        if path is None or not path.exists():
            return _Table.empty()
        try:
            # Our own handle: np.load leaks its file when the archive is cut short.
            with path.open("rb") as handle, np.load(handle, allow_pickle=False) as data:
                keys, vectors = data["keys"], data["vectors"].astype(np.float16, copy=False)
            if keys.shape[0] != vectors.shape[0] or keys.dtype != np.dtype("S16"):
                raise ValueError("keys and vectors do not match")
            if vectors.ndim != 2:
                raise ValueError(f"vectors of shape {vectors.shape}, not a matrix")
            return _Table(keys, vectors)
        except Exception as error:  # any unreadable file: rebuild, never fail a search
            if warn:
                warnings.warn(
                    f"embedding cache {path} is unreadable ({error}); it will be rebuilt",
                    RuntimeWarning,
                    stacklevel=4,
                )
            return _Table.empty()

    def _save(self, table: str) -> None:
        path = self._path(table)
        if path is None:
            return
        rows = self._tables[table]
        # Another process (the bot beside `faqbot search`, a benchmark) may have saved texts
        # of its own since this one read the file: keep them rather than write over them.
        theirs = self._read(table, warn=False)
        if theirs.size:
            rows.add(_exact(theirs.keys()), theirs.vectors())
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as out:
                np.savez(out, keys=rows.keys(), vectors=rows.vectors())
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def embed(
        self,
        encoder: Encoder,
        texts: Sequence[str],
        role: str = "passage",
        progress: Progress | None = None,
    ) -> Floats:
        """The vectors of ``texts`` (``role``: ``passage`` or ``query``), embedding only new ones.

        :param progress: told ``(done, total)`` after each batch of new texts
        """
        table = f"{encoder.name}.{role}"
        embed = encoder.queries if role == "query" else encoder.passages
        with self._lock:
            rows = self._table(table)
            keys = [_key(t) for t in texts]
            missing: dict[bytes, str] = {}
            for key, text in zip(keys, texts, strict=True):
                if key not in rows.row:
                    missing.setdefault(key, text)
            todo = list(missing.items())
            saved = time.monotonic()
            for start in range(0, len(todo), BATCH):
                batch = todo[start : start + BATCH]
                rows.add([key for key, _ in batch], embed([text for _, text in batch]))
                # Saved now and then, not per batch: a large first build rewrites the file
                # a few times instead of hundreds, and an interrupted one keeps most of its work.
                if time.monotonic() - saved > SAVE_EVERY:
                    self._save(table)
                    saved = time.monotonic()
                if progress is not None:
                    progress(min(start + BATCH, len(todo)), len(todo))
            if todo:
                self._save(table)
            return rows.gather(keys, encoder.dimension)
