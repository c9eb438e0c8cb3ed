from __future__ import annotations

import io
import logging
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from nlp.embedding_cache import EmbeddingCache, _key, both, progress_bar, progress_log
from nlp.encoders import HashingEncoder


class CountingEncoder(HashingEncoder):
    """A real encoder that also remembers what it was asked to embed."""

    def __init__(self) -> None:
        super().__init__(dimension=32)
        self.embedded: list[str] = []

    def passages(self, texts: Sequence[str]) -> np.ndarray:
        self.embedded.extend(texts)
        return super().passages(texts)


def test_a_restart_embeds_nothing_already_cached(tmp_path: Path) -> None:
    texts = ["Как сменить тариф", "Сменить номер телефона"]
    first = CountingEncoder()
    vectors = EmbeddingCache(tmp_path).embed(first, texts)
    restarted = CountingEncoder()
    again = EmbeddingCache(tmp_path).embed(restarted, texts)
    assert first.embedded == texts
    assert restarted.embedded == []
    assert np.allclose(vectors, again, atol=1e-3)  # stored as float16


def test_an_edit_embeds_only_the_changed_text(tmp_path: Path) -> None:
    EmbeddingCache(tmp_path).embed(CountingEncoder(), ["Как сменить тариф", "Сменить номер"])
    encoder = CountingEncoder()
    EmbeddingCache(tmp_path).embed(encoder, ["Как сменить тариф", "Сменить номер телефона"])
    assert encoder.embedded == ["Сменить номер телефона"]


def test_a_broken_cache_file_is_rebuilt_with_a_warning(tmp_path: Path) -> None:
    EmbeddingCache(tmp_path).embed(CountingEncoder(), ["Как сменить тариф"])
    (file,) = tmp_path.glob("*.npz")
    file.write_bytes(b"not a numpy file")
    encoder = CountingEncoder()
    with pytest.warns(RuntimeWarning, match="unreadable"):
        EmbeddingCache(tmp_path).embed(encoder, ["Как сменить тариф"])
    assert encoder.embedded == ["Как сменить тариф"]
    assert EmbeddingCache(tmp_path).embed(CountingEncoder(), ["Как сменить тариф"]).shape == (1, 32)


def test_progress_reports_the_new_texts(tmp_path: Path) -> None:
    seen: list[tuple[int, int]] = []
    texts = [f"статья {i}" for i in range(70)]
    EmbeddingCache(tmp_path).embed(
        CountingEncoder(), texts, progress=lambda d, t: seen.append((d, t))
    )
    assert seen == [(64, 70), (70, 70)]


def test_two_processes_saving_keep_each_others_texts(tmp_path: Path) -> None:
    first, second = EmbeddingCache(tmp_path), EmbeddingCache(tmp_path)
    second.embed(CountingEncoder(), ["Роуминг"])  # the second has read the file already
    first.embed(CountingEncoder(), ["Как сменить тариф"])
    second.embed(CountingEncoder(), ["Сменить номер"])  # saves over the first's file
    encoder = CountingEncoder()
    EmbeddingCache(tmp_path).embed(encoder, ["Как сменить тариф", "Сменить номер", "Роуминг"])
    assert encoder.embedded == []


class Terminal(io.StringIO):
    """A text stream that says it is a terminal, as stderr does in a shell."""

    def isatty(self) -> bool:
        return True


def test_a_large_build_draws_a_progress_bar_on_a_terminal(tmp_path: Path) -> None:
    screen = Terminal()
    texts = [f"статья {i}" for i in range(130)]
    EmbeddingCache(tmp_path).embed(CountingEncoder(), texts, progress=progress_bar(stream=screen))
    assert "130/130" in screen.getvalue()


def test_an_edit_of_a_few_texts_draws_no_bar(tmp_path: Path) -> None:
    screen = Terminal()
    bar = progress_bar(stream=screen)
    EmbeddingCache(tmp_path).embed(CountingEncoder(), ["Как сменить тариф"], progress=bar)
    assert screen.getvalue() == ""


def test_no_bar_is_drawn_into_a_pipe_or_a_log(tmp_path: Path) -> None:
    piped = io.StringIO()
    texts = [f"статья {i}" for i in range(130)]
    EmbeddingCache(tmp_path).embed(CountingEncoder(), texts, progress=progress_bar(stream=piped))
    assert piped.getvalue() == ""


def test_a_large_build_logs_its_progress_where_no_terminal_shows_a_bar(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    texts = [f"статья {i}" for i in range(640)]
    report = both(progress_bar(stream=io.StringIO()), progress_log(logging.getLogger("faqbot")))
    with caplog.at_level(logging.INFO, logger="faqbot"):
        EmbeddingCache(tmp_path).embed(CountingEncoder(), texts, progress=report)
    lines = caplog.messages
    assert lines[0] == "embedding 640 new passages (cached ones are reused)"
    assert "embedded 320 of 640 passages (50%)" in lines
    assert lines[-1].startswith("embedded 640 passages in ")
    assert len(lines) <= 11  # a line a tenth of the way at most, not one per batch


def test_an_edit_of_a_few_texts_logs_nothing(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="faqbot"):
        EmbeddingCache(tmp_path).embed(
            CountingEncoder(),
            ["Как сменить тариф"],
            progress=progress_log(logging.getLogger("faqbot")),
        )
    assert caplog.messages == []


def test_a_text_whose_key_ends_in_a_zero_byte_is_found_after_a_restart(tmp_path: Path) -> None:
    # numpy strips trailing NUL bytes from fixed-width byte strings: one key in 256 ends in one.
    text = next(f"статья {i}" for i in range(10_000) if _key(f"статья {i}").endswith(b"\0"))
    EmbeddingCache(tmp_path).embed(CountingEncoder(), [text])
    encoder = CountingEncoder()
    EmbeddingCache(tmp_path).embed(encoder, [text])
    assert encoder.embedded == []
