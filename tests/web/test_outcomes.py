"""Self-service per day and per-article numbers, on hand-made rows (bot.web.outcomes)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.db.repo import AskedQuestion, TicketOpening, VoteTally
from bot.web.outcomes import Tickets, article_usage, daily_self_service, is_self_served

MSK = ZoneInfo("Europe/Moscow")
T0 = datetime(2026, 11, 18, 9, 0, tzinfo=UTC)  # 12:00 in Moscow
HOUR = timedelta(hours=1)


def asked(
    at: datetime, customer: int | None, answered: str | None = None, top: tuple[str, ...] = ()
) -> AskedQuestion:
    return AskedQuestion(at, customer, answered, top or ((answered,) if answered else ()))


@pytest.mark.parametrize(
    ("question", "tickets", "served"),
    [
        (asked(T0, 1, "refund"), [], True),
        (asked(T0, 1, "refund"), [TicketOpening(1, T0 + 3 * HOUR)], False),
        (asked(T0, 1, "refund"), [TicketOpening(1, T0 + 25 * HOUR)], True),  # a day later
        (asked(T0, 1, "refund"), [TicketOpening(1, T0 - HOUR)], True),  # before the answer
        (asked(T0, 1, "refund"), [TicketOpening(2, T0 + HOUR)], True),  # someone else's
        (asked(T0, 1, None), [], False),  # not answered: clarify or escalate
        (asked(T0, None, "refund"), [], True),  # the terminal demo
    ],
)
def test_self_served_means_answered_and_no_ticket_within_a_day(
    question: AskedQuestion, tickets: list[TicketOpening], served: bool
) -> None:
    assert is_self_served(question, Tickets(tickets)) is served


def test_daily_rate_lists_every_day_in_the_desks_timezone() -> None:
    questions = [
        asked(T0, 1, "refund"),
        asked(T0 + HOUR, 2, "refund"),
        asked(T0 + 2 * HOUR, 3),
        # 23:30 UTC is already the next day in Moscow.
        asked(datetime(2026, 11, 18, 23, 30, tzinfo=UTC), 4, "debt"),
    ]
    tickets = Tickets([TicketOpening(2, T0 + 2 * HOUR), TicketOpening(3, T0 + 3 * HOUR)])
    days = daily_self_service(
        questions, tickets, first=date(2026, 11, 17), last=date(2026, 11, 20), tz=MSK
    )
    assert [(d.day.day, d.questions, d.self_served) for d in days] == [
        (17, 0, 0),
        (18, 3, 1),
        (19, 1, 1),
        (20, 0, 0),
    ]
    assert days[0].rate is None and days[1].rate == pytest.approx(1 / 3)


def test_article_usage_counts_each_ticket_once_per_article() -> None:
    questions = [
        asked(T0, 1, "double-charge", ("double-charge", "refund")),
        asked(T0 + HOUR, 1, "double-charge", ("double-charge", "refund")),
        asked(T0 + HOUR, 2, None, ("refund", "debt")),
    ]
    tickets = Tickets([TicketOpening(1, T0 + 2 * HOUR)])
    votes = {"double-charge": VoteTally(0, 2), "lost-items": VoteTally(1, 0)}
    usage = article_usage(questions, tickets, votes)
    charge = usage["double-charge"]
    assert (charge.matches, charge.answers, charge.unhelpful, charge.tickets_after) == (2, 2, 2, 1)
    assert charge.helpful_share == 0
    assert (usage["refund"].matches, usage["refund"].answers) == (3, 0)
    assert usage["lost-items"].helpful == 1 and usage["lost-items"].matches == 0
