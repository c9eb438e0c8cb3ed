"""Bad arguments and missing files: one clear line and exit 2 (or 1), never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.conftest import Run


@pytest.mark.parametrize(
    "args",
    [
        ("chat",),
        ("search", "как отменить заказ"),
        ("eval", "--cases", "cases.tsv"),
        ("check",),
    ],
)
def test_missing_kb_folder_is_one_line(faqbot: Run, tmp_path: Path, args: tuple[str, ...]) -> None:
    (tmp_path / "cases.tsv").write_text("вопрос\tarticle\n", encoding="utf-8")
    result = faqbot(*args, "--articles", "missing")
    assert result.code == 2
    assert result.err == "Error: knowledge base folder not found: missing\n"
    assert "Traceback" not in result.out + result.err


def test_articles_dir_from_the_environment_is_used_and_reported(faqbot: Run) -> None:
    result = faqbot("check", env={"ARTICLES_DIR": "nowhere"})
    assert (result.code, result.err) == (2, "Error: knowledge base folder not found: nowhere\n")


def test_unknown_option_is_a_usage_error(faqbot: Run) -> None:
    result = faqbot("search", "вопрос", "--colour")
    assert result.code == 2
    assert "No such option '--colour'" in result.err and "Traceback" not in result.err


def test_unknown_command_suggests_the_right_one(faqbot: Run) -> None:
    result = faqbot("serch")
    assert result.code == 2 and "Did you mean 'search'?" in result.err


def test_missing_cases_file(faqbot: Run, kb: Path) -> None:
    result = faqbot("eval", "--articles", str(kb), "--cases", "nope.tsv")
    assert (result.code, result.err) == (2, "Error: cases file not found: nope.tsv\n")


def test_malformed_cases_line_names_file_and_line(faqbot: Run, kb: Path, tmp_path: Path) -> None:
    (tmp_path / "cases.tsv").write_text("Где мой заказ\torder-status\nбез ответа\n", "utf-8")
    result = faqbot("eval", "--articles", str(kb), "--cases", "cases.tsv")
    assert result.code == 1
    assert result.err.startswith("Error: cases.tsv: line 2: expected 'question<TAB>expected_id")
    assert result.err.count("\n") == 1


def test_missing_batch_file(faqbot: Run, kb: Path) -> None:
    result = faqbot("search", "--articles", str(kb), "--batch", "nope.txt", "--jsonl")
    assert (result.code, result.err) == (2, "Error: file not found: nope.txt\n")


@pytest.mark.parametrize("args", [(), ("вопрос", "--batch", "-")])
def test_search_wants_a_question_or_a_batch(faqbot: Run, kb: Path, args: tuple[str, ...]) -> None:
    result = faqbot("search", "--articles", str(kb), *args)
    assert result.code == 2 and "Error: give" in result.err


def test_bad_top_is_a_usage_error(faqbot: Run, kb: Path) -> None:
    result = faqbot("search", "вопрос", "--articles", str(kb), "--top", "0")
    assert result.code == 2 and "--top" in result.err


def test_unexpected_error_is_one_line_unless_debug(faqbot: Run, kb: Path, tmp_path: Path) -> None:
    (tmp_path / "latin1.txt").write_bytes("где мой заказ\n".encode("cp1251"))
    args = ("search", "--articles", str(kb), "--batch", "latin1.txt", "--jsonl")
    result = faqbot(*args)
    assert result.code == 1
    assert result.err.startswith("Error: UnicodeDecodeError: ")
    assert result.err.rstrip().endswith("(run with --debug for the traceback)")
    assert result.err.count("\n") == 1
    debug = faqbot(*args, "--debug")
    assert debug.code == 1 and "Traceback (most recent call last)" in debug.err
    assert faqbot("--debug", *args).err == debug.err
