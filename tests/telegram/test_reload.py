"""Hot reload: real files under tmp_path, real watchfiles, the running bot over the emulator.

Every wait is for something the reloader reports (``on_reloaded``, ``on_problems``), bounded
by :data:`TIMEOUT_S`; the watcher's events, not its fingerprint beat (``poll_interval`` is a
minute here), drive the reloads, except where a test says otherwise.
"""

from __future__ import annotations

import asyncio
import contextlib
import shutil
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import create_async_engine

from bot.emulator import TelegramEmulator
from bot.emulator.driver import Chat
from bot.policy import Answer, Clarify
from bot.serving import Answers, Database, Services
from bot.serving.reload import Reloaded, Reloader
from bot.settings import Settings
from bot.telegram.middlewares import PinAnswersMiddleware
from kb import load_folder
from kb.index import Index
from tests.bot.db.fixtures import ScratchDatabase
from tests.telegram.conftest import ARTICLES, Clock, running

TIMEOUT_S = 15.0  # a reload takes about a second; the bound only ends a broken test

TOP_UP = """---
id: top-up
title: "Как пополнить счёт"
category: Оплата
questions:
  - Как положить деньги на баланс
---
Картой в приложении: **Профиль → Платежи**.
"""
END_TRIP = """---
id: end-trip
title: "Как завершить аренду"
category: Поездки
questions:
  - Как закончить поездку
---
Нажмите «Завершить» в приложении.
"""
LOST_ITEM = """---
id: lost-item
title: "Забыл вещь в машине"
category: Поездки
questions:
  - Оставил телефон в салоне
---
Напишите в поддержку, указав номер поездки.
"""


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def top(answers: Answers, question: str) -> str | None:
    """The article the bot offers first for ``question`` (the answer, or the first choice);
    ``None`` when it hands the question to people. The semantic view ranks every article for
    every question, so "ranked first" alone would say nothing."""
    _, decision = answers.search(question)
    if isinstance(decision, Answer):
        return decision.hit.doc_id
    if isinstance(decision, Clarify):
        return decision.hits[0].doc_id
    return None


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    kb = tmp_path / "articles"
    kb.mkdir()
    write(kb, "top-up.md", TOP_UP)
    write(kb, "end-trip.md", END_TRIP)
    write(kb, "lost-item.md", LOST_ITEM)
    return kb


@pytest.fixture
def small(folder: Path, answers: Answers) -> Answers:
    """Answers over ``folder``, sharing the demo index's warm lemmatizer."""
    catalog = load_folder(folder).catalog
    return Answers(Index.build(catalog, lemmatizer=answers.index.retriever.analyzer.lemmatizer))


@dataclass
class Watched:
    """What a running reloader reported, in order."""

    reloads: asyncio.Queue[Reloaded] = field(default_factory=asyncio.Queue)
    problems: asyncio.Queue[Sequence[str]] = field(default_factory=asyncio.Queue)

    async def reloaded(self) -> Reloaded:
        return await asyncio.wait_for(self.reloads.get(), TIMEOUT_S)

    async def reported(self) -> Sequence[str]:
        return await asyncio.wait_for(self.problems.get(), TIMEOUT_S)


@contextlib.asynccontextmanager
async def reloading(
    folder: Path, answers: Answers, *, poll_interval: float = 60.0
) -> AsyncIterator[Watched]:
    """The reloader running on ``folder`` for the block; the block starts once it watches.

    :param poll_interval: a minute by default: events, not the fingerprint beat, drive the
        reloads
    """
    watched = Watched()
    reloader = Reloader(
        folder,
        answers,
        on_problems=watched.problems.put,
        on_reloaded=watched.reloads.put,
        step_ms=50,  # the tests write whole files at once: no need to wait for more
        poll_interval=poll_interval,
    )
    task = asyncio.create_task(reloader.run())
    try:
        await asyncio.wait_for(reloader.ready.wait(), TIMEOUT_S)
        yield watched
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def test_a_new_phrasing_is_found_after_the_edit(folder: Path, small: Answers) -> None:
    question = "можно ли во дворе"
    # The meaning alone may already point at the article; the phrasing must make it surer.
    before = small.search(question)[1]
    phrasing = "поездку\n  - Можно ли бросить во дворе\n"
    async with reloading(folder, small) as watched:
        write(folder, "end-trip.md", END_TRIP.replace("поездку\n", phrasing))
        summary = await watched.reloaded()
    assert (summary.articles, summary.changed, summary.added, summary.removed) == (
        3,
        ("end-trip",),
        (),
        (),
    )
    assert top(small, question) == "end-trip"
    after = small.search(question)[1]
    assert after.confidence > before.confidence


async def test_a_broken_edit_keeps_the_last_good_version_and_names_file_and_line(
    folder: Path, small: Answers
) -> None:
    async with reloading(folder, small) as watched:
        write(folder, "top-up.md", TOP_UP.replace("category: Оплата", "category: Оплата: ещё"))
        [problem] = await watched.reported()
        assert problem.startswith(f"{folder / 'top-up.md'}:4: invalid YAML")
        assert top(small, "положить деньги на баланс") == "top-up"
        assert small.get("top-up") is not None and watched.reloads.empty()

        assert top(small, "по сбп") != "top-up"  # no article says «СБП» yet
        fixed = TOP_UP.replace("баланс\n", "баланс\n  - Оплата по СБП\n")
        write(folder, "top-up.md", fixed)
        assert await watched.reported() == ()  # the problems are gone
        summary = await watched.reloaded()
    assert summary.changed == ("top-up",) and not summary.problems
    assert top(small, "по сбп") == "top-up"


async def test_a_broken_file_stays_as_it_was_while_other_edits_go_live(
    folder: Path, small: Answers
) -> None:
    # Both edits before the watch begins: its first check sees them together.
    write(folder, "top-up.md", "---\ntitle: ''\n---\nКартой.\n")
    write(folder, "lost-item.md", LOST_ITEM.replace("поездки.", "поездки и цвет вещи."))
    async with reloading(folder, small) as watched:
        summary = await watched.reloaded()
    assert summary.changed == ("lost-item",) and summary.kept == ("top-up",)
    assert [p.split(": ")[0] for p in summary.problems] == [f"{folder / 'top-up.md'}:2"]
    assert small.get("top-up").body.startswith("Картой в приложении")  # type: ignore[union-attr]
    assert "цвет вещи" in small.get("lost-item").body  # type: ignore[union-attr]


async def test_deleted_article_disappears_and_a_new_one_appears(
    folder: Path, small: Answers
) -> None:
    async with reloading(folder, small) as watched:
        (folder / "lost-item.md").unlink()
        assert (await watched.reloaded()).removed == ("lost-item",)
        assert small.get("lost-item") is None and top(small, "оставил телефон в салоне") != (
            "lost-item"
        )

        (folder / "fines").mkdir()
        write(folder / "fines", "parking-fine.md", "---\ntitle: Штраф за парковку\n---\nПлатите.\n")
        assert (await watched.reloaded()).added == ("parking-fine",)
    assert top(small, "штраф за парковку") == "parking-fine"


async def test_an_emptied_folder_keeps_serving_the_last_good_version(
    tmp_path: Path, answers: Answers
) -> None:
    kb = tmp_path / "articles"
    (kb / "trips").mkdir(parents=True)
    write(kb / "trips", "end-trip.md", END_TRIP)
    write(kb / "trips", "lost-item.md", LOST_ITEM)
    lemmatizer = answers.index.retriever.analyzer.lemmatizer
    served = Answers(Index.build(load_folder(kb).catalog, lemmatizer))
    async with reloading(kb, served) as watched:
        (kb / "trips").rename(kb / "_trips")  # one step: every article gone at once
        problems = await watched.reported()
    assert problems == (f"{kb}: no articles; the last good version stays in service",)
    assert len(served.index.catalog) == 2 and top(served, "как закончить поездку") == "end-trip"


async def test_a_vanished_folder_keeps_the_last_good_version_until_it_is_back(
    folder: Path, small: Answers
) -> None:
    served = small.version
    async with reloading(folder, small, poll_interval=0.2) as watched:
        folder.rename(folder.with_name("moved"))
        [problem] = await watched.reported()
        assert problem == (
            f"knowledge base folder not found: {folder}; the last good version stays in service"
        )
        folder.with_name("moved").rename(folder)
        assert await watched.reported() == ()
    assert small.version is served and top(small, "как закончить поездку") == "end-trip"


async def test_an_edit_made_before_the_watch_began_is_found_at_the_first_check(
    folder: Path, small: Answers
) -> None:
    write(folder, "top-up.md", TOP_UP.replace("Картой", "Картой или по СБП"))
    async with reloading(folder, small) as watched:
        assert (await watched.reloaded()).changed == ("top-up",)
    assert "СБП" in small.get("top-up").body  # type: ignore[union-attr]


async def test_a_save_that_changes_nothing_builds_nothing(folder: Path, small: Answers) -> None:
    reloader = Reloader(folder, small)
    served = small.version
    assert await reloader.reload() is None  # the first check: same articles as served
    write(folder, "top-up.md", TOP_UP)  # saved again, as it was
    assert await reloader.reload() is None
    assert small.version is served


async def test_a_phrasing_two_articles_share_is_served_and_logged_once(
    folder: Path, small: Answers, caplog: pytest.LogCaptureFixture
) -> None:
    reloader = Reloader(folder, small)
    shared = LOST_ITEM.replace("Оставил телефон в салоне", "Как закончить поездку")
    write(folder, "lost-item.md", shared)
    with caplog.at_level("WARNING", logger="bot.serving.reload"):
        assert await reloader.reload() is not None  # served, not held back
        write(folder, "top-up.md", TOP_UP.replace("на баланс", "на счёт"))
        assert await reloader.reload() is not None  # another file's save: not said again
    said = [r.getMessage() for r in caplog.records if "served, but" in r.getMessage()]
    assert len(said) == 1 and "lost-item.md:6" in said[0] and "'end-trip'" in said[0]
    assert "lost-item" in {a.id for a in small.index.catalog}


async def test_a_failing_callback_does_not_stop_the_reloading(folder: Path, small: Answers) -> None:
    async def broken(_: object) -> None:
        raise RuntimeError("the leads' chat is down")

    reloader = Reloader(folder, small, on_problems=broken, on_reloaded=broken)
    write(folder, "top-up.md", "---\ntitle: ''\n---\nx\n")
    assert await reloader.reload() is None
    write(folder, "end-trip.md", END_TRIP.replace("Завершить", "Закончить"))
    assert (await reloader.reload()) is not None
    assert "Закончить" in small.get("end-trip").body  # type: ignore[union-attr]


# The swap is atomic: one version at a time, and one version per update.


def changed_index(folder: Path, answers: Answers) -> Index:
    write(folder, "end-trip.md", END_TRIP.replace("Как завершить аренду", "Как сдать машину"))
    (folder / "lost-item.md").unlink()
    return Index.build(load_folder(folder).catalog, answers.index.retriever.analyzer.lemmatizer)


def assert_one_version(answers: Answers) -> None:
    version = answers.version
    catalog = version.index.catalog
    assert version.dialogue.catalog is catalog
    assert sorted(a.id for a in version.by_key.values()) == sorted(a.id for a in catalog)
    assert all(catalog[a.id] is a for a in version.by_key.values())
    assert all(catalog[a.id] is a for a in version.menu)


async def test_a_swap_replaces_index_dialogue_keys_and_menu_together(
    folder: Path, small: Answers
) -> None:
    before = small.version
    small.replace(changed_index(folder, small))
    assert_one_version(small)
    assert small.version is not before
    assert small.get("end-trip").title == "Как сдать машину"  # type: ignore[union-attr]
    assert small.get("lost-item") is None
    assert [(a.id, a.title) for a in small.menu] == [
        ("end-trip", "Как сдать машину"),
        ("top-up", "Как пополнить счёт"),
    ]


async def test_a_pinned_view_keeps_its_version_through_a_swap(folder: Path, small: Answers) -> None:
    seen: list[Answers] = []

    async def handler(event: object, data: dict[str, Any]) -> None:
        seen.append(data["services"].answers)

    engine = create_async_engine("sqlite+aiosqlite://")  # never connected: no query runs here
    services = Services.from_settings(
        Settings(_env_file=None), database=Database(engine), answers=small
    )
    try:
        await PinAnswersMiddleware()(handler, object(), {"services": services})  # type: ignore[arg-type]
    finally:
        await engine.dispose()
    [pinned] = seen
    assert services.answers is small  # the shared value is untouched; the update got a view
    small.replace(changed_index(folder, small))

    assert pinned.version is not small.version
    assert pinned.get("lost-item") is not None and small.get("lost-item") is None
    assert pinned.get("end-trip").title == "Как завершить аренду"  # type: ignore[union-attr]
    assert pinned.dialogue.catalog is pinned.index.catalog
    assert top(pinned, "оставил телефон в салоне") == "lost-item"
    with pytest.raises(RuntimeError, match="pinned"):
        pinned.replace(small.index)


async def test_searches_during_reloads_see_one_version_each(folder: Path, small: Answers) -> None:
    # The reloader builds in a thread while the loop keeps searching; each search must come
    # from one whole version (its hits name articles that version has).
    async with reloading(folder, small) as watched:
        for n in range(3):
            write(folder, "top-up.md", TOP_UP.replace("Картой", f"Картой ({n})"))
            reload = asyncio.ensure_future(watched.reloaded())
            while not reload.done():
                view = small.pinned()
                ranking, _ = view.search("как пополнить счёт")
                assert all(view.get(hit.doc_id) is not None for hit in ranking.hits)
                assert_one_version(view)
                await asyncio.sleep(0)  # let the reloader's steps run between searches
            await reload
    assert "(2)" in small.get("top-up").body  # type: ignore[union-attr]


# End to end: the bot polling the emulator while an author edits the demo knowledge base.


async def test_an_edited_article_reaches_the_customer_without_a_restart(
    telegram: TelegramEmulator,
    database: ScratchDatabase,
    answers: Answers,
    clock: Clock,
    tmp_path: Path,
) -> None:
    kb = tmp_path / "articles"
    shutil.copytree(ARTICLES, kb)
    lemmatizer = answers.index.retriever.analyzer.lemmatizer
    demo = Answers(Index.build(load_folder(kb).catalog, lemmatizer))
    login = kb / "app" / "login-code.md"
    async with running(telegram, database, demo, clock), reloading(kb, demo) as watched:
        chat = Chat(telegram, telegram.new_user("Анна"))
        before = await chat.say("не приходит код из смс")
        assert before["text"].startswith("Не приходит код для входа\n")

        text = login.read_text(encoding="utf-8")
        text = text.replace('title: "Не приходит код для входа"', 'title: "Не приходит СМС-код"')
        text = text.replace("Код для входа приходит", "Новое: код для входа приходит")
        login.write_text(text, encoding="utf-8")
        assert (await watched.reloaded()).changed == ("login-code",)

        after = await chat.say("не приходит код из смс")
    assert after["text"].startswith("Не приходит СМС-код\n")
    assert "Новое: код для входа приходит" in after["text"]
