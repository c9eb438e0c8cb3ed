"""What each pair of decision thresholds does on each dev set, leave-one-set-out.

    python -m benchmarks.calibrate [--features FILE]

The decision's probability models are learned by ``python -m benchmarks.train --write`` (and
read from ``nlp/models/fusion.json``); only the two bands are a choice, and this prints what
each pair would do on each set with models fitted on the other sets: auto-answered share of
in-scope questions, wrong answers among answers, right article offered (answered or among the
choices), out-of-scope questions not answered. ``bot/policy.py``'s ``ANSWER_AT`` and
``CLARIFY_AT`` are picked from this table.
"""

from __future__ import annotations

import argparse
import pickle
from collections.abc import Sequence
from pathlib import Path

from benchmarks import train
from bot.policy import Thresholds

ANSWER = (0.7, 0.75, 0.8, 0.85, 0.9)
CLARIFY = (0.2, 0.3, 0.4, 0.5)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.calibrate", description=__doc__)
    parser.add_argument(
        "--features", metavar="FILE", help="features kept by `benchmarks.train --features`"
    )
    args = parser.parse_args(argv)
    if args.features and Path(args.features).exists():
        with open(args.features, "rb") as handle:
            data = pickle.load(handle)  # our own file from an earlier run
    else:
        data = train.collect_all()
    sets = {name: data[name] for name in train.TRAIN_SETS if name in data}
    models = {held: train.train({n: q for n, q in sets.items() if n != held}) for held in sets}
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


if __name__ == "__main__":
    main()
