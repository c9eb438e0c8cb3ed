"""Fit the decision policy's confidence models on the shared dev sets and print them.

    python -m benchmarks.calibrate

Prints ``Calibration`` coefficients to paste into ``bot/policy.py`` and, for a range of
thresholds, what the bands would do on each set, so the defaults are a measured choice.
"""

from __future__ import annotations

import numpy as np
from sklearn.linear_model import LogisticRegression

from benchmarks.datasets import DEV_SETS
from bot.evaluation import read_cases
from bot.policy import FEATURES, features
from kb import load_folder
from kb.index import Index

CALIBRATION_SETS = ("sota", "klever", "rutube-zero")


def collect() -> dict[str, tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]]:
    """Per set: features, top-1 right, right in top-3, in scope."""
    out = {}
    for ds in DEV_SETS:
        if ds.name not in CALIBRATION_SETS or not ds.available:
            continue
        index = Index.build(load_folder(ds.articles).catalog)
        rows, y1, y3, scope = [], [], [], []
        for case in read_cases(ds.cases):
            ranking = index.search(case.question, k=10)
            ids = [h.doc_id for h in ranking.hits]
            rows.append(features(ranking))
            y1.append(case.in_scope and ids[:1] == [case.expected])
            y3.append(case.in_scope and case.expected in ids[:3])
            scope.append(case.in_scope)
        out[ds.name] = (np.array(rows), np.array(y1), np.array(y3), np.array(scope))
    return out


def fit(x: np.ndarray, y: np.ndarray, weight: np.ndarray) -> tuple[float, ...]:
    model = LogisticRegression(C=1.0, max_iter=5000).fit(x, y, sample_weight=weight)
    return (*(round(float(c), 3) for c in model.coef_[0]), round(float(model.intercept_[0]), 3))


def main() -> None:
    data = collect()
    # Each set weighs the same, whatever its size: the real mix of questions is unknown.
    x = np.vstack([d[0] for d in data.values()])
    weight = np.concatenate([np.full(len(d[0]), 1.0 / len(d[0])) for d in data.values()])
    weight *= len(weight) / weight.sum()
    top1 = fit(x, np.concatenate([d[1] for d in data.values()]), weight)
    top3 = fit(x, np.concatenate([d[2] for d in data.values()]), weight)
    print("features:", FEATURES)
    print(f"top1 = {top1}")
    print(f"top3 = {top3}")

    def sigmoid(c: tuple[float, ...], f: np.ndarray) -> np.ndarray:
        return 1 / (1 + np.exp(-(f @ np.array(c[:-1]) + c[-1])))

    print("\nanswer  clarify | per set: auto-answer rate, answer precision, offered, oos rejected")
    for answer in (0.6, 0.65, 0.7, 0.75, 0.8):
        for clarify in (0.4, 0.5, 0.6, 0.7):
            cells = []
            for name, (f, y1, y3, scope) in data.items():
                p1 = sigmoid(top1, f)
                p3 = np.maximum(p1, sigmoid(top3, f))
                ans = p1 >= answer
                cla = ~ans & (p3 >= clarify)
                rate = (ans & scope).sum() / scope.sum()
                prec = (ans & y1).sum() / max(1, ans.sum())
                offered = ((ans & y1) | (cla & y3)).sum() / scope.sum()
                oos = (~scope).sum()
                rej = ((~ans & ~cla) & ~scope).sum() / oos if oos else float("nan")
                cells.append(f"{name[:6]} {rate:.2f} {prec:.3f} {offered:.2f} {rej:.2f}")
            print(f"{answer:.2f}    {clarify:.2f}   | " + " | ".join(cells))


if __name__ == "__main__":
    main()
