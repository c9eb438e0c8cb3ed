"""The examples in the benchmark modules' docstrings run and give what they show."""

from __future__ import annotations

import doctest
from types import ModuleType

import pytest

from benchmarks import baselines, measure, quality, readme, report, speed_section, synthetic


@pytest.mark.parametrize(
    "module", [baselines, measure, quality, readme, report, speed_section, synthetic]
)
def test_docstring_examples(module: ModuleType) -> None:
    failed, tried = doctest.testmod(module)
    assert tried and not failed
