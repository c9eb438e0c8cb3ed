"""``faqbot search``: the authors' view, ``--json``, and the ``--batch --jsonl`` contract."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.conftest import DEMO, TITLES, Run

KEYS = {"query", "decision", "confidence", "hits"}
HIT_KEYS = {"id", "title", "score"}


def assert_result(result: dict[str, object], query: str) -> None:
    # ``related``: the runners-up shown beside a torn answer, among the hits after the first.
    assert set(result) - {"related"} == KEYS
    if "related" in result:
        assert result["decision"] == "answer"
        ids = [hit["id"] for hit in result["hits"]]  # type: ignore[attr-defined]
        assert result["related"] and set(result["related"]) <= set(ids[1:])  # type: ignore[arg-type]
    assert result["query"] == query
    assert result["decision"] in {"answer", "clarify", "escalate"}
    assert isinstance(result["confidence"], float) and 0.0 <= result["confidence"] <= 1.0
    hits = result["hits"]
    assert isinstance(hits, list)
    for hit in hits:
        assert set(hit) == HIT_KEYS
        assert isinstance(hit["id"], str) and isinstance(hit["title"], str)
        assert isinstance(hit["score"], float)
    scores = [hit["score"] for hit in hits]
    assert scores == sorted(scores, reverse=True)


def test_search_shows_decision_hits_and_what_was_understood(faqbot: Run, kb: Path) -> None:
    result = faqbot("search", "где мой зоказ", "--articles", str(kb))
    assert result.code == 0, result.err
    assert "Decision    answer, confidence" in result.out
    assert "Repairs     зоказ → заказ" in result.out
    assert "Terms" in result.out
    first_hit = next(line for line in result.lines if line.strip().startswith("1 "))
    assert "order-status" in first_hit and "answer" in first_hit and "Где мой заказ" in first_hit


def test_search_top_limits_the_hits_shown(faqbot: Run, kb: Path) -> None:
    result = faqbot("search", "Как отменить заказ", "--articles", str(kb), "--top", "2")
    assert result.code == 0, result.err
    rows = [line for line in result.lines if line[:3].strip().isdigit()]
    assert [row.split()[0] for row in rows] == ["1", "2"]


def test_search_json_is_one_object_with_the_batch_schema(faqbot: Run, kb: Path) -> None:
    result = faqbot("search", "Как отменить заказ", "--articles", str(kb), "--json")
    assert result.code == 0, result.err
    assert len(result.lines) == 1
    found = json.loads(result.out)
    assert_result(found, "Как отменить заказ")
    assert found["decision"] == "answer"
    assert found["hits"][0] == {
        "id": "cancel-order",
        "title": "Как отменить заказ",
        "score": found["hits"][0]["score"],
    }
    assert len(found["hits"]) >= 5


def test_batch_jsonl_gives_one_object_per_line_in_order(faqbot: Run, kb: Path) -> None:
    questions = ["Как отменить заказ", "", "Возврат денег за заказ", "   ", "погода на марсе"]
    batch = kb.parent / "questions.txt"
    batch.write_text("\n".join(questions) + "\n", encoding="utf-8")
    result = faqbot("search", "--articles", str(kb), "--batch", str(batch), "--jsonl")
    assert result.code == 0, result.err
    assert len(result.lines) == len(questions)
    found = [json.loads(line) for line in result.lines]
    for query, item in zip(questions, found, strict=True):
        assert_result(item, query)
    assert [item["hits"][0]["id"] for item in (found[0], found[2])] == ["cancel-order", "refund"]
    assert len(found[0]["hits"]) >= 5 and len(found[2]["hits"]) >= 5
    for blank in (found[1], found[3]):
        assert blank["decision"] == "escalate" and blank["hits"] == []
        assert blank["confidence"] == 0.0
    assert all(hit["title"] == TITLES[hit["id"]] for item in found for hit in item["hits"])


def test_batch_reads_stdin_and_keeps_cyrillic_readable(faqbot: Run) -> None:
    questions = ["как завершить поездку", "не приходит смс", "штраф", "машина не заводится"]
    result = faqbot(
        "search", "--articles", str(DEMO), "--batch", "-", "--jsonl", stdin="\n".join(questions)
    )
    assert result.code == 0, result.err
    assert "\\u04" not in result.out  # ensure_ascii=False
    found = [json.loads(line) for line in result.lines]
    assert [item["query"] for item in found] == questions
    for item in found:
        assert_result(item, item["query"])
        assert len(item["hits"]) >= 5


def test_batch_without_jsonl_prints_a_line_per_question(faqbot: Run, kb: Path) -> None:
    result = faqbot(
        "search", "--articles", str(kb), "--batch", "-", stdin="Где мой заказ\nСпособы оплаты\n"
    )
    assert result.code == 0, result.err
    assert len(result.lines) == 2
    assert "order-status" in result.lines[0] and result.lines[0].startswith("answer")
    assert "payment-methods" in result.lines[1]


def test_search_uses_articles_dir_from_the_environment(faqbot: Run, kb: Path) -> None:
    result = faqbot("search", "Способы оплаты", "--json", env={"ARTICLES_DIR": str(kb)})
    assert result.code == 0, result.err
    assert json.loads(result.out)["hits"][0]["id"] == "payment-methods"


def test_search_on_the_demo_kb_defaults_to_articles(faqbot: Run, tmp_path: Path) -> None:
    (tmp_path / "articles").symlink_to(DEMO, target_is_directory=True)
    result = faqbot("search", "как завершить поездку")
    assert result.code == 0, result.err
    assert "end-trip" in result.out and "Как завершить аренду" in result.out


def test_small_talk_gets_no_article_in_batch_jsonl(faqbot: Run, kb: Path) -> None:
    questions = (
        "как дела?\nты бот или человек\nпока\nспасиб\nздраствуйте\nПривет! Как отменить заказ?\n"
        "как дила\n"
    )
    result = faqbot("search", "--batch", "-", "--jsonl", "--articles", str(kb), stdin=questions)
    assert result.code == 0, result.err
    found = [json.loads(line) for line in result.lines]
    assert [(r["decision"], r.get("small_talk")) for r in found[:5]] == [
        ("small_talk", "how_are_you"),
        ("small_talk", "are_you_bot"),
        ("small_talk", "goodbye"),
        ("small_talk", "thanks"),  # typed with a slip
        ("small_talk", "greeting"),
    ]
    assert all(r["hits"] == [] for r in found[:5])
    assert found[5]["decision"] != "small_talk"  # a greeting before a question: the question
    assert found[5]["hits"][0]["id"] == "cancel-order"
    assert (found[6]["decision"], found[6].get("small_talk")) == ("small_talk", "how_are_you")


def test_small_talk_typed_with_a_slip_is_explained_as_small_talk(faqbot: Run, kb: Path) -> None:
    result = faqbot("search", "спасиб", "--articles", str(kb))
    assert result.code == 0, result.err
    assert "Understood  спасибо" in result.out
    assert "small_talk (thanks), typed with a slip: no article is shown" in result.out


def test_a_request_for_a_person_is_always_escalated(faqbot: Run, kb: Path) -> None:
    result = faqbot("search", "позовите оператора", "--articles", str(kb), "--json")
    assert result.code == 0, result.err
    found = json.loads(result.out)
    assert found["decision"] == "escalate"
    assert found["reason"] == "human_request"


def test_a_message_with_no_question_says_so_beside_the_engines_decision(
    faqbot: Run, kb: Path
) -> None:
    stdin = "фывапролджэ\nа можно?\nкак отменить заказ\nок\n"
    result = faqbot("search", "--articles", str(kb), "--batch", "-", "--jsonl", stdin=stdin)
    assert result.code == 0, result.err
    found = [json.loads(line) for line in result.out.splitlines()]
    assert [r.get("reason") for r in found] == ["no_question", "no_question", None, None]
    # «ок» is heard, not searched: small talk, as «спасибо» is.
    assert (found[3]["decision"], found[3]["small_talk"]) == ("small_talk", "okay")


def test_trouble_with_no_object_says_the_bot_asks_what_exactly(faqbot: Run, kb: Path) -> None:
    result = faqbot("search", "ничего не работает", "--articles", str(kb))
    assert result.code == 0, result.err
    assert result.out.startswith(
        "No question in it: the bot asks what exactly does not work, whatever matched\n"
    )


def test_a_torn_answer_lists_the_articles_shown_beside_it(faqbot: Run) -> None:
    # «бонусы»: the points programme, most likely; inviting a friend for a bonus, maybe.
    result = faqbot("search", "бонусы", "--articles", str(DEMO), "--json")
    found = json.loads(result.out)
    assert_result(found, "бонусы")
    assert found["decision"] == "answer" and found["hits"][0]["id"] == "bonus-points"
    assert found["related"] == ["referral-bonus"]
    explained = faqbot("search", "бонусы", "--articles", str(DEMO))
    beside = next(line for line in explained.lines if "referral-bonus" in line)
    assert "beside" in beside


def test_a_clear_answer_lists_nothing_beside_it(faqbot: Run) -> None:
    found = json.loads(
        faqbot("search", "как пригласить друга", "--articles", str(DEMO), "--json").out
    )
    assert found["decision"] == "answer" and "related" not in found
