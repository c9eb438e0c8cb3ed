"""Russian plural forms: 1 заявка, 2 заявки, 5 заявок (CLDR rules for "ru")."""

from __future__ import annotations

from typing import Literal

__all__ = ["PluralCategory", "plural", "plural_category"]

PluralCategory = Literal["one", "few", "many"]


def plural_category(n: int) -> PluralCategory:
    """CLDR plural category of a whole number in Russian.

    :param n: the count; the sign is ignored

    >>> [plural_category(n) for n in (1, 2, 5, 11, 21, 22, 111)]
    ['one', 'few', 'many', 'many', 'one', 'few', 'many']
    """
    n = abs(n)
    if n % 10 == 1 and n % 100 != 11:
        return "one"
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return "few"
    return "many"


def plural(n: int, one: str, few: str, many: str) -> str:
    """The word form that goes with ``n`` (without the number).

    :param n: the count
    :param one: form for 1, 21, 101 ("заявка")
    :param few: form for 2-4, 22-24 ("заявки")
    :param many: form for 0, 5-20, 25 ("заявок")

    >>> f"3 {plural(3, 'заявка', 'заявки', 'заявок')}"
    '3 заявки'
    """
    return {"one": one, "few": few, "many": many}[plural_category(n)]
