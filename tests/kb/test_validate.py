"""kb.validate: every problem an author can make, reported as ``path:line: message``."""

from __future__ import annotations

from pathlib import Path

import pytest

from kb.frontmatter import parse
from kb.validate import check, is_valid_id

PATH = Path("articles/billing/top-up.md")


def problems(text: str, path: Path = PATH) -> list[str]:
    front = parse(text)
    found = check(front.meta, path, front.lines, body=front.body, body_line=front.body_line)
    return [str(problem) for problem in found]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # title
        ("---\nid: top-up\n---\nBody", "1: 'title' is required"),
        (
            "---\nid: top-up\ntitle: ''\n---\nBody",
            "3: 'title' is empty: write the question or topic the article answers",
        ),
        (
            "---\ntitle: '   '\n---\nBody",
            "2: 'title' is empty: write the question or topic the article answers",
        ),
        (
            "---\ntitle:\n---\nBody",
            "2: 'title' is empty: write the question or topic the article answers",
        ),
        (
            "---\ntitle: 2024\n---\nBody",
            "2: 'title' must be text, got the number 2024: put it in quotes",
        ),
        (
            "---\ntitle: yes\n---\nBody",
            "2: 'title' must be text, got the yes/no value true: put it in quotes",
        ),
        (
            "---\ntitle: [Top, up]\n---\nBody",
            "2: 'title' must be text, got a list: write one text",
        ),
        # id
        (
            "---\ntitle: T\nid: 42\n---\nBody",
            "3: 'id' must be text, got the number 42: put it in quotes",
        ),
        (
            "---\ntitle: T\nid: ''\n---\nBody",
            "3: 'id' is empty: write one, or remove the field to use the file name",
        ),
        (
            "---\ntitle: T\nid:\n---\nBody",
            "3: 'id' is empty: write one, or remove the field to use the file name",
        ),
        (
            "---\ntitle: T\nid: top up\n---\nBody",
            "3: id 'top up' has characters that are not allowed: "
            "use letters, digits, '-' and '_' only",
        ),
        (
            "---\ntitle: T\nid: billing/top-up\n---\nBody",
            "3: id 'billing/top-up' has characters that are not allowed: "
            "use letters, digits, '-' and '_' only",
        ),
        # category
        (
            "---\ntitle: T\ncategory: 2024-01-31\n---\nBody",
            "3: 'category' must be text, got the date 2024-01-31: put it in quotes",
        ),
        (
            "---\ntitle: T\ncategory: {a: b}\n---\nBody",
            "3: 'category' must be text, got a set of fields: write one text",
        ),
        # tags
        (
            "---\ntitle: T\ntags: 5\n---\nBody",
            "3: 'tags' must be a list of texts, got the number 5: "
            "write each on its own line after '- '",
        ),
        (
            "---\ntitle: T\ntags:\n  card: yes\n---\nBody",
            "3: 'tags' must be a list of texts, got a set of fields: "
            "write each on its own line after '- '",
        ),
        (
            "---\ntitle: T\ntags: ''\n---\nBody",
            "3: 'tags' is empty: list at least one, or remove the field",
        ),
        (
            "---\ntitle: T\ntags:\n  - card\n  - 3.5\n---\nBody",
            "5: 'tags' item 2 must be text, got the number 3.5: put it in quotes",
        ),
        (
            "---\ntitle: T\ntags:\n  - card\n  - ''\n---\nBody",
            "5: 'tags' item 2 is empty: remove it",
        ),
        ("---\ntitle: T\ntags: [card, ' ']\n---\nBody", "3: 'tags' item 2 is empty: remove it"),
        # questions
        (
            "---\ntitle: T\nquestions: {How to pay: yes}\n---\nBody",
            "3: 'questions' must be a list of texts, got a set of fields: "
            "write each on its own line after '- '",
        ),
        (
            "---\ntitle: T\nquestions:\n  - How to pay?\n  -\n---\nBody",
            "5: 'questions' item 2 is empty: remove it",
        ),
        (
            "---\ntitle: T\nquestions:\n  - ''\n---\nBody",
            "4: 'questions' item 1 is empty: remove it",
        ),
        (
            "---\ntitle: T\nquestions:\n  - How to pay?\n  - 100\n---\nBody",
            "5: 'questions' item 2 must be text, got the number 100: put it in quotes",
        ),
        (
            "---\ntitle: T\nquestions:\n  - Как оплатить?\n  - Другое\n  - '  как  ОПЛАТИТЬ? '\n"
            "---\nBody",
            "6: 'questions' item 3 repeats item 1 ('  как  ОПЛАТИТЬ? '): remove one",
        ),
        # unknown fields
        (
            "---\ntitle: T\nqestions:\n  - How?\n---\nBody",
            "3: unknown field 'qestions' (did you mean 'questions'?)",
        ),
        ("---\ntitle: T\nTags: [a]\n---\nBody", "3: unknown field 'Tags' (did you mean 'tags'?)"),
        (
            "---\ntitle: T\ncategry: A\n---\nBody",
            "3: unknown field 'categry' (did you mean 'category'?)",
        ),
        (
            "---\ntitle: T\nauthor: me\n---\nBody",
            "3: unknown field 'author' (known fields: id, title, category, tags, questions)",
        ),
        # body
        ("---\ntitle: T\n---\n", "4: the answer is empty: write it after the closing '---'"),
        (
            "---\ntitle: T\n---\n  \n\t\n",
            "4: the answer is empty: write it after the closing '---'",
        ),
    ],
)
def test_each_problem_is_reported_at_its_line(text: str, expected: str) -> None:
    assert problems(text) == [f"{PATH}:{expected}"]


def test_file_name_that_cannot_be_an_id_needs_an_id_field() -> None:
    text = "---\ntitle: T\n---\nBody"

    assert problems(text, Path("articles/top up.md")) == [
        "articles/top up.md:1: file name 'top up' cannot be the id: rename the file "
        "(letters, digits, '-' and '_' only) or set 'id'"
    ]
    assert problems("---\nid: top-up\ntitle: T\n---\nBody", Path("articles/top up.md")) == []


def test_misspelt_title_reports_both_the_field_and_the_missing_title() -> None:
    assert problems("---\ntitel: T\n---\nBody") == [
        f"{PATH}:1: 'title' is required",
        f"{PATH}:2: unknown field 'titel' (did you mean 'title'?)",
    ]


def test_all_problems_come_together_sorted_by_line() -> None:
    text = (
        "---\n"  # 1
        "qestions: [a]\n"  # 2
        "id: 7\n"  # 3
        "tags:\n"  # 4
        "  - ''\n"  # 5
        "title: ''\n"  # 6
        "---\n"  # 7
        "\n"  # 8
    )

    assert problems(text) == [
        f"{PATH}:2: unknown field 'qestions' (did you mean 'questions'?)",
        f"{PATH}:3: 'id' must be text, got the number 7: put it in quotes",
        f"{PATH}:5: 'tags' item 1 is empty: remove it",
        f"{PATH}:6: 'title' is empty: write the question or topic the article answers",
        f"{PATH}:8: the answer is empty: write it after the closing '---'",
    ]


@pytest.mark.parametrize(
    "text",
    [
        "---\ntitle: T\n---\nBody",
        "---\nid: оплата_картой-2\ntitle: Оплата\ncategory: Оплата\ntags: оплата\n---\nBody",
        "---\ntitle: T\ncategory:\ntags:\nquestions:\n---\nBody",
        "---\ntitle: T\nquestions: How to pay?\n---\nBody",
        "---\ntitle: T\ntags: [a, b]\nquestions:\n  - Как?\n  - Почему?\n---\n# Body",
    ],
    ids=["minimal", "cyrillic-id-and-one-tag", "empty-optional-fields", "one-question", "full"],
)
def test_valid_articles_have_no_problems(text: str) -> None:
    assert problems(text) == []


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("top-up", True),
        ("оплата_2", True),
        ("a", True),
        ("", False),
        ("a b", False),
        ("a.b", False),
    ],
)
def test_is_valid_id(value: str, valid: bool) -> None:
    assert is_valid_id(value) is valid
