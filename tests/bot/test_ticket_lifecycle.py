"""The ticket lifecycle: an event and the ticket's state in, the change out (bot.tickets)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.business_hours import BusinessHours
from bot.tickets import (
    Priority,
    SlaPolicy,
    TicketChange,
    TicketNotOpen,
    TicketState,
    TicketStatus,
    TicketStillOpen,
    on_agent_reply,
    on_answer_sent,
    on_assign,
    on_close,
    on_customer_message,
    on_line,
    on_priority,
    on_reopen,
    on_resolve,
    on_status,
    on_take,
    sla_deadlines,
)

S = TicketStatus
NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
EARLIER = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
AGENT, OTHER = 7, 8


@pytest.mark.parametrize(
    ("status", "assignee", "answered", "expected"),
    [
        # nobody has it: the answer takes it, puts it in work, stamps the first response
        (S.NEW, None, None, TicketChange(S.IN_PROGRESS, AGENT, NOW, AGENT)),
        # a colleague has it: it stays theirs
        (S.NEW, OTHER, None, TicketChange(S.IN_PROGRESS, None, NOW, AGENT)),
        (S.IN_PROGRESS, OTHER, EARLIER, TicketChange()),
        (S.IN_PROGRESS, None, EARLIER, TicketChange(assignee_id=AGENT)),
        # "ожидает клиента" was set by command: an answer does not undo it
        (S.WAITING_CUSTOMER, AGENT, EARLIER, TicketChange()),
        (S.WAITING_CUSTOMER, AGENT, None, TicketChange(None, None, NOW, AGENT)),
    ],
)
def test_agent_reply(
    status: TicketStatus, assignee: int | None, answered: datetime | None, expected: TicketChange
) -> None:
    assert on_agent_reply(TicketState(status, assignee, answered), AGENT, NOW) == expected


@pytest.mark.parametrize(
    ("answered", "expected"),
    [
        (None, TicketChange(first_response_at=NOW, first_response_by=AGENT)),
        (EARLIER, TicketChange()),
    ],
)
def test_only_the_first_answer_is_stamped(
    answered: datetime | None, expected: TicketChange
) -> None:
    assert on_answer_sent(TicketState(S.IN_PROGRESS, None, answered), AGENT, NOW) == expected


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (S.NEW, TicketChange(status=S.IN_PROGRESS, assignee_id=AGENT)),
        (S.IN_PROGRESS, TicketChange(assignee_id=AGENT)),
        (S.WAITING_CUSTOMER, TicketChange(assignee_id=AGENT)),
    ],
)
def test_take_and_assign(status: TicketStatus, expected: TicketChange) -> None:
    assert on_take(TicketState(status, OTHER), AGENT) == expected
    assert on_assign(TicketState(status, OTHER), AGENT) == expected


@pytest.mark.parametrize("status", [S.RESOLVED, S.CLOSED])
def test_a_settled_ticket_is_not_taken_or_resolved(status: TicketStatus) -> None:
    with pytest.raises(TicketNotOpen) as caught:
        on_take(TicketState(status), AGENT)
    assert status.value in str(caught.value)
    with pytest.raises(TicketNotOpen):
        on_resolve(TicketState(status))
    # /assign still records who owns it
    assert on_assign(TicketState(status), AGENT) == TicketChange(assignee_id=AGENT)


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (S.WAITING_CUSTOMER, S.IN_PROGRESS),
        (S.NEW, None),
        (S.IN_PROGRESS, None),
    ],
)
def test_customer_message(status: TicketStatus, expected: TicketStatus | None) -> None:
    assert on_customer_message(TicketState(status)) == TicketChange(status=expected)


@pytest.mark.parametrize(
    ("status", "target", "expected"),
    [
        (S.NEW, S.WAITING_CUSTOMER, S.WAITING_CUSTOMER),
        (S.IN_PROGRESS, S.IN_PROGRESS, None),  # the same status changes nothing
        (S.WAITING_CUSTOMER, S.IN_PROGRESS, S.IN_PROGRESS),
    ],
)
def test_status(status: TicketStatus, target: TicketStatus, expected: TicketStatus | None) -> None:
    assert on_status(TicketState(status), target) == TicketChange(status=expected)


@pytest.mark.parametrize("status", [S.NEW, S.IN_PROGRESS, S.WAITING_CUSTOMER])
def test_resolve_and_reopen(status: TicketStatus) -> None:
    assert on_resolve(TicketState(status)) == TicketChange(status=S.RESOLVED)
    with pytest.raises(TicketStillOpen):
        on_reopen(TicketState(status))


@pytest.mark.parametrize("status", [S.RESOLVED, S.CLOSED])
def test_reopen_puts_it_back_in_work(status: TicketStatus) -> None:
    assert on_reopen(TicketState(status)) == TicketChange(status=S.IN_PROGRESS)


def test_priority_counts_the_deadlines_from_creation() -> None:
    policy, hours = SlaPolicy(), BusinessHours.weekdays()
    state = TicketState(S.IN_PROGRESS, created_at=EARLIER)
    change = on_priority(state, Priority.LOW, policy, hours)
    assert change.priority is Priority.LOW
    assert change.deadlines == sla_deadlines(Priority.LOW, EARLIER, policy, hours)


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (S.NEW, S.CLOSED),
        (S.WAITING_CUSTOMER, S.CLOSED),
        (S.RESOLVED, S.CLOSED),
        (S.CLOSED, None),
    ],
)
def test_close(status: TicketStatus, expected: TicketStatus | None) -> None:
    assert on_close(TicketState(status)) == TicketChange(status=expected)


@pytest.mark.parametrize("line", [1, 2, 3])
def test_line(line: int) -> None:
    assert on_line(TicketState(S.NEW), line) == TicketChange(line=line)


@pytest.mark.parametrize("line", [0, 4])
def test_no_such_line(line: int) -> None:
    with pytest.raises(ValueError, match="1, 2 or 3"):
        on_line(TicketState(S.NEW), line)


def test_an_empty_change_is_false() -> None:
    assert not TicketChange()
    assert TicketChange(line=2)


def test_the_form_asks_on_the_scale_the_card_shows() -> None:
    """The desk's card reads bot.tickets' scale; the form's buttons must mean the same."""
    from bot.telegram.form import IMPACT_OF, URGENCY_OF
    from bot.tickets import IMPACT_SCALE, SCALE, URGENCY_SCALE

    assert {level.value: urgency for level, urgency in URGENCY_OF.items()} == {
        level: urgency for urgency, level in URGENCY_SCALE.items()
    }
    assert {level.value: impact for level, impact in IMPACT_OF.items()} == {
        level: impact for impact, level in IMPACT_SCALE.items()
    }
    assert set(URGENCY_SCALE.values()) == set(IMPACT_SCALE.values()) == set(SCALE)
