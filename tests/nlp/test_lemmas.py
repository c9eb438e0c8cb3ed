"""The lemmatiser's memory: bounded, whatever customers type for as long as the bot runs."""

from __future__ import annotations

from nlp.lemmas import Lemmatizer


def test_the_memory_of_words_is_bounded_and_forgetting_changes_no_answer() -> None:
    lemmatizer = Lemmatizer(memory=50)
    assert lemmatizer.lemma("заказы") == "заказ"
    for n in range(500):
        lemmatizer.lemma(f"абв{n}где")
        lemmatizer.is_known(f"абв{n}где")
    assert lemmatizer.remembered() <= 50
    assert lemmatizer.lemma("заказы") == "заказ"
    assert lemmatizer.pos("заказы") == "NOUN"
    assert lemmatizer.is_known("заказы")
    assert not lemmatizer.is_known("абвгде")
