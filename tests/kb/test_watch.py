"""kb.watch: real watchfiles on a folder under tmp_path; which changes count as article edits."""

from __future__ import annotations

import asyncio
import contextlib
import doctest
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

import kb.watch
from kb.watch import is_article_change, watch_articles

TIMEOUT_S = 10.0  # a change arrives within step_ms; the bound only ends a broken test


@pytest.mark.parametrize(
    ("path", "counts"),
    [
        ("kb/top-up.md", True),
        ("kb/billing/top-up.md", True),
        ("kb/billing/TOP-UP.MD", True),
        ("kb/billing", True),  # a folder renamed or deleted with its articles
        ("kb/README.md", False),
        ("kb/billing/readme.md", False),
        ("kb/_drafts/new.md", False),
        ("kb/_new.md", False),
        ("kb/.git/index", False),
        ("kb/.top-up.md.swp", False),
        ("kb/top-up.md~", False),
        ("kb/notes.txt", False),
        ("elsewhere/top-up.md", False),
        ("kb", False),
    ],
)
def test_only_article_files_and_folders_count(path: str, counts: bool) -> None:
    assert is_article_change(Path("kb"), path) is counts


def test_absolute_and_relative_paths_compare_alike(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert is_article_change(Path("./kb/"), str(tmp_path / "kb" / "a.md"))


class Watch:
    """``watch_articles`` iterated in a task; its batches in a queue."""

    def __init__(self, folder: Path, **options: object) -> None:
        self.batches: asyncio.Queue[set[Path]] = asyncio.Queue()
        self.stop = asyncio.Event()
        self.task = asyncio.create_task(self._run(folder, options))

    async def _run(self, folder: Path, options: dict[str, object]) -> None:
        async for batch in watch_articles(folder, stop_event=self.stop, **options):  # type: ignore[arg-type]
            await self.batches.put(batch)

    async def next(self) -> set[Path]:
        return await asyncio.wait_for(self.batches.get(), TIMEOUT_S)

    async def changes(self) -> set[Path]:
        """The next batch that is not empty."""
        while not (batch := await self.next()):
            pass
        return batch


@contextlib.asynccontextmanager
async def watching(folder: Path, **options: object) -> AsyncIterator[Watch]:
    watch = Watch(folder, step_ms=50, **options)
    try:
        assert await watch.next() == set()  # the first, empty batch: watching from now on
        yield watch
    finally:
        watch.stop.set()
        await asyncio.wait_for(watch.task, TIMEOUT_S)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    kb = tmp_path / "kb"
    (kb / "billing").mkdir(parents=True)
    (kb / "billing" / "top-up.md").write_text("---\ntitle: T\n---\nold\n", encoding="utf-8")
    return kb


async def test_saving_an_article_reports_its_path(folder: Path) -> None:
    async with watching(folder, poll_interval=60) as watch:
        (folder / "billing" / "top-up.md").write_text("---\ntitle: T\n---\nnew\n")
        assert await watch.changes() == {folder / "billing" / "top-up.md"}


async def test_guides_drafts_and_editor_files_are_not_reported(folder: Path) -> None:
    async with watching(folder, poll_interval=60) as watch:
        (folder / "README.md").write_text("guide")
        (folder / "_drafts").mkdir()
        (folder / "_drafts" / "idea.md").write_text("draft")
        (folder / ".top-up.md.swp").write_text("swap")
        (folder / "new.md").write_text("---\ntitle: N\n---\nnew\n")
        assert await watch.changes() == {folder / "new.md"}


async def test_deleting_and_renaming_are_reported(folder: Path) -> None:
    async with watching(folder, poll_interval=60) as watch:
        (folder / "billing" / "top-up.md").rename(folder / "billing" / "pay.md")
        assert await watch.changes() >= {folder / "billing" / "pay.md"}
        shutil.rmtree(folder / "billing")
        assert folder / "billing" in await watch.changes()


async def test_a_quiet_folder_gets_an_empty_batch_every_poll_interval(folder: Path) -> None:
    async with watching(folder, poll_interval=0.25) as watch:
        started = asyncio.get_running_loop().time()
        assert await watch.next() == set()
        assert await watch.next() == set()
        assert asyncio.get_running_loop().time() - started >= 0.4


async def test_the_stop_event_ends_the_watch(folder: Path) -> None:
    watch = Watch(folder, step_ms=50, poll_interval=60)
    await watch.next()
    watch.stop.set()
    await asyncio.wait_for(watch.task, TIMEOUT_S)
    assert watch.task.done() and watch.task.exception() is None


async def test_cancelling_the_task_ends_the_watch(folder: Path) -> None:
    watch = Watch(folder, step_ms=50, poll_interval=60)
    await watch.next()
    watch.task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(watch.task, TIMEOUT_S)


async def test_a_missing_folder_is_an_error_naming_it(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="nowhere"):
        async for _ in watch_articles(tmp_path / "nowhere"):
            pass


def test_watch_doctests_pass() -> None:
    failed, tried = doctest.testmod(kb.watch)
    assert tried and not failed
