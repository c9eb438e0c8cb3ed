"""A Telegram message (text + entities) as browser HTML, to preview an article the way the bot
sends it.

Everything is escaped here, text and attributes alike, so the result can be marked safe in a
template. Links keep only ``http``, ``https``, ``tg`` and ``mailto`` targets; anything else
(``javascript:``) is shown as plain text. Entities that overlap without nesting (Telegram
allows it, Markdown never produces it) are closed and reopened around each other, so the
tags always balance.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from bot.rendering.markdown import utf16_offsets

__all__ = ["to_html"]

_SAFE_URL = re.compile(r"(?i)(https?|tg|mailto):")

_TAGS = {
    "bold": ("<b>", "</b>"),
    "italic": ("<i>", "</i>"),
    "underline": ("<u>", "</u>"),
    "strikethrough": ("<s>", "</s>"),
    "spoiler": ('<span class="tg-spoiler">', "</span>"),
    "code": ("<code>", "</code>"),
    "blockquote": ("<blockquote>", "</blockquote>"),
    "expandable_blockquote": ('<blockquote class="tg-expandable">', "</blockquote>"),
}


class Entity(Protocol):
    """What is read of an entity: aiogram's ``MessageEntity`` and telegramify's both fit."""

    @property
    def type(self) -> str: ...

    @property
    def offset(self) -> int: ...

    @property
    def length(self) -> int: ...

    @property
    def url(self) -> str | None: ...

    @property
    def language(self) -> str | None: ...


@dataclass(frozen=True)
class _Span:
    start: int  # indices into the text, not UTF-16 units
    end: int
    open: str
    close: str


def to_html(text: str, entities: Iterable[Entity] = ()) -> str:
    """``text`` with its entities as HTML tags; newlines stay newlines (show the result with
    ``white-space: pre-wrap``, as Telegram does).

    :param text: the message text
    :param entities: offsets and lengths in UTF-16 code units, as Telegram counts them

    >>> from telegramify_markdown import MessageEntity
    >>> to_html("Жми <Далее> & всё", [MessageEntity("bold", 0, 3)])
    '<b>Жми</b> &lt;Далее&gt; &amp; всё'
    """
    spans = sorted(_spans(text, entities), key=lambda s: (s.start, -s.end))
    cuts = sorted({0, len(text), *(s.start for s in spans), *(s.end for s in spans)})
    waiting = list(reversed(spans))
    stack: list[_Span] = []
    out: list[str] = []
    for position, following in zip(cuts, [*cuts[1:], None], strict=True):
        ending = [i for i, span in enumerate(stack) if span.end == position]
        if ending:
            # Close down to the outermost span ending here; reopen the inner ones that go on.
            outer = ending[0]
            going_on = [span for span in stack[outer:] if span.end > position]
            out.extend(span.close for span in reversed(stack[outer:]))
            del stack[outer:]
            out.extend(span.open for span in going_on)
            stack.extend(going_on)
        while waiting and waiting[-1].start == position:
            span = waiting.pop()
            out.append(span.open)
            stack.append(span)
        if following is not None:
            out.append(html.escape(text[position:following], quote=False))
    return "".join(out)


def _spans(text: str, entities: Iterable[Entity]) -> Iterable[_Span]:
    index_of = {unit: index for index, unit in enumerate(utf16_offsets(text))}
    for entity in entities:
        start = index_of.get(entity.offset)
        end = index_of.get(entity.offset + entity.length)
        if start is None or end is None or end <= start:
            continue  # inside a surrogate pair or past the end: nothing sensible to wrap
        tags = _tags(entity, text[start:end])
        if tags is not None:
            yield _Span(start, end, *tags)


def _tags(entity: Entity, label: str) -> tuple[str, str] | None:
    kind = entity.type
    if kind in ("text_link", "url"):
        url = entity.url if kind == "text_link" else label
        if not url or not _SAFE_URL.match(url):
            return None
        href = html.escape(url, quote=True)
        return f'<a href="{href}" rel="noopener noreferrer" target="_blank">', "</a>"
    if kind == "pre":
        language = html.escape(entity.language or "", quote=True)
        label_attr = f' data-language="{language}"' if language else ""
        return f"<pre{label_attr}><code>", "</code></pre>"
    if kind in _TAGS:
        return _TAGS[kind]
    # mention, hashtag, email, phone_number, ...: Telegram highlights them; so do we.
    return f'<span class="tg-{re.sub(r"[^a-z_]", "", kind)}">', "</span>"
