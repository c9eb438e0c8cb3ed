"""bot.texts and bot.plural: Russian wording, and templates Telegram accepts as HTML."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from jinja2 import UndefinedError

from bot.plural import plural
from bot.texts import (
    Texts,
    datetime_ru,
    deadline_ru,
    duration,
    make_environment,
    shorten,
    ticket_number,
    zone_label,
)
from nlp.small_talk import SmallTalk

NOW = datetime(2024, 11, 25, 9, 0, tzinfo=UTC)  # 12:00 in Moscow, a Monday
MOSCOW = ZoneInfo("Europe/Moscow")
HOSTILE = "<script>alert(1)</script> & <3 \"Co\" 'x'"


@pytest.fixture
def texts() -> Texts:
    return Texts(tz="Europe/Moscow", clock=lambda: NOW)


# --- plural, duration, dates --------------------------------------------------------------


@pytest.mark.parametrize(
    ("n", "word"),
    [
        (0, "заявок"),
        (1, "заявка"),
        (2, "заявки"),
        (4, "заявки"),
        (5, "заявок"),
        (11, "заявок"),
        (12, "заявок"),
        (14, "заявок"),
        (21, "заявка"),
        (22, "заявки"),
        (25, "заявок"),
        (101, "заявка"),
        (111, "заявок"),
        (1000, "заявок"),
        (-1, "заявка"),
    ],
)
def test_russian_plural(n: int, word: str) -> None:
    assert plural(n, "заявка", "заявки", "заявок") == word


@pytest.mark.parametrize(
    ("span", "case", "words"),
    [
        (timedelta(hours=2, minutes=30), "nom", "2 часа 30 минут"),
        (timedelta(days=1), "nom", "1 день"),
        (timedelta(minutes=45), "nom", "45 минут"),
        (timedelta(seconds=59), "nom", "меньше минуты"),
        (timedelta(0), "nom", "меньше минуты"),
        (timedelta(minutes=21), "nom", "21 минута"),
        (timedelta(minutes=1), "acc", "1 минуту"),
        (timedelta(minutes=22), "acc", "22 минуты"),
        (timedelta(hours=2), "gen", "2 часов"),
        (timedelta(hours=1), "gen", "1 часа"),
        (timedelta(hours=21), "gen", "21 часа"),
        (timedelta(days=5), "gen", "5 дней"),
        (timedelta(days=2, hours=3, minutes=4), "nom", "2 дня 3 часа"),
        (timedelta(days=1, minutes=30), "nom", "1 день"),
        (timedelta(hours=1, minutes=1, seconds=59), "nom", "1 час 1 минута"),
        (timedelta(hours=24), "nom", "1 день"),
        (timedelta(hours=-3), "nom", "3 часа"),
        (timedelta(days=11, hours=12), "nom", "11 дней 12 часов"),
    ],
)
def test_duration_in_words(span: timedelta, case: Any, words: str) -> None:
    assert duration(span, case) == words


@pytest.mark.parametrize(
    ("moment", "shown"),
    [
        (datetime(2024, 11, 25, 11, 30, tzinfo=UTC), "сегодня в 14:30"),
        (datetime(2024, 11, 26, 6, 0, tzinfo=UTC), "завтра в 09:00"),
        (datetime(2024, 11, 24, 7, 0, tzinfo=UTC), "вчера в 10:00"),
        (datetime(2024, 11, 27, 11, 30, tzinfo=UTC), "27 ноября, 14:30"),
        (datetime(2024, 3, 8, 7, 5, tzinfo=UTC), "8 марта, 10:05"),
        (datetime(2025, 1, 3, 7, 0, tzinfo=UTC), "3 января 2025, 10:00"),
        (datetime(2024, 11, 25, 22, 30, tzinfo=UTC), "завтра в 01:30"),  # date line in Moscow
        (datetime(2024, 11, 25, 11, 30), "сегодня в 14:30"),  # naive is UTC
        (datetime(2024, 11, 26, 9, 0, tzinfo=MOSCOW), "завтра в 09:00"),
    ],
)
def test_datetime_in_words(moment: datetime, shown: str) -> None:
    assert datetime_ru(moment, NOW, "Europe/Moscow") == shown
    assert datetime_ru(moment, NOW, MOSCOW) == shown


@pytest.mark.parametrize(
    ("moment", "promised"),
    [
        (datetime(2024, 11, 25, 15, 0, tzinfo=UTC), "сегодня до 18:00 МСК"),
        (datetime(2024, 11, 26, 7, 0, tzinfo=UTC), "завтра до 10:00 МСК"),
        (datetime(2024, 11, 27, 7, 0, tzinfo=UTC), "в среду до 10:00 МСК"),
        (datetime(2024, 11, 28, 7, 0, tzinfo=UTC), "в четверг до 10:00 МСК"),
        (datetime(2024, 12, 1, 7, 0, tzinfo=UTC), "в воскресенье до 10:00 МСК"),
        (datetime(2024, 12, 2, 7, 0, tzinfo=UTC), "2 декабря до 10:00 МСК"),  # a week on
        (datetime(2025, 1, 9, 7, 0, tzinfo=UTC), "9 января 2025 до 10:00 МСК"),
        (datetime(2024, 11, 25, 21, 30, tzinfo=UTC), "завтра до 00:30 МСК"),  # Moscow's date
    ],
)
def test_a_promised_time_names_the_day_and_the_timezone(moment: datetime, promised: str) -> None:
    assert deadline_ru(moment, NOW, "Europe/Moscow") == promised


def test_a_promise_on_a_tuesday_reads_vo_vtornik() -> None:
    friday = datetime(2024, 11, 22, 12, 0, tzinfo=UTC)
    assert deadline_ru(datetime(2024, 11, 26, 7, 0, tzinfo=UTC), friday, "Europe/Moscow") == (
        "во вторник до 10:00 МСК"
    )


@pytest.mark.parametrize(
    ("zone", "label"),
    [
        ("Europe/Moscow", "МСК"),
        ("Asia/Novosibirsk", "МСК+4"),
        ("Europe/Kaliningrad", "МСК−1"),
        ("Asia/Kamchatka", "МСК+9"),
        ("Europe/Berlin", "UTC+1"),  # January: no summer time
        ("Asia/Kolkata", "UTC+5:30"),
        ("America/New_York", "UTC−5"),
        ("UTC", "UTC"),
    ],
)
def test_a_timezone_is_named_against_moscow_in_russia_and_against_utc_elsewhere(
    zone: str, label: str
) -> None:
    assert zone_label(ZoneInfo(zone), datetime(2024, 1, 15, 12, 0, tzinfo=UTC)) == label


def test_a_customer_elsewhere_reads_the_service_time_with_its_zone() -> None:
    moment = datetime(2024, 11, 25, 15, 0, tzinfo=UTC)
    assert datetime_ru(moment, NOW, "Europe/Moscow", zone=True) == "сегодня в 18:00 МСК"
    assert deadline_ru(moment, NOW, "Asia/Novosibirsk") == "сегодня до 22:00 МСК+4"


def test_ticket_number() -> None:
    assert ticket_number(1042) == "#1042"
    assert ticket_number(1042, "№") == "№1042"


@pytest.mark.parametrize(
    ("text", "width", "shown"),
    [
        ("короткий", 20, "короткий"),
        ("Не приходит  код\nиз SMS", 12, "Не приходит…"),
        ("😀😀😀😀", 5, "😀😀…"),
        ("abc", 0, ""),
    ],
)
def test_shorten_counts_utf16(text: str, width: int, shown: str) -> None:
    assert shorten(text, width) == shown


# --- every template ------------------------------------------------------------------------

TICKETS = [
    {
        "number": 1042,
        "subject": "Не приходит код из SMS",
        "status": "в работе",
        "priority": "высокий",
        "age": timedelta(hours=2, minutes=5),
        "due": NOW + timedelta(hours=1),
    },
    {
        "number": 1040,
        "subject": "Списали дважды",
        "status": "новая",
        "priority": "обычный",
        "age": timedelta(seconds=20),
        "due": NOW - timedelta(minutes=5),
    },
    {
        "number": 1001,
        "subject": "Штраф",
        "status": "ждёт вашего ответа",
        "priority": "низкий",
        "age": timedelta(days=3),
        "due": None,
    },
]
FORM = {"step": 2, "total": 9}
FIELDS = {
    "when": "вчера вечером",
    "error": "ERR-401",
    "tried": "переустановил",
    "device": "iPhone 13",
    "order": "A-77",
    "contact": "+7 900 000-00-00",
    "urgency": "🔴 Срочно",
    "impact": "Совсем не могу пользоваться",
}
SAMPLES: dict[str, dict[str, Any]] = {
    "start": {"name": "Анна"},
    "help": {"example": "как завершить поездку"},
    "answer_footer": {},
    "clarify": {"options": ["Не приходит SMS", "Смена номера"], "again": False},
    "next_candidates": {"options": ["Не приходит SMS"], "again": False},
    "invite": {"example": "не приходит код", "trouble": True},
    "unknown_command": {"command": "<b>menu</b>"},
    "ask_about_ticket": {"number": 1042},
    "question_added_to_ticket": {"number": 1042},
    "ticket_already_open": {"number": 1042},
    "not_found": {"question": "Где мой кешбэк?"},
    "escalate_intro": {"questions": 9},
    "human_requested": {},
    "form_what": {**FORM, "question": "Не приходит код"},
    "form_when": {**FORM, "known": "вчера <вечером> & «около 18:00»"},
    "form_error": {**FORM, "known": "Ошибка <502> & «оплата»"},
    "form_tried": {**FORM, "rejected": ["Не приходит SMS", "Смена номера"]},
    "form_device": {**FORM, "known": "iPhone 13"},
    "form_order": {**FORM, "known": None},
    "form_contact": FORM,
    "form_contact_unclear": {},
    "form_urgency": FORM,
    "form_impact": FORM,
    "form_confirm": {"what": "Не приходит код", **FIELDS, "attachments": 2},
    "form_attached": {},
    "form_small_talk": {"talk": "are_you_bot"},
    "ticket_created": {
        "number": 1042,
        "priority": "высокий",
        "sla": timedelta(hours=2),
        "opens_at": None,
    },
    "form_cancelled": {},
    "form_solved": {},
    "form_new_question": {"question": "<b>как поменять тариф?</b>"},
    "form_asking_anew": {},
    "status_list": {"tickets": TICKETS},
    "status_empty": {},
    "ticket_closed_by_customer": {"number": 1042},
    "message_added_to_ticket": {"number": 1042},
    "ticket_solved": {"number": 1042},
    "ticket_waiting": {"ticket": {"number": 1042, "status": "в работе", "due": None}},
    "csat_question": {"number": 1042},
    "csat_thanks": {"score": 5},
    "csat_comment": {},
    "edited_message": {},
    "vote_thanks": {},
    "small_talk": {
        "talk": "greeting",
        "name": "Анна",
        "example": "как завершить поездку",
        "under_answer": False,
    },
    "unsupported_content": {},
    "too_long": {"limit": 4000},
    "empty_message": {},
    "rate_limited": {"retry_after": timedelta(minutes=2)},
    "error": {},
    "agents/ticket_card": {
        "number": 1042,
        "icon": "🔴",
        "priority": "высокий",
        "status": "новая",
        "line": 1,
        "assignee": "Ольга",
        "created": NOW - timedelta(minutes=3),
        "due": NOW + timedelta(hours=2),
        "resolution_due": NOW + timedelta(hours=8),
        "article": "Не приходит SMS",
        "customer_name": "Анна",
        "customer_username": "anna",
        "customer_id": 123456,
        "question": "Yt ghb[jlbn rjl",
        "reading": "не приходит код",
        "what": "Не приходит код из SMS",
        **FIELDS,
        "rejected": ["Не приходит SMS"],
        "votes": [{"title": "Не приходит SMS", "helped": False}],
        "attachments": 1,
    },
    "agents/sla_reminder": {
        "target": "first_response",
        "due": NOW + timedelta(minutes=15),
        "left": timedelta(minutes=15),
    },
    "agents/sla_breached": {"target": "resolution", "due": NOW - timedelta(minutes=5)},
    "agents/sla_lead_notice": {
        "number": 1042,
        "subject": "Не приходит код из SMS",
        "target": "first_response",
        "due": NOW - timedelta(minutes=5),
        "link": "https://t.me/c/1234567890/42",
        "assignee": "Ольга",
        "leads": [{"id": 7, "name": "Ирина"}, {"id": 8, "name": None}],
    },
    "agents/stats": {
        "period": "week",
        "opened": 12,
        "finished": 9,
        "questions": 40,
        "self_served": 31,
        "first_response": timedelta(minutes=25),
        "breaches_first": 2,
        "breaches_resolution": 1,
        "csat_average": 4.5,
        "csat_count": 6,
        "agents": [
            {
                "name": "Ольга",
                "taken": 7,
                "resolved": 5,
                "first_response": timedelta(minutes=12),
                "csat_average": 4.8,
            },
            {
                "name": "Пётр",
                "taken": 0,
                "resolved": 1,
                "first_response": None,
                "csat_average": None,
            },
        ],
    },
}
SAMPLES.update(
    {
        "agent_signature": {"name": "Ольга"},
        "ticket_reopened": {"number": 1042},
        "agents/customer_edited": {"text": "Не приходит код"},
        "agents/customer_said": {"text": "Ytn rjlf", "reading": "Нет кода"},
        "agents/not_delivered": {
            "reason": "blocked",
            "to_customer": True,
            "number": 1042,
            "text": "Здравствуйте!",
            "error": "Forbidden: bot was blocked by the user",
        },
        "agents/refused": {"lead_only": False},
        "agents/command_error": {"reason": "other_open", "number": 1042},
        "agents/ticket_changed": {
            "change": "priority",
            "agent": "Ольга (@olga)",
            "value": "высокий",
            "due": NOW + timedelta(hours=8),
        },
        "agents/topic_closed": {"number": 1042},
        "agents/kb_problems": {
            "problems": ["articles/promo.md:3: front matter is not valid YAML"],
            "leads": [{"id": 42, "name": "Ольга"}],
        },
        "agents/help": {},
        "agents/kb_results": {"query": "сброс пароля", "found": 3},
        "agents/kb_sent": {"title": "Как сбросить пароль", "agent": "Ольга"},
        "agents/canned_list": {"titles": ["Приветствие", "Q&A <3"], "in_topic": False},
        "agents/canned_saved": {"title": "Приветствие", "removed": False},
        "agents/canned_sent": {"title": "Приветствие", "agent": "Ольга"},
        "agents/suggestion": {
            "title": "Как сбросить пароль",
            "article_id": "password-reset",
            "question": "не могу войти забыл пароль",
            "source": "заявка №1042",
            "decision": "failed",
            "by": "Ольга",
            "detail": "articles/password.md:3: front matter is not valid YAML",
        },
    }
)
PLAIN_SAMPLES: dict[str, dict[str, Any]] = {
    "agents/learning_source": {"number": 1042},
    "callback_outdated": {},
    "callback_refused": {"lead_only": True},
    "agents/topic_name": {
        "number": 1042,
        "subject": "Не приходит код из SMS",
        "status": "новая",
        "icon": "🔴",
    },
}
TELEGRAM_TAGS = {"b", "i", "u", "s", "code", "pre", "a", "blockquote"}


class TelegramHTML(HTMLParser):
    """Fails on any tag Telegram does not know, and on tags that do not balance."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        assert tag in TELEGRAM_TAGS, f"<{tag}> is not a Telegram tag"
        assert [name for name, _ in attrs] == (["href"] if tag == "a" else []), attrs
        self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.open and self.open.pop() == tag, f"</{tag}> closes nothing"

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        raise AssertionError(f"<{tag}/> is not Telegram HTML")


def assert_telegram_html(html: str) -> None:
    parser = TelegramHTML()
    parser.feed(html)
    parser.close()
    assert parser.open == [], f"unclosed {parser.open}"
    # Telegram knows only these entities; a bare "&" or "<" breaks the message.
    assert not re.search(r"&(?!(lt|gt|amp|quot|#\d+);)", html)
    assert not re.search(r"<(?!/?(b|i|u|s|code|pre|a|blockquote)[ >])", html)


def template_names(plain: bool) -> set[str]:
    """Templates to render directly: not partials (``_form.j2``), not the button macros."""
    suffix = ".txt.j2" if plain else ".j2"
    names = set()
    for name in make_environment().list_templates(extensions=["j2"]):
        if name.endswith(".txt.j2") != plain or name.startswith(
            ("buttons.", "cli/", "web/", "reports/")
        ):
            # The terminal's texts have their samples in tests/cli/test_templates.py; the web
            # pages are browser HTML, rendered by tests/web/; the reports (Markdown and HTML)
            # by tests/reports/.
            continue
        if not name.rsplit("/", 1)[-1].startswith("_"):
            names.add(name.removesuffix(suffix))
    return names


def hostile(value: Any) -> Any:
    """``value`` with every string in it replaced by markup an attacker might send."""
    if isinstance(value, str):
        return HOSTILE
    if isinstance(value, list):
        return [hostile(item) for item in value]
    if isinstance(value, dict):
        return {key: hostile(item) for key, item in value.items()}
    return value


def test_every_template_has_a_sample() -> None:
    assert template_names(plain=False) == set(SAMPLES)
    assert template_names(plain=True) == set(PLAIN_SAMPLES)


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_template_renders_as_telegram_html(texts: Texts, name: str) -> None:
    html = texts.render(name, **SAMPLES[name])
    assert html and html == html.strip()
    assert_telegram_html(html)
    assert "\n\n\n" not in html


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_template_escapes_what_people_type(texts: Texts, name: str) -> None:
    html = texts.render(name, **hostile(SAMPLES[name]))
    assert_telegram_html(html)
    assert "<script" not in html and "<3" not in html


@pytest.mark.parametrize(
    ("name", "variable"),
    [(name, variable) for name, context in sorted(SAMPLES.items()) for variable in context],
)
def test_template_refuses_a_missing_variable(texts: Texts, name: str, variable: str) -> None:
    context = {key: value for key, value in SAMPLES[name].items() if key != variable}
    with pytest.raises(UndefinedError):
        texts.render(name, **context)


def test_templates_document_their_context() -> None:
    env = make_environment()
    assert env.loader is not None
    for name in env.list_templates(extensions=["j2"]):
        source, _, _ = env.loader.get_source(env, name)
        assert source.startswith("{#") and "context" in source.split("#}")[0], name


# --- what particular templates say ---------------------------------------------------------


def test_joined_customer_texts_carry_the_bots_reading_of_a_wrong_layout(texts: Texts) -> None:
    html = texts.render(
        "agents/customer_said",
        texts=["ghbdtn", "<b>всё</b> ок"],
        readings=["привет", None],
    )
    assert html == (
        "💬 <b>Клиент:</b>\nghbdtn <i>(прочитано как: привет)</i>\n&lt;b&gt;всё&lt;/b&gt; ок"
    )


def test_customer_name_is_escaped(texts: Texts) -> None:
    html = texts.render(
        "agents/ticket_card", **{**SAMPLES["agents/ticket_card"], "customer_name": "<3 & Co"}
    )
    assert "&lt;3 &amp; Co" in html


def test_ticket_created_inside_business_hours(texts: Texts) -> None:
    html = texts.render("ticket_created", **SAMPLES["ticket_created"])
    assert "Заявка №1042 создана, приоритет: высокий" in html
    assert "Ответим в течение 2 часов." in html


def test_ticket_created_after_hours_says_when_an_agent_will_see_it(texts: Texts) -> None:
    context = {**SAMPLES["ticket_created"], "opens_at": datetime(2024, 11, 26, 6, tzinfo=UTC)}
    assert "оператор увидит её завтра в 09:00 МСК" in texts.render("ticket_created", **context)


def test_status_list_counts_and_ages_tickets(texts: Texts) -> None:
    html = texts.render("status_list", tickets=TICKETS)
    assert html.startswith("У вас 3 заявки:")
    assert "создана 2 часа 5 минут назад" in html
    assert "создана только что" in html
    assert "создана 3 дня назад" in html
    assert "Ответим сегодня до 13:00 МСК" in html
    assert "Срок ответа прошёл" in html


def test_form_tried_lists_rejected_articles(texts: Texts) -> None:
    html = texts.render("form_tried", **SAMPLES["form_tried"])
    assert "• Не приходит SMS\n• Смена номера" in html
    assert "Оставить как есть" in html


def test_skipped_form_fields_are_left_out(texts: Texts) -> None:
    context = {**SAMPLES["form_confirm"], "error": None, "order": "", "attachments": 0}
    html = texts.render("form_confirm", **context)
    assert "Ошибка" not in html and "Номер заказа" not in html and "Вложения" not in html
    assert "<b>Устройство:</b> iPhone 13" in html


@pytest.mark.parametrize(("score", "phrase"), [(5, "Рады"), (4, "Рады"), (2, "честную")])
def test_csat_thanks_depends_on_score(texts: Texts, score: int, phrase: str) -> None:
    assert phrase in texts.render("csat_thanks", score=score)


# --- plain text: topic names and buttons -----------------------------------------------------


def test_topic_name_is_plain_text(texts: Texts) -> None:
    name = texts.plain("agents/topic_name", **PLAIN_SAMPLES["agents/topic_name"])
    assert name == "🔴 #1042 · Не приходит код из SMS · новая"
    tricky = texts.plain("agents/topic_name", number=7, subject="Q&A <3", status="новая", icon="🟢")
    assert tricky == "🟢 #7 · Q&A <3 · новая"


@pytest.mark.parametrize(
    "subject", ["Очень длинная тема 😀 " * 20, "строка\nвторая\n\n", "x" * 200]
)
def test_topic_name_fits_telegram_limit(texts: Texts, subject: str) -> None:
    name = texts.plain(
        "agents/topic_name", number=104_200, subject=subject, status="ждёт клиента", icon="🔴"
    )
    assert len(name.encode("utf-16-le")) // 2 <= 128
    assert "\n" not in name
    assert name.startswith("🔴 #104200 · ") and name.endswith(" · ждёт клиента")


@pytest.mark.parametrize(
    ("button", "arguments", "label"),
    [
        ("helped", {}, "👍 Помогло"),
        ("not_helped", {}, "👎 Не помогло"),
        ("contact_agent", {}, "Связаться с оператором"),
        ("other_agent", {}, "Другое — написать оператору"),
        ("cancel", {}, "Отмена"),
        ("skip", {}, "Пропустить"),
        ("keep", {}, "Оставить как есть"),
        ("send", {}, "Отправить"),
        ("my_tickets", {}, "Мои заявки"),
        ("close_ticket", {"number": 1042}, "Закрыть заявку №1042"),
        ("option", {"number": 2, "title": "Q&A <3"}, "2. Q&A <3"),
        ("related", {"title": "Q&A <3"}, "Или: Q&A <3"),
        ("urgency", {"level": "high"}, "🔴 Срочно, прямо сейчас"),
        ("urgency", {"level": "low"}, "🟢 Не срочно"),
        ("impact", {"level": "medium"}, "Не получается сделать что-то важное"),
        ("csat", {"score": 5}, "5 ⭐"),
    ],
)
def test_button_labels_are_plain_text(
    texts: Texts, button: str, arguments: dict[str, Any], label: str
) -> None:
    assert texts.button(button, **arguments) == label


def test_unknown_button_names_the_known_ones(texts: Texts) -> None:
    with pytest.raises(LookupError, match="helped"):
        texts.button("helpd")


@pytest.mark.parametrize(("button", "arguments"), [("urgency", {"level": "asap"}), ("csat", {})])
def test_button_refuses_bad_arguments(texts: Texts, button: str, arguments: dict[str, Any]) -> None:
    with pytest.raises(UndefinedError):
        texts.button(button, **arguments)


def test_long_button_title_is_shortened(texts: Texts) -> None:
    label = texts.button("option", number=1, title="Очень длинное название статьи " * 5)
    assert len(label) <= 63 and label.endswith("…")


def test_clock_gives_now_unless_passed(texts: Texts) -> None:
    context = {**SAMPLES["ticket_created"], "opens_at": datetime(2024, 11, 26, 6, tzinfo=UTC)}
    later = NOW + timedelta(days=1)
    assert "сегодня в 09:00" in texts.render("ticket_created", **context, now=later)


def test_the_examples_in_the_docstrings_hold() -> None:
    import doctest

    import bot.texts

    failed, tried = doctest.testmod(bot.texts)
    assert tried > 0 and failed == 0


def test_not_understood_under_an_answer_says_a_no_brings_other_articles(texts: Texts) -> None:
    context = {"talk": "confused", "name": None, "example": None}
    under = texts.render("small_talk", under_answer=True, **context)
    assert_telegram_html(under)
    assert "«нет»" in under and "«оператор»" in under
    assert "«нет»" not in texts.render("small_talk", under_answer=False, **context)


@pytest.mark.parametrize("name", ["small_talk", "form_small_talk"])
def test_every_kind_of_small_talk_gets_its_own_words_in_telegram(texts: Texts, name: str) -> None:
    context = {"name": "Анна", "example": None, "under_answer": False}
    said = {talk: texts.render(name, talk=talk.value, **context) for talk in SmallTalk}
    # A goodbye or «всё получилось» ends the form before its small-talk reply is needed.
    ending = {SmallTalk.GOODBYE, SmallTalk.SOLVED}
    kinds = said if name == "small_talk" else {t: s for t, s in said.items() if t not in ending}
    for html in kinds.values():
        assert_telegram_html(html)
    assert len(set(kinds.values())) == len(kinds)  # none falls through to another's reply
