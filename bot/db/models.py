"""The tables: customers, tickets and their messages, votes, attempts, canned replies, FSM state,
agents, SLA notices and suggested phrasings.

Portable types only, so the same schema runs on SQLite (tests, demo) and PostgreSQL.
Every datetime column is :class:`~bot.db.types.UtcDateTime`: aware UTC in and out.
"""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy import text as sql_text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from bot.db.types import Id, UtcDateTime, enum_column_type
from bot.desk.roles import AgentRole
from bot.tickets import (
    OPEN_STATUSES,
    Impact,
    MessageDirection,
    Priority,
    TicketStatus,
    Urgency,
)

__all__ = [
    "Agent",
    "AgentRole",
    "Attempt",
    "AttemptDecision",
    "Base",
    "CannedReply",
    "Customer",
    "FsmRecord",
    "PhrasingSuggestion",
    "ReceivedUpdate",
    "SlaNotice",
    "SlaNoticeKind",
    "SuggestionStatus",
    "Ticket",
    "TicketMessage",
    "UpdateState",
    "Vote",
    "Worker",
]

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UtcDateTime()}


class AttemptDecision(Enum):
    """What the bot did with a question (mirrors the policy's Answer | Clarify | Escalate)."""

    ANSWER = "answer"
    CLARIFY = "clarify"
    ESCALATE = "escalate"


def _one_of(column: str, enum: type[Enum]) -> CheckConstraint:
    values = ", ".join(f"'{member.value}'" for member in enum)
    return CheckConstraint(f"{column} IN ({values})", name=column)


# Used by the partial unique index that keeps one open ticket per customer.
OPEN_TICKET_WHERE = "status IN ({})".format(
    ", ".join(f"'{s.value}'" for s in TicketStatus if s in OPEN_STATUSES)
)


class Customer(Base):
    """A Telegram user who has written to the bot."""

    __tablename__ = "customers"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    telegram_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    first_name: Mapped[str] = mapped_column(String(255), default="")
    last_name: Mapped[str | None] = mapped_column(String(255))
    username: Mapped[str | None] = mapped_column(String(64))
    language_code: Mapped[str | None] = mapped_column(String(16))
    # The phone or e-mail given in the ticket form, so the next form does not ask again.
    contact: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    tickets: Mapped[list[Ticket]] = relationship(back_populates="customer", lazy="raise")


class Ticket(Base):
    """A customer's problem handed to people, with its SLA clock."""

    __tablename__ = "tickets"
    __table_args__ = (
        _one_of("status", TicketStatus),
        _one_of("priority", Priority),
        _one_of("urgency", Urgency),
        _one_of("impact", Impact),
        CheckConstraint("line BETWEEN 1 AND 3", name="line"),
        CheckConstraint("csat_score IS NULL OR csat_score BETWEEN 1 AND 5", name="csat_score"),
        # At most one open ticket per customer, enforced by the database so that two
        # concurrent "open a ticket" updates cannot both succeed.
        Index(
            "uq_tickets_customer_id_open",
            "customer_id",
            unique=True,
            sqlite_where=sql_text(OPEN_TICKET_WHERE),
            postgresql_where=sql_text(OPEN_TICKET_WHERE),
        ),
        Index("ix_tickets_customer_id_created_at", "customer_id", "created_at"),
        Index("ix_tickets_status_created_at", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    number: Mapped[int] = mapped_column(Integer, unique=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    status: Mapped[TicketStatus] = mapped_column(enum_column_type(TicketStatus))
    priority: Mapped[Priority] = mapped_column(enum_column_type(Priority))
    urgency: Mapped[Urgency] = mapped_column(enum_column_type(Urgency))
    impact: Mapped[Impact] = mapped_column(enum_column_type(Impact))

    question: Mapped[str] = mapped_column(Text)
    what_happened: Mapped[str] = mapped_column(Text)
    when_happened: Mapped[str | None] = mapped_column(Text)
    error_text: Mapped[str | None] = mapped_column(Text)
    device: Mapped[str | None] = mapped_column(Text)
    order_number: Mapped[str | None] = mapped_column(String(64))
    contact: Mapped[str | None] = mapped_column(Text)
    tried: Mapped[list[str]] = mapped_column(JSON, default=list)
    """Article titles (or the customer's words) that did not help."""
    attachments: Mapped[list[list[str]]] = mapped_column(JSON, default=list)
    """``[kind, file_id]`` pairs."""

    line: Mapped[int] = mapped_column(SmallInteger, default=1)
    """Support line, 1 to 3."""
    assignee_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    """The agent's Telegram user id."""
    topic_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    """Forum topic in the agents' chat (a customer's topic may serve several tickets)."""

    first_response_due: Mapped[datetime]
    resolution_due: Mapped[datetime]
    first_response_at: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    csat_score: Mapped[int | None] = mapped_column(SmallInteger)
    csat_comment: Mapped[str | None] = mapped_column(Text)

    card_message_id: Mapped[int | None] = mapped_column(BigInteger)
    """The ticket card, first message of the topic (edited as the ticket changes)."""
    topic_claimed_at: Mapped[datetime | None]
    """Set by the process creating the topic, so that concurrent workers create one."""
    topic_claimed_by: Mapped[str | None] = mapped_column(String(32))
    """The worker (:class:`Worker`) that set ``topic_claimed_at``."""
    first_response_by: Mapped[int | None] = mapped_column(BigInteger)
    """The agent (Telegram user id) who answered first."""
    resolved_article_id: Mapped[str | None] = mapped_column(String(255))
    """The knowledge-base article the agents answered with (``/kb``), for learned phrasings."""

    customer: Mapped[Customer] = relationship(back_populates="tickets", lazy="raise")
    messages: Mapped[list[TicketMessage]] = relationship(
        back_populates="ticket",
        lazy="raise",
        order_by="TicketMessage.id",
        # The database deletes a ticket's messages (ON DELETE CASCADE); don't load them.
        cascade="all, delete-orphan",
        passive_deletes=True,
    )

    @property
    def attachment_pairs(self) -> tuple[tuple[str, str], ...]:
        return tuple((kind, file_id) for kind, file_id in self.attachments)


class TicketMessage(Base):
    """One message in a ticket's conversation, with where it came from and where it went.

    ``(source_chat_id, source_message_id)`` is unique, so seeing the same Telegram update
    twice stores one row.
    """

    __tablename__ = "ticket_messages"
    __table_args__ = (
        _one_of("direction", MessageDirection),
        UniqueConstraint("source_chat_id", "source_message_id"),
        Index(
            "ix_ticket_messages_relay_chat_id_relay_message_id", "relay_chat_id", "relay_message_id"
        ),
        Index("ix_ticket_messages_delivered_created_at", "delivered", "created_at"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    direction: Mapped[MessageDirection] = mapped_column(enum_column_type(MessageDirection))
    author_id: Mapped[int | None] = mapped_column(BigInteger)
    """Telegram user id of the customer or agent; ``None`` for the bot itself."""
    text: Mapped[str | None] = mapped_column(Text)
    content_type: Mapped[str] = mapped_column(String(32), default="text")
    file_id: Mapped[str | None] = mapped_column(String(255))
    source_chat_id: Mapped[int | None] = mapped_column(BigInteger)
    source_message_id: Mapped[int | None] = mapped_column(BigInteger)
    relay_chat_id: Mapped[int | None] = mapped_column(BigInteger)
    relay_message_id: Mapped[int | None] = mapped_column(BigInteger)
    delivered: Mapped[bool] = mapped_column(Boolean, default=False)
    delivered_at: Mapped[datetime | None]
    created_at: Mapped[datetime]

    dedupe_key: Mapped[str | None] = mapped_column(String(128), unique=True)
    """Identifies messages without a source message of their own (an edit, a button's
    answer), so that a redelivered update stores one row."""
    reply_to_message_id: Mapped[int | None] = mapped_column(BigInteger)
    """The message in the source chat this one replies to (kept as a reply when relayed)."""
    edit_of_id: Mapped[int | None] = mapped_column(ForeignKey("ticket_messages.id"))
    """For an edit: the message that was edited."""
    article_id: Mapped[str | None] = mapped_column(String(255))
    """An outgoing knowledge-base article, rendered as the bot renders it when delivered."""
    attempts: Mapped[int] = mapped_column(SmallInteger, default=0)
    """Delivery attempts so far."""
    claimed_at: Mapped[datetime | None]
    """When a worker started delivering it; a claim older than a minute is taken over."""
    claimed_by: Mapped[str | None] = mapped_column(String(32))
    """The worker (:class:`Worker`) that claimed it: its claims go once it is seen dead."""
    failed: Mapped[bool] = mapped_column(Boolean, default=False)
    """Given up (e.g. the customer blocked the bot); never retried."""
    error: Mapped[str | None] = mapped_column(Text)
    failure: Mapped[str | None] = mapped_column(String(32))
    """Why it failed for good, a :class:`bot.desk.delivery.Failure` value (``blocked``...)."""
    retry_at: Mapped[datetime | None]
    """Not tried again before this: a passing failure's backoff."""

    ticket: Mapped[Ticket] = relationship(back_populates="messages", lazy="raise")


class Vote(Base):
    """A customer's "helped / did not help" on an article the bot offered."""

    __tablename__ = "votes"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"), index=True)
    query_text: Mapped[str] = mapped_column(Text)
    article_id: Mapped[str] = mapped_column(String(255), index=True)
    helpful: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime]


class Attempt(Base):
    """One question the bot handled, for the authors' analytics.

    ``customer_id`` may be ``None`` (the terminal chat's questions belong to its own customer,
    :data:`bot.cli.handover.TERMINAL_CUSTOMER`).
    """

    __tablename__ = "attempts"
    __table_args__ = (
        _one_of("decision", AttemptDecision),
        Index("ix_attempts_decision_created_at", "decision", "created_at"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"), index=True)
    query_text: Mapped[str] = mapped_column(Text)
    decision: Mapped[AttemptDecision] = mapped_column(enum_column_type(AttemptDecision))
    confidence: Mapped[float] = mapped_column(Float)
    top_article_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    chosen_article_id: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime]


class CannedReply(Base):
    """A ready answer agents pick by title."""

    __tablename__ = "canned_replies"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    title: Mapped[str] = mapped_column(String(100), unique=True)
    text: Mapped[str] = mapped_column(Text)
    created_by: Mapped[int] = mapped_column(BigInteger)
    """The agent's Telegram user id."""
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class FsmRecord(Base):
    """A conversation's aiogram FSM state and data, when no Redis is configured.

    ``key`` is built by aiogram's key builder (bot, chat, user, thread, destiny); the ids
    beside it are there for people looking at the table, e.g. to reset a customer's form.
    """

    __tablename__ = "fsm_states"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    key: Mapped[str] = mapped_column(String(255), unique=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    user_id: Mapped[int] = mapped_column(BigInteger, index=True)
    state: Mapped[str | None] = mapped_column(String(255))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime]


class UpdateState(Enum):
    """Where a received Telegram update is: stored (confirmed to Telegram), or handled."""

    STORED = "stored"
    HANDLED = "handled"


class ReceivedUpdate(Base):
    """The intake journal: every update as Telegram sent it, stored before it is confirmed.

    Telegram forgets an update once it is confirmed (the next ``getUpdates`` offset, a
    webhook's 200), so the row is written first; a restarted bot handles the ``stored`` ones
    (:mod:`bot.telegram.journal`). ``chat_key`` names the lane that keeps a chat's updates in
    order.
    """

    __tablename__ = "received_updates"
    __table_args__ = (_one_of("state", UpdateState),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    update_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    chat_key: Mapped[str] = mapped_column(String(64))
    payload: Mapped[str] = mapped_column(Text)
    """The update's JSON, as received."""
    state: Mapped[UpdateState] = mapped_column(enum_column_type(UpdateState, length=10), index=True)
    received_at: Mapped[datetime]
    handled_at: Mapped[datetime | None]


class Agent(Base):
    """A support agent as the desk last saw them in the agents' chat.

    Telegram does not resolve ``@username`` for bots, so ``/assign @name`` looks here.
    """

    __tablename__ = "agents"
    __table_args__ = (_one_of("role", AgentRole),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    telegram_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    first_name: Mapped[str] = mapped_column(String(255), default="")
    last_name: Mapped[str | None] = mapped_column(String(255))
    username: Mapped[str | None] = mapped_column(String(64), index=True)
    role: Mapped[AgentRole] = mapped_column(enum_column_type(AgentRole))
    seen_at: Mapped[datetime]


class SlaNoticeKind(Enum):
    """Which SLA message a ticket got: a reminder before a deadline, or its breach."""

    FIRST_RESPONSE_SOON = "first_response_soon"
    FIRST_RESPONSE_BREACHED = "first_response_breached"
    RESOLUTION_SOON = "resolution_soon"
    RESOLUTION_BREACHED = "resolution_breached"


class SlaNotice(Base):
    """One SLA reminder or breach notice, stored before it is sent.

    Unique per ticket, kind and deadline: a restart, or two workers, send it once; a new
    deadline (the priority changed) earns a new notice.
    """

    __tablename__ = "sla_notices"
    __table_args__ = (
        _one_of("kind", SlaNoticeKind),
        UniqueConstraint("ticket_id", "kind", "due_at"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    kind: Mapped[SlaNoticeKind] = mapped_column(enum_column_type(SlaNoticeKind, 32))
    due_at: Mapped[datetime]
    created_at: Mapped[datetime]
    delivered_at: Mapped[datetime | None]
    claimed_at: Mapped[datetime | None]
    """When a worker took it for sending; a claim older than a minute is taken over."""
    claimed_by: Mapped[str | None] = mapped_column(String(32))
    """The worker (:class:`Worker`) that claimed it."""


class SuggestionStatus(Enum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class PhrasingSuggestion(Base):
    """A customer's wording proposed as a new phrasing (``questions:``) of an article.

    ``wording_key`` is the wording's content lemmas (see :func:`kb.suggestions.wording_key`),
    unique per article: the same question in other words is suggested once.
    """

    __tablename__ = "phrasing_suggestions"
    __table_args__ = (
        _one_of("status", SuggestionStatus),
        UniqueConstraint("article_id", "wording_key"),
        Index("ix_phrasing_suggestions_status_created_at", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    article_id: Mapped[str] = mapped_column(String(255))
    question: Mapped[str] = mapped_column(Text)
    wording_key: Mapped[str] = mapped_column(String(500))
    source: Mapped[str] = mapped_column(String(64))
    """Where it came from, for people: ``ticket #1042``, ``vote``, ``resolved.tsv:12``."""
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id", ondelete="SET NULL"))
    status: Mapped[SuggestionStatus] = mapped_column(enum_column_type(SuggestionStatus))
    message_id: Mapped[int | None] = mapped_column(BigInteger)
    """The suggestion's message in the agents' chat, edited once decided."""
    created_at: Mapped[datetime]
    decided_at: Mapped[datetime | None]
    decided_by: Mapped[int | None] = mapped_column(BigInteger)


class Worker(Base):
    """A process that claims deliveries, and when it last said it was alive.

    Each process beats every few seconds (:mod:`bot.serving.liveness`); one silent for
    longer than the others allow is dead, and its claims are released at once instead of
    after their minute (a replica killed behind the load balancer).
    """

    __tablename__ = "workers"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    started_at: Mapped[datetime]
    seen_at: Mapped[datetime]
