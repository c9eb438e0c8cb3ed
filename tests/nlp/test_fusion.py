from __future__ import annotations

import json
from pathlib import Path

import pytest

from nlp.fusion import (
    DECISION,
    HYBRID,
    MODEL_PATH,
    VERSION,
    FusionModelError,
    Logistic,
    load_model,
    read_model,
)


def test_the_shipped_model_fits_the_code() -> None:
    model = load_model()
    assert model.engines["hybrid"].ranker.features == HYBRID
    assert 0 < model.skip_dense_at <= 1.01


def test_a_model_file_of_another_version_is_refused_clearly(tmp_path: Path) -> None:
    data = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    data["version"] = VERSION + 1
    path = tmp_path / "fusion.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(FusionModelError, match=r"version .* retrain it with"):
        read_model(path)


def test_a_model_file_with_other_features_is_refused(tmp_path: Path) -> None:
    data = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    data["engines"]["hybrid"]["ranker"]["features"][0] = "something_else"
    path = tmp_path / "fusion.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(FusionModelError, match="something_else"):
        read_model(path)


def test_a_missing_model_file_says_how_to_make_one(tmp_path: Path) -> None:
    with pytest.raises(FusionModelError, match="benchmarks.train"):
        read_model(tmp_path / "nope.json")


def test_a_feature_beyond_its_training_range_counts_as_the_range_end() -> None:
    model = Logistic(("terms", "top"), (1.0, 2.0), 0.5, low=(0.0, 0.0), high=(3.0, 1.0))
    assert model.logits([[40.0, -1.0]])[0] == 3.0 * 1.0 + 0.0 * 2.0 + 0.5
    assert model.logits([[1.0, 0.5]])[0] == 1.0 + 1.0 + 0.5  # inside the range: as it is


def test_the_shipped_decision_knows_the_range_it_was_trained_on() -> None:
    for engine in load_model().engines.values():
        for part in (engine.top1, engine.top3):
            assert len(part.low) == len(part.high) == len(DECISION)
            assert all(lo <= hi for lo, hi in zip(part.low, part.high, strict=True))


def test_a_training_range_that_does_not_fit_the_features_is_refused(tmp_path: Path) -> None:
    data = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    data["engines"]["hybrid"]["top1"]["low"] = [0.0]
    path = tmp_path / "fusion.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(FusionModelError, match="range"):
        read_model(path)
