"""Migrations upgrade a database that already holds decisions, not only an empty one."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import sqlalchemy as sa

from worker.store.db import upgrade


def _fill(conn: sa.Connection, table: sa.Table, **given: object) -> int:
    """Insert one row, giving every NOT NULL column without a default a plausible value."""
    values = dict(given)
    for col in table.columns:
        if col.name in values or col.nullable or col.primary_key or col.server_default is not None:
            continue
        kind = col.type.python_type if hasattr(col.type, "python_type") else str
        values[col.name] = {
            int: 1,
            bool: False,
            datetime: datetime(2026, 1, 1, tzinfo=UTC),
            date: date(2026, 1, 1),
            dict: {},
            list: [],
        }.get(kind, "x")
    return int(conn.execute(table.insert().values(**values)).inserted_primary_key[0])


def test_upgrading_a_sqlite_database_with_decisions_and_actions_keeps_them(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    upgrade(url, "0006")
    engine = sa.create_engine(url)
    meta = sa.MetaData()
    meta.reflect(engine)
    with engine.begin() as conn:
        inbox = _fill(conn, meta.tables["inbox_events"], dedup_key="k1")
        decision = _fill(conn, meta.tables["decisions"], inbox_event_id=inbox)
        _fill(conn, meta.tables["actions"], decision_id=decision, idempotency_key="a1")
    upgrade(url)  # must not fail on the foreign keys that point at decisions
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM actions")).scalar() == 1
        assert conn.execute(sa.text("SELECT uncertain FROM decisions")).scalar() in (0, False)
