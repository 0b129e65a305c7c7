"""failed jobs keep the task's arguments, so replay re-sends them instead of parsing the error text

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 16:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Nullable: rows written before this revision have no arguments; replay falls back for them.
    with op.batch_alter_table("failed_jobs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("task_args", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("failed_jobs", schema=None) as batch_op:
        batch_op.drop_column("task_args")
