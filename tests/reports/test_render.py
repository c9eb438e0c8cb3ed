"""The gap report as Markdown, HTML and CSV: what authors read, and customers' text as typed."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser

import pytest

from bot.reports import (
    Activity,
    AttemptRecord,
    GapReport,
    Outcome,
    Period,
    TicketRecord,
    VoteRecord,
    build_report,
    render_gaps_csv,
    render_gaps_html,
    render_gaps_markdown,
)
from bot.reports.render import CSV_COLUMNS
from kb.index import Index

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
PERIOD = Period(NOW - timedelta(days=30), NOW)
HOSTILE = "<script>alert('x')</script> промокод & скидка | не работает"


def at(days: float) -> datetime:
    return NOW - timedelta(days=days)


@pytest.fixture(scope="module")
def report(index: Index) -> GapReport:
    return sample_report(index)


def sample_report(index: Index) -> GapReport:
    """Promo-code questions: three handed over a while ago, a 👎 of late; two articles
    confused; a lone ticket."""
    promo = ["промокод не работает", "промакод не работаит", HOSTILE]
    activity = Activity(
        attempts=(
            *(
                AttemptRecord(text, Outcome.ESCALATE, 0.4, at(20 - n), customer_id=n)
                for n, text in enumerate(promo)
            ),
            AttemptRecord("баллы <b>", Outcome.CLARIFY, 0.4, at(3), ("bonus-points", "promo-code")),
            AttemptRecord("баллы", Outcome.CLARIFY, 0.4, at(2), ("promo-code", "bonus-points")),
            AttemptRecord("промо", Outcome.ANSWER, 0.9, at(2), ("promo-code",), "promo-code", 7),
        ),
        votes=(VoteRecord("промо", "promo-code", False, at(2), 7),),
        tickets=(TicketRecord(1001, "можно ли с собакой", at(1), 8),),
    )
    return build_report(activity, index.catalog, index.retriever.analyzer, PERIOD)


@pytest.fixture(scope="module")
def empty(index: Index) -> GapReport:
    return build_report(Activity(), index.catalog, index.retriever.analyzer, PERIOD)


class Page(HTMLParser):
    """Collects the text of an HTML document and checks that its tags are balanced."""

    VOID = {"meta", "br"}

    def __init__(self) -> None:
        super().__init__()
        self.open: list[str] = []
        self.text: list[str] = []
        self.tags: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        if tag not in self.VOID:
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.open and self.open.pop() == tag, f"</{tag}> closes nothing"

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(html: str) -> Page:
    page = Page()
    page.feed(html)
    page.close()
    assert page.open == [], f"unclosed {page.open}"
    return page


def test_markdown_has_the_four_sections_in_order(report: GapReport) -> None:
    md = render_gaps_markdown(report)
    headings = [line for line in md.splitlines() if line.startswith("## ")]
    assert headings == [
        "## 1. Вопросы без ответа по темам",
        "## 2. Статьи, после которых клиентам всё равно нужна помощь",
        "## 3. Статьи, которые бот путает",
        "## 4. Статьи, которые ни разу не подошли",
    ]
    assert "4 вопроса, вес 7, тренд ↓ 3 → 1; 3 передачи оператору, 1 👎." in md
    assert "### Прочее: 1 вопрос без похожих\n\n- можно ли с собакой" in md
    assert "| `promo-code` Как применить промокод | 1 | 2 | 0 | 1 | 0 из 1 | 100 % |" in md
    assert "«баллы»; «баллы <b>»" in md
    assert md.endswith("\n") and "\n\n\n" not in md


def test_markdown_shows_customers_text_as_typed(report: GapReport) -> None:
    md = render_gaps_markdown(report)
    escaped = HOSTILE.replace("|", "\\|")  # only the table separator is escaped
    assert f"- {escaped}\n" in md
    assert "&lt;" not in md and "&amp;" not in md


def test_html_page_escapes_what_customers_typed(report: GapReport) -> None:
    html = render_gaps_html(report)
    assert html.startswith("<!doctype html>")
    page = parse(html)
    assert "script" not in page.tags and "b" not in page.tags
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; промокод &amp; скидка" in html
    assert HOSTILE in "".join(page.text)  # the reader sees exactly what was typed
    assert "баллы <b>" in "".join(page.text)


def test_html_fragment_is_one_section_for_another_page(report: GapReport) -> None:
    fragment = render_gaps_html(report, page=False)
    assert fragment.startswith('<section class="gap-report">')
    assert fragment.rstrip().endswith("</section>") and "<html" not in fragment
    parse(fragment)
    assert fragment.strip() in render_gaps_html(report)


def test_csv_blocks_have_their_documented_columns(report: GapReport) -> None:
    blocks = render_gaps_csv(report).split("\n\n")
    assert len(blocks) == len(CSV_COLUMNS)
    sections = {}
    for name, block in zip(CSV_COLUMNS, blocks, strict=True):
        header, *rows = list(csv.reader(io.StringIO(block)))
        assert tuple(header) == ("section", *CSV_COLUMNS[name])
        assert rows and all(row[0] == name and len(row) == len(header) for row in rows)
        sections[name] = rows
    (cluster,) = sections["cluster"]
    columns = dict(zip(CSV_COLUMNS["cluster"], cluster[1:], strict=True))
    assert (columns["size"], columns["trend"], columns["escalated"]) == ("4", "down", "3")
    assert (columns["disliked"], columns["tickets"], columns["impact"]) == ("1", "0", "7")
    assert HOSTILE in columns["examples"].split("\n")  # one example per line, as typed
    (article,) = sections["article"]
    assert article[1:4] == ["1", "promo-code", "Как применить промокод"]
    assert article[-1] == "1.000"


def test_empty_report_says_there_is_no_data_yet(empty: GapReport) -> None:
    md = render_gaps_markdown(empty)
    assert "Данных пока нет" in md and "## " not in md
    assert "Данных пока нет" in "".join(parse(render_gaps_html(empty)).text)
    summary, *others = render_gaps_csv(empty).split("\n\n")
    assert summary.splitlines()[1].endswith(",0,0,0,0,0,0,0,0,0")
    assert all(len(block.strip().splitlines()) == 1 for block in others)  # headers only
