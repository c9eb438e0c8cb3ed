"""Everyday shortenings and slang customers type, read as the words articles use.

General Russian chat vocabulary, not any one knowledge base's: articles say «приложение», people
type «прила». A KB's own synonyms belong in its articles' ``questions:``.

Slang inflects like any word («нет инета», «с симкой», «заблочили»): :func:`standard` knows
every form of an entry, generated once by pymorphy3 from the entry itself.
"""

from __future__ import annotations

import re
from functools import lru_cache

from nlp.lemmas import Lemmatizer

SLANG: dict[str, str] = {
    # apps, devices, the internet
    "прила": "приложение", "прилка": "приложение", "приложуха": "приложение",
    "приложка": "приложение", "прил": "приложение", "апп": "приложение", "апка": "приложение",
    "инет": "интернет", "интернет-": "интернет", "тырнет": "интернет", "вайфай": "wifi",
    "вафля": "wifi", "комп": "компьютер", "ноут": "ноутбук", "тел": "телефон",
    "мобила": "телефон", "мобилка": "телефон", "мобильник": "телефон", "смарт": "смартфон",
    "айфон": "iphone", "андроид": "android", "симка": "сим-карта", "симку": "сим-карта",
    "лк": "кабинет", "лкк": "кабинет", "акк": "аккаунт", "акаунт": "аккаунт",
    "учетка": "аккаунт", "учетку": "аккаунт", "смска": "смс",
    "эсэмэс": "смс", "sms": "смс", "смсска": "смс", "емейл": "email", "имейл": "email",
    "мейл": "email", "видос": "видео", "видосик": "видео", 
    "стрим": "трансляция", "стримить": "трансляция", "коммент": "комментарий",
    "комменты": "комментарий", "юзер": "пользователь", "админ": "администратор",
    "бан": "блокировка", "забанили": "заблокировали", "глючит": "ошибка", "глюк": "ошибка",
    "баг": "ошибка", "лагает": "тормозит", "виснет": "зависает", "крашится": "вылетает",
    "крашиться": "вылетает",
    # money and orders
    "бабки": "деньги", "бабло": "деньги", "деньжата": "деньги", "нал": "наличные",
    "налик": "наличные", "наличка": "наличные", "безнал": "безналичный", "карточка": "карта",
    "тыщ": "тысяч", "тыс": "тысяч", "руб": "рублей", "р": "рублей", "промик": "промокод",
    "промо": "промокод", "кэшбек": "кешбэк", "кешбек": "кешбэк", "кэшбэк": "кешбэк",
    "заказик": "заказ", "доставочка": "доставка",
    "курик": "курьер", "рефанд": "возврат",
    # conversation
    "щас": "сейчас", "ща": "сейчас", "сёдня": "сегодня", "седня": "сегодня", "чё": "что",
    "че": "что", "чо": "что", "норм": "нормально", "плз": "пожалуйста", "пжл": "пожалуйста",
    "пж": "пожалуйста", "спс": "спасибо", "оч": "очень", "мб": "может", "кст": "кстати",
    "тк": "так", "тп": "поддержка", "саппорт": "поддержка", "скок": "сколько",
    "скока": "сколько", "зарегаться": "зарегистрироваться", "регаться": "зарегистрироваться",
    "зарегался": "зарегистрировался", "зарегалась": "зарегистрировалась",
    "регнуться": "зарегистрироваться", "залогиниться": "войти", "логиниться": "войти",
    "разлогинило": "вышло", "чат-бот": "бот",
    # more of the same (their other forms come from standard())
    "комса": "комиссия", "юзать": "использовать", "заюзать": "использовать",
    "халява": "бесплатно", "нахаляву": "бесплатно", "халявный": "бесплатный",
    "подрубить": "подключить", "подрубать": "подключать", "отрубить": "отключить",
    "отрубиться": "отключиться", "вырубиться": "отключиться", "заблочить": "заблокировать",
    "разблочить": "разблокировать", "блокнуть": "заблокировать", "трабл": "проблема",
    "трабла": "проблема", "инфа": "информация", "обнова": "обновление", "апдейт": "обновление",
    "прога": "программа", "тачка": "машина", "скрин": "скриншот", "фотка": "фото",
    "тыща": "тысяча", "сбер": "сбербанк", "телега": "telegram", "тг": "telegram",
    "ватсап": "whatsapp", "вацап": "whatsapp", "ютуб": "youtube", "ютьюб": "youtube",
    "перекинуть": "перевести", "доставщик": "курьер", "зп": "зарплата", "гиг": "гигабайт",
    "пуш": "уведомление", "пуши": "уведомление", "симкарта": "сим-карта",
}  # fmt: skip


_RUSSIAN_WORD = re.compile(r"[а-яё-]+")
#: Entries this short are not inflected: «р», «мб», «тк» have no forms worth guessing.
_SHORTEST_INFLECTED = 3
#: How entries begin: a form's guessed dictionary form is an entry only if the form begins so.
_STARTS = frozenset(entry[:_SHORTEST_INFLECTED] for entry in SLANG)
#: Entries whose other forms mean something else more often: «вафли» in a grocery order.
_NOT_INFLECTED = frozenset({"вафля"})


def standard(word: str, lemmatizer: Lemmatizer | None = None) -> str:
    """The word articles use for a slang ``word`` in any form (``инета`` → ``интернет``), or
    ``word`` itself.

    :param lemmatizer: also read a form no dictionary has by its guessed dictionary form
        (``юзаю`` → ``юзать``), for forms pymorphy3 does not generate from the entry
    """
    found = SLANG.get(word) or _forms().get(word)
    if found:
        return found
    if (
        lemmatizer is not None
        and len(word) > _SHORTEST_INFLECTED
        and word[:_SHORTEST_INFLECTED] in _STARTS  # a guess costs ~0.1 ms: only when it may hit
        and not lemmatizer.is_known(word)
    ):
        entry = lemmatizer.lemma(word)
        if len(entry) >= _SHORTEST_INFLECTED and entry not in _NOT_INFLECTED:
            return SLANG.get(entry, word)
    return word


def slang_words() -> list[str]:
    """Every slang word in every form we read («комменты», «инета»): typo repair's targets
    too, so «кооменты» is read as «комменты», not as the KB's «моменты».

    Not those read as a Latin name (``ютуб``: ``youtube``): a brand typed in Russian letters
    is one slip from another («рутуба» is not «ютуба»).
    """
    forms = _forms()
    return [
        w
        for w in (*SLANG, *forms)
        if w.isalpha() and _RUSSIAN_WORD.fullmatch(SLANG.get(w) or forms[w])
    ]


@lru_cache(maxsize=1)
def _forms() -> dict[str, str]:
    """Every other form of each entry, to the entry's word.

    A form the dictionary knows is taken only when the entry is itself a dictionary word and
    the form reads as that word: «инета» is «инет»'s, but «тела» stays «тело», not «тел»
    (телефон), and «бане» stays «баня», not «бан».
    """
    lemmatizer = Lemmatizer(memory=4096)
    out: dict[str, str] = {}
    for entry, word in SLANG.items():
        if len(entry) < _SHORTEST_INFLECTED or not entry.isalpha() or entry in _NOT_INFLECTED:
            continue
        own = lemmatizer.lemma(entry) == entry
        for form in lemmatizer.lexeme(entry):
            if form in SLANG or form in out:
                continue
            if not lemmatizer.is_known(form) or (own and lemmatizer.lemma(form) == entry):
                out[form] = word
    return out
