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

__all__ = ["Details", "details_in"]

_QUOTED = r"[«\"“„']([^»\"”“'\n]{2,200})[»\"”“']"

_ORDER = re.compile(
    r"(?:заказ\w*|договор\w*|лицев\w*\s+сч[её]т\w*|сч[её]т\w*|посылк\w*|отправлени\w*)"
    r"(?:\s+(?:номер|под\s+номером))?\s*(?:№|#)?\s*[:\-]?\s*"
    r"([a-zа-я]{0,3}-?\d[\d\-]{2,30}\d)\b",
    re.IGNORECASE,
)
_ERROR_QUOTED = re.compile(
    r"(?:ошибк\w*|пишет|выда[её]т|выскакивает|появляется|показывает|сообщение)"
    r"[^«\"“„'\n]{0,40}" + _QUOTED,
    re.IGNORECASE,
)
_ERROR_CODE = re.compile(
    r"((?:код\s+ошибки|ошибк[аиуе])\s*[:№#]?\s*[a-z]{0,3}-?\d{2,6})\b", re.IGNORECASE
)
_DEVICE = re.compile(
    r"\b("
    r"iphone\s*(?:\d{1,2}|se|x[rs]?)(?:\s*(?:pro|max|mini|plus))*"
    r"|айфон\w*\s*\d{1,2}(?:\s*(?:pro|про|max|макс|mini|мини|plus|плюс))*"
    r"|ipad(?:\s*(?:pro|air|mini))?"
    r"|(?:samsung|самсунг)(?:\s+galaxy)?\s+[a-z]{0,2}\d{1,3}\w*"
    r"|(?:xiaomi|redmi|poco|huawei|honor|realme|oneplus|pixel)\s*[a-z]{0,4}\s*\d{1,3}\w*"
    r"|(?:android|андроид\w*)\s*\d{1,2}(?:\.\d+)?"
    r"|(?:ios|айос)\s*\d{1,2}(?:\.\d+)*"
    r")",
    re.IGNORECASE,
)


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
