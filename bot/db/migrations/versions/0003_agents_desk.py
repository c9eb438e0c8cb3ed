"""The agents' desk and the authors' loop: relay bookkeeping, agents, SLA notices, suggestions.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23

Tickets learn their topic's card, who answered first and the article they were answered
with; ticket messages learn how they are delivered (claims, attempts, replies, edits,
articles). New tables: agents (``/assign @name`` needs a username → id map), SLA notices
(each reminder or breach stored before it is sent, once) and phrasing suggestions.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _when(name: str, *, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    with op.batch_alter_table("tickets") as batch:
        batch.add_column(sa.Column("card_message_id", sa.BigInteger(), nullable=True))
        batch.add_column(_when("topic_claimed_at", nullable=True))
        batch.add_column(sa.Column("first_response_by", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("resolved_article_id", sa.String(255), nullable=True))

    with op.batch_alter_table("ticket_messages") as batch:
        batch.add_column(sa.Column("dedupe_key", sa.String(128), nullable=True))
        batch.add_column(sa.Column("reply_to_message_id", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("edit_of_id", ID, nullable=True))
        batch.add_column(sa.Column("article_id", sa.String(255), nullable=True))
        batch.add_column(
            sa.Column("attempts", sa.SmallInteger(), nullable=False, server_default="0")
        )
        batch.add_column(_when("claimed_at", nullable=True))
        batch.add_column(
            sa.Column("failed", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(sa.Column("error", sa.Text(), nullable=True))
        batch.create_unique_constraint(op.f("uq_ticket_messages_dedupe_key"), ["dedupe_key"])
        batch.create_foreign_key(
            op.f("fk_ticket_messages_edit_of_id_ticket_messages"),
            "ticket_messages",
            ["edit_of_id"],
            ["id"],
        )

    op.create_table(
        "agents",
        sa.Column("id", ID, nullable=False),
        sa.Column("telegram_id", sa.BigInteger(), nullable=False),
        sa.Column("first_name", sa.String(255), nullable=False),
        sa.Column("last_name", sa.String(255), nullable=True),
        sa.Column("username", sa.String(64), nullable=True),
        sa.Column("role", sa.String(20), nullable=False),
        _when("seen_at"),
        sa.CheckConstraint("role IN ('agent', 'lead')", name=op.f("ck_agents_role")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agents")),
        sa.UniqueConstraint("telegram_id", name=op.f("uq_agents_telegram_id")),
    )
    op.create_index(op.f("ix_agents_username"), "agents", ["username"])

    op.create_table(
        "sla_notices",
        sa.Column("id", ID, nullable=False),
        sa.Column("ticket_id", ID, nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        _when("due_at"),
        _when("created_at"),
        _when("delivered_at", nullable=True),
        sa.CheckConstraint(
            "kind IN ('first_response_soon', 'first_response_breached', "
            "'resolution_soon', 'resolution_breached')",
            name=op.f("ck_sla_notices_kind"),
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["tickets.id"],
            name=op.f("fk_sla_notices_ticket_id_tickets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sla_notices")),
        sa.UniqueConstraint(
            "ticket_id", "kind", "due_at", name=op.f("uq_sla_notices_ticket_id_kind_due_at")
        ),
    )
    op.create_index(op.f("ix_sla_notices_ticket_id"), "sla_notices", ["ticket_id"])

    op.create_table(
        "phrasing_suggestions",
        sa.Column("id", ID, nullable=False),
        sa.Column("article_id", sa.String(255), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("wording_key", sa.String(500), nullable=False),
        sa.Column("source", sa.String(64), nullable=False),
        sa.Column("ticket_id", ID, nullable=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("message_id", sa.BigInteger(), nullable=True),
        _when("created_at"),
        _when("decided_at", nullable=True),
        sa.Column("decided_by", sa.BigInteger(), nullable=True),
        sa.CheckConstraint(
            "status IN ('pending', 'approved', 'rejected')",
            name=op.f("ck_phrasing_suggestions_status"),
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["tickets.id"],
            name=op.f("fk_phrasing_suggestions_ticket_id_tickets"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_phrasing_suggestions")),
        sa.UniqueConstraint(
            "article_id",
            "wording_key",
            name=op.f("uq_phrasing_suggestions_article_id_wording_key"),
        ),
    )
    op.create_index(
        "ix_phrasing_suggestions_status_created_at",
        "phrasing_suggestions",
        ["status", "created_at"],
    )


def downgrade() -> None:
    op.drop_index("ix_phrasing_suggestions_status_created_at", table_name="phrasing_suggestions")
    op.drop_table("phrasing_suggestions")
    op.drop_index(op.f("ix_sla_notices_ticket_id"), table_name="sla_notices")
    op.drop_table("sla_notices")
    op.drop_index(op.f("ix_agents_username"), table_name="agents")
    op.drop_table("agents")
    with op.batch_alter_table("ticket_messages") as batch:
        batch.drop_constraint(
            op.f("fk_ticket_messages_edit_of_id_ticket_messages"), type_="foreignkey"
        )
        batch.drop_constraint(op.f("uq_ticket_messages_dedupe_key"), type_="unique")
        for column in (
            "error",
            "failed",
            "claimed_at",
            "attempts",
            "article_id",
            "edit_of_id",
            "reply_to_message_id",
            "dedupe_key",
        ):
            batch.drop_column(column)
    with op.batch_alter_table("tickets") as batch:
        for column in (
            "resolved_article_id",
            "first_response_by",
            "topic_claimed_at",
            "card_message_id",
        ):
            batch.drop_column(column)
