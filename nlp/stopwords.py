"""Words that must not drive a match: greetings, politeness, filler and function words.

Lists are of lemmas (after ``ё`` → ``е``). Parts of speech that never carry a topic
(prepositions, conjunctions, particles, interjections, pronouns) are dropped by tag as well, so
the lists only need the words pymorphy3 tags otherwise.
"""

from __future__ import annotations

import re

#: Parts of speech (pymorphy3 OpenCorpora tags) dropped from matching.
FUNCTION_POS = frozenset({"PREP", "CONJ", "PRCL", "INTJ", "NPRO"})

#: Greetings, thanks, politeness and conversational filler.
FILLER = frozenset(
    """
    здравствуйте здравствовать здравствуй привет приветствовать приветствую спасибо благодарить
    благодарность заранее пожалуйста плиз подсказать сказать помочь помогите уточнить узнать
    спросить интересовать вопрос вопросик ответ хотеть хотеться мочь можно нужно надо
    необходимо подскажите скажите пожалуйста ребята уважаемый коллега поддержка служба
    сотрудник ок окей ладно короче вообще просто вот такой каков который что кто чей ли бы же
    ну да нет мой твой ваш наш это этот тот весь свой сам самый очень тоже также еще уже вот
    вроде типа быть есть являться делать сделать
    """.split()
)

#: Words that say when, not what: a message of these alone («вчера», «сегодня утром» — often
#: a late answer to «когда это началось?») asks no question, though beside a topic they may
#: be one («доставка на завтра»), so they stay terms.
WHEN = frozenset(
    """
    вчера сегодня завтра позавчера послезавтра сейчас теперь недавно давно опять снова иногда
    всегда постоянно потом затем утром днем вечером ночью
    """.split()
)

#: Words that say something does not work, not what: «не работает», «не получается», «всё
#: сломалось», «проблема». Alone, a complaint with no object, and the customer is asked what
#: exactly: searched, «не получается» was answered with «Не получается завершить аренду»,
#: whose title it covers word for word. Beside a topic they stay terms («не работает оплата»).
TROUBLE = frozenset(
    """
    проблема проблемка беда неполадка работать заработать получаться получиться удаваться
    удаться сломаться ломаться
    """.split()
)

#: Words that say something is wrong or pressing, or how much, not what: a message of these
#: alone («проблема», «срочно», «жду ответа», «тест», «почему совсем ничего не работает?»)
#: asks nothing an article or a person could take up, and was searched, found nothing and
#: opened the ticket form; beside a topic they stay terms («проблема с оплатой», «сколько
#: ждать возврата»).
VAGUE = TROUBLE | frozenset(
    """
    срочно срочный тест тестовый ждать отвечать ответить ситуация
    ничего никак совсем полностью почему зачем перестать вдруг резко
    """.split()
)

# Greeting phrases go as a whole: "день" alone may matter ("аренда на день"), "добрый день" never.
_GREETINGS = re.compile(
    r"\b(?:добр(?:ый|ого|ое|ой|ых)\s+(?:день|дня|вечер|вечера|утро|утра|ночи|времени(?:\s+суток)?)"
    r"|доброе\s+утро|всем\s+привет|хорошего\s+дня)\b[\s,.!;:)]*"
)


def strip_greetings(text: str) -> str:
    """Remove greeting phrases, and the marks after them, from normalised text.

    >>> strip_greetings("добрый день! подскажите, доброе утро, как быть")
    'подскажите, как быть'
    """
    return " ".join(_GREETINGS.sub(" ", text).split())


#: Lemmas kept although their part of speech is usually dropped: they change the meaning.
KEEP = frozenset({"не", "без", "нельзя"})


def is_stopword(lemma: str, pos: str) -> bool:
    """Whether a token with this lemma and part of speech should be ignored for matching."""
    if lemma in KEEP:
        return False
    return lemma in FILLER or pos in FUNCTION_POS
