from __future__ import annotations

import gc
import weakref

import pytest

from nlp.typos import TypoFixer, keyboard_slips, max_edits

VOCABULARY = [
    "монетизация", "заказ", "доставка", "отменить", "курьер", "кот", "возврат", "где", "чат",
]  # fmt: skip


@pytest.fixture(scope="module")
def fixer() -> TypoFixer:
    return TypoFixer().fit(VOCABULARY)


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("монетизцаия", "монетизация"),  # transposition
        ("заказь", "заказ"),  # extra letter
        ("дотсавка", "доставка"),
        ("отменть", "отменить"),  # missing letter
        ("курер", "курьер"),
        ("возрат", "возврат"),
        ("дге", "где"),  # three letters: only a swap of neighbours
        ("чта", "чат"),
    ],
)
def test_typos_are_repaired_against_the_vocabulary(
    fixer: TypoFixer, typed: str, meant: str
) -> None:
    assert fixer.fix(typed) == meant


@pytest.mark.parametrize("word", ["код", "абракадабра", "zzzz", "заказ"])
def test_no_repair_for_short_far_or_known_words(fixer: TypoFixer, word: str) -> None:
    assert fixer.fix(word) is None


def test_edit_bound_grows_with_length() -> None:
    assert [max_edits("x" * n) for n in (3, 4, 6, 10)] == [0, 1, 2, 3]


def test_an_equally_close_pair_goes_to_the_commoner_word_then_the_first_alphabetically() -> None:
    # «кошка» and «мошка» are both one edit from «ношка»; «мошка» is used twice as often.
    assert TypoFixer().fit(["кошка", "мошка", "мошка"]).fix("ношка") == "мошка"
    assert TypoFixer().fit(["мошка", "кошка"]).fix("ношка") == "кошка"


def test_only_words_of_a_reachable_length_are_candidates() -> None:
    fixer = TypoFixer().fit(["доставка", "доставками", "дост"])
    assert fixer.fix("доствка") == "доставка"  # one letter short: within reach
    assert fixer.fix("доставкамии") == "доставками"  # one letter long
    assert TypoFixer().fit(["доставками"]).fix("доставк") is None  # three short, bound 2


def test_the_memory_of_repairs_is_bounded_and_forgetting_changes_no_answer() -> None:
    fixer = TypoFixer(memory=20).fit(VOCABULARY)
    for n in range(200):  # a long-running bot meets misspellings without end
        fixer.fix(f"заказ{'ь' * (n % 3 + 1)}{n}")
    assert fixer.remembered() <= 20
    assert fixer.fix("дотсавка") == "доставка"


def test_a_replaced_fixer_is_freed_at_once_not_left_to_the_cycle_collector() -> None:
    # After a reload the old index's fixer must go with it, even if start-up froze it
    # (gc.freeze: the cycle collector never looks at it again).
    fixer = TypoFixer().fit(VOCABULARY)
    fixer.fix("дотсавка")
    gone = weakref.ref(fixer)
    gc.disable()
    try:
        del fixer
        assert gone() is None
    finally:
        gc.enable()


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("балами", "баллами"),  # «бал» is a word, a dance: a doubled letter typed once
        ("сумой", "суммой"),
        ("крату", "карту"),  # «крат» is a word too: neighbours swapped
    ],
)
def test_a_real_word_is_read_as_the_vocabulary_word_it_is_a_common_slip_of(
    typed: str, meant: str
) -> None:
    fixer = TypoFixer().fit(["баллами", "суммой", "карту"])
    assert fixer.misread(typed) == meant


@pytest.mark.parametrize(
    "typed",
    [
        "вести",  # «ввести»: a doubled first letter is another common word
        "цена",  # «ценна»: «н»/«нн» both mean something
        "мен",  # «мне»: three letters make another word by any slip
        "помочь",  # «помощь» is one edit away, but not by a doubling or a swap
        "карту",  # the vocabulary's own word
    ],
)
def test_a_real_word_is_left_as_typed_where_a_slip_would_often_make_it(typed: str) -> None:
    fixer = TypoFixer().fit(["ввести", "ценна", "мне", "помощь", "карту"])
    assert fixer.misread(typed) is None


def test_one_edit_reaches_one_slip_and_no_further() -> None:
    fixer = TypoFixer().fit(["пароль", "заголовок", "дороже"])
    assert fixer.one_edit("пороль") == "пароль"
    assert fixer.one_edit("загаловак") is None  # two slips: «fix» would read it
    assert fixer.fix("загаловак") == "заголовок"
    assert fixer.one_edit("пароль") is None  # the vocabulary's own word


def test_of_equally_close_words_the_one_a_slipped_finger_explains_beats_a_commoner_one() -> None:
    # «эдать» is one edit from both; «ж» is the key next to «э», «дать» only drops a letter.
    fixer = TypoFixer().fit(["дать", "дать", "дать", "ждать"])
    assert fixer.fix("эдать") == "ждать"


def test_a_short_word_with_two_pairs_swapped_is_still_read() -> None:
    fixer = TypoFixer().fit(["чтобы", "чтоб"])
    assert fixer.fix("тчоыб") == "чтобы"  # two swaps: more than one edit, yet one slip
    assert fixer.fix("тчбыо") is None  # two swaps and more


def test_keyboard_slips_count_neighbouring_keys_and_doubled_presses() -> None:
    assert keyboard_slips("утроитб", "устроить") == 1  # «ь» → «б»; the missing «с» says nothing
    assert keyboard_slips("заказз", "заказ") == 1  # the same key twice
    assert keyboard_slips("заказм", "заказ") == 0  # «м» is nowhere near «з»
    assert keyboard_slips("анкету", "накету") == 1  # two letters swapped
    assert keyboard_slips("ложили", "жили") == 0  # «л» and «о» are neighbours, yet no slip
    assert keyboard_slips("програма", "программа") == 1  # a doubled letter typed once
