"""fair use: reported usage per customer and month, and the task per stage

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 12:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "usage_months",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_key", sa.String(length=320), nullable=False),
        sa.Column("customer_id", sa.String(length=64), nullable=True),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("usage_gb", sa.Float(), nullable=False),
        sa.Column("limit_gb", sa.Float(), nullable=False),
        sa.Column("products", sa.JSON(), nullable=False),
        sa.Column("migration_refused", sa.Boolean(), nullable=False),
        sa.Column("migration_impossible", sa.Boolean(), nullable=False),
        sa.Column("origin", sa.String(length=200), nullable=False),
        sa.Column("inbox_event_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["inbox_event_id"], ["inbox_events.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("inbox_event_id"),
        sa.UniqueConstraint("customer_key", "month", name="uq_usage_months_customer_month"),
    )
    with op.batch_alter_table("usage_months", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_usage_months_customer_key"), ["customer_key"], unique=False)

    op.create_table(
        "fair_use_tasks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("inbox_event_id", sa.Integer(), nullable=False),
        sa.Column("customer_key", sa.String(length=320), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("months_over_limit", sa.Integer(), nullable=False),
        sa.Column("measure", sa.String(length=40), nullable=False),
        sa.Column("clauses", sa.JSON(), nullable=False),
        sa.Column("output", sa.JSON(), nullable=False),
        sa.Column("mode", sa.String(length=20), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("marker", sa.String(length=400), nullable=False),
        sa.Column("mailbox", sa.String(length=200), nullable=False),
        sa.Column("recipient", sa.String(length=320), nullable=True),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("groove_ticket_number", sa.BigInteger(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("result", sa.Text(), nullable=True),
        sa.Column("pack_id", sa.String(length=60), nullable=False),
        sa.Column("pack_version", sa.String(length=40), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["inbox_event_id"], ["inbox_events.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("inbox_event_id"),
        sa.UniqueConstraint("marker"),
        sa.UniqueConstraint("customer_key", "month", name="uq_fair_use_tasks_customer_month"),
    )
    with op.batch_alter_table("fair_use_tasks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_fair_use_tasks_customer_key"), ["customer_key"], unique=False)
        batch_op.create_index(batch_op.f("ix_fair_use_tasks_measure"), ["measure"], unique=False)
        batch_op.create_index(batch_op.f("ix_fair_use_tasks_state"), ["state"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("fair_use_tasks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fair_use_tasks_state"))
        batch_op.drop_index(batch_op.f("ix_fair_use_tasks_measure"))
        batch_op.drop_index(batch_op.f("ix_fair_use_tasks_customer_key"))
    op.drop_table("fair_use_tasks")
    with op.batch_alter_table("usage_months", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_usage_months_customer_key"))
    op.drop_table("usage_months")
