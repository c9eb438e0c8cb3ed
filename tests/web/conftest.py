"""The authors' web page over a real database and a copy of the demo articles.

``web`` runs :func:`bot.web.build_app` in an aiohttp test server, wired the way ``faqbot web``
wires it (a :class:`~bot.serving.reload.Reloader` behind ``Learning(on_written=...)``), on
the ``database`` fixture: every test that uses it runs on SQLite and on PostgreSQL. The clock
stands still; :func:`seed` stores a few days of questions, votes, tickets and suggestions.
"""

from __future__ import annotations

import contextlib
import re
import shutil
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.db.models import AttemptDecision, Customer
from bot.db.repo import open_ticket, record_attempt, record_vote, upsert_customer
from bot.serving.answers import Answers
from bot.serving.database import Database
from bot.serving.learning import Learning
from bot.serving.reload import Reloader
from bot.serving.services import Services
from bot.settings import Settings
from bot.tickets import TicketDraft
from bot.web import build_app
from kb import load_folder
from kb.index import Index
from tests.bot.db.fixtures import ScratchDatabase

DEMO = Path(__file__).resolve().parents[2] / "articles"
TOKEN = "correct-horse-battery-staple"
NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)  # Friday, 12:00 in Moscow
HOSTILE = "<script>alert(1)</script> & «Co»"


def copy_articles(folder: Path) -> Path:
    target = folder / "articles"
    shutil.copytree(DEMO, target)
    return target


def build_answers(folder: Path) -> Answers:
    result = load_folder(folder)
    assert not result.problems, result.problems
    return Answers(Index.build(result.catalog)).warm_up()


@pytest.fixture(scope="session")
def shared_articles(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Answers]:
    """A copy of the demo KB, indexed once: for tests that write no article."""
    folder = copy_articles(tmp_path_factory.mktemp("web-kb"))
    return folder, build_answers(folder)


@pytest.fixture
def own_articles(tmp_path: Path) -> tuple[Path, Answers]:
    """A copy of the demo KB for this test alone: approving a phrasing writes into it."""
    folder = copy_articles(tmp_path)
    return folder, build_answers(folder)


@contextlib.asynccontextmanager
async def serving(
    database: ScratchDatabase, folder: Path, answers: Answers
) -> AsyncIterator[web.Application]:
    """The web application as ``faqbot web`` builds it (not started)."""
    reloader = Reloader(folder, answers)
    services = Services.from_settings(
        Settings(_env_file=None, business_timezone="Europe/Moscow"),
        database=Database(database.engine),
        answers=answers,
        clock=lambda: NOW,
        on_written=reloader.reload,
    )
    yield build_app(token=TOKEN, services=services, login_delay=0)


@contextlib.asynccontextmanager
async def client_for(
    database: ScratchDatabase, folder: Path, answers: Answers
) -> AsyncIterator[TestClient[web.Request, web.Application]]:
    async with serving(database, folder, answers) as app:
        async with TestClient(TestServer(app)) as client:
            yield client


@pytest.fixture
async def web_client(
    database: ScratchDatabase, shared_articles: tuple[Path, Answers]
) -> AsyncIterator[TestClient[web.Request, web.Application]]:
    async with client_for(database, *shared_articles) as client:
        yield client


CSRF = re.compile(r'name="csrf" value="([^"]+)"')


async def log_in(client: TestClient[web.Request, web.Application], token: str = TOKEN) -> str:
    """Log in through the form; returns the page's CSRF token for later POSTs."""
    form = await client.get("/login")
    match = CSRF.search(await form.text())
    assert match, "the login form has a CSRF field"
    response = await client.post("/login", data={"token": token, "csrf": match.group(1)})
    page = await response.text()
    if response.status != 200 or "/logout" not in page:
        return ""
    found = CSRF.search(page)
    assert found is not None
    return found.group(1)


@dataclass(frozen=True)
class Seeded:
    """What :func:`seed` stored: the suggestions' ids."""

    approve_id: int
    hostile_id: int
    reject_id: int


async def seed(database: ScratchDatabase, answers: Answers) -> Seeded:
    """Three customers over the last two days, and three suggested phrasings.

    Two days ago Anna was answered with ``login-code`` (self-served) and Boris with
    ``double-charge``, voted 👎 and opened a ticket three hours later. Yesterday Vera asked
    something hostile, was escalated and opened a ticket; Anna was answered with
    ``end-trip`` and voted 👍.
    """
    db = Database(database.engine)
    policy, hours = Settings(_env_file=None).sla_policy(), Settings(_env_file=None).business_hours()
    day = timedelta(days=1)
    async with db.transaction() as session:
        anna, boris, vera = [
            await upsert_customer(
                session, telegram_id=100 + n, chat_id=100 + n, first_name=name, now=lambda: NOW
            )
            for n, name in enumerate(("Анна", "Борис", "Вера"))
        ]

        async def ask(
            customer: Customer, text: str, when: datetime, decision: AttemptDecision
        ) -> None:
            ranking, verdict = answers.search(text)
            chosen = ranking.hits[0].doc_id if decision is AttemptDecision.ANSWER else None
            await record_attempt(
                session,
                customer=customer,
                query_text=text,
                decision=decision,
                confidence=verdict.confidence,
                top_article_ids=[hit.doc_id for hit in ranking.hits[:5]],
                chosen_article_id=chosen,
                now=lambda: when,
            )

        async def ticket(customer: Customer, question: str, when: datetime) -> None:
            await open_ticket(
                session,
                customer,
                TicketDraft.from_question(question, ()),
                policy=policy,
                hours=hours,
                now=lambda: when,
            )

        await ask(anna, "не приходит смс с кодом", NOW - 2 * day, AttemptDecision.ANSWER)
        await ask(boris, "деньги списали дважды", NOW - 2 * day, AttemptDecision.ANSWER)
        await record_vote(
            session,
            customer=boris,
            query_text="деньги списали дважды",
            article_id="double-charge",
            helpful=False,
            now=lambda: NOW - 2 * day + timedelta(minutes=1),
        )
        await ticket(boris, "деньги списали дважды", NOW - 2 * day + timedelta(hours=3))
        await ask(vera, HOSTILE, NOW - day, AttemptDecision.ESCALATE)
        await ticket(vera, HOSTILE, NOW - day + timedelta(minutes=5))
        await ask(anna, "как завершить аренду", NOW - day, AttemptDecision.ANSWER)
        await record_vote(
            session,
            customer=anna,
            query_text="как завершить аренду",
            article_id="end-trip",
            helpful=True,
            now=lambda: NOW - day + timedelta(minutes=1),
        )
    learning = Learning(db, answers, clock=lambda: NOW - day)
    suggested = [
        await learning.suggest(article, question, source=source)
        for article, question, source in (
            ("login-code", "смс с паролем так и не дошла", "заявка #1001"),
            ("login-code", f"{HOSTILE} пароль", "vote"),
            ("end-trip", "как сдать прокатную машину", "vote"),
        )
    ]
    ids = []
    for outcome in suggested:
        assert outcome is not None and outcome.created, "the demo KB lacks these wordings"
        ids.append(outcome.suggestion.id)
    return Seeded(*ids)
