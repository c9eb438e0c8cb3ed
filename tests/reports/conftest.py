"""Fixtures for the reports: the demo knowledge base's index, built once per test module."""

from __future__ import annotations

from pathlib import Path

import pytest

from kb import load_folder
from kb.index import Index

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "articles"


@pytest.fixture(scope="module")
def index() -> Index:
    """The demo KB (44 car-sharing articles) and the engine fitted on it."""
    result = load_folder(DEMO)
    assert not result.problems
    return Index.build(result.catalog)
