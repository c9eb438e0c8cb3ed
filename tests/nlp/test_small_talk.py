from __future__ import annotations

import doctest

import pytest

from nlp import small_talk
from nlp.small_talk import SmallTalk, detect


@pytest.mark.parametrize(
    ("message", "kind"),
    [
        ("Привет!", SmallTalk.GREETING),
        ("Добрый вечер", SmallTalk.GREETING),
        ("спасибо большое!", SmallTalk.THANKS),
        ("пока", SmallTalk.GOODBYE),
        ("до свидания", SmallTalk.GOODBYE),
        ("Досвиданья!", SmallTalk.GOODBYE),  # glued, as chats spell it
        ("пака", SmallTalk.GOODBYE),
        ("сенкс", SmallTalk.THANKS),
        ("Спасибо огромное, выручили!", SmallTalk.THANKS),
        ("как дела?", SmallTalk.HOW_ARE_YOU),
        ("привет, как дела?", SmallTalk.HOW_ARE_YOU),
        ("ты бот или человек", SmallTalk.ARE_YOU_BOT),
        ("вы робот?", SmallTalk.ARE_YOU_BOT),
        ("что ты умеешь?", SmallTalk.CAPABILITIES),
        ("чем можете помочь", SmallTalk.CAPABILITIES),
        ("назад", SmallTalk.CAPABILITIES),  # a menu button's word, typed: what the bot can do
        ("спасиб.о", SmallTalk.THANKS),  # a mark struck inside a word
        ("добрый ден,ь", SmallTalk.GREETING),
        ("спасибо,всё понятно", SmallTalk.THANKS),  # the space after the comma left out
        # The problem is gone: thanks for the answer, in the words customers use.
        ("спасибо, помогло", SmallTalk.SOLVED),
        ("Всё получилось!", SmallTalk.SOLVED),
        ("заработало, спасибо большое", SmallTalk.SOLVED),
        ("сама разобралась, спасибо", SmallTalk.SOLVED),
        ("понятно", SmallTalk.OKAY),
        ("Ок", SmallTalk.OKAY),
        ("👍", SmallTalk.OKAY),
        ("норм", SmallTalk.OKAY),  # slang, once searched and handed to people
        ("ну нормально", SmallTalk.OKAY),
        ("лады", SmallTalk.OKAY),
        # «не понятно» is no «понятно»: the last reply was not understood.
        ("не понятно", SmallTalk.CONFUSED),
        ("в смысле?", SmallTalk.CONFUSED),
        ("ну и что?", SmallTalk.CONFUSED),
        ("спасибо, но я не поняла", SmallTalk.CONFUSED),
        ("не совсем понятно", SmallTalk.CONFUSED),
        ("ничего не понятно", SmallTalk.CONFUSED),
        ("🙏", SmallTalk.THANKS),
        ("не знаю", SmallTalk.CONFUSED),
        ("алё", SmallTalk.GREETING),
        ("вы тут?", SmallTalk.GREETING),
        ("есть кто?", SmallTalk.GREETING),
        ("без понятия", SmallTalk.CONFUSED),
        ("❤️", SmallTalk.THANKS),
        ("вы издеваетесь?", SmallTalk.UPSET),
        ("достали уже!", SmallTalk.UPSET),
        ("сколько можно", SmallTalk.UPSET),
        ("ясно, спасибо", SmallTalk.THANKS),  # the more specific kind
    ],
)
def test_small_talk_is_recognised_by_kind(message: str, kind: SmallTalk) -> None:
    assert detect(message) is kind


@pytest.mark.parametrize(
    "message",
    [
        "Здравствуйте, как поменять тариф?",  # a greeting before a question is the question
        "пока не пришли деньги",
        "как дела с моим заказом",
        "спасибо, а как вернуть деньги?",
        "позовите оператора",  # a request for a person, not small talk
        "как завершить поездку",
        "выручите, не могу оплатить",
        "не помогло",  # a complaint, not thanks
        "спасибо, но так и не получилось",
        "помогло, но не до конца",
        "получилось оплатить?",
        "хорошо, а как оплатить?",
        "не понятно, как оплатить",
        "не знаю, как оплатить",
        "вы тут? как оплатить картой",
        "не знаю что делать, машина не заводится",
        "что делать?",
        "достали, где мой заказ?",  # anger around a question: the question
        "не нормально это",
        "норма бензина на 100 км",
    ],
)
def test_a_real_question_is_not_small_talk(message: str) -> None:
    assert detect(message) is None


@pytest.mark.parametrize("message", ["спасибо,а как отменить заказ", "добрый ден,ь где заказ"])
def test_a_question_with_a_mark_inside_a_word_is_no_small_talk(message: str) -> None:
    assert detect(message) is None


def test_docstring_examples() -> None:
    failed, tried = doctest.testmod(small_talk)
    assert tried and not failed
