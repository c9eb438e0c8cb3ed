"""Telegram messages as browser HTML for the article preview (bot.rendering.preview)."""

from __future__ import annotations

import doctest

import pytest
from telegramify_markdown import MessageEntity as E

import bot.rendering.preview
from bot.rendering import render_article
from bot.rendering.preview import to_html


def test_doctests() -> None:
    failed, tried = doctest.testmod(bot.rendering.preview)
    assert tried and not failed


@pytest.mark.parametrize(
    ("text", "entities", "html"),
    [
        ("a <b> & c", [], "a &lt;b&gt; &amp; c"),
        ("жирный", [E("bold", 0, 6)], "<b>жирный</b>"),
        ("abcdef", [E("bold", 0, 4), E("italic", 2, 4)], "<b>ab<i>cd</i></b><i>ef</i>"),
        ("abc", [E("bold", 0, 3), E("italic", 0, 3)], "<b><i>abc</i></b>"),
        ("👍 да", [E("bold", 3, 2)], "👍 <b>да</b>"),  # offsets in UTF-16: 👍 is two units
        ("x", [E("code", 0, 1)], "<code>x</code>"),
        ("x", [E("pre", 0, 1, language='"')], '<pre data-language="&quot;"><code>x</code></pre>'),
        ("цитата", [E("blockquote", 0, 6)], "<blockquote>цитата</blockquote>"),
        ("x", [E("spoiler", 0, 1)], '<span class="tg-spoiler">x</span>'),
        ("x", [E("hashtag", 0, 1)], '<span class="tg-hashtag">x</span>'),
    ],
)  # fmt: skip
def test_entities_become_balanced_escaped_tags(text: str, entities: list[E], html: str) -> None:
    assert to_html(text, entities) == html


@pytest.mark.parametrize(
    ("url", "linked"),
    [
        ('https://example.com/a?b=1&c="2"', True),
        ("tg://resolve?domain=x", True),
        ("mailto:help@example.com", True),
        ("javascript:alert(1)", False),
        ("data:text/html,<script>", False),
    ],
)
def test_only_safe_links_are_links(url: str, linked: bool) -> None:
    html = to_html("ссылка", [E("text_link", 0, 6, url=url)])
    assert html.startswith("<a href=") is linked
    assert "<script" not in html and 'c="2"' not in html


def test_an_article_renders_as_the_bot_sends_it() -> None:
    [chunk] = render_article(
        "Нажмите **Завершить**.\n\n> Важно: <не> & [тут](https://ex.com)", "Как?"
    )
    html = to_html(chunk.text, chunk.entities)
    assert html.startswith("<b>Как?</b>\n\nНажмите <b>Завершить</b>.")
    assert '<blockquote>Важно: &lt;не&gt; &amp; <a href="https://ex.com"' in html
