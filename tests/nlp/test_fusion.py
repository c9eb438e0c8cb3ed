from __future__ import annotations

import json
from pathlib import Path

import pytest

from nlp.fusion import HYBRID, MODEL_PATH, VERSION, FusionModelError, load_model, read_model


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
