"""Deliveries that failed for good, a backoff for those that may pass, SLA notices claimed
before they are sent (and marked sent after).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("ticket_messages") as batch:
        batch.add_column(sa.Column("failure", sa.String(32), nullable=True))
        batch.add_column(sa.Column("retry_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("sla_notices") as batch:
        batch.add_column(sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("sla_notices") as batch:
        batch.drop_column("claimed_at")
    with op.batch_alter_table("ticket_messages") as batch:
        batch.drop_column("retry_at")
        batch.drop_column("failure")
