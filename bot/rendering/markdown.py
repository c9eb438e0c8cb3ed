"""Article Markdown to Telegram plain text plus entities, via telegramify-markdown.

telegramify-markdown 1.4 does the real work (CommonMark + tables through pyromark, offsets
in UTF-16 code units). Three things in its output are wrong for a help desk, and are fixed
here around the library rather than inside it, so an upgrade only has to keep ``convert``:

* Raw HTML disappears. ``<div>...</div>`` blocks are dropped whole, and inline tags such as
  ``<email>`` or ``<b>`` vanish from the sentence. Telegram could not show HTML anyway, so
  every HTML tag the parser finds is backslash-escaped and shown as typed. ``<3`` and
  ``a < b & c`` are not HTML to CommonMark and already come out literally. HTML comments
  stay hidden: an author writes them as notes to other authors.
* A link inside a table cell loses its URL: the table becomes a ``pre`` block, which cannot
  hold a ``text_link``. Such links are rewritten to ``text (url)`` before conversion.
* Headings get decorative emoji (📌, ✏, 📚, 🔖) and tables pad their last column with
  spaces. Headings are kept as bold(+underline) text without emoji; trailing spaces at line
  ends are removed, with entity offsets moved to match.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, cast

import pyromark  # telegramify-markdown's own parser; same options, same reading
import telegramify_markdown as tm
from telegramify_markdown.converter import STANDARD_OPTIONS

__all__ = ["to_entities", "utf16_offsets"]

Entity = tm.MessageEntity

# Each pass escapes at least one "<", so the loop ends; the bound only guards against a
# parser that keeps finding HTML where we already escaped it.
_MAX_PASSES = 20
# Only from the start of a run: else every blank of a long run starts a scan of the rest (O(n²)).
_TRAILING_SPACES = re.compile(r"(?<![ \t])[ \t]+(?=\n|\Z)")
# What CommonMark lets a backslash escape.
_ASCII_PUNCTUATION = re.compile(r"[!-/:-@\[-`{-~]")


def to_entities(markdown: str) -> tuple[str, list[Entity]]:
    """Convert Markdown to Telegram text and entities (offsets in UTF-16 code units).

    :param markdown: article body, front matter already removed
    :return: text without leading/trailing whitespace, entities sorted by offset
    """
    source = _prepare(markdown)
    text, entities = tm.convert(source, latex_escape=False, config=_config())
    text, entities = _delete(text, entities, _trailing_space_spans(text))
    stripped = text.strip()
    if not stripped:
        return "", []
    lead = len(text) - len(text.lstrip())
    text, entities = _delete(text, entities, [(0, lead), (lead + len(stripped), len(text))])
    return text, sorted(entities, key=lambda e: (e.offset, -e.length))


def utf16_offsets(text: str) -> list[int]:
    """UTF-16 offset of every index of ``text``, plus the total length at the end.

    >>> utf16_offsets("a😀b")
    [0, 1, 3, 4]
    """
    offsets = [0] * (len(text) + 1)
    total = 0
    for index, char in enumerate(text):
        offsets[index] = total
        total += 2 if ord(char) > 0xFFFF else 1
    offsets[len(text)] = total
    return offsets


def _config() -> tm.RenderConfig:
    # isolated(): the library's default config is a process-wide mutable singleton.
    config = tm.RenderConfig.isolated()
    symbols = config.markdown_symbol
    symbols.heading_level_1 = symbols.heading_level_2 = ""
    symbols.heading_level_3 = symbols.heading_level_4 = ""
    # The library's default for an open task is ☑, a ticked box.
    symbols.task_uncompleted = "⬜"
    return config


def _prepare(markdown: str) -> str:
    """Escape raw HTML and flatten links inside tables until the parser finds neither."""
    source = markdown
    for _ in range(_MAX_PASSES):
        edits = list(_source_edits(source))
        if not edits:
            break
        data = source.encode("utf-8")
        for start, end, replacement in sorted(edits, reverse=True):
            data = data[:start] + replacement + data[end:]
        source = data.decode("utf-8")
    return source


def _source_edits(source: str) -> Iterator[tuple[int, int, bytes]]:
    """Byte-range replacements for one pass: (start, end, new bytes)."""
    data = source.encode("utf-8")
    table_depth = 0
    in_comment_block = False
    link: _TableLink | None = None
    for payload, span in pyromark.events_with_range(source, options=STANDARD_OPTIONS):
        if not isinstance(payload, dict):
            continue  # "SoftBreak", "Rule" and the like
        event = cast(dict[str, Any], payload)
        start, end = span["start"], span["end"]
        opened, closed = event.get("Start"), event.get("End")
        if isinstance(opened, dict) and "Table" in opened:
            table_depth += 1
        elif closed == "Table":
            table_depth -= 1
        elif opened == "HtmlBlock":
            in_comment_block = data[start:end].lstrip().startswith(b"<!--")
        elif "Html" in event or "InlineHtml" in event:
            raw = str(event.get("Html") or event.get("InlineHtml") or "")
            if not (in_comment_block or raw.lstrip().startswith("<!--")):
                yield from _escape_lt(data, start, end)
        elif table_depth and isinstance(opened, dict) and "Link" in opened:
            link = _TableLink(start, str(opened["Link"]["dest_url"]))
        elif link is not None and closed == "Link":
            yield link.flatten(data, end)
            link = None
        elif link is not None:
            link.inner.append((start, end))


@dataclass
class _TableLink:
    """A link being read inside a table cell, to be rewritten as ``label (url)``."""

    start: int
    url: str
    inner: list[tuple[int, int]] = field(default_factory=list)

    def flatten(self, data: bytes, end: int) -> tuple[int, int, bytes]:
        label = data[self.inner[0][0] : self.inner[-1][1]] if self.inner else b""
        if not self.url or label.decode("utf-8", "replace") == self.url.removeprefix("mailto:"):
            return self.start, end, label
        # Escaped, a "|" in the URL cannot end the cell and a "*" cannot start emphasis.
        literal_url = _ASCII_PUNCTUATION.sub(r"\\\g<0>", self.url)
        return self.start, end, label + f" ({literal_url})".encode()


def _escape_lt(data: bytes, start: int, end: int) -> Iterator[tuple[int, int, bytes]]:
    for index in range(start, end):
        if data[index : index + 1] == b"<":
            yield index, index, b"\\"


def _trailing_space_spans(text: str) -> list[tuple[int, int]]:
    return [match.span() for match in _TRAILING_SPACES.finditer(text)]


def _delete(
    text: str, entities: Iterable[Entity], spans: list[tuple[int, int]]
) -> tuple[str, list[Entity]]:
    """Remove index ranges from ``text`` and move or shrink entities to match."""
    spans = [(a, b) for a, b in spans if b > a]
    if not spans:
        return text, list(entities)
    offsets = utf16_offsets(text)
    cuts = [(offsets[a], offsets[b]) for a, b in spans]

    def moved(position: int) -> int:
        shift = 0
        for cut_start, cut_end in cuts:
            if position <= cut_start:
                break
            shift += min(position, cut_end) - cut_start
        return position - shift

    kept: list[Entity] = []
    for entity in entities:
        begin = moved(entity.offset)
        length = moved(entity.offset + entity.length) - begin
        if length > 0:
            kept.append(entity.copy_with(offset=begin, length=length))
    pieces, cursor = [], 0
    for a, b in spans:
        pieces.append(text[cursor:a])
        cursor = b
    pieces.append(text[cursor:])
    return "".join(pieces), kept
