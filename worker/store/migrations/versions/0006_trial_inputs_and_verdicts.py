"""decisions keep what they read (replayable inputs); agents' verdicts on decisions (issue 15)

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-08 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("decisions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("inputs", sa.JSON(), nullable=True))
    # Decisions recorded before this revision kept no inputs: marked, so a trial counts them as not replayable.
    op.execute(sa.text("""UPDATE decisions SET inputs = '{"replayable": false}' WHERE inputs IS NULL"""))
    op.create_table(
        "verdicts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("decision_id", sa.Integer(), nullable=False),
        sa.Column("verdict", sa.String(length=20), nullable=False),
        sa.Column("right_type", sa.String(length=40), nullable=True),
        sa.Column("right_outcome", sa.String(length=40), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("name", sa.String(length=120), nullable=True),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["decision_id"], ["decisions.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("verdicts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_verdicts_decision_id"), ["decision_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_verdicts_created_at"), ["created_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("verdicts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_verdicts_created_at"))
        batch_op.drop_index(batch_op.f("ix_verdicts_decision_id"))
    op.drop_table("verdicts")
    with op.batch_alter_table("decisions", schema=None) as batch_op:
        batch_op.drop_column("inputs")
