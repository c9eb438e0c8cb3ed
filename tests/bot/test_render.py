"""bot.rendering: articles become Telegram messages that Telegram accepts and people can read."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from aiogram.types import MessageEntity
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.rendering import (
    MAX_ENTITIES,
    MAX_LENGTH,
    Chunk,
    entities_to_json,
    render_article,
    render_plain,
)

SOTA_ARTICLE = (
    Path(__file__).resolve().parents[3] / "shared/bench/sota/articles/app/app-not-working.md"
)


def utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def covered(chunk: Chunk, entity: MessageEntity) -> str:
    """The text an entity covers, sliced the way Telegram does: in UTF-16 units."""
    data = chunk.text.encode("utf-16-le")
    return data[2 * entity.offset : 2 * (entity.offset + entity.length)].decode("utf-16-le")


def entities_of(chunk: Chunk, kind: str) -> list[str]:
    return [covered(chunk, e) for e in chunk.entities if e.type == kind]


def only(markdown: str, title: str | None = None) -> Chunk:
    chunks = render_article(markdown, title)
    assert len(chunks) == 1, chunks
    return chunks[0]


def assert_sendable(chunks: list[Chunk], limit: int = MAX_LENGTH) -> None:
    """What Telegram checks: length, entity bounds and count, and how entities may nest."""
    for chunk in chunks:
        size = utf16(chunk.text)
        assert 0 < size <= limit
        assert chunk.text == chunk.text.strip()
        assert len(chunk.entities) <= MAX_ENTITIES
        spans = []
        for entity in chunk.entities:
            assert entity.length > 0
            assert 0 <= entity.offset and entity.offset + entity.length <= size
            spans.append((entity.offset, entity.offset + entity.length, entity.type))
        for a_start, a_end, a_type in spans:
            for b_start, b_end, b_type in spans:
                if a_start < b_end and b_start < a_end:  # they share characters
                    nested = (a_start <= b_start and b_end <= a_end) or (
                        b_start <= a_start and a_end <= b_end
                    )
                    assert nested, (a_type, b_type)


# --- what each piece of Markdown becomes ---------------------------------------------------


def test_title_comes_first_in_bold() -> None:
    chunk = only("Текст ответа.", title="Как пополнить счёт")
    assert chunk.text == "Как пополнить счёт\n\nТекст ответа."
    assert entities_of(chunk, "bold") == ["Как пополнить счёт"]


@pytest.mark.parametrize(
    ("markdown", "kind", "text"),
    [
        ("Это **важно** знать", "bold", "важно"),
        ("Это *просто* пример", "italic", "просто"),
        ("Наберите `*100#` и вызов", "code", "*100#"),
        ("Откройте [кабинет](https://example.com/lk).", "text_link", "кабинет"),
        ("> Цитата из правил", "blockquote", "Цитата из правил"),
        ("~~старая цена~~ новая", "strikethrough", "старая цена"),
        ("## Оплата картой\n\nТекст", "bold", "Оплата картой"),
    ],
)
def test_markup_becomes_entities(markdown: str, kind: str, text: str) -> None:
    chunk = only(markdown)
    assert entities_of(chunk, kind) == [text]
    assert not set("*`[]~#>") & set(chunk.text.replace("*100#", ""))


def test_link_keeps_its_url() -> None:
    chunk = only("Откройте [кабинет](https://example.com/lk).")
    (link,) = chunk.entities
    assert link.url == "https://example.com/lk"
    assert chunk.text == "Откройте кабинет."


def test_headings_carry_no_decorative_emoji() -> None:
    assert only("# Оплата\n\n### Картой\n\nТекст").text == "Оплата\n\nКартой\n\nТекст"


@pytest.mark.parametrize(
    "markdown",
    ["Люблю вас <3", "если a < b & c > d", "стаж < 3 лет & возраст > 21", "&nbsp нет ;"],
)
def test_angle_brackets_and_ampersands_stay_literal(markdown: str) -> None:
    chunk = only(markdown)
    assert chunk.text == markdown
    assert chunk.entities == ()


@pytest.mark.parametrize(
    ("markdown", "shown"),
    [
        ("Введите <email> и нажмите", "Введите <email> и нажмите"),
        ("Это <b>не</b> тег", "Это <b>не</b> тег"),
        ("<div>\nблок\n</div>\n\nдальше", "<div>\nблок\n</div>\n\nдальше"),
        ("видно <!-- заметка автору --> тут", "видно  тут"),
        ("<!--\nзаметка\n-->\n\nтекст", "текст"),
    ],
)
def test_raw_html_is_shown_as_typed_except_comments(markdown: str, shown: str) -> None:
    assert only(markdown).text == shown


def test_table_is_an_aligned_monospace_block() -> None:
    chunk = only(
        "Коды:\n\n| Код | Что значит |\n|---|---|\n| `E-1` | Сессия истекла |\n| E-22 | **Сбой** |"
    )
    (table,) = entities_of(chunk, "pre")
    lines = table.split("\n")
    assert lines[0].startswith("Код") and "Что значит" in lines[0]
    assert len({line.find("|") if "|" in line else line.find("+") for line in lines}) == 1
    assert all(line == line.rstrip() for line in lines)
    assert "E-1" in table and "Сбой" in table and "**" not in table


def test_link_inside_a_table_keeps_its_url() -> None:
    chunk = only("| Тариф | Где |\n|---|---|\n| Базовый | [на сайте](https://ex.com/t_1) |")
    (table,) = entities_of(chunk, "pre")
    assert "на сайте (https://ex.com/t_1)" in table


def test_nested_lists_keep_numbers_and_indents() -> None:
    chunk = only("3. Первый\n   - вложенный\n   - ещё\n4. Второй\n   1. а\n   2. б")
    assert chunk.text.split("\n") == [
        "3. Первый",
        "  ⦁ вложенный",
        "  ⦁ ещё",
        "4. Второй",
        "  1. а",
        "  2. б",
    ]


def test_emoji_offsets_count_surrogate_pairs() -> None:
    chunk = only("😀👍🏽 **жирный** и [ссылка](https://x.example) 🚗 `код`")
    assert entities_of(chunk, "bold") == ["жирный"]
    assert entities_of(chunk, "text_link") == ["ссылка"]
    assert entities_of(chunk, "code") == ["код"]
    assert chunk.entities[0].offset == utf16("😀👍🏽 ")


def test_emoji_in_title_shifts_body_entities() -> None:
    chunk = only("Это **важно**", title="🚗 Аренда")
    assert entities_of(chunk, "bold") == ["🚗 Аренда", "важно"]


@pytest.mark.parametrize("markdown", ["", "   \n\n  ", "<!-- только комментарий -->"])
def test_nothing_to_show_gives_no_messages(markdown: str) -> None:
    assert render_article(markdown) == []


# --- splitting -------------------------------------------------------------------------------


def long_article(paragraphs: int) -> str:
    body = (
        "Абзац {n}: **важное** условие, 🚗 аренда и [ссылка](https://ex.com/{n}). "
        + "Обычный текст про тарифы и поездки. " * 6
    )
    return "\n\n".join(body.format(n=n) for n in range(paragraphs))


def test_long_article_splits_between_paragraphs() -> None:
    markdown = long_article(40)
    assert len(markdown) > 10_000
    chunks = render_article(markdown, title="Длинная статья")
    assert len(chunks) >= 3
    assert_sendable(chunks)
    full = only_text(render_article(markdown, title="Длинная статья", limit=10**6))
    paragraphs = set(full.split("\n\n"))
    for chunk in chunks:
        assert set(chunk.text.split("\n\n")) <= paragraphs  # no paragraph was cut
    assert "\n\n".join(c.text for c in chunks) == full
    for chunk in chunks:
        assert all(text.startswith(("важное", "ссылка", "Длинная")) for text in texts(chunk))


def only_text(chunks: list[Chunk]) -> str:
    (chunk,) = chunks
    return chunk.text


def texts(chunk: Chunk) -> list[str]:
    return [covered(chunk, e) for e in chunk.entities]


def test_entity_spanning_a_cut_is_clipped_into_both_chunks() -> None:
    chunks = render_article("**" + " ".join(["слово"] * 30) + "**", limit=50)
    assert len(chunks) > 1
    assert_sendable(chunks, limit=50)
    assert all(entities_of(chunk, "bold") == [chunk.text] for chunk in chunks)


def test_word_longer_than_a_message_is_cut_hard() -> None:
    chunks = render_article("я" * 5000)
    assert [utf16(c.text) for c in chunks] == [4096, 904]


def test_emoji_are_never_cut_in_half() -> None:
    chunks = render_article("😀" * 3000)
    assert [utf16(c.text) for c in chunks] == [4096, 1904]
    assert_sendable(chunks)


def test_more_than_a_hundred_entities_start_a_new_message() -> None:
    chunks = render_article(" ".join(f"**{n}**" for n in range(250)))
    assert len(chunks) == 3
    assert_sendable(chunks)
    assert sum(len(c.entities) for c in chunks) == 250


PIECES = [*"абвгд xyz019😀👍🏽\n\n\n*_`#>-|[]()<>&!\\~.:=", "1. ", "- ", "| --- |", "```"]
markdownish = st.lists(st.sampled_from(PIECES), max_size=300).map("".join)


@settings(max_examples=300, deadline=None)
@given(markdown=markdownish, limit=st.integers(min_value=2, max_value=300))
def test_any_markdown_renders_to_sendable_chunks(markdown: str, limit: int) -> None:
    chunks = render_article(markdown, title="Заголовок", limit=limit)
    assert chunks
    assert_sendable(chunks, limit=limit)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=300))
def test_arbitrary_text_never_raises(text: str) -> None:
    assert_sendable(render_article(text))
    render_plain(text)


WORDS = st.sampled_from(["тариф", "поездка", "Сота", "код", "SMS", "ошибка", "ёлка", "app"])
DECORATED = st.one_of(
    WORDS,
    WORDS.map(lambda w: f"**{w}**"),
    WORDS.map(lambda w: f"*{w}*"),
    WORDS.map(lambda w: f"`{w}`"),
    WORDS.map(lambda w: f"<{w}>"),
    WORDS.map(lambda w: f"{w} < {w} & {w}"),
)
SEPARATORS = st.sampled_from([" ", " ", "\n", "\n\n", "\n- ", "\n1. ", "\n> ", "\n# ", " | "])


@st.composite
def prose(draw: st.DrawFn) -> str:
    parts = draw(st.lists(st.tuples(DECORATED, SEPARATORS), max_size=120))
    return "".join(word + separator for word, separator in parts)


def letters(text: str) -> str:
    return "".join(re.findall(r"[^\W\d_]", text))


@settings(max_examples=200, deadline=None)
@given(markdown=prose(), limit=st.integers(min_value=20, max_value=400))
def test_splitting_keeps_every_word(markdown: str, limit: int) -> None:
    chunks = render_article(markdown, limit=limit)
    assert_sendable(chunks, limit=limit)
    assert letters(" ".join(c.text for c in chunks)) == letters(markdown)
    whole = " ".join(c.text for c in render_article(markdown, limit=10**6))
    assert " ".join(c.text for c in chunks).split() == whole.split()


# --- plain text and the JSON shape ---------------------------------------------------------


def test_plain_text_has_no_markup_and_spells_out_links() -> None:
    text = render_plain(
        "# Оплата\n\n1. **Откройте** [кабинет](https://ex.com/lk)\n2. Нажмите `Оплатить`\n"
        "\n- пункт\n\n| А | Бб |\n|---|---|\n| 1 | 2 |\n\nПишите на <help@ex.com> <3",
        title="Статья",
    )
    assert text.split("\n") == [
        "Статья",
        "",
        "Оплата",
        "",
        "1. Откройте кабинет (https://ex.com/lk)",
        "2. Нажмите Оплатить",
        "",
        "⦁ пункт",
        "",
        "А | Бб",
        "--+---",
        "1 | 2",
        "",
        "Пишите на help@ex.com <3",
    ]


def test_chunk_sends_with_entities_and_no_parse_mode() -> None:
    chunk = only("Это **важно**, [тут](https://ex.com)")
    kwargs = chunk.as_kwargs()
    assert kwargs["parse_mode"] is None
    assert kwargs["text"] == "Это важно, тут"
    assert entities_to_json(chunk.entities) == [
        {"type": "bold", "offset": 4, "length": 5},
        {"type": "text_link", "offset": 11, "length": 3, "url": "https://ex.com"},
    ]


# --- a real article ------------------------------------------------------------------------


def strip_front_matter(text: str) -> tuple[str, str]:
    _, meta, body = text.split("---\n", 2)
    title = re.search(r'^title:\s*"?(.*?)"?\s*$', meta, re.MULTILINE)
    assert title is not None
    return title.group(1), body


@pytest.mark.skipif(not SOTA_ARTICLE.exists(), reason=f"benchmark article absent: {SOTA_ARTICLE}")
def test_demo_article_keeps_table_and_numbers() -> None:
    title, body = strip_front_matter(SOTA_ARTICLE.read_text(encoding="utf-8"))
    (chunk,) = render_article(body, title=title)
    assert_sendable([chunk])
    assert entities_of(chunk, "bold")[0] == title
    (table,) = entities_of(chunk, "pre")
    assert table.startswith("Код") and "ERR-401 | Сессия истекла" in table
    lines = chunk.text.split("\n")
    for number in range(1, 5):
        assert any(line.startswith(f"{number}. ") for line in lines)
    assert "⦁ Android" in chunk.text
    assert entities_of(chunk, "text_link") == ["веб-версией кабинета"]
    assert "|---|" not in chunk.text and "**" not in chunk.text
    plain = render_plain(body, title=title)
    assert "веб-версией кабинета (https://sota.example/lk)" in plain
    assert "ERR-503 | Технические работы" in plain


@pytest.mark.parametrize(
    "markdown",
    ["См. [тарифы](/help/tariffs)", "Пишите: <help@ex.com>", "[тут](ftp://ex.com/a)"],
)
def test_links_telegram_would_refuse_become_plain_text(markdown: str) -> None:
    assert only(markdown).entities == ()


def test_a_long_run_of_blanks_inside_a_line_renders_as_it_is() -> None:
    # Trailing blanks are looked for from the start of a run only: 5 000 blanks inside a
    # line once cost a scan per blank (~1 s), 20 000 about 14 s.
    [chunk] = render_article("до" + " " * 20_000 + "после", limit=50_000)
    assert chunk.text.startswith("до") and chunk.text.endswith("после")
