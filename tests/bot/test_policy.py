"""The answer / clarify / escalate bands."""

from __future__ import annotations

from bot.policy import Answer, Clarify, Escalate, Thresholds, decide, probabilities
from nlp.analyzer import Analysis
from nlp.documents import Hit, Ranking


def ranking(*scores: float, coverage: float = 1.0, agreement: bool = True) -> Ranking:
    hits = tuple(Hit(f"a{i}", s) for i, s in enumerate(scores))
    return Ranking(Analysis("q", ("отменить", "заказ")), hits, coverage, agreement)


def test_clear_winner_is_answered() -> None:
    decision = decide(ranking(0.9, 0.2, 0.1))
    assert isinstance(decision, Answer)
    assert decision.hit.doc_id == "a0"
    assert 0.0 <= decision.confidence <= 1.0


def test_close_candidates_are_offered_as_choices_four_at_most() -> None:
    scores = (0.3, 0.25, 0.2, 0.15, 0.1)
    decision = decide(ranking(*scores), Thresholds(answer=0.95, clarify=0.0))
    assert isinstance(decision, Clarify)
    assert [h.doc_id for h in decision.hits] == ["a0", "a1", "a2", "a3"]


def test_an_answer_carries_two_runners_up_at_most() -> None:
    decision = decide(ranking(0.4, 0.2, 0.2, 0.2), Thresholds(answer=0.0))
    assert isinstance(decision, Answer)
    assert [h.doc_id for h in decision.related] == ["a1", "a2"]


def test_clarify_offers_at_most_the_configured_number() -> None:
    decision = decide(ranking(0.5, 0.5, 0.5, 0.5), Thresholds(answer=1.0, clarify=0.0, choices=2))
    assert isinstance(decision, Clarify) and len(decision.hits) == 2


def test_weak_match_is_escalated() -> None:
    decision = decide(ranking(0.05, 0.04, coverage=0.1, agreement=False))
    assert isinstance(decision, Escalate)


def test_no_hits_is_escalated_with_zero_confidence() -> None:
    empty = Ranking(Analysis("", ()), ())
    assert decide(empty) == Escalate(confidence=0.0)


def test_confidence_grows_with_the_first_hits_lead() -> None:
    # Hit scores are a distribution over the candidates: a lead shows in the first one's share.
    narrow, _ = probabilities(ranking(0.5, 0.45))
    wide, _ = probabilities(ranking(0.9, 0.05))
    assert wide > narrow


def test_raising_the_answer_threshold_turns_answers_into_choices() -> None:
    r = ranking(0.6, 0.3, 0.2)
    assert isinstance(decide(r), Answer)
    assert isinstance(decide(r, Thresholds(answer=0.999, clarify=0.0)), Clarify)


def test_an_answer_brings_the_runners_up_that_hold_a_share_of_the_ranking() -> None:
    decision = decide(ranking(0.86, 0.08, 0.04, 0.02), Thresholds(answer=0.0))
    assert isinstance(decision, Answer)
    # 0.08 ≥ 5 %, the rest below: one article beside the answer, never the answer itself.
    assert [h.doc_id for h in decision.related] == ["a1"]
    assert [h.doc_id for h in decision.offered] == ["a0", "a1"]


def test_a_clear_answer_comes_alone() -> None:
    decision = decide(ranking(0.97, 0.02, 0.01), Thresholds(answer=0.0))
    assert isinstance(decision, Answer) and decision.related == ()


def test_runners_up_beside_an_answer_are_bounded_by_beside() -> None:
    even = ranking(0.4, 0.2, 0.2, 0.2)
    decision = decide(even, Thresholds(answer=0.0, beside=1))
    assert isinstance(decision, Answer) and [h.doc_id for h in decision.related] == ["a1"]
    assert decide(even, Thresholds(answer=0.0, related=1.01)).related == ()  # type: ignore[union-attr]
