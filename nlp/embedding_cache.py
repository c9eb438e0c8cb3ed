"""Embeddings kept on disk, keyed by model and text: a restart or a reload embeds only news.

One file per model and role (``<folder>/<model>.passage.npz``): the SHA-256 of each text and its
vector. A file that cannot be read (truncated by a crash, written by something else) is set
aside with a warning and rebuilt: a cache may cost time, never an answer. Writes go to a
temporary file renamed over the old one, so a reader never sees half a file.

``EmbeddingCache(None)`` keeps vectors in memory only (tests, one-off runs).
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import threading
import time
import warnings
from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np
import numpy.typing as npt

from nlp.encoders import Encoder

__all__ = [
    "BATCH",
    "EmbeddingCache",
    "Progress",
    "default_cache",
    "default_folder",
    "shared_cache",
]

Floats = npt.NDArray[np.float32]
#: ``progress(done, total)`` while a build embeds new texts.
Progress = Callable[[int, int], None]
#: Texts embedded between two progress reports.
BATCH = 64
#: Seconds between two saves during a long build.
SAVE_EVERY = 30.0


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


def _key(text: str) -> bytes:
    return hashlib.sha256(text.encode("utf-8", "replace")).digest()[:16]


class EmbeddingCache:
    """Vectors by (model, role, text), loaded from ``folder`` once and saved after each batch.

    :param folder: where the files live; None keeps everything in memory
    """

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self._tables: dict[str, dict[bytes, Floats]] = {}
        self._lock = threading.Lock()

    def _path(self, table: str) -> Path | None:
        if self.folder is None:
            return None
        return self.folder / f"{re.sub(r'[^A-Za-z0-9._-]', '_', table)}.npz"

    def _table(self, table: str) -> dict[bytes, Floats]:
        if table not in self._tables:
            self._tables[table] = self._read(table, warn=True)
        return self._tables[table]

    def _read(self, table: str, *, warn: bool) -> dict[bytes, Floats]:
        path = self._path(table)
        if path is None or not path.exists():
            return {}
        try:
            with np.load(path, allow_pickle=False) as data:
                keys, vectors = data["keys"], data["vectors"].astype(np.float32)
            if keys.shape[0] != vectors.shape[0] or keys.dtype != np.dtype("S16"):
                raise ValueError("keys and vectors do not match")
            return {bytes(k): v for k, v in zip(keys, vectors, strict=True)}
        except Exception as error:  # any unreadable file: rebuild, never fail a search
            if warn:
                warnings.warn(
                    f"embedding cache {path} is unreadable ({error}); it will be rebuilt",
                    RuntimeWarning,
                    stacklevel=4,
                )
            return {}

    def _save(self, table: str) -> None:
        path = self._path(table)
        if path is None:
            return
        rows = self._tables[table]
        # Another process (the bot beside `faqbot search`, a benchmark) may have saved texts
        # of its own since this one read the file: keep them rather than write over them.
        for key, vector in self._read(table, warn=False).items():
            rows.setdefault(key, vector)
        path.parent.mkdir(parents=True, exist_ok=True)
        keys = np.array(list(rows), dtype="S16")
        vectors = np.vstack(list(rows.values())) if rows else np.zeros((0, 0), np.float16)
        handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as out:
                # float16 halves the file; cosines move by less than 1e-3.
                np.savez(out, keys=keys, vectors=vectors.astype(np.float16))
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
                if key not in rows:
                    missing.setdefault(key, text)
            todo = list(missing.items())
            saved = time.monotonic()
            for start in range(0, len(todo), BATCH):
                batch = todo[start : start + BATCH]
                vectors = embed([text for _, text in batch])
                rows.update((key, vector) for (key, _), vector in zip(batch, vectors, strict=True))
                # Saved now and then, not per batch: a large first build rewrites the file
                # a few times instead of hundreds, and an interrupted one keeps most of its work.
                if time.monotonic() - saved > SAVE_EVERY:
                    self._save(table)
                    saved = time.monotonic()
                if progress is not None:
                    progress(min(start + BATCH, len(todo)), len(todo))
            if todo:
                self._save(table)
            if not keys:
                return np.zeros((0, encoder.dimension), dtype=np.float32)
            return np.vstack([rows[k] for k in keys]).astype(np.float32)
