"""A cheap fingerprint of a knowledge-base folder, for a hot-reloader to see that it changed."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from kb.loader import article_paths

__all__ = ["fingerprint"]


def fingerprint(folder: str | os.PathLike[str]) -> str:
    """Hash the article files' relative paths, modification times and sizes; no file is read.

    Two calls give the same string while no article was added, removed, renamed or saved.
    Files that :func:`~kb.loader.load_folder` skips (``README.md``, ``_drafts/``) are skipped
    here too, so editing them does not trigger a reload.

    :param folder: the knowledge-base folder
    :raises KnowledgeBaseNotFound: the folder is missing or is not a folder
    """
    root = Path(folder)
    digest = hashlib.blake2b(digest_size=16)
    for file in article_paths(root):
        try:
            stat = file.stat()
        except FileNotFoundError:
            # Deleted between the listing and the stat: the next call will not list it.
            continue
        entry = f"{file.relative_to(root).as_posix()}\0{stat.st_mtime_ns}\0{stat.st_size}\n"
        digest.update(entry.encode("utf-8", "surrogateescape"))
    return digest.hexdigest()
