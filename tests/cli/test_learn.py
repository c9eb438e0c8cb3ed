"""``faqbot learn``: resolved tickets' questions become phrasings, through the real command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kb import load_folder
from tests.cli.conftest import Run

RESOLVED = """\
# question<TAB>article_id of resolved tickets
Курьер потерялся, где посылка?\torder-status
Здравствуйте! Курьер не едет\torder-status

Деньги за отмену так и не вернули\trefund
просто строка без табуляции
\tpromo-code
Как записаться к врачу\tdoctor
КУРЬЕР ПОТЕРЯЛСЯ, ГДЕ ПОСЫЛКА\torder-status
Можно ли оплатить картой?\tpayment-methods\tлишнее
Вопрос без статьи\t
"""
ADDED = {
    "orders/order-status.md": "  - Курьер потерялся, где посылка?\n",
    "payment/refund.md": "  - Деньги за отмену так и не вернули\n",
}
REFUSALS = [
    "resolved.tsv:6: expected 'question<TAB>article_id', found no TAB",
    "resolved.tsv:7: empty question",
    "resolved.tsv:8: unknown article id 'doctor'",
    "resolved.tsv:10: expected 'question<TAB>article_id', found 2 TABs",
    "resolved.tsv:11: expected 'question<TAB>article_id', the article id is missing",
]


@pytest.fixture
def resolved(tmp_path: Path) -> Path:
    path = tmp_path / "resolved.tsv"
    path.write_text(RESOLVED, encoding="utf-8")
    return path


def snapshot(kb: Path) -> dict[str, bytes]:
    return {str(p.relative_to(kb)): p.read_bytes() for p in sorted(kb.rglob("*")) if p.is_file()}


def test_without_approval_phrasings_are_listed_and_nothing_is_written(
    faqbot: Run, kb: Path, resolved: Path
) -> None:
    before = snapshot(kb)
    result = faqbot("learn", "--articles", str(kb), "--resolved", "resolved.tsv")
    assert result.code == 0, result.err
    assert snapshot(kb) == before
    assert result.lines == [
        "Pending approval (not written): 2 phrasings for 2 articles",
        "",
        "order-status «Где мой заказ»",
        "  - Курьер потерялся, где посылка?    (resolved.tsv:2)",
        "",
        "refund «Возврат денег за заказ»",
        "  - Деньги за отмену так и не вернули    (resolved.tsv:5)",
        "",
        "2 pending approval (run with --approve-all to write them), "
        "2 skipped as duplicates, 5 refused.",
    ]
    assert result.err.splitlines() == REFUSALS


def test_approve_all_writes_each_phrasing_as_one_new_line(
    faqbot: Run, kb: Path, resolved: Path
) -> None:
    before = snapshot(kb)
    result = faqbot("learn", "--articles", str(kb), "--resolved", "resolved.tsv", "--approve-all")
    assert result.code == 0, result.err
    assert result.lines[0] == "Added: 2 phrasings for 2 articles"
    assert result.lines[-1] == "2 added, 2 skipped as duplicates, 5 refused."
    assert result.err.splitlines() == REFUSALS
    after = snapshot(kb)
    changed = {name for name in after if after[name] != before[name]}
    assert changed == set(ADDED)
    for name, line in ADDED.items():
        old = before[name].decode().splitlines(keepends=True)
        new = after[name].decode().splitlines(keepends=True)
        at = new.index(line)
        assert new[:at] + new[at + 1 :] == old
    catalog = load_folder(kb).catalog
    assert catalog["order-status"].questions[-1] == "Курьер потерялся, где посылка?"
    assert faqbot("check", "--articles", str(kb)).code == 0


def test_learning_the_same_history_twice_adds_nothing_more(
    faqbot: Run, kb: Path, resolved: Path
) -> None:
    args = ("learn", "--articles", str(kb), "--resolved", "resolved.tsv", "--approve-all")
    faqbot(*args)
    once = snapshot(kb)
    result = faqbot(*args, "--json")
    assert result.code == 0
    assert snapshot(kb) == once
    assert json.loads(result.out) == {
        "added": 0,
        "pending": 0,
        "duplicates": 4,
        "refused": 5,
        "refusals": REFUSALS,
    }


def test_learned_phrasing_is_then_found(faqbot: Run, kb: Path) -> None:
    question = "Дверь не закрывается, товар испорчен"
    before = json.loads(faqbot("search", question, "--articles", str(kb), "--json").out)
    assert before["hits"][0]["id"] != "refund"
    history = "Товар испорчен, дверь пакета не закрывается\trefund\n"
    learned = faqbot(
        "learn", "--articles", str(kb), "--resolved", "-", "--approve-all", stdin=history
    )
    assert learned.code == 0 and learned.lines[-1].startswith("1 added"), learned.err
    after = json.loads(faqbot("search", question, "--articles", str(kb), "--json").out)
    assert after["hits"][0]["id"] == "refund"


def test_stdin_refusals_name_stdin(faqbot: Run, kb: Path) -> None:
    result = faqbot("learn", "--articles", str(kb), "--resolved", "-", stdin="Привет\tghost\n")
    assert result.code == 0
    assert result.err == "<stdin>:1: unknown article id 'ghost'\n"
    assert result.lines == ["0 pending approval, 0 skipped as duplicates, 1 refused."]


def test_a_bom_and_crlf_from_a_spreadsheet_export_are_read(
    faqbot: Run, kb: Path, tmp_path: Path
) -> None:
    (tmp_path / "export.tsv").write_bytes(
        "\ufeffКурьер потерялся\torder-status\r\nВерните деньги\trefund\r\n".encode()
    )
    result = faqbot("learn", "--articles", str(kb), "--resolved", "export.tsv", "--json")
    assert result.code == 0, result.err
    assert json.loads(result.out)["pending"] == 1  # "Верните деньги" is a refund question already
    assert json.loads(result.out)["duplicates"] == 1


@pytest.mark.parametrize(
    ("is_folder", "message"),
    [(False, "Error: file not found: missing.tsv"), (True, "Error: missing.tsv is a folder")],
    ids=["missing", "folder"],
)
def test_an_unreadable_file_fails_in_one_line(
    faqbot: Run, kb: Path, tmp_path: Path, is_folder: bool, message: str
) -> None:
    if is_folder:
        (tmp_path / "missing.tsv").mkdir()
    result = faqbot("learn", "--articles", str(kb), "--resolved", "missing.tsv")
    assert result.code == 2
    assert result.err.startswith(message) and result.err.count("\n") == 1
    assert result.out == ""


def test_a_file_that_is_not_utf8_fails_with_its_line(faqbot: Run, kb: Path, tmp_path: Path) -> None:
    (tmp_path / "cp1251.tsv").write_bytes(
        "Курьер\torder-status\n".encode() + "Где\tx\n".encode("cp1251")
    )
    result = faqbot("learn", "--articles", str(kb), "--resolved", "cp1251.tsv")
    assert result.code == 1
    assert result.err == "Error: cp1251.tsv:2: not valid UTF-8: save the file as UTF-8\n"


def test_a_missing_knowledge_base_is_a_usage_error(faqbot: Run, resolved: Path) -> None:
    result = faqbot("learn", "--articles", "nowhere", "--resolved", "resolved.tsv")
    assert result.code == 2
    assert result.err.startswith("Error: knowledge base folder not found: nowhere")


def test_learn_is_listed_in_the_help(faqbot: Run) -> None:
    result = faqbot("learn", "--help")
    assert result.code == 0
    assert "--resolved FILE" in result.out and "--approve-all" in result.out
