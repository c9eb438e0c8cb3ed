"""Recognising a customer who asks for a person in words: «оператор», «позовите сотрудника».

Normalisation, wrong-layout and typo repair and lemmas come from :mod:`nlp`, so «опиратор»,
«позавите сотрудника» and «jgthfnjh» count, and «оператора», «оператором» are one word.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from nlp.lemmas import Lemmatizer
from nlp.scripts import ScriptRepair
from nlp.slang import standard
from nlp.stopwords import FILLER, FUNCTION_POS, strip_greetings
from nlp.text import normalise
from nlp.tokens import tokenize
from nlp.typos import TypoFixer

__all__ = ["LIVE", "PEOPLE", "VERBS", "HumanRequest", "HumanRequestDetector"]

#: Who a customer asks for. Lemmas.
PEOPLE = frozenset(
    {
        "оператор", "человек", "сотрудник", "менеджер", "специалист", "консультант",
        "администратор", "поддержка", "техподдержка", "саппорт", "агент", "кто-нибудь",
    }
)  # fmt: skip
#: "живой человек", "настоящий оператор": asks for a person wherever it stands. Alone it is
#: the person («дайте живого», «есть кто живой?»).
LIVE = frozenset({"живой", "настоящий", "реальный"})
#: «кто-нибудь», «кого-то» (the tokenizer splits the hyphen): someone, a person as well.
SOMEONE = "кто-нибудь"
_INDEFINITE = frozenset({"нибудь", "то", "либо"})
#: Who the customer does not want to talk to («не хочу с ботом общаться»): a person, then.
BOTS = frozenset({"бот", "робот", "автоответчик", "нейросеть", "чат-бот"})
_REFUSE = frozenset(
    {"хотеть", "общаться", "говорить", "поговорить", "переписываться", "разговаривать",
     "нужный", "надо", "нужно", "не"}
)  # fmt: skip
#: Verbs that ask for a person, and the preposition the person takes after them ("" for none).
#: ``True``: the person may also come first («оператора позовите», «с человеком соедините»).
VERBS: Mapping[str, tuple[str, bool]] = {
    "позвать": ("", True), "звать": ("", True), "подозвать": ("", True),
    "вызвать": ("", True), "пригласить": ("", True), "подключить": ("", True),
    "соединить": ("с", True), "связать": ("с", True), "связаться": ("с", True),
    "поговорить": ("с", True), "переговорить": ("с", True), "пообщаться": ("с", True),
    "перевести": ("на", True), "переключить": ("на", True), "перенаправить": ("на", True),
    "обратиться": ("к", True), "написать": ("", False), "позвонить": ("", False),
    "дать": ("", False), "хотеть": ("", False), "нужный": ("", False), "требоваться": ("", False),
    "просить": ("", False), "требовать": ("", False), "помощь": ("", False),
}  # fmt: skip
#: Words that may stand beside a bare request («оператора, пожалуйста», «можно человека?»).
POLITE = frozenset(
    {"срочно", "скорее", "быстрее", "нибудь", "уже", "ну", "эй", "тут", "здесь", "вообще"}
)
#: The person word means something else next to these («оператор связи», «сотрудник ДПС»).
NOT_PEOPLE_AFTER = frozenset({"связь", "такси", "банк", "дпс", "гибдд", "гаи", "полиция"})
NOT_PEOPLE_BEFORE = frozenset({"сотовый", "мобильный", "сколько", "несколько", "каждый"})
_PREPOSITIONS = {"со": "с", "ко": "к", "с": "с", "к": "к", "на": "на"}
_WINDOW = 3  # words that may stand between the verb and the person («позовите, пожалуйста, ...»)


@dataclass(frozen=True)
class HumanRequest:
    """A customer asked for a person.

    :param bare: the message says nothing else («оператор!», «позовите человека»), so it is no
        question to put on a ticket
    """

    bare: bool


@dataclass(frozen=True)
class _Word:
    lemma: str
    function: bool  # a preposition, particle, pronoun or filler: may stand anywhere
    number: bool


@dataclass
class HumanRequestDetector:
    """Recognises a customer asking for a person in words, typos and wrong layout included.

    «оператор», «живой человек», «позовите сотрудника», «соедините с человеком», «хочу
    поговорить с менеджером», «опиратор», «jgthfnjh»; someone or the live one («позовите
    кого-нибудь», «есть кто живой?»), a person's help («нужна помощь специалиста») and no bot
    («не хочу с ботом общаться»). Statements that only mention a person
    are not requests: «оператор связи не работает», «сотрудник ДПС выписал штраф», «оператор
    не отвечает» (the search may well have an article for that). Negated requests («не нужен
    оператор») are not requests either.

    :param lemmatizer: share the index's one, so pymorphy3's cache serves both
    """

    lemmatizer: Lemmatizer = field(default_factory=Lemmatizer)

    def __post_init__(self) -> None:
        # Typos are repaired towards every form of the words above («позавите» → «позовите»),
        # built on first use: the dictionary load is the index's job at start-up, not ours.
        self._typos: TypoFixer | None = None
        self._lemma_of: dict[str, str] = {}
        self._scripts = ScriptRepair(is_known=self.lemmatizer.is_known, keep=lambda _: False)

    def detect(self, text: str) -> HumanRequest | None:
        """A :class:`HumanRequest` if ``text`` asks for a person, else ``None``.

        :param text: the customer's message, raw
        """
        words = self._words(text)
        if _refuses_the_bot(words):
            return HumanRequest(bare=all(w.function or w.lemma in BOTS | _REFUSE for w in words))
        if not any(w.lemma in PEOPLE or _live_alone(words, i) for i, w in enumerate(words)):
            return None
        if self._is_bare(words):
            return HumanRequest(bare=True)
        for i, word in enumerate(words):
            if word.lemma in LIVE and i + 1 < len(words) and self._is_person(words, i + 1):
                return HumanRequest(bare=False)
            if word.lemma in VERBS and not _negated(words, i) and self._asks_at(words, i):
                return HumanRequest(bare=False)
        return None

    def _words(self, text: str) -> list[_Word]:
        clean = strip_greetings(self._scripts.repair(normalise(text)))
        words: list[_Word] = []
        for token in tokenize(clean):
            if token.is_code:
                words.append(_Word(token.text, function=False, number=True))
                continue
            if token.text in _INDEFINITE and words and words[-1].lemma == "кто":
                words[-1] = _Word(SOMEONE, function=False, number=False)  # «кого-нибудь»
                continue
            word = standard(token.text, self.lemmatizer)
            lemma = self.lemmatizer.lemma(word)
            if lemma not in PEOPLE | LIVE and lemma not in VERBS:
                lemma = self._repair(word) or lemma
            pos = self.lemmatizer.pos(word)
            function = (
                (pos in FUNCTION_POS and lemma != "не")
                or lemma in FILLER
                or word in POLITE
                or lemma in POLITE
            ) and lemma not in PEOPLE
            words.append(_Word(lemma, function=function, number=pos == "NUMR"))
        return words

    def _repair(self, word: str) -> str | None:
        if self.lemmatizer.is_known(word):
            return None
        if self._typos is None:
            forms = {
                form: lemma
                for lemma in sorted(PEOPLE | LIVE | set(VERBS))
                for form in (self.lemmatizer.forms(lemma) or {lemma})
            }
            self._lemma_of = forms
            self._typos = TypoFixer().fit(forms)
        fixed = self._typos.fix(word)
        return self._lemma_of[fixed] if fixed else None

    def _is_person(self, words: list[_Word], i: int) -> bool:
        if words[i].lemma not in PEOPLE and not _live_alone(words, i):
            return False
        before = words[i - 1] if i > 0 else None
        after = words[i + 1] if i + 1 < len(words) else None
        if before is not None and (before.number or before.lemma in NOT_PEOPLE_BEFORE):
            return False
        return after is None or after.lemma not in NOT_PEOPLE_AFTER

    def _is_bare(self, words: list[_Word]) -> bool:
        """Only people, "live", request verbs and politeness: «можно живого оператора?»."""
        people = [i for i, w in enumerate(words) if w.lemma in PEOPLE]
        return all(self._is_person(words, i) for i in people) and all(
            w.lemma in PEOPLE or w.lemma in LIVE or w.lemma in VERBS or w.function for w in words
        )

    def _asks_at(self, words: list[_Word], verb: int) -> bool:
        """Whether the verb at ``verb`` has a person as its object, before or after it."""
        preposition, either_side = VERBS[words[verb].lemma]
        after = range(verb + 1, min(len(words), verb + 2 + _WINDOW))
        before = range(verb - 1, max(-1, verb - 2 - _WINDOW), -1) if either_side else range(0)
        for span in (after, before):
            for i in span:
                if self._is_person(words, i) and _takes(words, i, preposition):
                    return True
                if not (words[i].function or words[i].lemma in LIVE):
                    break
        return False


def _takes(words: list[_Word], person: int, preposition: str) -> bool:
    """Whether the person at ``person`` comes with ``preposition`` (or none is needed)."""
    if not preposition:
        return True
    for i in range(person - 1, -1, -1):
        lemma = _PREPOSITIONS.get(words[i].lemma)
        if lemma is not None:
            return lemma == preposition
        if words[i].lemma not in LIVE and not words[i].function:
            return False
    return False


def _live_alone(words: list[_Word], i: int) -> bool:
    """«живого» with no noun after it: the live one, a person («дайте живого»), not «живой
    ответ»."""
    return words[i].lemma in LIVE and (i + 1 == len(words) or words[i + 1].function)


def _refuses_the_bot(words: list[_Word]) -> bool:
    """«не хочу с ботом общаться», «с ботом не хочу»: a person is wanted instead."""
    lemmas = {w.lemma for w in words}
    return bool(lemmas & BOTS) and "не" in lemmas and bool(lemmas & (_REFUSE - {"не"}))


def _negated(words: list[_Word], i: int) -> bool:
    return i > 0 and words[i - 1].lemma == "не"
