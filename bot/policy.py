"""The decision after retrieval: answer, offer a few choices, or hand over to a person.

Raw retrieval scores are not probabilities, so two small logistic models turn the ranking's
evidence (top score, margin to the runner-up, how much of the question the best article covers,
whether the word and character views agree, how many words were unknown) into
``p_top1`` (the first hit is right) and ``p_top3`` (the right article is among the first three).

Bands, with the defaults calibrated on the shared dev sets by ``benchmarks/calibrate.py``:

* ``p_top1 >= answer``: **answer** with the first article;
* else ``p_top3 >= clarify``: **clarify** with 2–3 close candidates as buttons;
* else: **escalate** (out of scope, or too unsure to bother the customer with guesses).

An operator who wants fewer wrong answers raises ``answer`` (more questions become clarify);
one whose agents are overloaded lowers ``clarify`` (fewer escalations, more guesses).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from nlp.documents import Hit, Ranking

FEATURES = ("top", "margin", "ratio", "coverage", "agreement", "unknown", "terms")


@dataclass(frozen=True)
class Calibration:
    """Logistic-model coefficients, in ``FEATURES`` order, then the intercept."""

    top1: tuple[float, ...] = (0.51, 1.588, -2.43, 2.288, 0.739, -1.026, 0.934, -0.825)
    top3: tuple[float, ...] = (1.802, 1.092, -1.613, 3.282, 0.516, -0.981, 1.038, -1.544)


@dataclass(frozen=True)
class Thresholds:
    """Where the bands start; see the module docstring.

    :param answer: minimum ``p_top1`` to answer on its own
    :param clarify: minimum ``p_top3`` to offer choices instead of escalating
    :param choices: how many candidates a clarify offers at most
    :param choice_ratio: a candidate is offered if its score is at least this share of the best
    """

    answer: float = 0.7
    clarify: float = 0.6
    choices: int = 3
    choice_ratio: float = 0.6


@dataclass(frozen=True)
class Answer:
    hit: Hit
    confidence: float
    kind: Literal["answer"] = "answer"


@dataclass(frozen=True)
class Clarify:
    hits: tuple[Hit, ...]
    confidence: float
    kind: Literal["clarify"] = "clarify"


@dataclass(frozen=True)
class Escalate:
    confidence: float
    kind: Literal["escalate"] = "escalate"


Decision = Answer | Clarify | Escalate


def features(ranking: Ranking) -> tuple[float, ...]:
    """The evidence the calibration weighs, in ``FEATURES`` order."""
    hits = ranking.hits
    top = hits[0].score if hits else 0.0
    second = hits[1].score if len(hits) > 1 else 0.0
    return (
        top,
        top - second,
        second / top if top else 1.0,
        ranking.coverage,
        1.0 if ranking.agreement else 0.0,
        ranking.unknown,
        math.log1p(len(ranking.analysis.terms)),
    )


def _probability(coefficients: tuple[float, ...], values: tuple[float, ...]) -> float:
    z = coefficients[-1] + sum(c * v for c, v in zip(coefficients, values, strict=False))
    return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))


def probabilities(ranking: Ranking, calibration: Calibration | None = None) -> tuple[float, float]:
    """``(p_top1, p_top3)`` for a ranking."""
    if not ranking.hits:
        return 0.0, 0.0
    cal = calibration or Calibration()
    values = features(ranking)
    p1 = _probability(cal.top1, values)
    return p1, max(p1, _probability(cal.top3, values))


def decide(
    ranking: Ranking,
    thresholds: Thresholds | None = None,
    calibration: Calibration | None = None,
) -> Decision:
    """Answer, clarify or escalate, with a confidence in [0, 1]."""
    th = thresholds or Thresholds()
    p1, p3 = probabilities(ranking, calibration)
    if not ranking.hits:
        return Escalate(confidence=0.0)
    if p1 >= th.answer:
        return Answer(hit=ranking.hits[0], confidence=p1)
    if p3 >= th.clarify and len(ranking.hits) > 1:
        best = ranking.hits[0].score
        close = [h for h in ranking.hits if h.score >= th.choice_ratio * best]
        return Clarify(
            hits=tuple((close if len(close) >= 2 else ranking.hits)[: th.choices]), confidence=p1
        )
    return Escalate(confidence=p1)
