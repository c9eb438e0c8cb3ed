"""Split an article file into YAML front matter and a Markdown body, keeping line numbers.

An article starts with a ``---`` line, then YAML fields, then another ``---`` line; the rest
is the body. Unlike python-frontmatter, which strips the text, every position here is a line
of the original file, so a problem can be reported as ``path:line``.

Exceptions::

    ValueError
    └── FrontMatterError    the front matter is missing, unclosed, bad YAML or not a mapping
                            (fields: line, message)
"""

from __future__ import annotations

from dataclasses import dataclass, field

import yaml

__all__ = ["FrontMatter", "FrontMatterError", "parse", "split"]

DELIMITER = "---"
_BOM = "\ufeff"

# pyyaml's problem text, and what an author should do about it.
_YAML_HINTS = {
    "mapping values are not allowed here": "if a value contains ': ', put it in quotes",
    "found character '\\t'": "indent with spaces, not tabs",
    "that cannot start any token": "put the value in quotes",
    "expected <block end>": "check the indentation, or put the value in quotes",
    # PyYAML reads '?' as a key indicator in [a, b] lists, so "[Как оплатить?, ...]" fails.
    "but got '?'": "put texts with '?' in quotes, or write each on its own line after '- '",
}


class FrontMatterError(ValueError):
    """The front matter cannot be read; ``line`` is a line of the file (1-based)."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(line, message)
        self.line = line
        self.message = message

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass(frozen=True)
class FrontMatter:
    """An article file taken apart.

    :param meta: the front matter fields as YAML safe-loads them
    :param body: the text after the closing ``---``, without leading and trailing blank lines
    :param body_line: the file line where ``body`` starts
    :param lines: the file line of each field (``"title"``) and of each list item
        (``"questions[0]"`` is the first question)
    """

    meta: dict[str, object]
    body: str
    body_line: int
    lines: dict[str, int] = field(default_factory=dict)


def split(text: str) -> tuple[dict[str, object], str, int]:
    """Split an article into its fields, its body and the line where the body starts.

    :param text: the whole file
    :raises FrontMatterError: see :func:`parse`

    >>> split("---\\ntitle: Top up\\n---\\n\\nPay by card.\\n")
    ({'title': 'Top up'}, 'Pay by card.', 5)
    """
    front = parse(text)
    return front.meta, front.body, front.body_line


def parse(text: str) -> FrontMatter:
    """Like :func:`split`, and also keep the line of every field.

    :param text: the whole file; a UTF-8 BOM and CRLF or CR line endings are accepted
    :raises FrontMatterError: no opening ``---`` on line 1, no closing ``---``, YAML that does
        not parse, a field given twice, or YAML that is not a mapping of fields
    """
    lines = text.removeprefix(_BOM).replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if lines[0].rstrip() != DELIMITER:
        raise FrontMatterError(
            1, "no front matter: the file must start with a '---' line, the fields, and '---'"
        )
    closing = next((i for i in range(1, len(lines)) if lines[i].rstrip() == DELIMITER), None)
    if closing is None:
        raise FrontMatterError(1, "front matter is not closed: add a '---' line after the fields")
    # Index i of ``lines`` is file line i + 1; the YAML text starts on file line 2.
    meta, field_lines = _load_yaml("\n".join(lines[1:closing]), first_line=2)
    body_lines = lines[closing + 1 :]
    start = next((i for i, line in enumerate(body_lines) if line.strip()), len(body_lines))
    end = next((i for i in reversed(range(len(body_lines))) if body_lines[i].strip()), -1)
    body = "\n".join(body_lines[start : end + 1])
    body_line = closing + 2 + (start if body else 0)
    return FrontMatter(meta=meta, body=body, body_line=body_line, lines=field_lines)


def _load_yaml(source: str, first_line: int) -> tuple[dict[str, object], dict[str, int]]:
    """Safe-load a YAML mapping and note the file line of each key and list item."""
    last_line = first_line + source.count("\n")
    loader = yaml.SafeLoader(source)
    try:
        node = loader.get_single_node()
        # Read the lines before constructing: the constructor rewrites merge keys ('<<') in place.
        field_lines = _field_lines(node, first_line)
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as error:
        raise _yaml_error(error, first_line, last_line) from None
    except yaml.YAMLError as error:
        raise FrontMatterError(first_line, f"invalid YAML: {error}") from None
    finally:
        loader.dispose()
    if data is None:
        return {}, field_lines
    if not isinstance(data, dict):
        kind = "a list" if isinstance(data, list) else f"just the value {data!r}"
        raise FrontMatterError(
            first_line, f"front matter must be fields like 'title: ...', got {kind}"
        )
    for key in data:
        if not isinstance(key, str):
            raise FrontMatterError(
                field_lines.get(str(key), first_line),
                f"field name {key!r} is not text: put it in quotes or rename it",
            )
    return data, field_lines


def _field_lines(node: yaml.Node | None, first_line: int) -> dict[str, int]:
    if not isinstance(node, yaml.MappingNode):
        return {}
    found: dict[str, int] = {}
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            continue
        key, line = str(key_node.value), key_node.start_mark.line + first_line
        if key in found:
            raise FrontMatterError(
                line, f"field '{key}' is given twice (first on line {found[key]}): keep one"
            )
        found[key] = line
        if isinstance(value_node, yaml.SequenceNode):
            for index, item in enumerate(value_node.value):
                found[f"{key}[{index}]"] = item.start_mark.line + first_line
    return found


def _yaml_error(error: yaml.MarkedYAMLError, first_line: int, last_line: int) -> FrontMatterError:
    mark = error.problem_mark or error.context_mark
    line = first_line if mark is None else mark.line + first_line
    # "unexpected end of stream" points past the fields; where the value began says more.
    if line > last_line and error.context_mark is not None:
        line = error.context_mark.line + first_line
    problem = error.problem or "cannot parse"
    message = f"invalid YAML: {problem}"
    if error.context:
        message += f" ({error.context})"
    hint = next((hint for text, hint in _YAML_HINTS.items() if text in problem), None)
    if hint:
        message += f"; {hint}"
    return FrontMatterError(line, message)
