"""The decision after retrieval: answer, offer a few choices, or hand over to a person.

Retrieval scores are not probabilities, so two small logistic models turn the ranking's
evidence (the ranker's probabilities of the first two hits, how much of the question the best
article covers, whether the views agree, how many words were unknown, the best dense cosine
and its margin) into ``p_top1`` (the first hit is right) and ``p_top3`` (the right article is
among the first three). Their coefficients are learned per engine (lexical, hybrid) on the
shared dev sets by ``python -m benchmarks.train --write`` and read from
``nlp/models/fusion.json`` (:mod:`nlp.fusion`); none is typed in here.

Bands, with the defaults chosen on the leave-one-set-out figures of that benchmark:

* ``p_top1 >= answer``: **answer** with the first article, and beside it the next ones
  (at most two) that still hold at least ``related`` of the ranking, as buttons: when the
  engine was torn, the right article is one tap away instead of a «нет» and a list;
* else ``p_top3 >= clarify``: **clarify** with 2–4 close candidates as buttons;
* else: **escalate** (out of scope, or too unsure to bother the customer with guesses).

An operator who wants fewer wrong answers raises ``answer`` (more questions become clarify);
one whose agents are overloaded lowers ``clarify`` (fewer escalations, more guesses).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from nlp.documents import Hit, Ranking
from nlp.fusion import DECISION, FusionModel, load_model
from nlp.hybrid import decision_features

FEATURES = DECISION


#: Default bands (see :class:`Thresholds`), chosen on the leave-one-set-out figures.
ANSWER_AT = 0.8
CLARIFY_AT = 0.3
#: The share of the ranking a runner-up needs to be shown beside an answer
#: (``python -m benchmarks.calibrate``, its third table).
RELATED_AT = 0.05


@dataclass(frozen=True)
class Thresholds:
    """Where the bands start; see the module docstring.

    :param answer: minimum ``p_top1`` to answer on its own
    :param clarify: minimum ``p_top3`` to offer choices instead of escalating
    :param choices: how many candidates a clarify offers at most (also the next ones after a
        «нет»). Four, not three: when the engine is unsure, the right article is fourth often
        enough (leave-one-set-out, right article offered: Most 96.4 → 98.6 %, RUTUBE 73.1 →
        75.1 %, Sota and Klever the same), and a fourth button costs less than a «нет» and
        another list
    :param beside: how many runners-up an answer carries at most (each still needs ``related``)
    :param choice_ratio: a candidate is offered if its score is at least this share of the best;
        0 by default, because hit scores are shares of one distribution over the candidates
        (the first often takes nearly all of it): a ratio would leave no next-best to offer
    :param related: the least score (share of the ranking) of a next-best article shown
        beside an answer; above 1 shows none
    """

    answer: float = ANSWER_AT
    clarify: float = CLARIFY_AT
    choices: int = 4
    choice_ratio: float = 0.0
    related: float = RELATED_AT
    beside: int = 2


@dataclass(frozen=True)
class Answer:
    """Answer with ``hit``; ``related``: the runners-up worth a button beside it."""

    hit: Hit
    confidence: float
    related: tuple[Hit, ...] = ()
    kind: Literal["answer"] = "answer"

    @property
    def offered(self) -> tuple[Hit, ...]:
        """Every article the customer sees: the answer first."""
        return (self.hit, *self.related)


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
    return decision_features(ranking)


def probabilities(ranking: Ranking, calibration: FusionModel | None = None) -> tuple[float, float]:
    """``(p_top1, p_top3)`` for a ranking, by the models of the engine that made it."""
    if not ranking.hits:
        return 0.0, 0.0
    engine = (calibration or load_model()).engines[ranking.engine]
    values = features(ranking)
    p1 = engine.top1.probability(values)
    return p1, max(p1, engine.top3.probability(values))


def decide(
    ranking: Ranking,
    thresholds: Thresholds | None = None,
    calibration: FusionModel | None = None,
) -> Decision:
    """Answer, clarify or escalate, with a confidence in [0, 1]."""
    th = thresholds or Thresholds()
    p1, p3 = probabilities(ranking, calibration)
    if not ranking.hits:
        return Escalate(confidence=0.0)
    if p1 >= th.answer:
        related = tuple(h for h in ranking.hits[1 : 1 + th.beside] if h.score >= th.related)
        return Answer(hit=ranking.hits[0], confidence=p1, related=related)
    if p3 >= th.clarify and len(ranking.hits) > 1:
        best = ranking.hits[0].score
        close = [h for h in ranking.hits if h.score >= th.choice_ratio * best]
        return Clarify(
            hits=tuple((close if len(close) >= 2 else ranking.hits)[: th.choices]), confidence=p1
        )
    return Escalate(confidence=p1)
