"""Initial schema: customers, tickets, ticket messages, votes, attempts, canned replies.

Revision ID: 0001
Revises:
Create Date: 2025-01-20

Enumerations are VARCHAR(20) with a named CHECK listing their values, so that SQLite and
PostgreSQL store them the same way and adding a value is a plain constraint change.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# SQLite only auto-increments a column declared exactly INTEGER PRIMARY KEY.
ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
OPEN_TICKET = "status IN ('new', 'in_progress', 'waiting_customer')"


def _id() -> sa.Column[int]:
    return sa.Column("id", ID, nullable=False)


def _when(name: str, *, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "customers",
        _id(),
        sa.Column("telegram_id", sa.BigInteger(), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("first_name", sa.String(255), nullable=False),
        sa.Column("last_name", sa.String(255), nullable=True),
        sa.Column("username", sa.String(64), nullable=True),
        sa.Column("language_code", sa.String(16), nullable=True),
        _when("created_at"),
        _when("updated_at"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customers")),
        sa.UniqueConstraint("telegram_id", name=op.f("uq_customers_telegram_id")),
    )

    op.create_table(
        "tickets",
        _id(),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("customer_id", ID, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("priority", sa.String(20), nullable=False),
        sa.Column("urgency", sa.String(20), nullable=False),
        sa.Column("impact", sa.String(20), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("what_happened", sa.Text(), nullable=False),
        sa.Column("when_happened", sa.Text(), nullable=True),
        sa.Column("error_text", sa.Text(), nullable=True),
        sa.Column("device", sa.Text(), nullable=True),
        sa.Column("order_number", sa.String(64), nullable=True),
        sa.Column("contact", sa.Text(), nullable=True),
        sa.Column("tried", sa.JSON(), nullable=False),
        sa.Column("attachments", sa.JSON(), nullable=False),
        sa.Column("line", sa.SmallInteger(), nullable=False),
        sa.Column("assignee_id", sa.BigInteger(), nullable=True),
        sa.Column("topic_id", sa.BigInteger(), nullable=True),
        _when("first_response_due"),
        _when("resolution_due"),
        _when("first_response_at", nullable=True),
        _when("resolved_at", nullable=True),
        _when("closed_at", nullable=True),
        _when("created_at"),
        _when("updated_at"),
        sa.Column("csat_score", sa.SmallInteger(), nullable=True),
        sa.Column("csat_comment", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tickets")),
        sa.UniqueConstraint("number", name=op.f("uq_tickets_number")),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_tickets_customer_id_customers")
        ),
        sa.CheckConstraint(
            "status IN ('new', 'in_progress', 'waiting_customer', 'resolved', 'closed')",
            name=op.f("ck_tickets_status"),
        ),
        sa.CheckConstraint(
            "priority IN ('critical', 'high', 'medium', 'low')", name=op.f("ck_tickets_priority")
        ),
        sa.CheckConstraint(
            "urgency IN ('blocking', 'today', 'can_wait')", name=op.f("ck_tickets_urgency")
        ),
        sa.CheckConstraint(
            "impact IN ('only_me', 'several', 'everyone')", name=op.f("ck_tickets_impact")
        ),
        sa.CheckConstraint("line BETWEEN 1 AND 3", name=op.f("ck_tickets_line")),
        sa.CheckConstraint(
            "csat_score IS NULL OR csat_score BETWEEN 1 AND 5", name=op.f("ck_tickets_csat_score")
        ),
    )
    # One open ticket per customer, kept by the database under concurrent updates.
    op.create_index(
        "uq_tickets_customer_id_open",
        "tickets",
        ["customer_id"],
        unique=True,
        sqlite_where=sa.text(OPEN_TICKET),
        postgresql_where=sa.text(OPEN_TICKET),
    )
    op.create_index("ix_tickets_customer_id_created_at", "tickets", ["customer_id", "created_at"])
    op.create_index("ix_tickets_status_created_at", "tickets", ["status", "created_at"])
    op.create_index(op.f("ix_tickets_assignee_id"), "tickets", ["assignee_id"])
    op.create_index(op.f("ix_tickets_topic_id"), "tickets", ["topic_id"])

    op.create_table(
        "ticket_messages",
        _id(),
        sa.Column("ticket_id", ID, nullable=False),
        sa.Column("direction", sa.String(20), nullable=False),
        sa.Column("author_id", sa.BigInteger(), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("content_type", sa.String(32), nullable=False),
        sa.Column("file_id", sa.String(255), nullable=True),
        sa.Column("source_chat_id", sa.BigInteger(), nullable=True),
        sa.Column("source_message_id", sa.BigInteger(), nullable=True),
        sa.Column("relay_chat_id", sa.BigInteger(), nullable=True),
        sa.Column("relay_message_id", sa.BigInteger(), nullable=True),
        sa.Column("delivered", sa.Boolean(), nullable=False),
        _when("delivered_at", nullable=True),
        _when("created_at"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ticket_messages")),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["tickets.id"],
            name=op.f("fk_ticket_messages_ticket_id_tickets"),
            ondelete="CASCADE",
        ),
        # Idempotency: the same Telegram message is stored once.
        sa.UniqueConstraint(
            "source_chat_id",
            "source_message_id",
            name=op.f("uq_ticket_messages_source_chat_id_source_message_id"),
        ),
        sa.CheckConstraint(
            "direction IN ('in', 'out', 'internal')", name=op.f("ck_ticket_messages_direction")
        ),
    )
    op.create_index(op.f("ix_ticket_messages_ticket_id"), "ticket_messages", ["ticket_id"])
    op.create_index(
        "ix_ticket_messages_relay_chat_id_relay_message_id",
        "ticket_messages",
        ["relay_chat_id", "relay_message_id"],
    )
    op.create_index(
        "ix_ticket_messages_delivered_created_at", "ticket_messages", ["delivered", "created_at"]
    )

    op.create_table(
        "votes",
        _id(),
        sa.Column("customer_id", ID, nullable=True),
        sa.Column("query_text", sa.Text(), nullable=False),
        sa.Column("article_id", sa.String(255), nullable=False),
        sa.Column("helpful", sa.Boolean(), nullable=False),
        _when("created_at"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_votes")),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_votes_customer_id_customers")
        ),
    )
    op.create_index(op.f("ix_votes_customer_id"), "votes", ["customer_id"])
    op.create_index(op.f("ix_votes_article_id"), "votes", ["article_id"])

    op.create_table(
        "attempts",
        _id(),
        sa.Column("customer_id", ID, nullable=True),
        sa.Column("query_text", sa.Text(), nullable=False),
        sa.Column("decision", sa.String(20), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("top_article_ids", sa.JSON(), nullable=False),
        sa.Column("chosen_article_id", sa.String(255), nullable=True),
        _when("created_at"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attempts")),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_attempts_customer_id_customers")
        ),
        sa.CheckConstraint(
            "decision IN ('answer', 'clarify', 'escalate')", name=op.f("ck_attempts_decision")
        ),
    )
    op.create_index(op.f("ix_attempts_customer_id"), "attempts", ["customer_id"])
    op.create_index("ix_attempts_decision_created_at", "attempts", ["decision", "created_at"])

    op.create_table(
        "canned_replies",
        _id(),
        sa.Column("title", sa.String(100), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_by", sa.BigInteger(), nullable=False),
        _when("created_at"),
        _when("updated_at"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_canned_replies")),
        sa.UniqueConstraint("title", name=op.f("uq_canned_replies_title")),
    )


def downgrade() -> None:
    # Dropping a table drops its indexes and constraints with it.
    for table in ("canned_replies", "attempts", "votes", "ticket_messages", "tickets", "customers"):
        op.drop_table(table)
