"""Recognising small talk: a message that is only a greeting, thanks, goodbye or chat.

Such a message must never be answered with an article: «как дела?» shares no topic with the
knowledge base, and any article found for it is a wrong answer. ``detect`` tells which kind it
is, so a front end can answer from a template of its own::

    detect("Привет!")                     -> SmallTalk.GREETING
    detect("спасибо большое")             -> SmallTalk.THANKS
    detect("понятно")                     -> SmallTalk.OKAY   (heard: nothing to search)
    detect("спасибо, всё получилось")     -> SmallTalk.SOLVED (thanks, and the problem is gone)
    detect("ты бот или человек?")         -> SmallTalk.ARE_YOU_BOT
    detect("не понял")                    -> SmallTalk.CONFUSED
    detect("вы издеваетесь?")             -> SmallTalk.UPSET
    detect("привет, как поменять тариф?") -> None   (a greeting before a question: the question)

A message is small talk when its small-talk phrases, once removed, leave nothing but filler
(«пожалуйста», «а», «ну», punctuation). When a message holds several, the most specific kind
wins (``upset`` over ``confused`` over ``are_you_bot`` over ``how_are_you`` over
``capabilities`` over ``solved`` over ``thanks`` over ``goodbye`` over ``greeting`` over
``okay``). A request for a person
(«позовите оператора») is not small talk: :mod:`bot.dialogue.human_request` recognises it.
"""

from __future__ import annotations

import re
from enum import Enum

from nlp.text import normalise

__all__ = ["THANKFUL", "WORDS", "SmallTalk", "detect"]


class SmallTalk(Enum):
    """The kinds of small talk, each answered by its own template."""

    GREETING = "greeting"
    THANKS = "thanks"
    GOODBYE = "goodbye"
    HOW_ARE_YOU = "how_are_you"
    ARE_YOU_BOT = "are_you_bot"
    CAPABILITIES = "capabilities"
    OKAY = "okay"
    SOLVED = "solved"
    CONFUSED = "confused"  # «не понял», «в смысле?», «повторите»: the last reply was unclear
    UPSET = "upset"  # «вы издеваетесь?», «достали»: anger, with no question in it


_YOU = r"(?:ты|вы|тебя|вас|тебе|вам)"
_NOT_NEGATED = r"(?<!не )(?<!ни )"
#: Phrases per kind, most specific first; matched on normalised text (lower case, ё → е).
_PHRASES: tuple[tuple[SmallTalk, str], ...] = (
    (
        # Anger with nothing else in it: once searched, it opened a ticket whose problem was
        # «вы издеваетесь?» (a question around it, «достали, где мой заказ?», is the question).
        SmallTalk.UPSET,
        r"(?:вы\s+)?издеваетесь|издевательство|достали|задолбали|заебали|надоели|бесит|бесите"
        r"|ужас|кошмар|позор|безобразие|отвратительно|жесть|капец|пиздец|бля(?:ть|дь)?"
        r"|сколько\s+можно|что\s+за\s+(?:бред|фигня|херня|ерунда)"
        # said of the answer just shown: «хрень какая-то», «чушь»
        r"|(?:бред|фигня|херня|хрень|чушь|ерунда)(?:\s+(?:какая|какой)-?\s?то)?",
    ),
    (
        # The last reply was not understood: no question to search, no problem for people.
        SmallTalk.CONFUSED,
        r"не\s+понял[аи]?|не\s+понятно|непонятно|не\s+понимаю|в\s+смысле|что\s+это\s+значит"
        r"|не\s+(?:совсем|очень|до\s+конца|сильно)\s+(?:понятно|понял[аи]?)"
        r"|(?:ничего|нифига|ничерта)\s+не\s+(?:понятно|понял[аи]?|понимаю)"
        r"|не\s+знаю|без\s+понятия|не\s+уверен[аы]?|хз"
        r"|повтори(?:те)?|^(?:(?:ну\s+)?и\s+)?что\W*$|^ну\s+и\W*$",
    ),
    (
        SmallTalk.ARE_YOU_BOT,
        rf"(?:{_YOU}|это)\s+(?:(?:живой|настоящий|реальный)\s+)?(?:бот|робот|человек|программа"
        r"|нейросеть|ии|искусственный\s+интеллект|автоответчик)"
        r"|(?:с\s+кем|кто)\s+(?:я\s+)?(?:говорю|общаюсь|разговариваю|переписываюсь)"
        r"|кто\s+(?:ты|вы)|(?:или|либо)\s+(?:бот|робот|человек)|are\s+you\s+(?:a\s+)?(?:bot|human)",
    ),
    (
        SmallTalk.HOW_ARE_YOU,
        rf"как\s+(?:{_YOU}\s+)?(?:дела|делишки|жизнь|настроение|поживаешь|поживаете|ты|вы)"
        r"|как\s+сам|что\s+нового|how\s+are\s+you",
    ),
    (
        SmallTalk.CAPABILITIES,
        rf"(?:что|чем)\s+(?:{_YOU}\s+)?(?:умеешь|умеете|можешь|можете)(?:\s+делать)?"
        rf"(?:\s+помочь)?|чем\s+(?:{_YOU}\s+)?(?:можешь|можете)\s+(?:мне\s+)?помочь"
        r"|что\s+(?:ты|вы)\s+(?:такое|за\s+бот)|^(?:помощь|help|/help|/start|меню|начать|старт|назад|в\s+начало|главное\s+меню"
        r"|на\s+главную)$",
    ),
    (
        # «спасибо, помогло», «всё получилось», «сама разобралась»: the problem is gone, which
        # is thanks for an answer and the end of a ticket form; «не помогло» is no such thing
        # (negated, and then «не» is left over).
        SmallTalk.SOLVED,
        rf"{_NOT_NEGATED}(?:помогл[оаи]|помог|получилось|заработало|сработало"
        r"|решилось|разобрал(?:ся|ась|ись)|сам[аи]?\s+разобрал(?:ся|ась|ись))",
    ),
    (
        SmallTalk.THANKS,
        r"спасибо|спасибки|спасибочки|спс|пасиб[оа]?|сяб|благодарю|благодарствую|thanks?"
        r"|thank\s+you|thx|мерси|сенкс|(?:большое\s+)?благодарность|(?:очень\s+)?выручил[иа]?"
        r"|🙏|❤️?|🤝|💐|🥰",
    ),
    (
        SmallTalk.GOODBYE,
        r"пока(?:-пока)?|пака|до\s*свидан(?:ия|ья)|до\s+встречи|до\s+связи"
        r"|всего\s+(?:доброго|хорошего)"
        r"|хорошего\s+(?:дня|вечера)|удачи|прощай(?:те)?|bye|goodbye|бывай",
    ),
    (
        SmallTalk.GREETING,
        r"привет(?:ик|ствую)?|здравствуй(?:те)?|здрасьте|здрасте|добр(?:ый|ое|ого)\s+"
        r"(?:день|дня|вечер|вечера|утро|утра|ночи|времени(?:\s+суток)?)|доброе\s+утро|хай|хелло"
        r"|салют|hi|hello|hey|ку|алло|ал[её]|алле|ау|эй"
        # «is anybody there?»: no question yet, a greeting back and an invitation to ask
        r"|(?:вы|ты)\s+(?:тут|здесь|на\s+связи)|есть\s+кто(?:\s+(?:тут|здесь|нибудь))?"
        r"|ответьте|отзовитесь",
    ),
    (
        # «понятно», «ок», «👍» with nothing else: heard, and no question (before, «понятно»
        # was searched, found nothing and went to people as a ticket).
        SmallTalk.OKAY,
        r"ок|окей|оки|ok|okay|понятно|ясно|хорошо|ладно|ага|угу|отлично|супер|класс|круто"
        r"|понял[аи]?|принято|договорились|норм|нормально|лады|ладушки|ясненько|понятненько"
        r"|годится|сойдет|хватит|стоп|👍|👌|🙂|😊|☺️?",
    ),
)
#: The kinds that thank for an answer: under one, each is a 👍.
THANKFUL = frozenset({SmallTalk.THANKS, SmallTalk.SOLVED})
#: The words of those phrases a customer may misspell: typo repair aims at them too, so that
#: «как дила», «добрый вечир», «пака» or «благодорю» are read as said (and told here) rather
#: than as the nearest word of some article.
WORDS = frozenset(
    """
    спасибо благодарю благодарствую пока свидания свиданья досвидания встречи связи доброго
    хорошего удачи здравствуйте здравствуй привет приветствую добрый доброе день вечер утро
    ночи дела поживаешь поживаете настроение умеешь умеете можешь можете бот робот человек
    """.split()
)
_PATTERNS = tuple((kind, re.compile(rf"(?<!\w)(?:{p})(?!\w)")) for kind, p in _PHRASES)
#: Words that may stand beside small talk without making it a question.
_FILLER = frozenset(
    """
    а и ну да нет пожалуйста плиз тебе вам тебя вас ты вы мне я же ли всем
    большое огромное очень бот ботик друг дружище уважаемый еще раз там тут вот
    или либо все ой ура уф вроде уже но
    """.split()
)
_WORD = re.compile(r"[^\W_]+")


_MARK_IN_WORD = re.compile(r"(?<=[а-я])[,.;](?=[а-я])")


def detect(message: str) -> SmallTalk | None:
    """The kind of small talk ``message`` is, or None when it asks anything else.

    >>> detect("Добрый день!"), detect("спасибо, всё понятно")
    (<SmallTalk.GREETING: 'greeting'>, <SmallTalk.THANKS: 'thanks'>)
    >>> detect("Здравствуйте, как поменять тариф?") is None
    True
    """
    text = normalise(message)
    talk = _kind(text)
    if talk is None and _MARK_IN_WORD.search(text):
        # A comma or dot struck inside a word: «спасиб.о», «добрый ден,ь». Only if the whole
        # message is small talk once they are out («спасибо,всё понятно» was read above).
        talk = _kind(_MARK_IN_WORD.sub("", text))
    return talk


def _kind(text: str) -> SmallTalk | None:
    found: list[SmallTalk] = []
    for kind, pattern in _PATTERNS:
        text, count = pattern.subn(" ", text)
        if count:
            found.append(kind)
    if not found:
        return None
    rest = [w for w in _WORD.findall(text) if w not in _FILLER]
    return None if rest else found[0]
