"""A real browser on the authors' page: headless Chromium (Debian's ``chromium``) via Playwright.

An author logs in, reads the overview, approves a suggested phrasing, finds it on the article
page and tries a question. A screenshot is taken at each step, into the test's temporary
folder and, when ``FAQBOT_SCREENSHOTS`` names a folder, there too.

Playwright drives the system Chromium (``executable_path``): nothing is downloaded, and
``playwright install`` is never run. ``.ci/run`` installs the ``chromium`` package.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web

from bot.serving.answers import Answers
from tests.bot.db.fixtures import ScratchDatabase
from tests.web.conftest import TOKEN, seed, serving

playwright = pytest.importorskip(
    "playwright.async_api", reason="playwright is in the test extra: pip install -e '.[test]'"
)

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists(),
    reason="no Chromium at /usr/bin/chromium: apt-get install chromium (.ci/run does)",
)


class Screenshots:
    """Numbered PNGs of the page, in ``folders``."""

    def __init__(self, *folders: Path) -> None:
        self.folders = folders
        self.taken: list[Path] = []
        for folder in folders:
            folder.mkdir(parents=True, exist_ok=True)

    async def take(self, page: playwright.Page, name: str) -> None:
        data = await page.screenshot(full_page=True)
        for folder in self.folders:
            path = folder / f"{len(self.taken) // len(self.folders) + 1:02d}-{name}.png"
            path.write_bytes(data)
            self.taken.append(path)


async def _listening(app: web.Application) -> AsyncIterator[str]:
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    try:
        yield f"http://{host}:{port}"
    finally:
        await runner.cleanup()


async def test_an_author_approves_a_phrasing_and_tries_a_question_in_chromium(
    sqlite_database: ScratchDatabase, own_articles: tuple[Path, Answers], tmp_path: Path
) -> None:
    folder, answers = own_articles
    seeded = await seed(sqlite_database, answers)
    wanted = os.environ.get("FAQBOT_SCREENSHOTS")
    shots = Screenshots(tmp_path / "screenshots", *([Path(wanted)] if wanted else []))
    async with serving(sqlite_database, folder, answers) as app:
        base = await anext(server := _listening(app))
        try:
            async with playwright.async_playwright() as driver:
                browser = await driver.chromium.launch(executable_path=CHROMIUM)
                try:
                    page = await browser.new_page(viewport={"width": 1280, "height": 800})
                    page.set_default_timeout(10_000)
                    await _walk_through(page, base, seeded.approve_id, shots)
                finally:
                    await browser.close()
        finally:
            await server.aclose()
    assert "  - смс с паролем так и не дошла\n" in (folder / "app" / "login-code.md").read_text(
        encoding="utf-8"
    )
    assert all(path.stat().st_size > 10_000 for path in shots.taken)


async def _walk_through(
    page: playwright.Page, base: str, suggestion: int, shots: Screenshots
) -> None:
    expect = playwright.expect

    await page.goto(f"{base}/")
    await expect(page).to_have_url(f"{base}/login?next=/")
    await shots.take(page, "login")
    await page.fill("#token", "wrong")
    await page.click("button[type=submit]")
    await expect(page.locator(".notice.error")).to_have_text("Неверный токен.")
    await page.fill("#token", TOKEN)
    await page.click("button[type=submit]")
    await expect(page).to_have_url(f"{base}/")

    await expect(page.locator("h1").first).to_have_text("Обзор")
    await expect(page.locator(".chart svg circle")).to_have_count(2)
    await expect(page.locator(".gap-report")).to_be_visible()
    await shots.take(page, "overview")

    await page.click("nav >> text=Статьи")
    await page.click("th >> text=👎")
    await expect(page.locator("table.articles tbody tr").first).to_contain_text("double-charge")
    await shots.take(page, "articles")

    await page.click("nav >> text=Формулировки")
    row = page.locator(f"#suggestion-{suggestion}")
    await expect(row).to_contain_text("смс с паролем так и не дошла")
    await shots.take(page, "phrasings")
    await row.locator("button", has_text="Добавить").click()
    await expect(page.locator(".notice.ok")).to_contain_text("добавлена в статью")
    await expect(page.locator(f"#suggestion-{suggestion}")).to_have_count(0)
    await shots.take(page, "approved")

    await page.goto(f"{base}/articles/login-code")
    await expect(page.locator("ul.questions li").last).to_have_text("смс с паролем так и не дошла")
    await expect(page.locator(".tg .message b").first).to_have_text("Не приходит код для входа")
    await shots.take(page, "article")

    await page.click("nav >> text=Проверить вопрос")
    await page.fill("input[name=q]", "смс с паролем так и не дошла")
    await page.click("form.search button")
    await expect(page.locator(".decision")).to_have_text("Ответ статьёй")
    await expect(page.locator("tr.offered")).to_contain_text("login-code")
    await shots.take(page, "try")
