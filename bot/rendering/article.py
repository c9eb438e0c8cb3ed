"""Render a knowledge-base article: Telegram messages for the bot, plain text for the terminal.

Entities, not HTML: telegramify-markdown produces entities natively, so nothing in the article
(``<3``, ``a < b & c``, a stray ``&``) has to survive an escaping round, and a chunk cut in the
middle of a bold phrase stays valid without re-balancing tags.
"""

from __future__ import annotations

import re

from bot.rendering.chunks import MAX_LENGTH, Chunk, split
from bot.rendering.markdown import Entity, to_entities, utf16_offsets

__all__ = ["render_article", "render_plain"]

_ABSOLUTE_URL = re.compile(r"(?i)(https?|tg)://[^\s/?#]+")


def render_article(
    markdown: str, title: str | None = None, *, limit: int = MAX_LENGTH
) -> list[Chunk]:
    """Turn an article into messages ready for ``send_message(**chunk.as_kwargs())``.

    :param markdown: article body in Markdown, front matter already removed
    :param title: shown first, in bold, on its own paragraph
    :param limit: maximum message length in UTF-16 code units (Telegram's is 4096)
    :return: one chunk per message, in order; ``[]`` if there is nothing to show

    >>> [chunk.text for chunk in render_article("Ответ: **да**.", title="Можно?")]
    ['Можно?\\n\\nОтвет: да.']
    """
    text, entities = _with_title(*to_entities(markdown), title)
    return split(text, [e for e in entities if _sendable(e)], limit=limit)


def render_plain(markdown: str, title: str | None = None) -> str:
    """Turn an article into plain text for a terminal: no markup, links as ``text (url)``.

    List numbers and bullets, and tables as aligned columns, come out as in Telegram.

    :param markdown: article body in Markdown, front matter already removed
    :param title: first line, if given

    >>> render_plain("См. [тарифы](https://example.com/t) и <3")
    'См. тарифы (https://example.com/t) и <3'
    """
    text, entities = _with_title(*to_entities(markdown), title)
    offsets = utf16_offsets(text)
    index_of = {unit: index for index, unit in enumerate(offsets)}
    inserts: list[tuple[int, str]] = []
    for entity in entities:
        if entity.type != "text_link" or not entity.url:
            continue
        end = index_of[entity.offset + entity.length]
        label = text[index_of[entity.offset] : end]
        if label.strip() != entity.url.removeprefix("mailto:"):
            inserts.append((end, f" ({entity.url})"))
    for index, addition in sorted(inserts, reverse=True):
        text = text[:index] + addition + text[index:]
    return text


def _sendable(entity: Entity) -> bool:
    # A text_link needs an absolute URL: a relative one ("/help/tariffs") or a bare e-mail
    # autolink ("help@ex.com") cannot open from a chat and risks the whole request being
    # refused. Such a link stays as plain text; Telegram highlights e-mail addresses itself.
    return entity.type != "text_link" or bool(_ABSOLUTE_URL.match(entity.url or ""))


def _with_title(text: str, entities: list[Entity], title: str | None) -> tuple[str, list[Entity]]:
    title = " ".join(title.split()) if title else ""
    if not title:
        return text, entities
    head = f"{title}\n\n" if text else title
    shift = utf16_offsets(head)[-1]
    moved = [e.copy_with(offset=e.offset + shift) for e in entities]
    bold = Entity(type="bold", offset=0, length=utf16_offsets(title)[-1])
    return head + text, [bold, *moved]
