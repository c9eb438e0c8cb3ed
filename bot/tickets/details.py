"""What a customer's own message already says for the ticket form (pure).

A customer who writes «Заказ 48213 не пришёл, приложение пишет «Ошибка оплаты», iPhone 13»
has answered three of the form's questions. The form shows what was found and offers to keep
it, so a wrong guess costs one typed line, never a wrong field nobody saw. Only what is
unmistakable is taken: an order number needs a word for it («заказ», «договор», «счёт»,
«посылка»: a bare «№1001» may be the ticket's own number); an error, its quoted text or its
code right after «ошибка»; a device, a known make or system with its model or version.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["TEXT_LIMIT", "Details", "details_in"]

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
TEXT_LIMIT = 2000
"""Characters of a message read for details: a form's worth, whatever was pasted."""


@dataclass(frozen=True)
class Details:
    """What a message says for the form; ``None`` where it says nothing clear."""

    order_number: str | None = None
    error_text: str | None = None
    device: str | None = None


def details_in(text: str) -> Details:
    """The order number, error and device a message names, as the customer wrote them.

    >>> details_in("Заказ №48213 не пришёл, пишет «Ошибка оплаты», iPhone 13, iOS 17.2")
    Details(order_number='48213', error_text='Ошибка оплаты', device='iPhone 13, iOS 17.2')
    >>> details_in("как отменить заказ")
    Details(order_number=None, error_text=None, device=None)
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
    )
