"""kb.loader: a folder of articles becomes a Catalog plus every problem, sorted."""

from __future__ import annotations

from pathlib import Path

import pytest

from kb import (
    Article,
    ArticleError,
    KnowledgeBaseError,
    KnowledgeBaseNotFound,
    LoadResult,
    keep_last_good,
    load_folder,
    parse_article,
)
from kb.loader import article_paths

TOP_UP = """---
id: top-up
title: "  Как пополнить счёт  "
category: Оплата
tags: оплата
questions:
  - Как положить деньги?
  - Пополнить баланс
---

Оплатите **картой**:

1. Откройте приложение.
2. Нажмите «Пополнить».

"""


def article(title: str = "T", body: str = "Body", **fields: str) -> str:
    lines = [f"{key}: {value}" for key, value in fields.items()]
    return "\n".join(["---", f"title: {title}", *lines, "---", body, ""])


@pytest.fixture
def kb(tmp_path: Path) -> Path:
    folder = tmp_path / "articles"
    folder.mkdir()
    return folder


def write(folder: Path, name: str, text: str | bytes) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8", newline="")
    return path


def test_article_fields_come_from_the_file(kb: Path) -> None:
    path = write(kb, "billing/top-up.md", TOP_UP)

    result = load_folder(kb)

    assert result.ok
    assert list(result.catalog) == [
        Article(
            id="top-up",
            title="Как пополнить счёт",
            body="Оплатите **картой**:\n\n1. Откройте приложение.\n2. Нажмите «Пополнить».",
            category="Оплата",
            tags=("оплата",),
            questions=("Как положить деньги?", "Пополнить баланс"),
            path=path,
            line=1,
        )
    ]


def test_id_defaults_to_the_file_name(kb: Path) -> None:
    write(kb, "app/app-crash.md", article())

    assert load_folder(kb).catalog["app-crash"].title == "T"


def test_subfolders_load_in_relative_path_order(kb: Path) -> None:
    for name in ["z.md", "billing/top-up.md", "billing-faq.md", "a/b/c/deep.md", "billing/a.md"]:
        write(kb, name, article())

    result = load_folder(kb)

    assert [a.id for a in result.catalog] == ["deep", "a", "top-up", "billing-faq", "z"]
    assert [a.path for a in result.catalog] == [
        kb / "a/b/c/deep.md",
        kb / "billing/a.md",
        kb / "billing/top-up.md",
        kb / "billing-faq.md",
        kb / "z.md",
    ]


@pytest.mark.parametrize(
    "name",
    [
        "README.md",
        "readme.md",
        "billing/ReadMe.MD",
        ".hidden.md",
        "_draft.md",
        ".git/config.md",
        "_drafts/new.md",
        "billing/_old/top-up.md",
        "notes.txt",
        "top-up.md.bak",
    ],
)
def test_guides_drafts_and_other_files_are_skipped(kb: Path, name: str) -> None:
    write(kb, "billing/top-up.md", article())
    write(kb, name, "# not an article\n")

    result = load_folder(kb)

    assert result.ok, result.problems
    assert [a.id for a in result.catalog] == ["top-up"]


def test_bom_and_crlf_file_loads(kb: Path) -> None:
    text = "\ufeff" + TOP_UP.replace("\n", "\r\n")
    write(kb, "top-up.md", text)

    result = load_folder(kb)

    assert result.ok
    loaded = result.catalog["top-up"]
    assert loaded.title == "Как пополнить счёт"
    assert "\r" not in loaded.body
    assert loaded.body.startswith("Оплатите")


def test_broken_file_does_not_take_down_the_rest(kb: Path) -> None:
    write(kb, "a.md", article())
    broken = write(kb, "b.md", "---\ntitle: Ошибка: сеть\n---\nBody\n")
    write(kb, "c.md", article())

    result = load_folder(kb)

    assert not result.ok
    assert [a.id for a in result.catalog] == ["a", "c"]
    assert [str(p) for p in result.problems] == [
        f"{broken}:2: invalid YAML: mapping values are not allowed here; "
        "if a value contains ': ', put it in quotes"
    ]


def test_all_problems_of_all_files_come_together_sorted(kb: Path) -> None:
    write(kb, "ok.md", article())
    b = write(kb, "b/top-up.md", "---\nqestions: [a]\n---\n\n")
    a = write(kb, "a.md", "no front matter\n")
    c = write(kb, "c.md", "---\ntitle: T\ntags: [x, '']\n---\nBody\n")

    result = load_folder(kb)

    assert [a.id for a in result.catalog] == ["ok"]
    assert [str(p) for p in result.problems] == [
        f"{a}:1: no front matter: the file must start with a '---' line, the fields, and '---'",
        f"{b}:1: 'title' is required",
        f"{b}:2: unknown field 'qestions' (did you mean 'questions'?)",
        f"{b}:4: the answer is empty: write it after the closing '---'",
        f"{c}:3: 'tags' item 2 is empty: remove it",
    ]


def test_duplicate_id_is_reported_on_later_files_naming_the_first(kb: Path) -> None:
    first = write(kb, "billing/faq.md", article(title="Оплата"))
    second = write(kb, "mobile/faq.md", article(title="Связь"))
    third = write(kb, "tv.md", article(title="ТВ", id="faq", category="ТВ"))

    result = load_folder(kb)

    assert [a.title for a in result.catalog] == ["Оплата"]
    assert [str(p) for p in result.problems] == [
        f"{second}:1: duplicate id 'faq', already used by {first}:1",
        f"{third}:3: duplicate id 'faq', already used by {first}:1",
    ]


def test_unknown_field_suggests_the_known_one(kb: Path) -> None:
    path = write(kb, "top-up.md", article(qestions="[Как оплатить]"))

    result = load_folder(kb)

    assert [str(p) for p in result.problems] == [
        f"{path}:3: unknown field 'qestions' (did you mean 'questions'?)"
    ]


def test_non_utf8_file_is_a_problem_not_a_crash(kb: Path) -> None:
    write(kb, "a.md", article())
    cp1251 = write(kb, "b.md", "---\ntitle: T\n---\nОплата\n".encode("cp1251"))

    result = load_folder(kb)

    assert [a.id for a in result.catalog] == ["a"]
    assert [str(p) for p in result.problems] == [
        f"{cp1251}:4: not valid UTF-8 (byte 0xce on this line): save the file as UTF-8"
    ]


def test_empty_folder_is_an_empty_catalog(kb: Path) -> None:
    result = load_folder(kb)

    assert result == LoadResult(result.catalog, ())
    assert result.ok
    assert len(result.catalog) == 0


def test_paths_as_str_work(kb: Path) -> None:
    write(kb, "a.md", article())

    assert [a.id for a in load_folder(str(kb)).catalog] == ["a"]


def test_missing_folder_raises_naming_the_path(tmp_path: Path) -> None:
    missing = tmp_path / "nope"

    with pytest.raises(KnowledgeBaseNotFound) as caught:
        load_folder(missing)

    assert caught.value.path == missing
    assert str(caught.value) == f"knowledge base folder not found: {missing}"
    assert isinstance(caught.value, KnowledgeBaseError)


def test_file_instead_of_folder_raises(kb: Path) -> None:
    path = write(kb, "a.md", article())

    with pytest.raises(KnowledgeBaseNotFound) as caught:
        load_folder(path)

    assert str(caught.value) == f"knowledge base folder is not a folder: {path}"


def test_article_paths_lists_what_load_folder_reads(kb: Path) -> None:
    write(kb, "README.md", "# guide")
    write(kb, "b/x.md", article())
    write(kb, "a.md", article())

    assert article_paths(kb) == [kb / "a.md", kb / "b/x.md"]


def test_parse_article_returns_the_article() -> None:
    parsed = parse_article(TOP_UP, "articles/billing/top-up.md")

    assert parsed.id == "top-up"
    assert parsed.path == Path("articles/billing/top-up.md")
    assert parsed.questions == ("Как положить деньги?", "Пополнить баланс")


def test_parse_article_raises_with_every_problem() -> None:
    with pytest.raises(ArticleError) as caught:
        parse_article("---\ntitle: ''\nid: 5\n---\n", Path("articles/x.md"))

    assert str(caught.value) == (
        "articles/x.md:2: 'title' is empty: write the question or topic the article answers\n"
        "articles/x.md:3: 'id' must be text, got the number 5: put it in quotes\n"
        "articles/x.md:5: the answer is empty: write it after the closing '---'"
    )
    assert [p.line for p in caught.value.problems] == [2, 3, 5]


def test_parse_article_turns_front_matter_errors_into_problems() -> None:
    with pytest.raises(ArticleError) as caught:
        parse_article("---\ntitle: T\n", Path("x.md"))

    assert str(caught.value) == (
        "x.md:1: front matter is not closed: add a '---' line after the fields"
    )


# keep_last_good: the hot reloader's policy for broken edits.


def ids_and_bodies(result: LoadResult) -> dict[str, str]:
    return {a.id: a.body.strip() for a in result.catalog}


def test_broken_file_keeps_its_last_good_version_while_others_go_live(kb: Path) -> None:
    write(kb, "a.md", article("A", "old a"))
    write(kb, "b.md", article("B", "old b"))
    served = load_folder(kb).catalog
    write(kb, "a.md", "---\ntitle: [A\n---\nnew a\n")
    write(kb, "b.md", article("B", "new b"))

    kept = keep_last_good(load_folder(kb), served)

    assert ids_and_bodies(kept) == {"a": "old a", "b": "new b"}
    assert [(p.path, p.line) for p in kept.problems] == [(kb / "a.md", 2)]


def test_deleted_file_is_gone_and_new_broken_file_stays_out(kb: Path) -> None:
    write(kb, "a.md", article("A", "a"))
    write(kb, "b.md", article("B", "b"))
    served = load_folder(kb).catalog
    (kb / "a.md").unlink()
    write(kb, "c.md", "---\ntitle: ''\n---\nc\n")

    kept = keep_last_good(load_folder(kb), served)

    assert ids_and_bodies(kept) == {"b": "b"}
    assert {p.path.name for p in kept.problems} == {"c.md"}


def test_kept_article_gives_up_its_id_to_a_loaded_one(kb: Path) -> None:
    write(kb, "a.md", article("A", "a", id="x"))
    write(kb, "b.md", article("B", "b", id="y"))
    served = load_folder(kb).catalog
    write(kb, "a.md", article("A", "a", id="y"))  # now b.md, unchanged, is the duplicate

    kept = keep_last_good(load_folder(kb), served)

    assert ids_and_bodies(kept) == {"y": "a"}
    [problem] = kept.problems
    assert problem.path == kb / "b.md" and "duplicate id 'y'" in problem.message


def test_kept_articles_stay_in_path_order(kb: Path) -> None:
    for name in ("a", "b", "c"):
        write(kb, f"{name}.md", article(name.upper(), name))
    served = load_folder(kb).catalog
    write(kb, "a.md", "not an article")

    kept = keep_last_good(load_folder(kb), served)

    assert [a.id for a in kept.catalog] == ["a", "b", "c"]


def test_loader_doctests_pass() -> None:
    import doctest

    import kb.loader

    failed, tried = doctest.testmod(kb.loader)
    assert tried and not failed


def test_a_question_another_article_has_is_a_warning_on_the_later_file(kb: Path) -> None:
    first = write(kb, "a-end.md", article("Как завершить аренду", questions="[Как сдать машину]"))
    second = write(
        kb,
        "b-zones.md",
        "---\ntitle: Зоны завершения\nquestions:\n  - Где можно оставить машину\n"
        "  - как сдать  машину?!\n---\nТекст.\n",
    )

    result = load_folder(kb)

    assert [a.id for a in result.catalog] == ["a-end", "b-zones"]  # both are served
    assert result.problems == ()
    assert [str(w) for w in result.warnings] == [
        f"{second}:5: 'questions' item 2 ('как сдать  машину?!') repeats 'questions' item 1 of "
        f"'a-end' ({first}:3): a customer who writes it could get either article; keep it in "
        "one and give the other words of its own"
    ]


def test_a_title_another_article_has_as_title_or_question_is_a_warning(kb: Path) -> None:
    write(kb, "a.md", article("Где мой заказ?", questions="[Заказ не пришёл]"))
    write(kb, "b.md", article("Где мой заказ"))
    write(kb, "c.md", article("Заказ не пришел"))  # ё and е are one letter to a customer

    warnings = load_folder(kb).warnings

    assert [(w.path.name, w.line, w.message.split(" (")[0]) for w in warnings] == [
        ("b.md", 2, "the title"),
        ("c.md", 2, "the title"),
    ]
    assert "repeats the title of 'a'" in warnings[0].message
    assert "repeats 'questions' item 1 of 'a'" in warnings[1].message


def test_words_that_differ_are_no_warning(kb: Path) -> None:
    write(kb, "a.md", article("Как завершить аренду", questions="[Как сдать машину]"))
    write(
        kb,
        "b.md",
        article("Не получается завершить аренду", questions="[Как сдать машину в аэропорту]"),
    )

    assert load_folder(kb).warnings == ()


def test_a_kept_article_keeps_the_warnings_of_the_new_load(kb: Path) -> None:
    write(kb, "a.md", article("Где мой заказ"))
    write(kb, "b.md", article("где мой заказ"))
    result = load_folder(kb)

    assert keep_last_good(result, result.catalog).warnings == result.warnings != ()
