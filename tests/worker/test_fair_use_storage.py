"""Migration 0003 (usage_months, fair_use_tasks) on SQLite and real PostgreSQL: matches the models, unique per
customer and month, and goes down again."""

from __future__ import annotations

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.exc import IntegrityError

from worker.store.db import alembic_config, get_engine, session_scope, upgrade
from worker.store.models import Base, InboxEvent, UsageMonthRecord

FAIR_USE_TABLES = {"usage_months", "fair_use_tasks"}


def test_the_fair_use_tables_match_the_models(db_url: str) -> None:
    with get_engine(db_url).connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    ours = [d for d in diff if any(t in repr(d) for t in FAIR_USE_TABLES)]
    assert ours == []


def test_one_usage_row_per_customer_and_month(db_url: str) -> None:
    def add(key: str) -> None:
        with session_scope(db_url) as s:
            inbox = InboxEvent(dedup_key=key, source="fair_use", event="usage_overrun", payload="{}")
            s.add(inbox)
            s.flush()
            s.add(
                UsageMonthRecord(
                    customer_key="100231",
                    month="2026-10",
                    usage_gb=1,
                    limit_gb=1,
                    products=[],
                    migration_refused=False,
                    migration_impossible=False,
                    origin="test",
                    inbox_event_id=inbox.id,
                )
            )

    add("a")
    with pytest.raises(IntegrityError):
        add("b")


def test_the_migration_goes_down_and_up_again(db_url: str) -> None:
    command.downgrade(alembic_config(db_url), "0002")
    assert not FAIR_USE_TABLES & set(inspect(get_engine(db_url)).get_table_names())
    upgrade(db_url)
    assert set(inspect(get_engine(db_url)).get_table_names()) >= FAIR_USE_TABLES
