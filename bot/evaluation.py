"""Measuring the engine on labelled questions: ranking quality and decision quality.

Cases files are ``question<TAB>expected_id[<TAB>tag]``; ``-`` means no article covers it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from bot.policy import Answer, Clarify, Decision, Thresholds, decide
from kb.index import Index
from nlp.fusion import FusionModel

OUT_OF_SCOPE = "-"


@dataclass(frozen=True)
class Case:
    question: str
    expected: str
    tag: str = ""
    line: int = 0

    @property
    def in_scope(self) -> bool:
        return self.expected != OUT_OF_SCOPE


class CasesError(ValueError):
    """A cases file line that is not ``question<TAB>expected_id``."""


def parse_cases(lines: Iterable[str]) -> list[Case]:
    """Read cases; blank lines and ``#`` comments are skipped."""
    cases = []
    for number, line in enumerate(lines, 1):
        line = line.rstrip("\r\n")
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) < 2 or not parts[0].strip() or not parts[1].strip():
            raise CasesError(f"line {number}: expected 'question<TAB>expected_id[<TAB>tag]'")
        tag = parts[2].strip() if len(parts) > 2 else ""
        cases.append(Case(parts[0], parts[1].strip(), tag, number))
    return cases


def read_cases(path: Path) -> list[Case]:
    with path.open(encoding="utf-8") as handle:
        return parse_cases(handle)


@dataclass
class _Tally:
    total: int = 0
    correct: int = 0


@dataclass
class Report:
    """Counts behind every figure of ``faqbot eval``; ``as_dict`` gives the rates."""

    cases: int = 0
    in_scope: int = 0
    out_of_scope: int = 0
    top1: int = 0
    top3: int = 0
    reciprocal_rank: float = 0.0
    answered: int = 0
    answered_in_scope: int = 0
    answered_right: int = 0
    answered_wrong: int = 0
    answered_wrong_related: int = 0
    clarified: int = 0
    clarified_in_scope: int = 0
    clarified_with_right: int = 0
    escalated: int = 0
    escalated_in_scope: int = 0
    oos_rejected: int = 0
    oos_answered: int = 0
    per_tag: dict[str, _Tally] = field(default_factory=dict)

    def add(self, case: Case, ranked: list[str], decision: Decision) -> None:
        self.cases += 1
        tally = self.per_tag.setdefault(case.tag or "untagged", _Tally())
        tally.total += 1
        if isinstance(decision, Answer):
            self.answered += 1
        elif isinstance(decision, Clarify):
            self.clarified += 1
        else:
            self.escalated += 1
        if not case.in_scope:
            self.out_of_scope += 1
            rejected = not isinstance(decision, Answer | Clarify)
            self.oos_rejected += rejected
            self.oos_answered += isinstance(decision, Answer)
            if isinstance(decision, Answer):
                self.answered_wrong += 1
            tally.correct += rejected
            return
        self.in_scope += 1
        first = ranked[:1] == [case.expected]
        self.top1 += first
        self.top3 += case.expected in ranked[:3]
        if case.expected in ranked[:10]:
            self.reciprocal_rank += 1.0 / (ranked.index(case.expected) + 1)
        tally.correct += first
        if isinstance(decision, Answer):
            self.answered_in_scope += 1
            right = decision.hit.doc_id == case.expected
            self.answered_right += right
            self.answered_wrong += not right
            self.answered_wrong_related += not right and case.expected in [
                h.doc_id for h in decision.related
            ]
        elif isinstance(decision, Clarify):
            self.clarified_in_scope += 1
            self.clarified_with_right += case.expected in [h.doc_id for h in decision.hits]
        else:
            self.escalated_in_scope += 1

    def as_dict(self) -> dict[str, object]:
        def rate(a: float, b: int) -> float | None:
            return round(a / b, 4) if b else None

        return {
            "cases": self.cases,
            "in_scope": self.in_scope,
            "out_of_scope": self.out_of_scope,
            "top1": rate(self.top1, self.in_scope),
            "recall_at_3": rate(self.top3, self.in_scope),
            "mrr_at_10": rate(self.reciprocal_rank, self.in_scope),
            "auto_answer_rate": rate(self.answered_in_scope, self.in_scope),
            "auto_answer_precision": rate(self.answered_right, self.answered),
            "wrong_answer_rate": rate(self.answered_wrong, self.cases),
            "clarify_rate": rate(self.clarified, self.cases),
            "clarify_contains_right": rate(self.clarified_with_right, self.clarified_in_scope),
            "right_article_offered": rate(
                self.answered_right + self.answered_wrong_related + self.clarified_with_right,
                self.in_scope,
            ),
            "wrong_answer_with_right_related": rate(
                self.answered_wrong_related, self.answered_in_scope - self.answered_right
            ),
            "escalate_rate": rate(self.escalated, self.cases),
            "out_of_scope_rejection": rate(self.oos_rejected, self.out_of_scope),
            "per_tag": {
                tag: {"cases": t.total, "accuracy": rate(t.correct, t.total)}
                for tag, t in sorted(self.per_tag.items())
            },
        }


def evaluate(
    index: Index,
    cases: Iterable[Case],
    thresholds: Thresholds | None = None,
    calibration: FusionModel | None = None,
) -> Report:
    """Run every case through search and the decision policy.

    Per-tag accuracy is top-1 for in-scope cases and rejection for out-of-scope ones.
    """
    report = Report()
    for case in cases:
        ranking = index.search(case.question, k=10)
        decision = decide(ranking, thresholds, calibration)
        report.add(case, [h.doc_id for h in ranking.hits], decision)
    return report
