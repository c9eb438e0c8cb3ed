"""kb.fingerprint: changes when an article changes, and only then."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kb import KnowledgeBaseNotFound, fingerprint


@pytest.fixture
def kb(tmp_path: Path) -> Path:
    folder = tmp_path / "articles"
    (folder / "billing").mkdir(parents=True)
    (folder / "billing/top-up.md").write_text("---\ntitle: T\n---\nBody\n", encoding="utf-8")
    (folder / "README.md").write_text("# guide\n", encoding="utf-8")
    return folder


def touch(path: Path, seconds: int) -> None:
    os.utime(path, ns=(seconds * 10**9, seconds * 10**9))


def test_same_folder_same_fingerprint(kb: Path) -> None:
    assert fingerprint(kb) == fingerprint(str(kb))


def test_saving_an_article_changes_it(kb: Path) -> None:
    before = fingerprint(kb)
    touch(kb / "billing/top-up.md", 1_700_000_000)

    assert fingerprint(kb) != before


def test_adding_renaming_and_removing_an_article_change_it(kb: Path) -> None:
    seen = {fingerprint(kb)}
    (kb / "new.md").write_text("---\ntitle: N\n---\nBody\n", encoding="utf-8")
    seen.add(fingerprint(kb))
    (kb / "new.md").rename(kb / "renamed.md")
    seen.add(fingerprint(kb))
    (kb / "renamed.md").unlink()
    seen.add(fingerprint(kb))

    assert len(seen) == 3  # removing returns to the first fingerprint


def test_skipped_files_do_not_change_it(kb: Path) -> None:
    before = fingerprint(kb)
    (kb / "README.md").write_text("# a longer guide\n", encoding="utf-8")
    (kb / "_drafts").mkdir()
    (kb / "_drafts/new.md").write_text("draft\n", encoding="utf-8")

    assert fingerprint(kb) == before


def test_missing_folder_raises(tmp_path: Path) -> None:
    with pytest.raises(KnowledgeBaseNotFound):
        fingerprint(tmp_path / "nope")
