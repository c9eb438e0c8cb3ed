"""Reading the contact a customer types into the ticket form (pure).

The form asks «Как с вами связаться?» and remembers the answer for the customer's next
tickets, so a stray «2» or «не знаю» would follow them around. A contact is kept only when it
holds one an agent can use: a phone number in any spelling customers use («8 900 123 45 67»,
«+7(900)1234567», a foreign number with its code), an e-mail address, or a Telegram
@username. Phone numbers are written one way, the international one, so agents read and
dial them alike; the words around them stay («+7 900 123-45-67, после 18:00»).

«сюда», «в телеграм» point at this very chat, where the answer comes anyway: the form takes
them as nothing to keep (:func:`bot.dialogue.ticket_form.answer`).
"""

from __future__ import annotations

import re

import phonenumbers
from email_validator import EmailNotValidError, validate_email

__all__ = ["CONTACT_LIMIT", "read_contact"]

CONTACT_LIMIT = 200
"""Characters of a contact kept: a phone or two, an address and a word on when to call."""

#: Numbers are read as Russian ones unless they carry a country code.
REGION = "RU"
_EMAIL = re.compile(r"[^\s,;:<>()\[\]«»\"']{1,64}@[^\s,;:<>()\[\]«»\"']{1,255}")
_ABROAD = re.compile(r"(?<![\d+])\d{11,15}(?!\d)")
_USERNAME = re.compile(r"(?<![\w@.])@[a-z][a-z0-9_]{3,31}\b", re.IGNORECASE)


def read_contact(text: str) -> str | None:
    """``text`` with its phone numbers written the international way, if it holds a contact.

    :returns: ``None`` when ``text`` holds no phone number, e-mail address or @username

    >>> read_contact("8 (900) 123-45-67, после 18:00")
    '+7 900 123-45-67, после 18:00'
    >>> read_contact("Anna.K@Example.ru"), read_contact("@anna_k")
    ('Anna.K@example.ru', '@anna_k')
    >>> read_contact("380501234567")
    '+380 50 123 4567'
    >>> read_contact("2"), read_contact("не знаю"), read_contact("a@b"), read_contact("1" * 12)
    (None, None, None, None)
    """
    text = " ".join(text.split())[:CONTACT_LIMIT]
    pieces: list[str] = []
    found = False
    last = 0
    for match in phonenumbers.PhoneNumberMatcher(text, REGION):
        pieces += [text[last : match.start], _international(match.number)]
        last, found = match.end, True
    text = "".join(pieces) + text[last:]
    if not found:  # «380501234567»: a foreign number with its code, the "+" left out
        read = _ABROAD.sub(_with_plus, text)
        text, found = read, read != text
    for candidate in _EMAIL.findall(text):
        try:
            checked = validate_email(candidate.rstrip("."), check_deliverability=False)
        except EmailNotValidError:
            continue
        text, found = text.replace(candidate.rstrip("."), checked.normalized), True
    return text if found or _USERNAME.search(text) else None


def _with_plus(match: re.Match[str]) -> str:
    try:
        number = phonenumbers.parse("+" + match.group(), None)
    except phonenumbers.NumberParseException:
        return match.group()
    return _international(number) if phonenumbers.is_valid_number(number) else match.group()


def _international(number: phonenumbers.PhoneNumber) -> str:
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
