"""``faqbot web`` over HTTP: login, sessions and CSRF, every page, approving and rejecting."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient
from sqlalchemy import select
from yarl import URL

from bot.db.models import PhrasingSuggestion, SuggestionStatus
from bot.serving.answers import Answers
from bot.web.auth import SESSION_COOKIE
from tests.bot.db.fixtures import ScratchDatabase
from tests.web.conftest import CSRF, HOSTILE, TOKEN, client_for, log_in, seed

Client = TestClient[web.Request, web.Application]

PAGES = ["/", "/articles", "/articles/login-code", "/phrasings", "/try?q=как+завершить+аренду"]


# --- login, sessions, CSRF ------------------------------------------------------------------


@pytest.mark.parametrize("path", PAGES)
async def test_a_page_without_a_session_sends_to_login(web_client: Client, path: str) -> None:
    response = await web_client.get(path, allow_redirects=False)
    assert response.status == 303
    location = URL(response.headers["Location"])
    assert location.path == "/login"
    back, asked = URL(location.query["next"]), URL(path)
    assert (back.path, back.query) == (asked.path, asked.query)


async def test_a_post_without_a_session_is_refused(web_client: Client) -> None:
    response = await web_client.post("/phrasings/1/approve", data={"csrf": "x"})
    assert response.status == 401


async def test_wrong_token_is_refused(web_client: Client) -> None:
    assert await log_in(web_client, token="wrong") == ""
    form = await web_client.get("/login")
    csrf = CSRF.search(await form.text())
    assert csrf is not None
    response = await web_client.post("/login", data={"token": "wrong", "csrf": csrf.group(1)})
    assert response.status == 401
    assert "Неверный токен" in await response.text()
    assert SESSION_COOKIE not in {cookie.key for cookie in web_client.session.cookie_jar}
    assert (await web_client.get("/", allow_redirects=False)).status == 303


async def test_right_token_opens_the_pages_with_a_strict_httponly_cookie(
    web_client: Client,
) -> None:
    form = await web_client.get("/login?next=/articles")
    csrf = CSRF.search(await form.text())
    assert csrf is not None
    response = await web_client.post(
        "/login",
        data={"token": TOKEN, "csrf": csrf.group(1), "next": "/articles"},
        allow_redirects=False,
    )
    assert response.status == 303 and response.headers["Location"] == "/articles"
    cookie = response.cookies[SESSION_COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Strict" and len(cookie.value) >= 32
    for path in PAGES:
        page = await web_client.get(path, allow_redirects=False)
        assert page.status == 200, path


async def test_login_form_without_its_csrf_is_forbidden(web_client: Client) -> None:
    await web_client.get("/login")
    response = await web_client.post("/login", data={"token": TOKEN, "csrf": "forged"})
    assert response.status == 403
    assert (await web_client.get("/", allow_redirects=False)).status == 303


@pytest.mark.parametrize("target", ["//evil.example/", "https://evil.example/", "/\\evil"])
async def test_login_never_sends_to_another_site(web_client: Client, target: str) -> None:
    form = await web_client.get("/login")
    csrf = CSRF.search(await form.text())
    assert csrf is not None
    response = await web_client.post(
        "/login",
        data={"token": TOKEN, "csrf": csrf.group(1), "next": target},
        allow_redirects=False,
    )
    assert response.headers["Location"] == "/"


async def test_post_without_csrf_is_forbidden(
    web_client: Client, database: ScratchDatabase, shared_articles: tuple[Path, Answers]
) -> None:
    seeded = await seed(database, shared_articles[1])
    csrf = await log_in(web_client)
    for data in ({}, {"csrf": "forged"}, {"csrf": csrf[:-1]}):
        response = await web_client.post(f"/phrasings/{seeded.approve_id}/approve", data=data)
        assert response.status == 403
    assert await status_of(database, seeded.approve_id) is SuggestionStatus.PENDING


async def test_logout_ends_the_session(web_client: Client) -> None:
    csrf = await log_in(web_client)
    response = await web_client.post("/logout", data={"csrf": csrf}, allow_redirects=False)
    assert response.status == 303 and response.headers["Location"] == "/login"
    assert (await web_client.get("/", allow_redirects=False)).status == 303


async def test_pages_forbid_scripts_and_framing(web_client: Client) -> None:
    response = await web_client.get("/login")
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "frame-ancestors 'none'" in policy
    assert response.headers["X-Frame-Options"] == "DENY"


# --- the pages --------------------------------------------------------------------------------


async def test_overview_shows_the_chart_and_the_gap_report_with_customer_text_escaped(
    web_client: Client, database: ScratchDatabase, shared_articles: tuple[Path, Answers]
) -> None:
    await seed(database, shared_articles[1])
    await log_in(web_client)
    page = await (await web_client.get("/?days=7")).text()
    assert "<svg" in page and '<path d="M ' in page
    # 4 questions, 3 answered, Boris's followed by a ticket: 2 self-served.
    assert "без заявки 1 из 2 (50 %)" in page
    assert "Пробелы в базе знаний" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script" not in page


async def test_overview_without_activity_says_so(web_client: Client) -> None:
    await log_in(web_client)
    page = await (await web_client.get("/")).text()
    assert "За этот период вопросов не было" in page
    assert "<svg" in page


def table_rows(page: str) -> list[tuple[str, list[int]]]:
    """``(article id, numbers)`` of each row of the articles table, in order."""
    rows = []
    for row in re.findall(r"<tr>\s*<td><a href=\"/articles/.*?</tr>", page, re.S):
        article = re.search(r"<code>([^<]+)</code>", row)
        assert article is not None
        numbers = [int(n) for n in re.findall(r'<td class="num[^"]*">(\d+)</td>', row)]
        rows.append((article.group(1), numbers))
    return rows


async def test_articles_table_counts_matches_answers_votes_and_tickets_after(
    web_client: Client, database: ScratchDatabase, shared_articles: tuple[Path, Answers]
) -> None:
    await seed(database, shared_articles[1])
    await log_in(web_client)
    rows = dict(table_rows(await (await web_client.get("/articles")).text()))
    assert len(rows) == len(shared_articles[1].index.catalog)
    # answers, 👍, 👎, tickets after the answer (matches: among any question's best five)
    assert rows["double-charge"][1:5] == [1, 0, 1, 1]
    assert rows["login-code"][1:5] == [1, 0, 0, 0]
    assert rows["end-trip"][1:5] == [1, 1, 0, 0]
    assert rows["refund"][1:5] == [0, 0, 0, 0]
    # the article's own phrasings (its questions: lines), whatever the period
    catalog = shared_articles[1].index.catalog
    assert all(numbers[5] == len(catalog[a].questions) for a, numbers in rows.items())
    assert all(numbers[0] >= numbers[1] for numbers in rows.values())
    assert sum(numbers[0] for numbers in rows.values()) <= 4 * 5


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("sort=unhelpful", "double-charge"),
        ("sort=helpful", "end-trip"),
        ("sort=title&order=asc", None),
        ("sort=nonsense", None),
        ("sort=phrasings", None),
    ],
)
async def test_articles_table_sorts_by_a_column(
    web_client: Client,
    database: ScratchDatabase,
    shared_articles: tuple[Path, Answers],
    query: str,
    first: str | None,
) -> None:
    await seed(database, shared_articles[1])
    await log_in(web_client)
    response = await web_client.get(f"/articles?{query}")
    assert response.status == 200
    rows = table_rows(await response.text())
    catalog = shared_articles[1].index.catalog
    if query.startswith("sort=title"):
        titles = [catalog[article].title.casefold() for article, _ in rows]
        assert titles == sorted(titles)
    elif query.startswith("sort=phrasings"):  # fewest first by default: the ones to work on
        counts = [numbers[5] for _, numbers in rows]
        assert counts == sorted(counts)
    elif first is not None:
        assert rows[0][0] == first
    else:  # unknown column: by matches, most first
        matches = [numbers[0] for _, numbers in rows]
        assert matches == sorted(matches, reverse=True)


async def test_article_page_shows_the_telegram_rendering_phrasings_and_numbers(
    web_client: Client, database: ScratchDatabase, shared_articles: tuple[Path, Answers]
) -> None:
    await seed(database, shared_articles[1])
    await log_in(web_client)
    page = await (await web_client.get("/articles/login-code")).text()
    assert '<div class="message"><b>Не приходит код для входа</b>' in page
    assert "<b>+7</b>" in page and "<blockquote>" in page
    assert '<a href="https://poehali.example/help/change-phone-number"' in page
    assert "<li>Не приходит смс с кодом</li>" in page
    # The pending suggestions of this article, escaped, with their buttons.
    assert "смс с паролем так и не дошла" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; «Co» пароль" in page
    assert "<script" not in page


async def test_unknown_article_is_not_found(web_client: Client) -> None:
    await log_in(web_client)
    response = await web_client.get("/articles/%3Cscript%3E")
    assert response.status == 404
    assert "&lt;script&gt;" in await response.text()


async def test_pending_phrasings_are_listed_escaped(
    web_client: Client, database: ScratchDatabase, shared_articles: tuple[Path, Answers]
) -> None:
    seeded = await seed(database, shared_articles[1])
    await log_in(web_client)
    page = await (await web_client.get("/phrasings")).text()
    for suggestion in (seeded.approve_id, seeded.hostile_id, seeded.reject_id):
        assert f'action="/phrasings/{suggestion}/approve"' in page
        assert f'action="/phrasings/{suggestion}/reject"' in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; «Co» пароль" in page
    assert "<script" not in page
    assert "Не приходит код для входа" in page and "заявка #1001" in page


@pytest.mark.parametrize(
    ("question", "decision", "offered"),
    [
        ("не приходит смс с кодом", "Ответ статьёй", ["login-code"]),
        ("проблема с оплатой", "Уточнение", ["debt", "double-charge", "payment-methods", "refund"]),
        ("как приготовить борщ", "Передача оператору", []),
    ],
)
async def test_try_a_question_shows_the_decision_and_hits(
    web_client: Client, question: str, decision: str, offered: list[str]
) -> None:
    await log_in(web_client)
    page = await (await web_client.get("/try", params={"q": question})).text()
    assert decision in page and "уверенность" in page
    marked = re.findall(r'<tr class="offered">.*?<code>([^<]+)</code>', page, re.S)
    assert marked == offered


@pytest.mark.parametrize(
    ("question", "notice"),
    [("фывапролджэ", "В сообщении нет вопроса"), ("а можно?", "В сообщении нет вопроса"),
     ("да", "Это ответ «да» или «нет»"), ("нет", "Это ответ «да» или «нет»"),
     ("не помогло", "Это ответ «да» или «нет»"), ("как приготовить борщ", None)],
)  # fmt: skip
async def test_try_a_question_says_when_the_bot_would_ask_for_a_question_instead(
    web_client: Client, question: str, notice: str | None
) -> None:
    await log_in(web_client)
    page = await (await web_client.get("/try", params={"q": question})).text()
    asks = notice is not None
    assert ("Бот попросит написать вопрос" in page) is asks
    assert ("В сообщении нет вопроса" in page) is (notice == "В сообщении нет вопроса")
    assert ("Это ответ «да» или «нет»" in page) is (notice == "Это ответ «да» или «нет»")
    if asks:  # nothing is shown to the customer, so no article is marked as offered
        assert '<tr class="offered">' not in page and "уверенность" not in page


@pytest.mark.parametrize("question", ["ничего не работает", "не получается"])
async def test_try_trouble_told_with_no_object_says_the_bot_asks_what_exactly(
    web_client: Client, question: str
) -> None:
    await log_in(web_client)
    page = await (await web_client.get("/try", params={"q": question})).text()
    assert "Бот спросит, что именно не работает" in page
    assert "но не что именно" in page and "В сообщении нет вопроса" not in page
    assert '<tr class="offered">' not in page and "уверенность" not in page


async def test_try_before_any_question_shows_only_the_box(web_client: Client) -> None:
    await log_in(web_client)
    response = await web_client.get("/try")
    page = await response.text()
    assert response.status == 200 and 'name="q"' in page
    assert "уверенность" not in page and "Разговор" not in page


@pytest.mark.parametrize(
    ("question", "said"),
    [
        ("спасибо!", "благодарность"),
        ("Привет", "приветствие"),
        ("ты бот?", "«ты бот?»"),
        ("спасиб", "благодарность"),  # typed with a slip: told once the search has read it
        ("здраствуйте", "приветствие"),
        ("понятно", "короткое «понятно»"),
    ],
)
async def test_try_small_talk_shows_the_bot_answers_in_kind_without_articles(
    web_client: Client, question: str, said: str
) -> None:
    await log_in(web_client)
    page = await (await web_client.get("/try", params={"q": question})).text()
    assert "Разговор" in page and said in page
    assert "Передача оператору" not in page and "<table" not in page


async def test_try_a_request_for_a_person_goes_to_people_whatever_the_confidence(
    web_client: Client,
) -> None:
    await log_in(web_client)
    page = await (await web_client.get("/try", params={"q": "позовите оператора"})).text()
    assert "Передача оператору" in page and "просьба позвать человека" in page
    assert "уверенность" not in page  # people are called whatever the search thought


async def test_try_a_question_marks_the_article_shown_beside_a_torn_answer(
    web_client: Client,
) -> None:
    await log_in(web_client)
    page = await (await web_client.get("/try", params={"q": "бонусы"})).text()
    marked = re.findall(
        r'<tr class="offered">.*?<code>([^<]+)</code>.*?<td>([^<]*)</td>\s*</tr>', page, re.S
    )
    assert marked == [("bonus-points", "ответ"), ("referral-bonus", "рядом с ответом")]


async def test_try_a_question_shows_what_a_no_would_offer_next(web_client: Client) -> None:
    await log_in(web_client)
    question = "у меня списали деньги дважды за одну поездку, что делать?"
    page = await (await web_client.get("/try", params={"q": question})).text()
    assert "Ответ статьёй" in page
    after = page.split("Если клиент ответит «нет», бот предложит:", 1)[1].split("</ol>", 1)[0]
    offered = re.findall(r'<a href="/articles/([^"]+)">', after)
    # Ranked by meaning, as the bot would after a «нет»: not the fines that share «списать».
    assert offered[:2] == ["deposit-hold", "refund"] and "fine-from-camera" not in offered


async def test_try_an_escalated_question_has_nothing_to_say_no_to(
    web_client: Client,
) -> None:
    await log_in(web_client)
    page = await (await web_client.get("/try", params={"q": "как приготовить борщ"})).text()
    assert "Передача оператору" in page and "Если клиент ответит «нет»" not in page


async def test_try_a_question_shows_what_was_typed_escaped(web_client: Client) -> None:
    await log_in(web_client)
    page = await (await web_client.get("/try", params={"q": HOSTILE})).text()
    assert 'value="&lt;script&gt;alert(1)&lt;/script&gt; &amp; «Co»"' in page
    assert "<script" not in page


# --- approving and rejecting ----------------------------------------------------------------


async def status_of(database: ScratchDatabase, suggestion_id: int) -> SuggestionStatus:
    async with database.sessions() as session:
        suggestion = await session.scalar(
            select(PhrasingSuggestion).where(PhrasingSuggestion.id == suggestion_id)
        )
    assert suggestion is not None
    return suggestion.status


def digests(folder: Path) -> dict[Path, str]:
    return {
        path.relative_to(folder): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


async def test_approve_writes_the_phrasing_and_the_article_page_shows_it(
    database: ScratchDatabase, own_articles: tuple[Path, Answers]
) -> None:
    folder, answers = own_articles
    seeded = await seed(database, answers)
    article = folder / "app" / "login-code.md"
    before, others = article.read_bytes(), digests(folder)
    async with client_for(database, folder, answers) as client:
        csrf = await log_in(client)
        response = await client.post(
            f"/phrasings/{seeded.approve_id}/approve",
            data={"csrf": csrf, "back": "/phrasings"},
            allow_redirects=False,
        )
        assert response.status == 303 and response.headers["Location"] == "/phrasings"
        listing = await (await client.get("/phrasings")).text()
        assert "Формулировка «смс с паролем так и не дошла» добавлена" in listing
        assert f"/phrasings/{seeded.approve_id}/approve" not in listing
        page = await (await client.get("/articles/login-code")).text()
    assert "<li>смс с паролем так и не дошла</li>" in page
    assert answers.get("login-code").questions[-1] == "смс с паролем так и не дошла"  # type: ignore[union-attr]
    after = article.read_bytes()
    old_lines, new_lines = before.splitlines(keepends=True), after.splitlines(keepends=True)
    added = [line for line in new_lines if line not in old_lines]
    assert added == ["  - смс с паролем так и не дошла\n".encode()]
    assert [line for line in new_lines if line not in added] == old_lines
    assert {p: d for p, d in digests(folder).items() if p != article.relative_to(folder)} == {
        p: d for p, d in others.items() if p != article.relative_to(folder)
    }
    assert await status_of(database, seeded.approve_id) is SuggestionStatus.APPROVED


async def test_reject_marks_the_suggestion_rejected_and_writes_nothing(
    web_client: Client, database: ScratchDatabase, shared_articles: tuple[Path, Answers]
) -> None:
    folder, answers = shared_articles
    seeded = await seed(database, answers)
    before = digests(folder)
    csrf = await log_in(web_client)
    response = await web_client.post(
        f"/phrasings/{seeded.reject_id}/reject", data={"csrf": csrf, "back": "/articles/end-trip"}
    )
    assert response.status == 200 and response.url.path == "/articles/end-trip"
    page = await response.text()
    assert "Формулировка «как сдать прокатную машину» отклонена" in page
    assert await status_of(database, seeded.reject_id) is SuggestionStatus.REJECTED
    assert digests(folder) == before
    again = await web_client.post(f"/phrasings/{seeded.reject_id}/approve", data={"csrf": csrf})
    assert "уже рассмотрели раньше" in await again.text()
    assert await status_of(database, seeded.reject_id) is SuggestionStatus.REJECTED
