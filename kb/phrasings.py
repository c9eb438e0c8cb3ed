"""Add a customer's phrasing to an article's ``questions:``, leaving every other byte as it was.

An approved phrasing lands in the author's file, which the author keeps editing, so the change
must look like one an author would make by hand: one new line in the list (or one new item in a
flow list ``[a, b]``), and nothing else moved. A full YAML round-trip re-dump does not give
that (ruamel.yaml normalises indentation, spacing inside ``[a,b]`` and quoting it does not keep,
and the Markdown body must not be re-serialised at all). So ruamel.yaml's round-trip parser
reads the front matter for where each node starts and ends and how it is quoted, ruamel.yaml's
emitter writes the new item in the list's own style, and the new text is spliced in at that
place. Every result is read back with the loader's own parser (PyYAML, YAML 1.1: ``yes`` is a
boolean there) and must give the old fields plus exactly the new phrasing, or nothing is
written.

Exceptions::

    ValueError
    └── PhrasingError    the phrasing is empty, or the front matter cannot take it
                         (fields: message, line, path)
"""

from __future__ import annotations

import io
import os
import re
import stat
import tempfile
from collections.abc import Sequence
from pathlib import Path

import yaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedSeq
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, SingleQuotedScalarString

from kb.frontmatter import DELIMITER, FrontMatterError, parse
from nlp.text import normalise

__all__ = ["PhrasingError", "add_question", "with_question"]

FIELD = "questions"
_BOM = "\ufeff"
# Lines end in \n, \r\n or \r, as kb.frontmatter reads them (str.splitlines knows more).
_LINE_END = re.compile(r"(?<=\n)|(?<=\r)(?!\n)")
_DEFAULT_INDENT = 2


class PhrasingError(ValueError):
    """A phrasing cannot be added; ``line`` is a line of the file (1-based)."""

    def __init__(self, message: str, line: int = 1, path: Path | None = None) -> None:
        super().__init__(message, line, path)
        self.message = message
        self.line = line
        self.path = path

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.path else f"line {self.line}"
        return f"{where}: {self.message}"


def add_question(path: str | os.PathLike[str], phrasing: str) -> bool:
    """Append ``phrasing`` to the ``questions:`` of the article file at ``path``.

    The file is replaced atomically (a temporary file beside it, then ``os.replace``), so a
    reader such as the bot's hot reload sees the old article or the new one, never half.

    :param path: an article file (UTF-8, YAML front matter)
    :param phrasing: the customer's wording; runs of whitespace become one space
    :returns: False if the article already has it (after normalisation), True if it was added
    :raises PhrasingError: see :func:`with_question`, with the path set
    :raises OSError: the file cannot be read or written
    :raises UnicodeDecodeError: the file is not UTF-8
    """
    file = Path(path)
    text = file.read_bytes().decode("utf-8")
    try:
        changed = with_question(text, phrasing)
    except PhrasingError as error:
        raise PhrasingError(error.message, error.line, file) from None
    if changed == text:
        return False
    _replace(file, changed.encode("utf-8"))
    return True


def with_question(text: str, phrasing: str) -> str:
    """The article ``text`` with ``phrasing`` appended to its ``questions:`` list.

    The list keeps its style: a block list gets a new ``- `` line indented like the last item,
    a flow list ``[a, b]`` a new item before its ``]``; the new item is quoted like the last one
    when it can be (plain text needs quotes when YAML would read it as something else). A
    missing ``questions:`` is added after the other fields, indented like the file's other
    lists. Line endings (LF, CRLF) and a BOM stay as they are.

    :param text: the whole article file
    :param phrasing: the customer's wording; runs of whitespace become one space
    :returns: ``text`` itself when the list already has the phrasing after normalisation
        (case, ``ё``, spacing), otherwise the new text
    :raises PhrasingError: the phrasing is empty; the front matter is unreadable; or
        ``questions`` is not a list of texts

    >>> with_question("---\\ntitle: Оплата\\nquestions:\\n  - Как оплатить\\n---\\nКартой.\\n",
    ...               "Можно картой?")
    '---\\ntitle: Оплата\\nquestions:\\n  - Как оплатить\\n  - Можно картой?\\n---\\nКартой.\\n'
    """
    phrasing = " ".join(phrasing.split())
    if not phrasing:
        raise PhrasingError("the phrasing is empty: nothing to add")
    try:
        before = parse(text)
    except FrontMatterError as error:
        raise PhrasingError(error.message, error.line) from None
    existing = _questions(before.meta.get(FIELD), before.lines.get(FIELD, 1))
    if normalise(phrasing) in {normalise(question) for question in existing}:
        return text
    bom = _BOM if text.startswith(_BOM) else ""
    lines = _LINE_END.split(text.removeprefix(bom))
    closing = next(i for i in range(1, len(lines)) if lines[i].rstrip("\r\n").rstrip() == DELIMITER)
    eol = lines[0][len(lines[0].rstrip("\r\n")) :] or "\n"
    front = lines[1:closing]
    _splice(front, phrasing, eol)
    changed = bom + "".join([lines[0], *front, *lines[closing:]])
    _verify(changed, before.meta, before.body, [*existing, phrasing])
    return changed


def _questions(value: object, line: int) -> list[str]:
    """The texts of ``questions:`` as PyYAML reads them, or why they cannot take one more."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return list(value)
    raise PhrasingError(
        f"'{FIELD}' must be a list of texts to add a phrasing: run 'faqbot check' and fix it",
        line,
    )


def _splice(front: list[str], phrasing: str, eol: str) -> None:
    """Insert ``phrasing`` into the front matter lines (each with its line ending), in place.

    ruamel.yaml marks count lines from 0 at the first front matter line, as ``front`` does.
    """
    root = YAML().compose("".join(front))
    pairs: list[tuple[Node, Node]] = root.value if isinstance(root, MappingNode) else []
    key, value = next(
        ((k, v) for k, v in pairs if isinstance(k, ScalarNode) and k.value == FIELD),
        (None, None),
    )
    indent = _list_indent(front, pairs)
    if isinstance(value, SequenceNode) and value.flow_style:
        _add_to_flow_list(front, value, phrasing)
    elif isinstance(value, SequenceNode) and value.value:
        _add_to_block_list(front, value, phrasing, eol)
    elif key is None or value is None:
        column = pairs[0][0].start_mark.column if pairs else 0
        front += [" " * column + FIELD + ":" + eol, _item(column + indent, phrasing, None, eol)]
    elif isinstance(value, ScalarNode):
        _replace_scalar(front, key, value, phrasing, indent, eol)
    else:  # a mapping: _questions() refused it already
        raise PhrasingError(f"'{FIELD}' must be a list of texts", key.start_mark.line + 2)


def _add_to_flow_list(front: list[str], seq: SequenceNode, phrasing: str) -> None:
    items = seq.value
    style = items[-1].style if items else None
    if items:
        line, column = items[-1].end_mark.line, items[-1].end_mark.column
        new = ", " + _render(phrasing, style, flow=True)
    else:  # "[]": before the "]"
        line, column = seq.end_mark.line, seq.end_mark.column - 1
        new = _render(phrasing, style, flow=True)
    front[line] = front[line][:column] + new + front[line][column:]


def _add_to_block_list(front: list[str], seq: SequenceNode, phrasing: str, eol: str) -> None:
    last = seq.value[-1]
    start, column = last.start_mark.line, last.start_mark.column
    dash = front[start].rfind("-", 0, column)
    if dash < 0 or front[start][dash + 1 : column].strip():  # "-" alone on the line above
        dash, column = seq.start_mark.column, seq.start_mark.column + 2
    end = _last_line(front, start, last.end_mark.line, last.end_mark.column)
    ending = front[end][len(front[end].rstrip("\r\n")) :] or eol
    style = last.style if isinstance(last, ScalarNode) else None
    front.insert(end + 1, _item(dash, phrasing, style, ending, gap=column - dash - 1))


def _replace_scalar(
    front: list[str], key: Node, value: ScalarNode, phrasing: str, indent: int, eol: str
) -> None:
    """``questions:`` holds nothing (``~`` or no value) or one text: make it a block list."""
    line = key.start_mark.line
    content = front[line].rstrip("\r\n")
    ending = front[line][len(content) :] or eol
    on_key_line = value.start_mark.line == line and value.end_mark.line == line
    is_null = str(value.tag).endswith(":null")
    old: str | None = None
    last = line
    if on_key_line:  # "questions: ~", "questions: Как оплатить  # comment"
        head = content[: value.start_mark.column].rstrip()
        rest = content[value.end_mark.column :].strip()
        if not is_null:
            old = content[value.start_mark.column : value.end_mark.column]
    elif is_null:  # "questions:" and the next field, or a comment, on the next line
        head, rest = content, ""
    else:  # a text over several lines: written again, one line, quoted as before
        head, rest = content[: content.index(":", key.end_mark.column) + 1], ""
        old = _render(str(value.value), value.style)
        last = _last_line(front, line, value.end_mark.line, value.end_mark.column)
    column = key.start_mark.column + indent
    new = [head + (f"  {rest}" if rest else "") + ending]
    if old is not None:
        new.append(" " * column + "- " + old + eol)
    new.append(_item(column, phrasing, value.style if old is not None else None, eol))
    front[line : last + 1] = new


def _last_line(front: Sequence[str], start: int, end_line: int, end_column: int) -> int:
    """The last line holding an item that ends at (``end_line``, ``end_column``).

    A block scalar's end is the start of the line after it, past any blank lines.
    """
    if end_column > 0 or end_line <= start:
        return min(end_line, len(front) - 1)
    line = end_line - 1
    while line > start and not front[line].strip():
        line -= 1
    return line


def _list_indent(front: Sequence[str], pairs: list[tuple[Node, Node]]) -> int:
    """How far the file indents a block list's ``-`` past its key (0 and 2 are both common)."""
    for key, value in pairs:
        if isinstance(value, SequenceNode) and not value.flow_style and value.value:
            if value.start_mark.line > key.start_mark.line:
                return max(0, int(value.start_mark.column - key.start_mark.column))
    return _DEFAULT_INDENT


def _item(column: int, phrasing: str, style: str | None, eol: str, gap: int = 1) -> str:
    return " " * column + "-" + " " * max(gap, 1) + _render(phrasing, style) + eol


def _render(text: str, style: str | None, flow: bool = False) -> str:
    """``text`` as one YAML item: in ``style`` (``'``, ``"`` or plain) when both ruamel.yaml
    and PyYAML read it back as ``text``, double-quoted otherwise."""
    for kind in (style, '"'):
        scalar: str = text
        if kind == '"':
            scalar = DoubleQuotedScalarString(text)
        elif kind == "'":
            scalar = SingleQuotedScalarString(text)
        rendered = _dump_item(scalar, flow)
        wrapped = f"[{rendered}]" if flow else f"- {rendered}"
        if "\n" not in rendered and _safe_load(wrapped) == [text]:
            return rendered
    raise PhrasingError(f"cannot write {text!r} as YAML")  # double quotes escape everything


def _dump_item(scalar: str, flow: bool) -> str:
    dumper = YAML()
    dumper.width = 1_000_000  # one line, however long the customer's message
    seq = CommentedSeq([scalar])
    if flow:
        seq.fa.set_flow_style()
    out = io.StringIO()
    dumper.dump(seq, out)
    dumped = out.getvalue().rstrip("\n")
    return dumped[1:-1] if flow else dumped.removeprefix("- ")


def _safe_load(source: str) -> object:
    try:
        return yaml.safe_load(source)
    except yaml.YAMLError:
        return None


def _verify(changed: str, meta: dict[str, object], body: str, questions: list[str]) -> None:
    """The loader must read exactly the old fields and the one new question, or we stop."""
    try:
        after = parse(changed)
    except FrontMatterError as error:
        raise PhrasingError(_MANUAL + f" ({error.message})", error.line) from None
    if after.meta != {**meta, FIELD: questions} or after.body != body:
        raise PhrasingError(_MANUAL, after.lines.get(FIELD, 1))


_MANUAL = f"cannot add to '{FIELD}' without changing other fields: add the phrasing by hand"


def _replace(file: Path, data: bytes) -> None:
    """Write ``data`` to a hidden temporary file beside ``file``, then swap it in.

    The temporary name starts with "." so the loader and a folder watcher skip it.
    """
    mode = stat.S_IMODE(file.stat().st_mode)
    fd, temporary = tempfile.mkstemp(prefix=f".{file.name}.", suffix=".tmp", dir=file.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, file)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
