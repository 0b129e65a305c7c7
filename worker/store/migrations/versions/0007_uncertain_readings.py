"""decisions.uncertain: the two readers disagreed (or were unsure), so a person confirms first (issue 12)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 17:15:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN, not a batch rebuild: on SQLite a rebuild drops the table, which its
    # foreign keys (actions, ledger …) refuse as soon as a decision exists.
    # Older decisions were made by one reader; they count as certain, as they were treated then.
    op.add_column("decisions", sa.Column("uncertain", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("decisions", schema=None) as batch_op:
        batch_op.drop_column("uncertain")
