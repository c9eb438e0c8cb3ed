"""``faqbot gaps``: the content-gap report from a real SQLite database, in three formats."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from bot.business_hours import BusinessHours
from bot.cli import cli
from bot.db import repo
from bot.db.models import AttemptDecision
from bot.tickets import SlaPolicy, TicketDraft
from tests.bot.db.fixtures import sqlite_scratch
from tests.cli.conftest import DEMO

PROMO = ("промокод не работает", "промакод не работаит", "промокоды не работают")
HOSTILE = "<script>alert(1)</script> промокод & скидка не работает"


def days_before(now: datetime, days: float) -> Callable[[], datetime]:
    return lambda: now - timedelta(days=days)


@pytest.fixture
async def database_url(tmp_path: Path) -> str:
    """A migrated SQLite file with a week of questions: promo codes fail, a ticket follows."""
    now = datetime.now(UTC)
    async with sqlite_scratch(tmp_path, name="bot.sqlite3") as db:
        async with db.sessions() as session, session.begin():
            for who, text in enumerate((*PROMO, HOSTILE), 1):
                customer = await repo.upsert_customer(session, telegram_id=who, chat_id=who)
                await repo.record_attempt(
                    session,
                    customer=customer,
                    query_text=text,
                    decision=AttemptDecision.ESCALATE,
                    confidence=0.3,
                    top_article_ids=("promo-code", "bonus-points"),
                    now=days_before(now, who),
                )
            await repo.open_ticket(
                session,
                customer,
                TicketDraft.from_question("как удалить аккаунт"),
                policy=SlaPolicy(),
                hours=BusinessHours.weekdays(),
                now=lambda: now - timedelta(hours=1),
            )
        return db.url


@pytest.fixture
async def empty_database_url(tmp_path: Path) -> str:
    """A migrated SQLite file the bot has not written to yet."""
    async with sqlite_scratch(tmp_path, name="empty.sqlite3") as db:
        return db.url


@pytest.fixture
def gaps(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    """A runner in ``tmp_path`` (no developer's ``.env``), without ``ARTICLES_DIR``."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ARTICLES_DIR", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    yield CliRunner()


def run(runner: CliRunner, url: str, *args: str) -> Result:
    env = {"DATABASE_URL": url}
    return runner.invoke(cli, ["gaps", "--articles", str(DEMO), *args], env=env)


def test_markdown_report_lists_the_promo_code_topic(gaps: CliRunner, database_url: str) -> None:
    result = run(gaps, database_url, "--format", "md")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.startswith("# Пробелы в базе знаний\n")
    assert "Вопросов боту: 4 (ответ — 0, уточнение — 0, передано оператору — 4)" in out
    assert "4 вопроса, вес 8, тренд ↑ 0 → 4; 4 передачи оператору." in out
    assert f"- {HOSTILE}\n" in out
    assert "### Прочее: 1 вопрос без похожих\n\n- как удалить аккаунт" in out
    assert "- `delete-account` Удаление аккаунта" in out  # never matched this week
    assert result.stderr == ""


def test_csv_report_is_parseable(gaps: CliRunner, database_url: str) -> None:
    result = run(gaps, database_url, "--since", "2w", "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = [row for row in csv.reader(io.StringIO(result.stdout)) if row]
    (cluster,) = [row for row in rows if row[0] == "cluster"]
    assert cluster[1:4] == ["1", "промокод работать", "4"]
    assert HOSTILE in cluster[-1].split("\n")
    assert ["other", "как удалить аккаунт"] in rows


def test_html_report_escapes_what_customers_typed(
    gaps: CliRunner, database_url: str, tmp_path: Path
) -> None:
    result = run(gaps, database_url, "--output", "gaps.html")
    assert result.exit_code == 0, result.output
    assert result.stdout == "" and result.stderr == "Report written to gaps.html\n"
    html = (tmp_path / "gaps.html").read_text(encoding="utf-8")
    assert html.startswith("<!doctype html>")
    assert "&lt;script&gt;alert(1)&lt;/script&gt; промокод &amp; скидка" in html
    assert "<script" not in html


def test_a_period_before_the_questions_is_empty(gaps: CliRunner, database_url: str) -> None:
    result = run(gaps, database_url, "--since", "12h")
    assert result.exit_code == 0, result.output
    assert "Заявок: 1." in result.stdout  # the ticket of an hour ago, and nothing else
    assert "## 1. Вопросы без ответа по темам" in result.stdout


@pytest.mark.parametrize("since", ["abc", "30x", "0d", "2999-01-01"])
def test_bad_since_is_a_usage_error(gaps: CliRunner, tmp_path: Path, since: str) -> None:
    result = run(gaps, f"sqlite+aiosqlite:///{tmp_path / 'none.sqlite3'}", "--since", since)
    assert result.exit_code == 2
    assert f"Error: Invalid value for '--since': '{since}'" in result.stderr
    assert "30d, 12h, 2w or 2026-11-01" in result.stderr


def test_no_database_yet_is_a_friendly_empty_report(gaps: CliRunner, tmp_path: Path) -> None:
    missing = tmp_path / "never-created.sqlite3"
    result = run(gaps, f"sqlite+aiosqlite:///{missing}")
    assert result.exit_code == 0, result.output
    assert "Данных пока нет" in result.stdout
    assert not missing.exists()  # a report does not create the bot's database


def test_an_empty_database_is_a_friendly_empty_report(
    gaps: CliRunner, empty_database_url: str
) -> None:
    result = run(gaps, empty_database_url, "--format", "csv")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[1].endswith(",0,0,0,0,0,0,0,0,0")
