"""What a customer's reply to the bot means: a vote («да», «👎»), a pick from a list (a number,
«второе», words of a title), or a «нет» to the whole list.

The same words mean the same thing at every stage: «нет», «не помогло», «ничего не подходит»
and 👎 all say "not this" (:func:`parse_vote` is ``False``, :func:`rejects` is true).
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Sequence
from functools import cache

from nlp.lemmas import Lemmatizer
from nlp.text import QUESTION_WORDS, normalise

__all__ = [
    "looks_like_question",
    "asks_for_news",
    "names_all",
    "opening_vote",
    "parse_choice",
    "parse_ticket_or_new",
    "parse_title",
    "parse_vote",
    "rejects",
    "says_solved",
]

_PUNCTUATION = re.compile(r"[^\w\s+\-👍👎👌🙏❤]")
_YES = frozenset(
    {"да", "д", "ага", "угу", "помог", "помогло", "спасибо", "yes", "y", "+", "👍", "да да",
     "оно", "это", "вот это", "да это", "да оно", "подходит", "да подходит", "верно", "точно",
     # praise is a 👍 under an answer (alone, elsewhere, it is small talk: «отлично»)
     "супер", "отлично", "класс", "круто", "👌", "🙏", "❤", "идеально", "прекрасно",
     "замечательно", "шикарно", "огонь", "именно", "в точку", "то самое"}
)  # fmt: skip
_YES_PHRASES = frozenset(
    {"да помог", "да помогло", "да спасибо", "помогло спасибо", "то что нужно",
     "это то что нужно", "то что надо", "да это оно", "это оно", "вроде да", "да вроде",
     "именно то", "именно это", "то что я искал", "то что я искала"}
)  # fmt: skip
_NO = frozenset(
    {"нет", "н", "неа", "нету", "no", "n", "-", "👎", "не помог", "не помогло", "нет не помогло",
     "ничего не помогло", "не получилось", "ничего не получилось", "не сработало",
     # the article is «она», several are «они»: «статья не помогла», «не помогли»
     "не помогла", "не помогли", "статья не помогла", "не помогла статья",
     "инструкция не помогла", "нет не помогла",
     # half a help is no help: the next articles, or people
     "не очень", "не особо", "не очень помогло", "не особо помогло", "частично",
     "не полностью", "не до конца", "не совсем помогло", "не совсем помогла",
     # alone under «Помог ли ответ?», a regret is a «no»
     "увы", "увы нет", "к сожалению", "жаль но нет"}
)  # fmt: skip
#: Courtesy around a vote that does not change it: «спасибо, но не помогло», «увы, нет».
#: Longest first, so «к сожалению» goes whole.
_COURTESY = ("к сожалению", "все равно", "пожалуйста", "спасибо", "так и", "увы", "но")
_OTHER = frozenset({"другое", "другой", "другая", "другое оператор"})
_NOT_THESE = frozenset(
    {"ничего", "ничего не подходит", "не подходит", "не то", "нет не то", "ни то ни другое",
     "ничего из этого", "нет ничего", "нет ничего не подходит", "не это", "нет не подходит",
     "ни одно", "ни один", "никакое",
     # «not what I asked» in everyday words, under an answer as at a list
     "это не то", "совсем не то", "не то совсем", "вообще не то", "это совсем не то",
     "это вообще не то", "не совсем то", "не совсем", "мимо", "не туда", "не об этом",
     "не про это", "не про то", "я не об этом", "я не про это", "я не это спрашивал",
     "я не это спрашивала", "я спрашивал о другом", "я спрашивала о другом", "я о другом",
     "о другом", "я про другое", "про другое",
     "это не ответ", "не тот ответ", "не та статья", "не то что нужно", "не то что я искал",
     "не то что я искала", "вы меня не поняли", "вы не поняли", "не поняли", "неправильно",
     "не правильно", "неверно", "не верно", "бесполезно", "не помогает", "это не помогло",
     "ответ не помог", "не подошло", "это не подходит", "не мой вопрос", "не мой случай",
     "у меня другое", "у меня другая проблема",
     # none of a list, in its many words; «опять не то» after a second list
     "никакой", "никакая", "никакие", "ни одна", "все не то", "не то все", "не не то",
     "тоже не то", "опять не то", "снова не то", "и это не то", "опять мимо",
     "ни один не подходит", "ничего из этого не подходит", "не подходят", "нет подходящего",
     "нет нужного", "не то пальто", "все не подходят", "все не подходит",
     "никакие не подходят", "не подходит ни один", "не подходит ни одна",
     # «more of them»: the next ones, as after a «нет»
     "еще варианты", "другие варианты", "другие", "другие статьи",
     "покажи еще", "покажите еще", "есть еще", "есть еще варианты", "что еще есть",
     "больше вариантов", "еще статьи", "а другие", "а другие варианты"}
)  # fmt: skip
_ORDINALS: dict[str, int] = {
    **dict.fromkeys(("первое", "первый", "первая", "первую", "первой"), 1),
    **dict.fromkeys(("второе", "второй", "вторая", "вторую"), 2),
    **dict.fromkeys(("третье", "третий", "третья", "третью", "третьей"), 3),
    **dict.fromkeys(("четвертое", "четвертый", "четвертая", "четвертую"), 4),
    **dict.fromkeys(("пятое", "пятый", "пятая", "пятую"), 5),
}
_LAST = frozenset({"последнее", "последний", "последняя", "последнюю"})
#: A digit with an ordinal's ending: «2-е», «3й», «1-ая».
_NUMBERED = re.compile(r"(\d{1,2})-?(?:е|ое|й|ый|ий|ой|я|ая|ю|ую)")
#: Words around a pick that do not change it: «давайте второе», «номер 2», «вариант первый».
_AROUND = frozenset(
    {"давайте", "давай", "номер", "вариант", "пункт", "статья", "статью", "мне", "нужно", "нужен",
     "нужна", "наверное", "пожалуй", "да", "ну", "тогда", "скорее", "вот", "это", "про",
     "может", "наверно", "видимо", "думаю", "вероятно", "пусть", "хочу", "выбираю", "беру"}
)  # fmt: skip
#: Words too common in titles to tell one from another.
_COMMON = frozenset({"как", "что", "где", "когда", "не", "и", "в", "на", "с", "по", "за", "для"})
_STEM = 5  # Russian endings change; the first letters of a word stay («аренду», «аренды»)


def _plain(text: str) -> str:
    return " ".join(_PUNCTUATION.sub(" ", normalise(text)).split())


def parse_vote(text: str, *, loosely: bool = True) -> bool | None:
    """``True`` for «да», «помогло», «👍»; ``False`` for «нет», «не помогло», «👎»; else ``None``.

    Beside the listed phrases, any message that only says whether it helped or worked, in
    any words around the verb (:func:`_verdict`), and a few such clauses in a row («нет, не
    помогло»).

    :param loosely: ``False``: the listed phrases only. With nothing shown, «не работает» is
        no verdict on anything but a first, vague message about a problem

    >>> parse_vote("Да!"), parse_vote("не помогло"), parse_vote("а как оплатить картой?")
    (True, False, None)
    >>> parse_vote("Спасибо, но так и не получилось"), parse_vote("нифига не помогло")
    (False, False)
    >>> parse_vote("всё равно не работает"), parse_vote("не работает приложение")
    (False, None)
    """
    said = _vote_of(_plain(text), verdict=loosely and "?" not in text)
    if said is not None or not loosely:
        return said
    kinds = _clause_kinds(text)
    if kinds == {_Kind.YES}:
        return True
    if kinds and kinds <= {_Kind.NO, _Kind.NOT_THESE} and _Kind.NO in kinds:
        return False
    return None


def _vote_of(words: str, *, verdict: bool = True) -> bool | None:
    """The vote of one run of plain words: a listed phrase, else a verdict on a verb.

    :param verdict: read a verdict on a verb too (not in a question: «работает?» asks)
    """
    if words in _YES or words in _YES_PHRASES or _drop_first(words, _LEADING_YES) in _YES_PHRASES:
        return True
    if _says(words, _NO):
        return False
    return _verdict(words) if verdict else None


#: «да, то что надо»: a «да» before a phrase of :data:`_YES_PHRASES` changes nothing.
_LEADING_YES = frozenset({"да", "ага", "угу", "ну"})


def _drop_first(words: str, first: frozenset[str]) -> str:
    head, _, rest = words.partition(" ")
    return rest if head in first and rest else words


#: Verbs by which a customer says whether an answer worked: «(не) помогло», «заработало».
_WORKED = frozenset(
    {"помочь", "помогать", "получиться", "получаться", "сработать", "срабатывать",
     "заработать", "работать", "подойти", "подходить", "выйти", "выходить", "решиться",
     "решаться"}
)  # fmt: skip
#: Words that turn a verdict into a «no»: «не помогло», «ничем не помогло», «помогло
#: частично» (half a help is no help, as in :data:`_NO`).
_NEGATIONS = frozenset(
    {"не", "нет", "неа", "ни", "никак", "ничем", "ничего", "нифига", "ничуть", "частично"}
)
#: Words around such a verb that do not change what it says: whose help («статья», «ваш
#: ответ», «мне»), how much («вообще», «совсем», «очень»), since when («всё ещё», «опять»),
#: and courtesy («увы», «спасибо»).
_VERDICT_FILLER = frozenset(
    {"вообще", "совсем", "совершенно", "абсолютно", "так", "и", "все", "равно", "еще",
     "по-прежнему", "опять", "снова", "это", "мне", "нам", "у", "меня", "нас", "вы", "ваш",
     "ваша", "ваше", "ваши", "статья", "ответ", "инструкция", "совет", "советы", "она", "оно",
     "они", "же", "ну", "блин", "к", "сожалению", "увы", "очень", "особо", "тоже", "уже",
     "пока", "сейчас", "толком", "фига", "спасибо", "но", "а", "да", "ага", "вроде",
     "кажется", "реально", "правда", "действительно", "все-таки", "таки", "до", "конца",
     "полностью", "в", "итоге", "нормально", "отлично", "хорошо", "ура", "эх", "жаль", "то"}
)  # fmt: skip
#: Longer than this, a message says more than a verdict (and is not lemmatised here).
_VERDICT_WORDS = 8


@cache
def _lemmas() -> Lemmatizer:
    return Lemmatizer(memory=4096)


def _verdict(words: str) -> bool | None:
    """Whether plain ``words`` say only that it worked or not: a verb of :data:`_WORKED` in
    any form, with nothing but filler around it; negated, it is a «no».

    >>> _verdict("так и не заработало"), _verdict("ну все получилось"), _verdict("не работает wifi")
    (False, True, None)
    """
    split = words.split()
    if not split or len(split) > _VERDICT_WORDS:
        return None
    verbs = 0
    negated = False
    for word in split:
        if word in _NEGATIONS:
            negated = True
        elif word in _VERDICT_FILLER:
            continue
        elif (
            # «вы вообще работаете», «помогите»: a verb to the bot is no verdict on an article
            not word.endswith("те")
            and _lemmas().pos(word) == "VERB"
            and _lemmas().lemma(word) in _WORKED
        ):
            verbs += 1
        else:
            return None  # a word of its own: a question or a detail, not a verdict
    if not verbs:
        return None
    return not negated


class _Kind(enum.Enum):
    YES = "yes"
    NO = "no"
    NOT_THESE = "not these"


#: Where one clause of a reply ends: «нет, это не то», «не то. я про другое».
_CLAUSE_END = re.compile(r"[,.;:!?…()]+|\s[-–—]\s")


def _clauses(text: str) -> list[str]:
    """The plain clauses of ``text`` that say more than courtesy («спасибо»)."""
    clauses = [_plain(part) for part in _CLAUSE_END.split(normalise(text))]
    return [c for c in clauses if c and _without_courtesy(c)]


def _clause_kinds(text: str) -> set[_Kind] | None:
    """What each clause of ``text`` says, if every one says yes, no or «not these» (or is
    only courtesy: «спасибо»); None if any says something else or there is only one."""
    clauses = _clauses(text)
    if len(clauses) < 2:
        return None
    kinds: set[_Kind] = set()
    for clause in clauses:
        vote = _vote_of(clause)
        if vote is not None:
            kinds.add(_Kind.YES if vote else _Kind.NO)
        elif _says(clause, _NOT_THESE):
            kinds.add(_Kind.NOT_THESE)
        else:
            return None
    return kinds


def _says(words: str, phrases: frozenset[str], filler: frozenset[str] = frozenset()) -> bool:
    """Whether plain ``words`` are one of ``phrases``, as typed or without the courtesy and
    ``filler`` around them («спасибо, но не помогло», «я всё ещё жду»)."""
    bare = _without_courtesy(words)
    if filler:
        bare = " ".join(word for word in bare.split() if word not in filler)
    return words in phrases or bare in phrases


def _without_courtesy(words: str) -> str:
    """«спасибо но к сожалению не помогло» → «не помогло»."""
    for phrase in _COURTESY:
        words = f" {words} ".replace(f" {phrase} ", " ").strip()
    return words


def rejects(text: str, *, loosely: bool = True) -> bool:
    """Whether ``text`` turns down everything offered: «нет», «ничего не подходит», «👎».

    :param loosely: also a verdict in words of one's own («так и не заработало») and
        clauses that each turn it down («нет, это не то»); ``False``: the listed phrases only
        (at a list, where «не получается» may be the words of a title)

    >>> rejects("Нет"), rejects("ничего не подходит"), rejects("второе")
    (True, True, False)
    >>> rejects("Это не то"), rejects("мимо"), rejects("спасибо, но вы меня не поняли")
    (True, True, True)
    >>> rejects("не получается"), rejects("не получается", loosely=False)
    (True, False)
    """
    words = _plain(text)
    if not loosely:
        return _says(words, _NO) or _says(words, _NOT_THESE)
    if _vote_of(words, verdict="?" not in text) is False or _says(words, _NOT_THESE):
        return True
    # Clauses that each say no or «not these» (all-«no» ones are parse_vote's False too).
    kinds = _clause_kinds(text)
    return kinds is not None and kinds <= {_Kind.NO, _Kind.NOT_THESE}


def opening_vote(text: str) -> tuple[bool, str] | None:
    """A vote in the first clause of ``text`` and what follows it, as typed: «не помогло,
    машина всё ещё не закрывается» is a «no» with a detail, «помогло, а как оплатить штраф?»
    a «yes» with a new question. None if the first clause casts no vote, or nothing follows
    but courtesy or more votes («нет, это не то» is read whole by :func:`rejects`).

    >>> opening_vote("Не помогло, машина всё ещё не закрывается")
    (False, 'машина всё ещё не закрывается')
    >>> opening_vote("нет, не помогло") is None, opening_vote("не помогло(") is None
    (True, True)
    >>> opening_vote("Работает? А как тогда завершить?") is None
    True
    """
    end = _CLAUSE_END.search(text)
    if end is None:
        return None
    head, rest = _plain(text[: end.start()]), text[end.end() :].strip()
    if not _without_courtesy(_plain(rest)) or parse_vote(rest) is not None or rejects(rest):
        return None
    vote = _vote_of(head, verdict="?" not in end.group())  # «работает? а как …» asks twice
    if vote is None and _says(head, _NOT_THESE):
        vote = False
    return None if vote is None else (vote, rest)


_ALL = frozenset(
    {"оба", "обе", "все", "и то и другое", "и то и то", "оба подходят", "обе подходят",
     "все подходят", "оба варианта", "все варианты", "все сразу", "оба сразу"}
)  # fmt: skip


def names_all(text: str) -> bool:
    """Whether ``text`` picks every article of a list at once: «оба», «и то и другое».

    >>> names_all("Оба!"), names_all("второе")
    (True, False)
    """
    return _plain(text) in _ALL


_SOLVED = frozenset(
    {"вопрос решен", "вопрос решился", "вопрос снят", "проблема решена", "проблема решилась",
     "все решилось", "все решено", "уже решил", "уже решила", "уже решили", "уже не надо",
     "уже не нужно", "больше не нужно", "больше не надо", "не актуально", "неактуально",
     "уже не актуально", "закройте заявку", "можно закрыть заявку", "заявку можно закрыть",
     "отмените заявку", "закрывайте", "можно закрывать", "вопрос закрыт", "все ок уже",
     "все уже хорошо", "все в порядке", "все нормально уже", "уже все в порядке",
     "разобрался", "разобралась", "разобрались", "решил", "решила",
     "проблема ушла", "все прошло", "можно закрыть", "закрывайте заявку", "заявку закрывайте",
     "не нужно больше", "больше не актуально"}
)  # fmt: skip
#: Words around «вопрос решён» that change nothing: «уже сам разобрался», «всё, спасибо».
_SOLVED_FILLER = frozenset(
    {"сам", "сама", "сами", "уже", "все", "спасибо", "вроде", "кажется", "ну", "я", "мы",
     "а", "так", "что", "тогда", "можно", "наверное"}
)  # fmt: skip


_NEWS = frozenset(
    {"когда ответите", "когда ответят", "когда будет ответ", "ну что там", "что там",
     "что там с заявкой", "что там с моей заявкой", "что с заявкой", "что с моей заявкой",
     "есть новости",
     "какие новости", "есть новости по заявке", "статус заявки", "какой статус",
     "сколько ждать", "сколько ждать ответа", "долго еще", "долго еще ждать", "долго ждать",
     "почему не отвечаете", "почему никто не отвечает", "вы ответите", "ответ будет",
     "где ответ", "жду ответа", "я жду", "все еще жду", "ну когда", "когда уже",
     "когда решите", "когда решат", "когда починят", "когда", "ну что", "почему так долго",
     "так долго", "почему так долго отвечаете", "почему так долго никто не отвечает",
     "сколько можно ждать", "сколько можно ждать ответа", "сколько еще ждать", "ау есть кто"}
)  # fmt: skip


#: Words around «когда ответите?» that change nothing: «я всё ещё жду», «ну а что там?».
_NEWS_FILLER = frozenset({"я", "мы", "ну", "а", "же", "вообще", "уже", "вы", "мне", "нам"})


def asks_for_news(text: str) -> bool:
    """Whether ``text`` asks where the open ticket stands: «когда ответите?», «есть новости?».

    >>> asks_for_news("Ну что там?"), asks_for_news("когда ответите по заказу 123?")
    (True, False)
    """
    if _says(_plain(text), _NEWS, _NEWS_FILLER):
        return True
    return _clauses_all(text, lambda clause: _says(clause, _NEWS, _NEWS_FILLER))


def _clauses_all(text: str, says: Callable[[str], bool]) -> bool:
    """Whether ``text`` has several clauses and each ``says`` it (or is only courtesy):
    «ну что, есть новости?»."""
    clauses = _clauses(text)
    return len(clauses) > 1 and all(says(clause) for clause in clauses)


def says_solved(text: str) -> bool:
    """Whether ``text`` says the open ticket's problem is gone or the ticket may be closed:
    «вопрос решён», «уже не актуально», «закройте заявку» (thanks around it change nothing).

    >>> says_solved("Спасибо, вопрос решён!"), says_solved("вопрос не решён")
    (True, False)
    """
    words = _plain(text)
    if _says(words, _SOLVED, _SOLVED_FILLER) or ("?" not in text and _verdict(words) is True):
        return True  # «уже всё работает, спасибо»: what the ticket is about works now
    return _clauses_all(text, lambda clause: _says(clause, _SOLVED, _SOLVED_FILLER))


def parse_choice(text: str, count: int) -> int | None:
    """The number picked from a list of ``count``: 1..count, 0 for «0»/«другое»; else ``None``.

    A number may be a digit or a word («второе», «последний»), with a few words around it
    («давайте второе», «номер 2»).

    >>> parse_choice("2.", 3), parse_choice("другое", 3), parse_choice("7", 3)
    (2, 0, None)
    >>> parse_choice("давайте второе", 3), parse_choice("последний", 3)
    (2, 3)
    """
    words = _plain(text.replace("№", " "))  # NFKC would read "№" as "No"
    if words in _OTHER:
        return 0
    said = [word for word in words.split() if word not in _AROUND]
    if len(said) != 1:
        return None
    word = said[0]
    numbered = _NUMBERED.fullmatch(word)  # «2-е», «3й», «1-ая»
    if numbered:
        word = numbered.group(1)
    if word.isdigit():
        number = int(word)
    elif word in _LAST:
        number = count
    else:
        number = _ORDINALS.get(word, -1)
    return number if 0 <= number <= count else None


_ABOUT_TICKET = frozenset(
    {"1", "про заявку", "к заявке", "по заявке", "заявка", "в заявку", "про нее", "да",
     "да про заявку", "это про заявку", "про старую", "про ту же", "то же самое",
     "добавить к заявке", "да про нее", "про нее же", "к старой", "к ней", "в нее", "первое",
     "это уточнение", "уточнение", "дополнение", "добавить", "добавьте", "это к заявке",
     "это дополнение", "тот же вопрос", "та же проблема", "это то же"}
)  # fmt: skip
_NEW_QUESTION = frozenset(
    {"2", "новый", "новый вопрос", "другой", "другой вопрос", "другое", "нет", "нет новый",
     "это новый вопрос", "новая", "новая проблема", "другая проблема", "нет новый вопрос",
     "это новый", "это другое", "второе", "это другой вопрос", "нет другой", "нет другое",
     "отдельный вопрос", "это отдельный вопрос", "другая тема"}
)  # fmt: skip


def parse_ticket_or_new(text: str) -> bool | None:
    """The answer to «это про заявку или новый вопрос?»: ``True`` for the ticket, ``False`` for
    a new question, ``None`` if it is neither (a message of its own).

    >>> parse_ticket_or_new("1"), parse_ticket_or_new("Новый вопрос"), parse_ticket_or_new("а?")
    (True, False, None)
    """
    words = _plain(text.replace("№", " "))
    words = re.sub(r"\s*\d{3,}$", "", words)  # «про заявку 1001»
    if words in _ABOUT_TICKET:
        return True
    if words in _NEW_QUESTION:
        return False
    return None


def parse_title(text: str, titles: Sequence[str]) -> int | None:
    """The number (from 1) of the one title the customer's words point to; else ``None``.

    Every telling word typed must be in the title (by its first letters, so «аренды» finds
    «аренду»). When several titles have them all, only one whose telling words were all typed
    is picked («завершить аренду»); one shared word («аренду») is no pick.

    >>> titles = ["Как завершить аренду", "Не получается завершить аренду"]
    >>> parse_title("не получается", titles), parse_title("завершить аренду", titles)
    (2, 1)
    >>> parse_title("аренду", titles) is None, parse_title("штрафы", titles) is None
    (True, True)
    """
    typed = _stems(text)
    if not typed:
        return None
    found = [
        (len(stems - typed), number)
        for number, stems in enumerate(map(_stems, titles), start=1)
        if typed <= stems
    ]
    if not found:
        return None
    if len(found) == 1:
        return found[0][1]
    exact = [number for extra, number in found if extra == 0]
    return exact[0] if len(exact) == 1 else None


def _stems(text: str) -> frozenset[str]:
    return frozenset(
        word[:_STEM] for word in _plain(text).split() if word not in _COMMON and len(word) > 2
    )


def looks_like_question(text: str) -> bool:
    """Whether ``text`` asks something by its form: a «?», or a question word first.

    >>> looks_like_question("Почему так долго"), looks_like_question("а штрафы?")
    (True, True)
    >>> looks_like_question("Быстро, но пришлось ждать ответа")
    False
    """
    if "?" in text:
        return True
    words = _plain(text).split()
    return bool(words) and words[0] in QUESTION_WORDS


_COMMAND = re.compile(r"/([^\s@/]+)(?:@\w+)?(?:\s|$)")


def slash_command(text: str) -> str | None:
    """The command a message starts with, without its «/» or bot name; None if it has none.

    >>> slash_command("/menu@faqbot please"), slash_command("/отмена"), slash_command("/home/me")
    ('menu', 'отмена', None)
    """
    found = _COMMAND.match(text)
    return found.group(1) if found else None
