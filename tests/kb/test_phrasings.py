"""Writing an approved phrasing into an article: one new line, every other byte as it was."""

from __future__ import annotations

import difflib
import doctest
import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import kb.phrasings
from kb import load_folder, parse_article
from kb.frontmatter import parse
from kb.phrasings import PhrasingError, add_question, with_question

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "articles"
DEMO_FILES = sorted(p for p in DEMO.rglob("*.md") if p.name.lower() != "readme.md")

BLOCK = """\
---
id: payment
title: "Способы оплаты"
category: Оплата
tags: [оплата, карта]
questions:
  - Можно ли оплатить картой
  - 'Оплата: наличными'   # курьеру
# черновики ниже не трогать
---
Оплатить можно **картой** или наличными.

- пункт списка в теле
"""
FLOW = """\
---
id: payment
title: Способы оплаты
questions: [Можно ли оплатить картой, "Оплата наличными"]
---
Оплатить можно картой.
"""
NO_QUESTIONS = """\
---
id: payment
title: Способы оплаты
tags:
- оплата
---
Оплатить можно картой.
"""


def changes(before: str, after: str) -> list[tuple[str, list[str], list[str]]]:
    """Each differing run of lines: (kind, old lines, new lines), line endings kept."""
    old, new = before.splitlines(keepends=True), after.splitlines(keepends=True)
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    return [
        (kind, old[i1:i2], new[j1:j2])
        for kind, i1, i2, j1, j2 in matcher.get_opcodes()
        if kind != "equal"
    ]


def questions_of(text: str) -> list[str]:
    return list(parse_article(text, "article.md").questions)


@pytest.mark.parametrize("source", DEMO_FILES, ids=lambda p: p.stem)
def test_demo_article_gains_exactly_one_line(source: Path, tmp_path: Path) -> None:
    article = tmp_path / source.name
    shutil.copyfile(source, article)
    before = article.read_bytes()

    assert add_question(article, "А если   код так и не пришёл?") is True

    after = article.read_bytes()
    assert changes(before.decode(), after.decode()) == [
        ("insert", [], ["  - А если код так и не пришёл?\n"])
    ]
    old = parse_article(before.decode(), source)
    new = parse_article(after.decode(), source)
    assert new.questions == (*old.questions, "А если код так и не пришёл?")
    assert (new.title, new.body, new.tags, new.category) == (
        old.title,
        old.body,
        old.tags,
        old.category,
    )


def test_demo_kb_still_loads_after_a_phrasing_in_every_article(tmp_path: Path) -> None:
    kb = tmp_path / "articles"
    shutil.copytree(DEMO, kb)
    for article in load_folder(kb).catalog:
        assert article.path is not None
        add_question(article.path, "Вопрос: новый, с двоеточием и запятой?")
    result = load_folder(kb)
    assert result.ok, result.problems
    assert all(a.questions[-1] == "Вопрос: новый, с двоеточием и запятой?" for a in result.catalog)


def test_block_list_keeps_comments_quotes_and_body() -> None:
    after = with_question(BLOCK, "Принимаете СБП?")
    # Indented and quoted like the last item ('Оплата: наличными').
    assert changes(BLOCK, after) == [("insert", [], ["  - 'Принимаете СБП?'\n"])]
    # The new line goes right after the last item, before the comment that follows the list.
    assert after.index("Принимаете СБП?") < after.index("# черновики")


def test_flow_list_gets_the_item_before_its_bracket() -> None:
    after = with_question(FLOW, "Принимаете СБП?")
    # Quoted like the last item; plain "Принимаете СБП?" is not valid in [..] for PyYAML.
    assert changes(FLOW, after) == [
        (
            "replace",
            ['questions: [Можно ли оплатить картой, "Оплата наличными"]\n'],
            ['questions: [Можно ли оплатить картой, "Оплата наличными", "Принимаете СБП?"]\n'],
        )
    ]
    assert questions_of(after)[-1] == "Принимаете СБП?"


def test_empty_flow_list_gets_its_first_item() -> None:
    text = FLOW.replace('[Можно ли оплатить картой, "Оплата наличными"]', "[]")
    after = with_question(text, "Картой можно")
    assert "questions: [Картой можно]\n" in after
    assert questions_of(after) == ["Картой можно"]


def test_missing_questions_are_added_after_the_fields_indented_like_other_lists() -> None:
    after = with_question(NO_QUESTIONS, "Можно картой?")
    # This file writes lists without indentation ("- оплата"), so the new list does too.
    assert changes(NO_QUESTIONS, after) == [("insert", [], ["questions:\n", "- Можно картой?\n"])]
    assert questions_of(after) == ["Можно картой?"]


@pytest.mark.parametrize(
    ("field", "expected"),
    [
        ("questions:\n", ["questions:\n", "  - Новый\n"]),
        ("questions: ~\n", ["questions:\n", "  - Новый\n"]),
        ("questions: Старый  # один\n", ["questions:  # один\n", "  - Старый\n", "  - Новый\n"]),
    ],
    ids=["empty", "null", "one-text"],
)
def test_questions_without_a_list_become_one(field: str, expected: list[str]) -> None:
    text = f"---\ntitle: Т\n{field}category: К\n---\nТекст.\n"
    after = with_question(text, "Новый")
    assert after == text.replace(field, "".join(expected))
    assert questions_of(after)[-1] == "Новый"


def test_crlf_and_bom_are_kept_byte_for_byte(tmp_path: Path) -> None:
    article = tmp_path / "payment.md"
    before = "\ufeff" + BLOCK.replace("\n", "\r\n")
    article.write_bytes(before.encode("utf-8"))

    assert add_question(article, "Принимаете СБП?")

    after = article.read_bytes()
    assert after.startswith(b"\xef\xbb\xbf---\r\n")
    assert after.count(b"\r\n") == before.count("\r\n") + 1
    assert b"\n" not in after.replace(b"\r\n", b"")
    lines = before.splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if "Оплата: наличными" in line) + 1
    expected = "".join([*lines[:at], "  - 'Принимаете СБП?'\r\n", *lines[at:]])
    assert after == expected.encode("utf-8")


@pytest.mark.parametrize(
    ("phrasing", "written"),
    [
        ("yes", '"yes"'),  # PyYAML (YAML 1.1) would read plain yes as true
        ("2024-05-01", "'2024-05-01'"),  # a date to YAML
        ("Оплата: картой", "'Оплата: картой'"),
        ("#оплата", "'#оплата'"),
        ("[срочно] деньги не пришли", "'[срочно] деньги не пришли'"),
        ("- минус", "'- минус'"),
        ('Пишет "ошибка 500"', 'Пишет "ошибка 500"'),
        ("Как оплатить?", "Как оплатить?"),
    ],
)
def test_a_phrasing_yaml_would_misread_is_quoted(phrasing: str, written: str) -> None:
    after = with_question(NO_QUESTIONS, phrasing)
    assert f"\n- {written}\n" in after
    assert questions_of(after) == [phrasing]


def test_the_new_item_is_quoted_like_the_last_one() -> None:
    text = '---\ntitle: Т\nquestions:\n    -   "Первый"\n---\nТекст.\n'
    after = with_question(text, "Второй")
    assert changes(text, after) == [("insert", [], ['    -   "Второй"\n'])]


@pytest.mark.parametrize(
    "variant",
    ["можно ли оплатить картой", "Можно  ли\tоплатить картой", "МОЖНО ЛИ ОПЛАТИТЬ КАРТОЙ"],
)
def test_a_phrasing_already_there_is_not_added(variant: str, tmp_path: Path) -> None:
    article = tmp_path / "payment.md"
    article.write_text(BLOCK, encoding="utf-8")
    assert with_question(BLOCK, variant) is BLOCK
    assert add_question(article, variant) is False
    assert article.read_text(encoding="utf-8") == BLOCK


def test_e_and_yo_are_the_same_phrasing() -> None:
    text = NO_QUESTIONS.replace("tags:", "questions:\n- Ещё не пришёл код\ntags:")
    assert with_question(text, "еще не пришел код") == text


def test_whitespace_in_a_phrasing_is_folded_to_one_line() -> None:
    after = with_question(NO_QUESTIONS, "  Код\nне пришёл \r\n ")
    assert questions_of(after) == ["Код не пришёл"]


@pytest.mark.parametrize("phrasing", ["", "   ", "\n\t"])
def test_an_empty_phrasing_is_refused(phrasing: str) -> None:
    with pytest.raises(PhrasingError, match="empty"):
        with_question(BLOCK, phrasing)


def test_questions_that_are_not_texts_are_refused_with_their_line(tmp_path: Path) -> None:
    article = tmp_path / "bad.md"
    article.write_text("---\ntitle: Т\nquestions:\n  a: b\n---\nТекст.\n", encoding="utf-8")
    with pytest.raises(PhrasingError) as caught:
        add_question(article, "Новый")
    assert str(caught.value).startswith(f"{article}:3: 'questions' must be a list of texts")


def test_unreadable_front_matter_is_refused_with_its_line() -> None:
    with pytest.raises(PhrasingError) as caught:
        with_question("---\ntitle: [a\n---\nТекст.\n", "Новый")
    assert caught.value.line == 2


def test_the_file_is_replaced_whole_and_no_temporary_file_is_left(tmp_path: Path) -> None:
    article = tmp_path / "payment.md"
    article.write_text(BLOCK, encoding="utf-8")
    article.chmod(0o640)
    inode = article.stat().st_ino

    add_question(article, "Принимаете СБП?")

    assert [p.name for p in tmp_path.iterdir()] == ["payment.md"]
    assert article.stat().st_mode & 0o777 == 0o640
    assert article.stat().st_ino != inode  # a new file swapped in, not rewritten in place


# Customers type anything: YAML indicators, quotes, backslashes, emoji, control characters.
customer_text = st.text(
    st.characters(
        codec="utf-8",
        categories=("L", "N", "P", "S", "Zs", "Cc"),
        include_characters=":#[]{},?-'\"!&*|>%@`\\",
    ),
    min_size=1,
    max_size=60,
).filter(lambda text: bool(text.split()))


@given(phrasing=customer_text)
def test_whatever_the_customer_typed_the_article_loads_with_exactly_it(phrasing: str) -> None:
    for text in (BLOCK, FLOW, NO_QUESTIONS):
        before = parse(text)
        after = parse(with_question(text, phrasing))
        expected = " ".join(phrasing.split())
        old = list(before.meta.get("questions") or [])
        assert after.meta == {**before.meta, "questions": [*old, expected]}
        assert after.body == before.body


def test_docstring_examples() -> None:
    failed, tried = doctest.testmod(kb.phrasings)
    assert tried and not failed
