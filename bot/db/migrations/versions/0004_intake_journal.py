"""The intake journal: each Telegram update stored before it is confirmed to Telegram.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04

One row per update: its ``update_id`` (unique: Telegram may send one again, and a restart
must not handle it twice), the lane it belongs to (``chat_key``), the raw JSON and whether it
has been handled. A bot killed mid-burst handles the stored, unhandled rows when it starts.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "received_updates",
        sa.Column("id", ID, nullable=False),
        sa.Column("update_id", sa.BigInteger(), nullable=False),
        sa.Column("chat_key", sa.String(64), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("handled_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "state IN ('stored', 'handled')", name=op.f("ck_received_updates_state")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_received_updates")),
        sa.UniqueConstraint("update_id", name=op.f("uq_received_updates_update_id")),
    )
    op.create_index(op.f("ix_received_updates_state"), "received_updates", ["state"])


def downgrade() -> None:
    op.drop_index(op.f("ix_received_updates_state"), table_name="received_updates")
    op.drop_table("received_updates")
