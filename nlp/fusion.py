"""The learned parts of the engine, read from one versioned JSON file written by a benchmark.

``benchmarks/train.py`` fits them on the shared dev sets and writes ``nlp/models/fusion.json``;
nothing here is typed in by hand. The file holds, per engine (``lexical``: word views only;
``hybrid``: word and dense views):

* ``ranker``: a logistic model scoring each candidate article from its features
  (:data:`nlp.hybrid.LEXICAL` / :data:`nlp.hybrid.HYBRID`), standardised by the stored means
  and scales: the candidates are ranked by it;
* ``top1`` / ``top3``: two logistic models over the ranking's evidence
  (:data:`DECISION`), the probabilities that the first hit is right and that the right
  article is among the first three (the decision policy's bands are on these);

and ``skip_dense_at``: the lexical ``p_top1`` above which the dense stage is not run.

A file whose ``version`` or feature names differ from the code's is refused with
:class:`FusionModelError`: a model fitted on other features would rank silently wrong.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = [
    "DECISION",
    "DENSE",
    "LEXICAL",
    "HYBRID",
    "MODEL_PATH",
    "VERSION",
    "EngineModel",
    "FusionModel",
    "FusionModelError",
    "Logistic",
    "load_model",
    "parse_model",
]

#: Bump whenever a feature changes meaning: old files are then refused, not misread.
VERSION = 2
MODEL_PATH = Path(__file__).with_name("models") / "fusion.json"

#: Candidate features of the word views (see :mod:`nlp.retriever`), relative where noted.
LEXICAL = (
    "word_article",
    "pair_phrasing",
    "char_phrasing",
    "cover_phrasing",
    "cover_article",
    "lexical",  # the hand-set sum of the five, as a prior
    "lexical_gap",  # lexical minus the best article's lexical
    "lexical_ratio",  # lexical over the best article's lexical
    "lexical_rank",  # log(1 + rank) by lexical
    "bm25_ratio",  # BM25 over the whole article, over the best article's
)
#: Candidate features of the dense views (see :mod:`nlp.semantic`).
DENSE = (
    "dense_title",
    "dense_phrasing",
    "dense_body",
    "dense_best",
    "dense_gap",  # dense_best minus the best article's
    "dense_scaled",  # dense_best rescaled from the 10th best (0) to the best (1)
    "dense_rank",  # log(1 + rank) by dense_best
    "agree",  # first by both lexical and dense
)
HYBRID = LEXICAL + DENSE
#: What the decision weighs, per ranking (see :func:`nlp.documents.Ranking`).
DECISION = (
    "top",
    "margin",
    "coverage",
    "agreement",
    "unknown",
    "terms",
    "dense",
    "dense_margin",
    "rivals",
    # Where the first hit stands by each view on its own: views that agree are right more often.
    "words_agree",
    "words_share",
    "lexical_rank",
    "lexical_ratio",
    "dense_rank",
    "dense_scaled",
)

Floats = npt.NDArray[np.float64]


class FusionModelError(ValueError):
    """The model file is missing, unreadable, or made for other features than this code's."""

    def __init__(self, path: str, problem: str) -> None:
        super().__init__(path, problem)
        self.path = path
        self.problem = problem

    def __str__(self) -> str:
        return (
            f"{self.path}: {self.problem}; retrain it with "
            "`python -m benchmarks.train --write` (the shared dev sets must be beside the repo)"
        )


@dataclass(frozen=True)
class Logistic:
    """``sigmoid(((x - mean) / scale) · coef + intercept)`` over named features.

    ``low``/``high``: the range each feature had in training; a value outside it is read as
    its nearest end. A linear model extrapolates without limit: a message of 700 words (its
    ``terms`` far past any training question's) would otherwise be as good as certain.
    """

    features: tuple[str, ...]
    coef: tuple[float, ...]
    intercept: float
    mean: tuple[float, ...] = ()
    scale: tuple[float, ...] = ()
    low: tuple[float, ...] = ()
    high: tuple[float, ...] = ()

    def logits(self, rows: npt.ArrayLike) -> Floats:
        x = np.asarray(rows, dtype=np.float64).reshape(-1, len(self.features))
        if self.low:
            x = np.clip(x, np.asarray(self.low), np.asarray(self.high))
        if self.mean:
            x = (x - np.asarray(self.mean)) / np.asarray(self.scale)
        out: Floats = x @ np.asarray(self.coef) + self.intercept
        return out

    def probability(self, row: Sequence[float]) -> float:
        z = float(self.logits([row])[0])
        return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "features": list(self.features),
            "coef": [round(c, 6) for c in self.coef],
            "intercept": round(self.intercept, 6),
            "mean": [round(m, 6) for m in self.mean],
            "scale": [round(s, 6) for s in self.scale],
        }
        if self.low:
            out["low"] = [round(v, 6) for v in self.low]
            out["high"] = [round(v, 6) for v in self.high]
        return out


@dataclass(frozen=True)
class EngineModel:
    """The ranker and the decision's two probability models of one engine."""

    ranker: Logistic
    top1: Logistic
    top3: Logistic


@dataclass(frozen=True)
class FusionModel:
    """Everything learned; see the module docstring."""

    engines: Mapping[str, EngineModel]
    skip_dense_at: float
    trained_on: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {
            "version": VERSION,
            "trained_on": list(self.trained_on),
            "skip_dense_at": self.skip_dense_at,
            "engines": {
                name: {
                    "ranker": e.ranker.as_dict(),
                    "top1": e.top1.as_dict(),
                    "top3": e.top3.as_dict(),
                }
                for name, e in self.engines.items()
            },
        }


_EXPECTED = {"lexical": LEXICAL, "hybrid": HYBRID}


def _logistic(data: Mapping[str, Any], expected: tuple[str, ...], where: str) -> Logistic:
    features = tuple(data["features"])
    if features != expected:
        raise ValueError(f"{where} has features {list(features)}, this code uses {list(expected)}")
    coef = tuple(float(c) for c in data["coef"])
    mean = tuple(float(m) for m in data.get("mean", ()))
    scale = tuple(float(s) for s in data.get("scale", ()))
    low = tuple(float(v) for v in data.get("low", ()))
    high = tuple(float(v) for v in data.get("high", ()))
    if len(coef) != len(features) or (mean and (len(mean) != len(coef) or len(scale) != len(coef))):
        raise ValueError(f"{where} has {len(coef)} coefficients for {len(features)} features")
    if len(low) != len(high) or (low and len(low) != len(coef)):
        raise ValueError(f"{where} has a training range that does not match its features")
    return Logistic(features, coef, float(data["intercept"]), mean, scale, low, high)


def parse_model(data: Mapping[str, Any], path: str = "fusion model") -> FusionModel:
    """A :class:`FusionModel` from the JSON file's content.

    :raises FusionModelError: wrong version, unknown engine, or features that differ from
        the code's
    """
    version = data.get("version") if isinstance(data, Mapping) else None
    if version != VERSION:
        raise FusionModelError(path, f"version {version!r}, this code reads version {VERSION}")
    try:
        engines = {}
        for name, expected in _EXPECTED.items():
            raw = data["engines"][name]
            engines[name] = EngineModel(
                ranker=_logistic(raw["ranker"], expected, f"{name}.ranker"),
                top1=_logistic(raw["top1"], DECISION, f"{name}.top1"),
                top3=_logistic(raw["top3"], DECISION, f"{name}.top3"),
            )
        return FusionModel(
            engines=engines,
            skip_dense_at=float(data["skip_dense_at"]),
            trained_on=tuple(data.get("trained_on", ())),
        )
    except (KeyError, TypeError, ValueError) as error:
        raise FusionModelError(path, f"unreadable model ({error})") from None


def read_model(path: Path) -> FusionModel:
    """:func:`parse_model` of a file.

    :raises FusionModelError: the file is missing, not JSON, or does not fit the code
    """
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise FusionModelError(str(path), "no such file") from None
    except (OSError, ValueError) as error:
        raise FusionModelError(str(path), f"not readable JSON ({error})") from None
    return parse_model(data, str(path))


@lru_cache(maxsize=4)
def load_model(path: Path = MODEL_PATH) -> FusionModel:
    """The model shipped with the package (read once per process)."""
    return read_model(path)
