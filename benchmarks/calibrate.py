"""What each pair of decision thresholds does on each dev set, leave-one-set-out.

    python -m benchmarks.calibrate [--features FILE]

The decision's probability models are learned by ``python -m benchmarks.train --write`` (and
read from ``nlp/models/fusion.json``); only the two bands are a choice, and this prints what
each pair would do on each set with models fitted on the other sets: auto-answered share of
in-scope questions, wrong answers among answers, right article offered (answered or among the
choices), out-of-scope questions not answered. ``bot/policy.py``'s ``ANSWER_AT`` and
``CLARIFY_AT`` are picked from this table.

A second table is for the customer's «нет» under an answer: the next candidates are offered
only if their share of the ranking is at least a floor. Per floor, over every question whose
first hit was wrong (in scope or not): how often the right article is still among the offered,
how many wrong ones are offered on average, and how often nothing is (the ticket form comes
at once). The dialogue offers the next ones with no floor (``Thresholds.choice_ratio`` 0): every
floor in this table loses more right articles than it spares wrong ones.

A third is for the runners-up shown beside an answer (``Thresholds.related``): per floor on
their share of the ranking and per set, the right article offered (answered, beside the answer
or among choices) and how many answers carry anything beside them (buttons the customer has
to read past when the answer was right). ``RELATED_AT`` is picked from it.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from benchmarks import train
from bot.policy import Answer, Thresholds, decide
from nlp.fusion import FusionModel

ANSWER = (0.7, 0.75, 0.8, 0.85, 0.9)
CLARIFY = (0.2, 0.3, 0.4, 0.5)
FOLLOW_UP = (0.0, 0.005, 0.01, 0.02, 0.03, 0.05, 0.1)
RELATED = (0.01, 0.02, 0.03, 0.05, 0.1, 0.2, 1.01)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.calibrate", description=__doc__)
    parser.add_argument(
        "--features", metavar="FILE", help="features kept by `benchmarks.train --features`"
    )
    args = parser.parse_args(argv)
    if args.features and Path(args.features).exists():
        data = train.load_features(Path(args.features))
    else:
        data = train.collect_all()
    sets = {name: data[name] for name in train.TRAIN_SETS if name in data}
    extra = {name: data[name] for name in train.RANKER_ALSO if name in data}
    models = {
        held: train.train({n: q for n, q in sets.items() if n != held}, extra) for held in sets
    }
    print("answer clarify | per set: auto-answered, wrong among answers, offered, OOS not answered")
    for answer in ANSWER:
        for clarify in CLARIFY:
            cells = []
            for held, questions in sets.items():
                o = train.measure(questions, models[held], Thresholds(answer, clarify))["ours"]
                precision = o["auto_answer_precision"]
                wrong = 0.0 if precision is None else 1 - precision
                oos = o["oos_not_answered"]
                cells.append(
                    f"{held[:6]} {o['auto_answer_rate']:.2f} {wrong:.3f} "
                    f"{o['right_article_offered']:.2f} {'-' if oos is None else f'{oos:.2f}'}"
                )
            print(f"{answer:.2f}   {clarify:.2f}   | " + " | ".join(cells), flush=True)
    print()
    follow_ups(sets, models)
    print()
    related(sets, models)


def follow_ups(sets: dict[str, list[train.Question]], models: dict[str, FusionModel]) -> None:
    """What each floor leaves after a «нет» to the first hit, the sets pooled."""
    choices = Thresholds().choices
    nexts: list[tuple[list[float], list[bool], bool]] = []
    for held, questions in sets.items():
        for q in questions:
            ranking = train.outcome(q, models[held])
            if ranking is None or len(ranking.hits) < 2:
                continue
            if q.case.in_scope and ranking.hits[0].doc_id == q.case.expected:
                continue  # the customer would not say «нет»
            rest = ranking.hits[1:]
            right = [q.case.in_scope and h.doc_id == q.case.expected for h in rest]
            nexts.append(([h.score for h in rest], right, q.case.in_scope))
    scoped = sum(1 for _, _, in_scope in nexts if in_scope)
    print(f"follow-up floor | {len(nexts)} questions whose first hit was wrong ({scoped} in scope)")
    print("floor  | right article still offered (in scope) | wrong offered, mean | nothing offered")
    for floor in FOLLOW_UP:
        kept = wrong = empty = 0
        for scores, right, _ in nexts:
            offered = [i for i, s in enumerate(scores) if s >= floor][:choices]
            kept += any(right[i] for i in offered)
            wrong += sum(not right[i] for i in offered)
            empty += not offered
        print(
            f"{floor:<6} | {kept / max(1, scoped):.3f} | {wrong / len(nexts):.2f} | "
            f"{empty / len(nexts):.3f}",
            flush=True,
        )


def related(sets: dict[str, list[train.Question]], models: dict[str, FusionModel]) -> None:
    """Per floor: the right article offered, and the answers that carry runners-up."""
    print("related floor | per set: right article offered, answers with articles beside them")
    rankings = {
        held: [(q, train.outcome(q, models[held])) for q in questions]
        for held, questions in sets.items()
    }
    for floor in RELATED:
        cells = []
        for held, pairs in rankings.items():
            offered = scoped = answers = beside = 0
            for q, ranking in pairs:
                if ranking is None or not ranking.hits:
                    scoped += q.case.in_scope
                    continue
                decision = decide(ranking, Thresholds(related=floor), models[held])
                if isinstance(decision, Answer):
                    answers += 1
                    beside += bool(decision.related)
                    shown = [h.doc_id for h in decision.offered]
                else:
                    shown = [h.doc_id for h in getattr(decision, "hits", ())]
                if q.case.in_scope:
                    scoped += 1
                    offered += q.case.expected in shown
            cells.append(
                f"{held[:6]} {offered / max(1, scoped):.3f} {beside / max(1, answers):.2f}"
            )
        print(f"{floor:<13} | " + " | ".join(cells), flush=True)


if __name__ == "__main__":
    main()
