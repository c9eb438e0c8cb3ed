"""What a customer's own message already says for the ticket form (pure).

A customer who writes «Заказ 48213 не пришёл, приложение пишет «Ошибка оплаты», iPhone 13»
has answered three of the form's questions; «вчера вечером списали дважды», a fourth. The
form shows what was found and offers to keep it, so a wrong guess costs one typed line, never
a wrong field nobody saw. Only what is unmistakable is taken: an order number needs a word
for it («заказ», «договор», «счёт», «посылка»: a bare «№1001» may be the ticket's own number);
an error, its quoted text or its code right after «ошибка»; a device, a known make or system
with its model or version; a time, a day word («вчера»), a part of the day («утром»), a span
back («2 дня назад», «уже неделю», «с понедельника»), a weekday, a date with its month named
(«12 марта», «12.03») or a clock time («в 15:30»), kept as written: «5 дней» alone is how
long, not when, and «iOS 17.2» a version.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["TEXT_LIMIT", "Details", "details_in", "when_in"]

_QUOTED = r"[«\"“„']([^»\"”“'\n]{2,200})[»\"”“']"
_GAP = r"[ \t]{0,3}"  # bounded: runs of \s* side by side backtrack in O(n²) on long blanks

_ORDER = re.compile(
    r"(?:заказ\w{0,4}|договор\w{0,4}|лицев\w{0,4}[ \t]{1,3}сч[её]т\w{0,3}|сч[её]т\w{0,3}"
    r"|посылк\w{0,3}|отправлени\w{0,3})"
    rf"(?:[ \t]{{1,3}}(?:номер|под[ \t]{{1,3}}номером))?{_GAP}(?:№|#)?{_GAP}[:\-]?{_GAP}"
    r"([a-zа-я]{0,3}-?\d[\d\-]{2,30}\d)\b",
    re.IGNORECASE,
)
_ERROR_QUOTED = re.compile(
    r"(?:ошибк\w{0,3}|пишет|выда[её]т|выскакивает|появляется|показывает|сообщение)"
    r"[^«\"“„'\n]{0,40}" + _QUOTED,
    re.IGNORECASE,
)
_ERROR_CODE = re.compile(
    rf"((?:код[ \t]{{1,3}}ошибки|ошибк[аиуе]){_GAP}[:№#]?{_GAP}[a-z]{{0,3}}-?\d{{2,6}})\b",
    re.IGNORECASE,
)
_DEVICE = re.compile(
    r"\b("
    r"iphone[ \t]{0,2}(?:\d{1,2}|se|x[rs]?)(?:[ \t]{0,2}(?:pro|max|mini|plus)){0,3}"
    r"|айфон\w{0,3}[ \t]{0,2}\d{1,2}(?:[ \t]{0,2}(?:pro|про|max|макс|mini|мини|plus|плюс)){0,3}"
    r"|ipad(?:[ \t]{0,2}(?:pro|air|mini))?"
    r"|(?:samsung|самсунг)(?:[ \t]{1,2}galaxy)?[ \t]{1,2}[a-z]{0,2}\d{1,3}\w{0,3}"
    r"|(?:xiaomi|redmi|poco|huawei|honor|realme|oneplus|pixel)"
    r"[ \t]{0,2}[a-z]{0,4}[ \t]{0,2}\d{1,3}\w{0,3}"
    r"|(?:android|андроид\w{0,3})[ \t]{0,2}\d{1,2}(?:\.\d{1,3})?"
    r"|(?:ios|айос)[ \t]{0,2}\d{1,2}(?:\.\d{1,3}){0,2}"
    r")",
    re.IGNORECASE,
)
_S = r"[ \t]{1,3}"  # a space between words of a time, bounded as _GAP
_WEEKDAY = (
    r"(?:понедельник\w{0,2}|вторник\w{0,2}|сред[уаы]|четверг\w{0,2}|пятниц[уаы]|суббот[уаы]"
    r"|воскресень[ея])"
)
_MONTH = r"(?:январ|феврал|март|апрел|ма[йя]|июн|июл|август|сентябр|октябр|ноябр|декабр)\w{0,2}"
_SINCE = (
    r"(?:утра|вечера|обеда|ночи|выходных|понедельника|вторника|среды|четверга|пятницы|субботы"
    rf"|воскресенья|прошл(?:ой|ого){_S}(?:недели|месяца)|вчерашнего{_S}дня"
    rf"|\d{{1,2}}(?:{_S}{_MONTH}|[ \t]{{0,3}}числа|\.\d{{2}}))"
)
_SPANS = r"(?:минут\w?|час\w{0,2}|полчаса|дн(?:я|ей)|день|недел[юиь]|месяц\w{0,2}|год\w{0,2}|лет)"
_LASTING = r"(?:неделю|недели|месяц|день|дня|дней|сутки|суток|час|часа|часов)"
_ORDINAL = r"(?:второй|третий|четв[её]ртый|пятый|\d{1,2}-?(?:й|ой|ий))"
#: The first piece of a time, as customers write it; pieces side by side («вчера вечером
#: около 18:00») are one time.
_WHEN_START = "|".join(
    (
        r"(?:поза)?вчера",
        r"(?<!на )(?<!до )сегодня",  # «доставка на сегодня» is a wish, not a time
        rf"накануне|только{_S}что|недавно",
        rf"с{_S}{_SINCE}",
        rf"(?:(?:\d{{1,3}}|пару|несколько){_S})?{_SPANS}{_S}назад",
        rf"(?:уже|целую|целый|целых){_S}(?:\d{{1,2}}{_S})?{_LASTING}",
        rf"(?:уже{_S})?{_ORDINAL}{_S}(?:день|час|неделю|месяц)",
        rf"во?{_S}(?:прошл\w{{2,3}}{_S})?{_WEEKDAY}",
        rf"(?:на|в){_S}(?:этой|прошлой){_S}неделе|(?:в|на){_S}(?:прошлые{_S})?выходн(?:ые|ых)",
        rf"в{_S}прошлом{_S}месяце",
        rf"\d{{1,2}}{_S}{_MONTH}(?:{_S}\d{{4}}(?:{_S}г(?:ода|\.)?)?)?",
        # «12.03», not «iOS 17.2» nor «версия 10.12»
        r"(?<!ios )(?<!версия )(?<!версии )(?<!android )(?<!андроид )"
        r"(?:[0-2]\d|3[01])\.(?:0[1-9]|1[0-2])(?:\.(?:\d{4}|\d{2}))?",
        # «в 15:30», «около 18.30», «9:00»; a bare «2.10» is more often a version than a time
        rf"(?:в|около|примерно{_S}в|после){_S}(?:[01]?\d|2[0-3])[:.][0-5]\d",
        r"(?:[01]?\d|2[0-3]):[0-5]\d",
        rf"после{_S}обновлени\w{{1,2}}",
    )
)
#: A part of the day, a time only beside a day («вчера вечером»): alone, «работает днём?» or
#: «можно вернуть машину вечером?» ask, and say nothing of when anything happened.
_PART_OF_DAY = rf"утром|вечером|ночью|дн[её]м|в{_S}обед|после{_S}обеда"
_WHEN_FIRST = re.compile(rf"(?<![\w-])(?:{_WHEN_START})(?![\w-])", re.IGNORECASE)
_WHEN_PIECE = re.compile(rf"(?<![\w-])(?:{_WHEN_START}|{_PART_OF_DAY})(?![\w-])", re.IGNORECASE)
#: What may stand between two pieces of one time: «вчера, около 18:00», «сегодня утром».
_WHEN_GLUE = re.compile(rf"[ \t,]{{0,4}}(?:(?:и|около|примерно|где-?то){_S})?")
TEXT_LIMIT = 2000
"""Characters of a message read for details: a form's worth, whatever was pasted."""


@dataclass(frozen=True)
class Details:
    """What a message says for the form; ``None`` where it says nothing clear."""

    order_number: str | None = None
    error_text: str | None = None
    device: str | None = None
    when: str | None = None


def details_in(text: str) -> Details:
    """The order number, error, device and time a message names, as the customer wrote them.

    >>> details_in("Вчера заказ №48213 не пришёл, пишет «Ошибка оплаты», iPhone 13")
    Details(order_number='48213', error_text='Ошибка оплаты', device='iPhone 13', when='Вчера')
    >>> details_in("как отменить заказ")
    Details(order_number=None, error_text=None, device=None, when=None)
    """
    text = text[:TEXT_LIMIT]
    order = _ORDER.search(text)
    quoted = _ERROR_QUOTED.search(text)
    code = _ERROR_CODE.search(text)
    error = quoted.group(1) if quoted else code.group(1) if code else None
    devices = list(dict.fromkeys(" ".join(m.group(1).split()) for m in _DEVICE.finditer(text)))
    return Details(
        order_number=order.group(1) if order else None,
        error_text=error.strip() if error else None,
        device=", ".join(devices) or None,
        when=when_in(text),
    )


def when_in(text: str) -> str | None:
    """When the message says it happened, as written: its first time, pieces side by side
    read as one; ``None`` if it names none.

    >>> when_in("Вчера вечером, около 18:30, списали деньги дважды")
    'Вчера вечером, около 18:30'
    >>> when_in("уже третий день не приходит код"), when_in("с понедельника не работает")
    ('уже третий день', 'с понедельника')
    >>> print(when_in("пакет на 5 дней, iOS 17.2, доставка на сегодня, доброе утро"))
    None
    >>> print(when_in("можно вернуть машину вечером?"))
    None
    """
    text = text[:TEXT_LIMIT]
    first = _WHEN_FIRST.search(text)
    if first is None:
        return None
    start, end = first.span()
    while (glue := _WHEN_GLUE.match(text, end)) and (
        following := _WHEN_PIECE.match(text, glue.end())
    ):
        end = following.end()
    return text[start:end]
