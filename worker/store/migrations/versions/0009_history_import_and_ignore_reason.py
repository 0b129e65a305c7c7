"""ledger entries keep their source (a decision or an imported earlier ticket), the source ticket and
the sentence; the history import's cursor; why an inbox event was ignored (issue 14)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-10 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("ledger", schema=None) as batch_op:
        # Every row so far came from one of the worker's decisions.
        batch_op.add_column(sa.Column("source", sa.String(length=40), server_default="decision", nullable=False))
        batch_op.add_column(sa.Column("source_ticket", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("sentence", sa.Text(), nullable=True))
        # An import adds each (customer, ticket, request type, outcome) once (decision rows: source_ticket NULL).
        batch_op.create_unique_constraint(
            "uq_ledger_source_entry", ["customer_email", "source", "source_ticket", "request_type", "outcome"]
        )
    op.create_table(
        "history_import_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("since", sa.Date(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("next_page", sa.Integer(), nullable=False),
        sa.Column("tickets_read", sa.Integer(), nullable=False),
        sa.Column("tickets_skipped", sa.Integer(), nullable=False),
        sa.Column("entries_added", sa.Integer(), nullable=False),
        sa.Column("groove_calls", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("history_import_runs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_history_import_runs_since"), ["since"], unique=False)
        batch_op.create_index(batch_op.f("ix_history_import_runs_state"), ["state"], unique=False)
    with op.batch_alter_table("inbox_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("ignore_reason", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("inbox_events", schema=None) as batch_op:
        batch_op.drop_column("ignore_reason")
    with op.batch_alter_table("history_import_runs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_history_import_runs_state"))
        batch_op.drop_index(batch_op.f("ix_history_import_runs_since"))
    op.drop_table("history_import_runs")
    with op.batch_alter_table("ledger", schema=None) as batch_op:
        batch_op.drop_constraint("uq_ledger_source_entry", type_="unique")
        batch_op.drop_column("sentence")
        batch_op.drop_column("source_ticket")
        batch_op.drop_column("source")
