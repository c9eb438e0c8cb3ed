"""FSM state of the Telegram conversations, for when no Redis is configured.

Revision ID: 0002
Revises: 0001
Create Date: 2025-01-27

One row per aiogram storage key: the state name (e.g. ``TicketForm:when``) and the data
(the dialogue's conversation, the half-filled ticket form) as JSON, so that a restart of the
bot loses nothing.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# SQLite only auto-increments a column declared exactly INTEGER PRIMARY KEY.
ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "fsm_states",
        sa.Column("id", ID, nullable=False),
        sa.Column("key", sa.String(255), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("state", sa.String(255), nullable=True),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fsm_states")),
        sa.UniqueConstraint("key", name=op.f("uq_fsm_states_key")),
    )
    op.create_index(op.f("ix_fsm_states_user_id"), "fsm_states", ["user_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_fsm_states_user_id"), table_name="fsm_states")
    op.drop_table("fsm_states")
