"""Storage behaviour on both databases we support: SQLite (embedded default) and real PostgreSQL."""

from __future__ import annotations

import multiprocessing
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import inspect, select

from worker.intake.inbox import reset_for_replay, stale_event_ids, store_event
from worker.store.db import get_engine, session_scope, upgrade
from worker.store.locks import LockBusy, exclusive
from worker.store.models import ActionRecord, DecisionRecord, InboxEvent, LedgerEntry


def test_migrations_create_every_table(db_url: str) -> None:
    tables = set(inspect(get_engine(db_url)).get_table_names())
    assert {
        "inbox_events",
        "decisions",
        "actions",
        "ledger",
        "abuse_incidents",
        "failed_jobs",
        "alembic_version",
    } <= tables


def test_running_the_migrations_twice_changes_nothing(db_url: str) -> None:
    upgrade(db_url)
    assert "inbox_events" in inspect(get_engine(db_url)).get_table_names()


def test_a_redelivered_event_is_a_duplicate_of_the_stored_one(db_url: str) -> None:
    first = store_event(db_url, event="ticket_started", ticket_number=7, message_id=None, raw=b'{"number": 7}')
    again = store_event(db_url, event="ticket_started", ticket_number=7, message_id=None, raw=b'{"number": 7, "x": 1}')
    assert not first.duplicate and again.duplicate
    assert again.inbox_id == first.inbox_id


def test_events_left_unfinished_are_found_by_the_sweeper_and_done_ones_are_not(db_url: str) -> None:
    waiting = store_event(db_url, event="ticket_started", ticket_number=1, message_id=None, raw=b"{}")
    done = store_event(db_url, event="ticket_started", ticket_number=2, message_id=None, raw=b"{}")
    with session_scope(db_url) as s:
        s.get(InboxEvent, done.inbox_id).status = "done"  # type: ignore[union-attr]
    assert stale_event_ids(db_url, older_than_seconds=3600) == []
    assert stale_event_ids(db_url, older_than_seconds=-1) == [waiting.inbox_id]


def test_replay_puts_failed_events_back_and_leaves_done_ones(db_url: str) -> None:
    failed = store_event(db_url, event="ticket_started", ticket_number=3, message_id=None, raw=b"{}")
    done = store_event(db_url, event="ticket_started", ticket_number=4, message_id=None, raw=b"{}")
    with session_scope(db_url) as s:
        s.get(InboxEvent, failed.inbox_id).status = "failed"  # type: ignore[union-attr]
        s.get(InboxEvent, done.inbox_id).status = "done"  # type: ignore[union-attr]
    assert reset_for_replay(db_url, [failed.inbox_id, done.inbox_id]) == [failed.inbox_id]


def test_an_action_idempotency_key_can_only_be_recorded_once(db_url: str) -> None:
    from sqlalchemy.exc import IntegrityError

    ev = store_event(db_url, event="ticket_started", ticket_number=9, message_id=None, raw=b"{}")
    with session_scope(db_url) as s:
        rec = DecisionRecord(
            inbox_event_id=ev.inbox_id,
            ticket_number=9,
            customer_email="a@example.org",
            request_type="coach_extension",
            outcome="approve",
            fingerprint="x",
            pack_id="goodwill",
            pack_version="1",
            decided_on=date(2026, 11, 23),
        )
        s.add(rec)
        s.flush()
        s.add(
            ActionRecord(
                decision_id=rec.id,
                idempotency_key=f"decision:{rec.id}:tag",
                system="activecampaign",
                op="add_tag",
                tag="t",
            )
        )
        decision_id = rec.id
    with pytest.raises(IntegrityError), session_scope(db_url) as s:
        s.add(
            ActionRecord(
                decision_id=decision_id,
                idempotency_key=f"decision:{decision_id}:tag",
                system="activecampaign",
                op="add_tag",
                tag="t",
            )
        )
    with session_scope(db_url) as s:
        s.add(
            LedgerEntry(
                customer_email="a@example.org",
                date=date(2026, 11, 23),
                request_type="coach_extension",
                outcome="approve",
                applied=True,
                ticket_number=9,
                decision_id=decision_id,
            )
        )
    with session_scope(db_url) as s:
        assert s.scalars(select(LedgerEntry.applied)).all() == [True]


def _hold_lock(db_url: str, data_dir: str, ready, release) -> None:  # type: ignore[no-untyped-def]
    get_engine.cache_clear()
    with exclusive(db_url, Path(data_dir), "ticket:42"):
        ready.set()
        release.wait(20)


def test_a_ticket_lock_held_by_another_process_is_busy_and_freed_when_that_process_dies(
    db_url: str, tmp_path: Path
) -> None:
    ctx = multiprocessing.get_context("spawn")
    ready, release = ctx.Event(), ctx.Event()
    holder = ctx.Process(target=_hold_lock, args=(db_url, str(tmp_path), ready, release))
    holder.start()
    assert ready.wait(30)
    with pytest.raises(LockBusy), exclusive(db_url, tmp_path, "ticket:42"):
        pass
    holder.kill()  # SIGKILL: no clean-up code runs in the holder
    holder.join(10)
    with exclusive(db_url, tmp_path, "ticket:42"):
        pass


def test_twenty_concurrent_deliveries_of_one_event_store_one_row_and_report_the_rest_as_duplicates(db_url: str) -> None:
    from concurrent.futures import ThreadPoolExecutor

    def deliver(_: int):  # type: ignore[no-untyped-def]
        return store_event(db_url, event="ticket_started", ticket_number=21, message_id=None, raw=b'{"number": 21}')

    with ThreadPoolExecutor(max_workers=10) as pool:
        results = list(pool.map(deliver, range(20)))
    assert [r.duplicate for r in results].count(False) == 1
    assert {r.inbox_id for r in results} == {results[0].inbox_id}
    assert {r.status for r in results} == {"queued"}
    with session_scope(db_url) as s:
        assert len(s.scalars(select(InboxEvent)).all()) == 1


def test_an_event_is_stored_after_postgresql_dropped_every_pooled_connection(postgres_url: str) -> None:
    """What a PostgreSQL restart does to the web's pooled connections, without restarting the shared
    server: every backend of this database is terminated between two webhooks."""
    import time

    import psycopg

    from tests.support import reset_schema

    reset_schema(postgres_url)
    upgrade(postgres_url)
    first = store_event(postgres_url, event="ticket_started", ticket_number=31, message_id=None, raw=b"{}")
    with psycopg.connect(postgres_url.replace("+psycopg", ""), autocommit=True) as admin:
        others = "FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        assert admin.execute(f"SELECT count(pg_terminate_backend(pid)) {others}").fetchone()[0] >= 1  # type: ignore[index]
        deadline = time.monotonic() + 10
        while admin.execute(f"SELECT count(*) {others}").fetchone()[0] and time.monotonic() < deadline:  # type: ignore[index]
            time.sleep(0.05)

    second = store_event(postgres_url, event="ticket_started", ticket_number=32, message_id=None, raw=b"{}")
    assert not second.duplicate and second.inbox_id != first.inbox_id
    with session_scope(postgres_url) as s:
        assert sorted(s.scalars(select(InboxEvent.ticket_number)).all()) == [31, 32]
