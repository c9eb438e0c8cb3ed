"""``faqbot eval`` on a tiny KB whose figures are worked out by hand."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.cli.conftest import DEMO, Run

# 5 in scope, 1 out of scope. Ranks of the right article: 1, 1, 1, 2 (a vague question the
# engine clarifies with the right article second), none (an article the KB does not have).
CASES = """\
# question<TAB>expected<TAB>tag
Где мой заказ\torder-status\ttitles
Способы оплаты\tpayment-methods\ttitles
промокод не работает\tpromo-code\tparaphrase
как отменить или изменить заказ\tchange-address\tvague
как записаться к врачу\tdoctor\tghost
погода на марсе\t-\toos
"""
BY_HAND = {
    "cases": 6,
    "in_scope": 5,
    "out_of_scope": 1,
    "top1": 0.6,  # 3 of 5 first
    "recall_at_3": 0.8,  # 4 of 5 in the first three
    "mrr_at_10": 0.7,  # (1 + 1 + 1 + 1/2 + 0) / 5
    # The three clear ones are answered rightly; the vague one («как отменить или изменить
    # заказ», labelled change-address) is answered with cancel-order, whose title holds the
    # first of its two verbs: the learned engine is sure of it, so it counts as one wrong answer.
    "auto_answer_rate": 0.8,
    "auto_answer_precision": 0.75,
    "wrong_answer_rate": 0.1667,
    # The doctor (an article the KB lacks) is never answered; whether it gets choices or goes
    # to people with Mars is the learned decision's call at the clarify band (on six articles
    # the first three are half the KB: its p_top3 has read 0.26 to 0.31 across refits), so
    # those figures are checked apart (GHOST).
    "wrong_answer_with_right_related": 0.0,  # change-address is second, but far behind
    "right_article_offered": 0.6,  # 3 answered rightly, of 5
    "out_of_scope_rejection": 1.0,
    "per_tag": {
        "ghost": {"cases": 1, "accuracy": 0.0},
        "oos": {"cases": 1, "accuracy": 1.0},
        "paraphrase": {"cases": 1, "accuracy": 1.0},
        "titles": {"cases": 2, "accuracy": 1.0},
        "vague": {"cases": 1, "accuracy": 0.0},
    },
}


#: The doctor's two possible outcomes: (clarify rate, escalate rate, clarify holds the right one).
GHOST = {
    "clarify": {"clarify_rate": 0.1667, "escalate_rate": 0.1667, "clarify_contains_right": 0.0},
    "escalate": {"clarify_rate": 0.0, "escalate_rate": 0.3333, "clarify_contains_right": None},
}


@pytest.fixture
def cases(tmp_path: Path) -> Path:
    path = tmp_path / "cases.tsv"
    path.write_text(CASES, encoding="utf-8")
    return path


def test_eval_prints_the_figures_in_an_aligned_table(faqbot: Run, kb: Path, cases: Path) -> None:
    result = faqbot("eval", "--articles", str(kb), "--cases", str(cases))
    assert result.code == 0, result.err
    rows = {
        "top-1": "60.0 %",
        "recall@3": "80.0 %",
        "MRR@10": "0.700",
        "auto-answer rate": "80.0 %",
        "auto-answer precision": "75.0 %",
        "wrong-answer rate": "16.7 %",
        "out-of-scope rejection": "100.0 %",
    }
    report = json.loads(faqbot("eval", "--articles", str(kb), "--cases", str(cases), "--json").out)
    ghost = GHOST["clarify" if report["clarify_rate"] else "escalate"]
    rows["clarify rate"] = f"{100 * ghost['clarify_rate']:.1f} %"
    rows["escalate rate"] = f"{100 * ghost['escalate_rate']:.1f} %"
    ends = set()
    for label, value in rows.items():
        line = next(line for line in result.lines if line.strip().startswith(label + " "))
        assert re.search(rf"\s{re.escape(value)}\s", line + " "), line
        ends.add(line.index(value) + len(value))
    assert len(ends) == 1  # the numbers line up
    assert "(6: 5 in scope, 1 out of scope)" in result.out
    assert "(6 articles)" in result.out
    tags = {line.split()[0]: line.split()[-2] for line in result.lines[-5:]}
    assert tags == {"ghost": "0.0", "oos": "100.0", "paraphrase": "100.0", "titles": "100.0",
                    "vague": "0.0"}  # fmt: skip


def test_eval_json_is_the_report_and_the_paths(faqbot: Run, kb: Path, cases: Path) -> None:
    result = faqbot("eval", "--articles", str(kb), "--cases", str(cases), "--json")
    assert result.code == 0, result.err
    report = json.loads(result.out)
    ghost = GHOST["clarify" if report["clarify_rate"] else "escalate"]
    assert report == {**BY_HAND, **ghost, "kb_path": str(kb), "cases_path": str(cases)}


def test_eval_warns_about_expected_articles_the_kb_lacks(
    faqbot: Run, kb: Path, cases: Path
) -> None:
    result = faqbot("eval", "--articles", str(kb), "--cases", str(cases), "--json")
    assert result.code == 0
    warning = result.err.strip()
    assert warning.startswith("Warning: 1 case expects an article not in the knowledge base")
    assert "doctor (line 6)" in warning and "\n" not in warning


def test_eval_on_the_demo_kb(faqbot: Run, tmp_path: Path) -> None:
    cases = tmp_path / "demo.tsv"
    cases.write_text("как завершить аренду\tend-trip\nкто выиграл чемпионат мира\t-\n", "utf-8")
    result = faqbot("eval", "--articles", str(DEMO), "--cases", str(cases), "--json")
    assert result.code == 0, result.err
    report = json.loads(result.out)
    assert report["cases"] == 2 and report["top1"] == 1.0 and result.err == ""
