"""Every sentence the bot says, rendered from ``bot/templates/`` with Russian-aware filters.

Two kinds of template, told apart by the file name:

* ``name.j2`` is a message sent with ``parse_mode="HTML"``. Autoescape is on, so a customer
  name ``<3 & Co`` comes out as ``&lt;3 &amp; Co``; only Telegram's tags (b, i, u, s, code,
  pre, a, blockquote) are written in the templates themselves.
* ``name.txt.j2`` is plain text that Telegram shows as typed: button labels
  (``buttons.txt.j2``, one macro per button) and forum-topic names. Escaping there would put
  a literal ``&amp;`` on the button, so autoescape is off, by file name, the way web
  frameworks treat ``.html`` and ``.txt``. No template uses ``|safe``.

Filters: ``plural``, ``duration``, ``datetime_ru`` (``zone=True`` names the timezone),
``deadline_ru``, ``ticket_number``, ``shorten``, ``utf16_len``; test: ``is past``. Every time
promised to a customer names its timezone («сегодня до 18:00 МСК»): a customer in Novosibirsk
must not read Moscow's 18:00 as his own. Templates whose names start with ``_`` hold macros only.

Templates take plain values (str, int, timedelta, datetime); mapping domain objects to them
is the caller's job. Undefined variables raise (``StrictUndefined``). ``now`` and ``tz`` are
always in the context: :class:`Texts` adds them from its clock and timezone unless given.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any, Literal, TypeVar, cast
from zoneinfo import ZoneInfo

from jinja2 import Environment, PackageLoader, StrictUndefined, Undefined, pass_context
from jinja2.runtime import Context

from bot.plural import plural

__all__ = [
    "Case",
    "Texts",
    "datetime_ru",
    "deadline_ru",
    "duration",
    "make_environment",
    "shorten",
    "ticket_number",
    "utf16_len",
]

Case = Literal["nom", "acc", "gen"]
F = TypeVar("F", bound=Callable[..., Any])

# (one, few, many) for day, hour, minute, by grammatical case: "2 часа 30 минут" (nom),
# "через 1 минуту" (acc), "в течение 2 часов" (gen).
_UNITS: dict[Case, tuple[tuple[str, str, str], ...]] = {
    "nom": (("день", "дня", "дней"), ("час", "часа", "часов"), ("минута", "минуты", "минут")),
    "acc": (("день", "дня", "дней"), ("час", "часа", "часов"), ("минуту", "минуты", "минут")),
    "gen": (("дня", "дней", "дней"), ("часа", "часов", "часов"), ("минуты", "минут", "минут")),
}
_MONTHS = (
    "января",
    "февраля",
    "марта",
    "апреля",
    "мая",
    "июня",
    "июля",
    "августа",
    "сентября",
    "октября",
    "ноября",
    "декабря",
)
_RELATIVE_DAYS = {-1: "вчера", 0: "сегодня", 1: "завтра"}
# "в понедельник", "во вторник": accusative, with "во" before в-.
_WEEKDAYS = (
    "в понедельник",
    "во вторник",
    "в среду",
    "в четверг",
    "в пятницу",
    "в субботу",
    "в воскресенье",
)
_MOSCOW_OFFSET = timedelta(hours=3)
# Russia's timezones are said against Moscow's ("МСК+4"), as Russian timetables do; any other
# one against UTC.
_RUSSIAN_ZONES = frozenset(
    {
        "Europe/Kaliningrad", "Europe/Moscow", "Europe/Simferopol", "Europe/Kirov",
        "Europe/Volgograd", "Europe/Astrakhan", "Europe/Saratov", "Europe/Ulyanovsk",
        "Europe/Samara", "Asia/Yekaterinburg", "Asia/Omsk", "Asia/Novosibirsk", "Asia/Barnaul",
        "Asia/Tomsk", "Asia/Novokuznetsk", "Asia/Krasnoyarsk", "Asia/Irkutsk", "Asia/Chita",
        "Asia/Yakutsk", "Asia/Khandyga", "Asia/Vladivostok", "Asia/Ust-Nera", "Asia/Magadan",
        "Asia/Sakhalin", "Asia/Srednekolymsk", "Asia/Kamchatka", "Asia/Anadyr",
    }
)  # fmt: skip
_BUTTONS = "buttons.txt.j2"


def duration(value: timedelta, case: Case = "nom") -> str:
    """A span in words, the largest unit and the next one: "2 часа 30 минут", "1 день".

    Seconds are dropped; the sign is ignored (an overdue SLA reads the same way).

    :param value: the span
    :param case: "nom" ("1 минута"), "acc" ("через 1 минуту") or "gen" ("в течение 1 минуты")

    >>> duration(timedelta(hours=2, minutes=30)), duration(timedelta(hours=2), "gen")
    ('2 часа 30 минут', '2 часов')
    """
    minutes = int(abs(value).total_seconds()) // 60
    if minutes == 0:
        return "меньше минуты"
    amounts = (minutes // 1440, minutes // 60 % 24, minutes % 60)
    first = next(i for i, amount in enumerate(amounts) if amount)
    words = []
    for amount, forms in list(zip(amounts, _UNITS[case], strict=True))[first : first + 2]:
        if amount:
            words.append(f"{amount} {plural(amount, *forms)}")
    return " ".join(words)


def datetime_ru(value: datetime, now: datetime, tz: str | tzinfo, *, zone: bool = False) -> str:
    """A moment as a customer reads it: "сегодня в 14:30", "завтра в 09:00", "25 ноября, 14:30".

    Naive datetimes are taken as UTC, the way they are stored.

    :param value: the moment
    :param now: the present, for "сегодня"/"завтра"/"вчера"
    :param tz: the reader's timezone, an IANA name or a tzinfo
    :param zone: name the timezone after the time ("завтра в 09:00 МСК")

    >>> now = datetime(2024, 11, 25, 20, 0, tzinfo=UTC)
    >>> datetime_ru(datetime(2024, 11, 26, 6, 0, tzinfo=UTC), now, "Europe/Moscow")
    'завтра в 09:00'
    >>> datetime_ru(datetime(2024, 11, 26, 6, 0, tzinfo=UTC), now, "Asia/Novosibirsk", zone=True)
    'сегодня в 13:00 МСК+4'
    """
    where = ZoneInfo(tz) if isinstance(tz, str) else tz
    local, today = _aware(value).astimezone(where), _aware(now).astimezone(where)
    clock = f"{local:%H:%M}" + (f" {zone_label(where, local)}" if zone else "")
    relative = _RELATIVE_DAYS.get((local.date() - today.date()).days)
    if relative:
        return f"{relative} в {clock}"
    year = "" if local.year == today.year else f" {local.year}"
    return f"{local.day} {_MONTHS[local.month - 1]}{year}, {clock}"


def deadline_ru(value: datetime, now: datetime, tz: str | tzinfo) -> str:
    """A promised time, always with its timezone: "сегодня до 18:00 МСК", "завтра до 10:00 МСК",
    "в понедельник до 10:00 МСК" within a week, "25 ноября до 10:00 МСК" later.

    >>> now = datetime(2024, 11, 22, 12, 0, tzinfo=UTC)  # Friday
    >>> deadline_ru(datetime(2024, 11, 22, 15, 0, tzinfo=UTC), now, "Europe/Moscow")
    'сегодня до 18:00 МСК'
    >>> deadline_ru(datetime(2024, 11, 25, 7, 0, tzinfo=UTC), now, "Europe/Moscow")
    'в понедельник до 10:00 МСК'
    >>> deadline_ru(datetime(2024, 12, 2, 7, 0, tzinfo=UTC), now, "Europe/Moscow")
    '2 декабря до 10:00 МСК'
    """
    where = ZoneInfo(tz) if isinstance(tz, str) else tz
    local, today = _aware(value).astimezone(where), _aware(now).astimezone(where)
    clock = f"до {local:%H:%M} {zone_label(where, local)}"
    days = (local.date() - today.date()).days
    if days in _RELATIVE_DAYS:
        return f"{_RELATIVE_DAYS[days]} {clock}"
    if 1 < days < 7:
        return f"{_WEEKDAYS[local.weekday()]} {clock}"
    year = "" if local.year == today.year else f" {local.year}"
    return f"{local.day} {_MONTHS[local.month - 1]}{year} {clock}"


def zone_label(zone: tzinfo, at: datetime) -> str:
    """How a Russian reader names a timezone: against Moscow for Russia's own ("МСК",
    "МСК+4", "МСК−1"), against UTC for any other ("UTC+1", "UTC−5", "UTC+5:30").

    >>> zone_label(ZoneInfo("Asia/Novosibirsk"), datetime(2024, 1, 1, tzinfo=UTC))
    'МСК+4'
    >>> zone_label(ZoneInfo("Europe/Berlin"), datetime(2024, 7, 1, tzinfo=UTC))
    'UTC+2'
    """
    offset = _aware(at).astimezone(zone).utcoffset() or timedelta(0)
    if str(zone) in _RUSSIAN_ZONES:
        return "МСК" + _signed(offset - _MOSCOW_OFFSET)
    return "UTC" + _signed(offset)


def _signed(offset: timedelta) -> str:
    """``+4``, ``−1`` (a minus sign, as typeset), ``+5:30``; empty for zero."""
    minutes = int(offset.total_seconds() // 60)
    if minutes == 0:
        return ""
    sign, minutes = ("+", minutes) if minutes > 0 else ("−", -minutes)
    hours, rest = divmod(minutes, 60)
    return f"{sign}{hours}" + (f":{rest:02d}" if rest else "")


def ticket_number(number: int, sign: str = "#") -> str:
    """A ticket number as people quote it: ``1042`` -> ``#1042`` (or ``№1042``).

    :param number: the ticket's id
    :param sign: the prefix, ``#`` for agents (a Telegram hashtag), ``№`` for customers
    """
    return f"{sign}{number}"


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the way Telegram counts its limits."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def shorten(text: str, width: int) -> str:
    """One line of at most ``width`` UTF-16 units, cut with "…" if it was longer.

    :param text: any text; runs of whitespace, newlines included, become one space
    :param width: the limit in UTF-16 code units

    >>> shorten("Не приходит  код\\nиз SMS", 12)
    'Не приходит…'
    """
    line = " ".join(text.split())
    if utf16_len(line) <= width:
        return line
    budget, kept = width - 1, []
    for char in line:
        budget -= utf16_len(char)
        if budget < 0:
            break
        kept.append(char)
    return "".join(kept).rstrip() + "…" if width > 0 else ""


def make_environment() -> Environment:
    """The Jinja environment over ``bot/templates/`` with the filters above."""
    env = Environment(
        loader=PackageLoader("bot", "templates"),
        autoescape=_autoescape,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.tests["past"] = _is_past
    filters: dict[str, Callable[..., Any]] = {
        "plural": plural,
        "duration": duration,
        "datetime_ru": _datetime_ru_filter,
        "deadline_ru": _deadline_ru_filter,
        "ticket_number": ticket_number,
        "shorten": shorten,
        "utf16_len": utf16_len,
    }
    env.filters.update({name: _strict(function) for name, function in filters.items()})
    return env


class Texts:
    """Renders messages and button labels by template name.

    :param env: a ready environment, e.g. over a test folder; built by
        :func:`make_environment` when omitted
    :param tz: timezone for dates shown to people, an IANA name or a tzinfo
    :param clock: returns the current time; ``now`` in every template comes from it

    >>> texts = Texts()
    >>> texts.render("ticket_closed_by_customer", number=1042)
    'Заявка №1042 закрыта. Если вопрос вернётся, просто напишите его сюда.'
    >>> texts.button("helped")
    '👍 Помогло'
    """

    def __init__(
        self,
        env: Environment | None = None,
        *,
        tz: str | tzinfo = "Europe/Moscow",
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self._env = env if env is not None else make_environment()
        self._tz = ZoneInfo(tz) if isinstance(tz, str) else tz
        self._clock = clock if clock is not None else _utc_now

    def render(self, name: str, /, **context: Any) -> str:
        """An HTML message (``parse_mode="HTML"``) from ``templates/<name>.j2``.

        :param name: template path without ``.j2``, e.g. ``"start"``, ``"agents/ticket_card"``
        :param context: the variables listed at the top of the template
        """
        return self._fill(f"{name}.j2", context)

    def plain(self, name: str, /, **context: Any) -> str:
        """Plain text (no parse mode) from ``templates/<name>.txt.j2``, e.g. a topic name.

        :param name: template path without ``.txt.j2``, e.g. ``"agents/topic_name"``
        :param context: the variables listed at the top of the template
        """
        return self._fill(f"{name}.txt.j2", context)

    def button(self, name: str, /, **context: Any) -> str:
        """A button label: the macro ``name`` of ``templates/buttons.txt.j2``, not escaped.

        :param name: macro name, e.g. ``"helped"``, ``"urgency"``
        :param context: the macro's arguments, e.g. ``level="high"``
        """
        module = self._env.get_template(_BUTTONS).make_module(self._defaults({}))
        macro = getattr(module, name, None)
        if not callable(macro):
            known = sorted(n for n in dir(module) if not n.startswith("_"))
            raise LookupError(f"no button {name!r} in {_BUTTONS}; known: {', '.join(known)}")
        return str(macro(**context)).strip()

    def _fill(self, template: str, context: dict[str, Any]) -> str:
        return self._env.get_template(template).render(self._defaults(context)).strip()

    def _defaults(self, context: dict[str, Any]) -> dict[str, Any]:
        return {"now": self._clock(), "tz": self._tz, **context}


def _strict(function: F) -> F:
    """Make a filter raise UndefinedError for a missing variable, not a confusing TypeError."""

    @functools.wraps(function)
    def checked(*args: Any, **kwargs: Any) -> Any:
        for value in (*args, *kwargs.values()):
            if isinstance(value, Undefined):
                value._fail_with_undefined_error()
        return function(*args, **kwargs)

    return cast(F, checked)


def _autoescape(template_name: str | None) -> bool:
    return not (template_name or "").endswith(".txt.j2")


@pass_context
def _datetime_ru_filter(context: Context, value: datetime, zone: bool = False) -> str:
    return datetime_ru(value, context["now"], context["tz"], zone=zone)


@pass_context
def _deadline_ru_filter(context: Context, value: datetime) -> str:
    return deadline_ru(value, context["now"], context["tz"])


@pass_context
def _is_past(context: Context, value: datetime) -> bool:
    return _aware(value) < _aware(context["now"])


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _utc_now() -> datetime:
    return datetime.now(UTC)
