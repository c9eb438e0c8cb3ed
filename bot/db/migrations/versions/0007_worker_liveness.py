"""Workers that beat, and who holds each delivery claim: a dead worker's claims go at once.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "workers",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workers")),
    )
    with op.batch_alter_table("ticket_messages") as batch:
        batch.add_column(sa.Column("claimed_by", sa.String(32), nullable=True))
    with op.batch_alter_table("sla_notices") as batch:
        batch.add_column(sa.Column("claimed_by", sa.String(32), nullable=True))
    with op.batch_alter_table("tickets") as batch:
        batch.add_column(sa.Column("topic_claimed_by", sa.String(32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("tickets") as batch:
        batch.drop_column("topic_claimed_by")
    with op.batch_alter_table("sla_notices") as batch:
        batch.drop_column("claimed_by")
    with op.batch_alter_table("ticket_messages") as batch:
        batch.drop_column("claimed_by")
    op.drop_table("workers")
