"""kb.frontmatter: splitting an article into fields and body, with file line numbers."""

from __future__ import annotations

import doctest

import pytest

import kb.frontmatter
from kb.frontmatter import FrontMatterError, parse, split

ARTICLE = """---
id: top-up
title: Как пополнить счёт
tags:
  - оплата
  - карта
questions: ["Как положить деньги?", Пополнить баланс]
---

Оплатите **картой** в приложении.

- шаг 1
  - вложенный шаг

"""


def test_split_returns_fields_body_and_body_line() -> None:
    meta, body, body_line = split(ARTICLE)

    assert meta == {
        "id": "top-up",
        "title": "Как пополнить счёт",
        "tags": ["оплата", "карта"],
        "questions": ["Как положить деньги?", "Пополнить баланс"],
    }
    assert body == "Оплатите **картой** в приложении.\n\n- шаг 1\n  - вложенный шаг"
    assert body_line == 10


def test_lines_of_fields_and_list_items_are_file_lines() -> None:
    front = parse(ARTICLE)

    assert front.lines == {
        "id": 2,
        "title": 3,
        "tags": 4,
        "tags[0]": 5,
        "tags[1]": 6,
        "questions": 7,
        "questions[0]": 7,
        "questions[1]": 7,
    }


@pytest.mark.parametrize(
    "text",
    [
        "\ufeff---\ntitle: T\n---\nBody\n",
        "---\r\ntitle: T\r\n---\r\nBody\r\n",
        "\ufeff---\r\ntitle: T\r\n---\r\nBody\r\n",
        "---\rtitle: T\r---\rBody\r",
        "---  \ntitle: T\n--- \nBody\n",
    ],
    ids=["bom", "crlf", "bom-crlf", "cr", "trailing-spaces-on-delimiters"],
)
def test_bom_line_endings_and_trailing_spaces_are_accepted(text: str) -> None:
    assert split(text) == ({"title": "T"}, "Body", 4)


def test_crlf_body_keeps_its_lines_as_lf() -> None:
    _, body, _ = split("---\r\ntitle: T\r\n---\r\nOne\r\n\r\nTwo\r\n")

    assert body == "One\n\nTwo"


def test_body_keeps_later_delimiters_and_indentation() -> None:
    _, body, body_line = split("---\ntitle: T\n---\n\n\n    code\n---\nafter\n  \n")

    assert body == "    code\n---\nafter"
    assert body_line == 6


def test_empty_body_starts_after_the_closing_delimiter() -> None:
    assert split("---\ntitle: T\n---\n\n   \n") == ({"title": "T"}, "", 4)


def test_empty_front_matter_has_no_fields() -> None:
    assert split("---\n---\nBody") == ({}, "Body", 3)
    assert split("---\n# just a comment\n---\nBody") == ({}, "Body", 4)


def test_yaml_is_safe_loaded() -> None:
    with pytest.raises(FrontMatterError) as caught:
        split("---\ntitle: !!python/object/apply:os.system [echo]\n---\nBody")

    assert caught.value.line == 2
    assert "could not determine a constructor" in caught.value.message


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        (
            "",
            1,
            "no front matter: the file must start with a '---' line, the fields, and '---'",
        ),
        (
            "title: T\n\nBody",
            1,
            "no front matter: the file must start with a '---' line, the fields, and '---'",
        ),
        (
            "\n---\ntitle: T\n---\nBody",
            1,
            "no front matter: the file must start with a '---' line, the fields, and '---'",
        ),
        (
            "---\ntitle: T\n\nBody\n",
            1,
            "front matter is not closed: add a '---' line after the fields",
        ),
        (
            "---\nid: x\ntitle: Ошибка: нет сети\n---\nBody",
            3,
            "invalid YAML: mapping values are not allowed here; "
            "if a value contains ': ', put it in quotes",
        ),
        (
            "---\nid: x\ntitle: 'Нет сети\n---\nBody",
            3,
            "invalid YAML: found unexpected end of stream (while scanning a quoted scalar)",
        ),
        (
            "---\nid: x\n\ttitle: T\n---\nBody",
            3,
            "invalid YAML: found character '\\t' that cannot start any token "
            "(while scanning for the next token); indent with spaces, not tabs",
        ),
        (
            "---\ntitle: @home\n---\nBody",
            2,
            "invalid YAML: found character '@' that cannot start any token "
            "(while scanning for the next token); put the value in quotes",
        ),
        (
            "---\ntags:\n  - a\n - b\n---\nBody",
            4,
            "invalid YAML: expected <block end>, but found '<block sequence start>' "
            "(while parsing a block mapping); check the indentation, or put the value in quotes",
        ),
        (
            "---\ntitle: T\nquestions: [Как оплатить?, Оплата]\n---\nBody",
            3,
            "invalid YAML: expected ',' or ']', but got '?' (while parsing a flow sequence); "
            "put texts with '?' in quotes, or write each on its own line after '- '",
        ),
        (
            "---\n- title\n- T\n---\nBody",
            2,
            "front matter must be fields like 'title: ...', got a list",
        ),
        (
            "---\nJust a title\n---\nBody",
            2,
            "front matter must be fields like 'title: ...', got just the value 'Just a title'",
        ),
        (
            "---\ntitle: T\nid: x\ntitle: U\n---\nBody",
            4,
            "field 'title' is given twice (first on line 2): keep one",
        ),
        (
            "---\ntitle: T\n2024: x\n---\nBody",
            3,
            "field name 2024 is not text: put it in quotes or rename it",
        ),
    ],
    ids=[
        "empty-file",
        "no-delimiter",
        "blank-line-before-delimiter",
        "unclosed",
        "colon-in-value",
        "unclosed-quote",
        "tab-indent",
        "reserved-character",
        "bad-indent",
        "question-mark-in-flow-list",
        "list",
        "scalar",
        "duplicate-key",
        "number-key",
    ],
)
def test_broken_front_matter_reports_file_line(text: str, line: int, message: str) -> None:
    with pytest.raises(FrontMatterError) as caught:
        parse(text)

    assert (caught.value.line, caught.value.message) == (line, message)
    assert str(caught.value) == f"line {line}: {message}"


def test_bad_yaml_line_counts_the_bom_and_crlf_file_as_written() -> None:
    with pytest.raises(FrontMatterError) as caught:
        parse("\ufeff---\r\nid: x\r\ncategory: A\r\ntitle: a: b\r\n---\r\nBody\r\n")

    assert caught.value.line == 4


def test_docstring_examples_run() -> None:
    result = doctest.testmod(kb.frontmatter)

    assert result.attempted > 0
    assert result.failed == 0
