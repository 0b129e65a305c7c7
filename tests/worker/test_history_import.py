"""`goodwill history import --since DATE`: earlier Groove tickets into the ledger, measured against a seed.

The seed (tests/fixtures/groove/sandbox_seed__history_600.json, made by scripts/make_history_seed.py)
holds 600 earlier tickets with a known answer key (history_truth__600.json): the customers' goodwill
requests and the gestures agents confirmed (insert, notes — second extensions too —, AC marker tags),
among refusals, offers, customers quoting an insert, auto-replies and the fair-use mailbox's tickets.
The import is measured by precision and recall per outcome, resumed after a `kill -9` of the real
command, and run again without adding anything.
"""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import time
from datetime import date
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, select

from tests.fakes import FakeVendors, fake_runtime
from tests.support import Sandbox, start_goodwill, ticket_seed, wait_until
from worker.bootstrap import Runtime
from worker.config import load_settings
from worker.history.importer import run_import
from worker.intake.inbox import store_event
from worker.store.db import get_engine, session_scope, upgrade
from worker.store.models import Base, HistoryImportRun, LedgerEntry
from worker.triage import process as pipeline

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "groove"
SEED = json.loads((FIXTURES / "sandbox_seed__history_600.json").read_text(encoding="utf-8"))
TRUTH = json.loads((FIXTURES / "history_truth__600.json").read_text(encoding="utf-8"))["entries"]
SINCE = date(2025, 1, 1)


@pytest.fixture
def vendors() -> FakeVendors:
    return FakeVendors()


@pytest.fixture
def rt(base_env, vendors: FakeVendors) -> Runtime:  # type: ignore[no-untyped-def]
    settings = load_settings()
    upgrade(settings.db_url)
    return fake_runtime(settings, vendors)


def run(rt: Runtime, *, dry_run: bool = False) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    run_import(rt, SINCE, dry_run=dry_run, out=out, err=err, max_rate=100_000, sleep=lambda _: None)
    return out.getvalue(), err.getvalue()


def ledger(db_url: str) -> dict[tuple[int, str, str], tuple[str, str]]:
    with session_scope(db_url) as s:
        rows = s.scalars(select(LedgerEntry).where(LedgerEntry.source == "history_import")).all()
        return {(r.source_ticket, r.request_type, r.outcome): (r.date.isoformat(), r.sentence or "") for r in rows}  # type: ignore[misc]


def scores(found: dict[tuple[int, str, str], tuple[str, str]]) -> dict[str, dict[str, float]]:
    """Precision and recall per outcome against the answer key (tickets created on or after SINCE)."""
    wanted = {
        (e["ticket"], e["request_type"], e["outcome"]): e for e in TRUTH if e["ticket_created"] >= SINCE.isoformat()
    }
    out: dict[str, dict[str, float]] = {}
    for outcome in ("requested", "approve"):
        want = {k for k in wanted if k[2] == outcome}
        got = {k for k in found if k[2] == outcome}
        hit = want & got
        out[outcome] = {
            "precision": len(hit) / len(got) if got else 0.0,
            "recall": len(hit) / len(want) if want else 1.0,
            "expected": len(want),
            "found": len(got),
            "dates_right": sum(1 for k in hit if found[k][0] == wanted[k]["date"]) / max(1, len(hit)),
        }
    return out


def report(name: str, figures: dict[str, dict[str, float]]) -> None:
    print(
        f"\n{name}: "
        + "; ".join(
            f"{outcome}: precision {f['precision']:.3f}, recall {f['recall']:.3f} "
            f"({f['found']:.0f} found, {f['expected']:.0f} expected, dates right {f['dates_right']:.3f})"
            for outcome, f in figures.items()
        )
    )


def test_the_tables_match_the_models(db_url: str) -> None:
    with get_engine(db_url).connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    ours = [d for d in diff if any(t in repr(d) for t in ("ledger", "history_import_runs", "ignore_reason"))]
    assert ours == []


def test_the_seed_has_at_least_500_earlier_tickets_with_known_gestures() -> None:
    assert len(SEED["groove"]["tickets"]) >= 500
    assert sum(1 for e in TRUTH if e["outcome"] == "approve") >= 100
    assert {e["kind"] for e in TRUTH if e["outcome"] == "approve"} >= {
        "extension_granted",
        "coach_granted",
        "club_pause_granted",
        "ticket_tag_extension",
    }


def test_an_import_of_the_seed_finds_the_earlier_requests_and_the_confirmed_gestures(
    rt: Runtime, vendors: FakeVendors
) -> None:
    vendors.seed(SEED)
    out, err = run(rt)
    found = ledger(rt.settings.db_url)
    figures = scores(found)
    report("history import (in process)", figures)
    assert figures["approve"]["precision"] >= 0.98 and figures["approve"]["recall"] >= 0.98
    assert figures["requested"]["precision"] >= 0.9 and figures["requested"]["recall"] >= 0.9
    assert figures["approve"]["dates_right"] == 1.0 and figures["requested"]["dates_right"] >= 0.98
    # each entry keeps its source ticket and the sentence it came from
    second = [s for (_, t, o), (_, s) in found.items() if o == "approve" and "Zweite Verlängerung" in s]
    assert second and all(s for _, s in found.values())
    assert "confirmed gestures:" in out and "ledger entries added:" in out and "notes of a second extension" in out
    assert "skipped: " in out and "fair use" in out
    assert "ETA" in err and "100%" in err.splitlines()[-1]  # the progress bar, on stderr
    # inside the budget it asked: one listing per page and one messages read per ticket, nothing else
    calls = vendors.helpdesk.names()
    assert set(calls) <= {"list_tickets", "list_messages", "list_mailboxes"}


def test_the_first_return_wish_is_the_date_kept_for_a_return(rt: Runtime, vendors: FakeVendors) -> None:
    vendors.seed(SEED)
    run(rt)
    found = ledger(rt.settings.db_url)
    returns = [e for e in TRUTH if e["request_type"] == "program_return" and e["ticket_created"] >= SINCE.isoformat()]
    assert returns
    assert all(found[(e["ticket"], "program_return", "requested")][0] == e["date"] for e in returns)


def test_a_second_run_adds_nothing(rt: Runtime, vendors: FakeVendors) -> None:
    vendors.seed(SEED)
    run(rt)
    before = ledger(rt.settings.db_url)
    out, _ = run(rt)
    assert ledger(rt.settings.db_url) == before
    assert "ledger entries added: 0;" in out


def test_a_dry_run_prints_a_table_and_writes_nothing(rt: Runtime, vendors: FakeVendors) -> None:
    vendors.seed(SEED)
    out, _ = run(rt, dry_run=True)
    lines = out.splitlines()
    assert lines[0].split() == ["ticket", "customer", "date", "request_type", "outcome", "found", "as", "sentence"]
    assert any(line.startswith("#2") and "approve" in line and "note" in line for line in lines[1:])
    assert "dry run, nothing written" in out
    with session_scope(rt.settings.db_url) as s:
        assert s.scalar(select(func.count()).select_from(LedgerEntry)) == 0
        assert s.scalar(select(func.count()).select_from(HistoryImportRun)) == 0


def test_tickets_older_than_the_date_and_tickets_the_worker_decided_are_not_read(
    rt: Runtime, vendors: FakeVendors
) -> None:
    old = ticket_seed(
        1001,
        "alt@example.org",
        "Verlängerung",
        "<p>Bitte verlängert mein Programm.</p>",
        created_at="2024-12-30T10:00:00Z",
    )
    new = ticket_seed(
        1002,
        "neu@example.org",
        "Verlängerung",
        "<p>Bitte verlängert mein Programm.</p>",
        created_at="2025-02-01T10:00:00Z",
    )
    vendors.seed(old)
    vendors.seed(new)
    raw = json.dumps({"number": 1002}).encode()
    inbox_id = store_event(
        rt.settings.db_url, event="ticket_started", ticket_number=1002, message_id=None, raw=raw
    ).inbox_id
    pipeline.process(rt, inbox_id)  # the worker decided 1002 itself: its ledger row is there already
    vendors.forget_calls()
    out, _ = run(rt)
    assert ledger(rt.settings.db_url) == {}
    assert "1 decided by the worker" in out
    assert [c.args[0] for c in vendors.helpdesk.called("list_messages")] == []


def test_the_decision_note_names_imported_history_as_such(rt: Runtime, vendors: FakeVendors) -> None:
    earlier = ticket_seed(
        3001,
        "mia@example.org",
        "Verlängerung",
        "<p>Hallo, ich war krank. Könnt ihr mein Programm bitte verlängern?</p>",
        created_at="2025-03-02T09:00:00Z",
    )
    earlier["groove"]["tickets"][0]["messages"].append(
        {
            "body": "<p>Verlängerung um 4 Wochen eingerichtet, Tag kulanz_verlaengerung in AC gesetzt.</p>",
            "author": "agent",
            "note": True,
            "created_at": "2025-03-03T09:00:00Z",
        }
    )
    vendors.seed(earlier)
    run(rt)
    vendors.seed(
        ticket_seed(
            3002,
            "mia@example.org",
            "Verlängerung",
            "<p>Hallo, ich brauche leider noch einmal mehr Zeit. Bitte verlängert mein Programm.</p>",
            fields={"PROGRAM_END_DATE": "2026-12-31", "PROGRAM_PURCHASE_DATE": "2025-01-15"},
            created_at="2026-11-20T09:00:00Z",
        )
    )
    raw = json.dumps({"number": 3002}).encode()
    inbox_id = store_event(
        rt.settings.db_url, event="ticket_started", ticket_number=3002, message_id=None, raw=raw
    ).inbox_id
    assert pipeline.process(rt, inbox_id) == "done"
    [note] = vendors.notes(3002)
    assert "Frühere Kulanz: Verlängerung am 03.03.2025 (laut Ticket #3001)." in note  # K-3 from the import


# -- the real command: killed with SIGKILL, resumed, idempotent ----------------------------------------
def command_env(tmp_path: Path, sandbox: Sandbox, secret: str) -> dict[str, str]:
    return {
        "GOODWILL_DATA_DIR": str(tmp_path / "data"),
        "DATABASE_URL": f"sqlite:///{(tmp_path / 'data' / 'goodwill.sqlite').resolve()}",
        "REDIS_URL": "",
        "GROOVE_API_URL": f"{sandbox.url}/groove/v1",
        "AC_API_URL": f"{sandbox.url}/ac/api/3",
        "GROOVE_API_TOKEN": "history-groove-token",
        "AC_API_TOKEN": "history-ac-token",
        "GROOVE_WEBHOOK_SECRET": secret,
        "GROOVE_RATE_LIMIT": "400",
    }


def test_the_command_resumes_after_kill_9_and_a_second_run_adds_nothing(tmp_path: Path, webhook_secret: str) -> None:
    (tmp_path / "data").mkdir()
    with Sandbox(latency_ms=8) as sandbox:
        sandbox.seed(SEED)
        env = command_env(tmp_path, sandbox, webhook_secret)
        db_url = env["DATABASE_URL"]
        args = ["history", "import", "--since", SINCE.isoformat(), "--max-rate", "150"]
        first = start_goodwill(args, env, tmp_path / "first.log")

        def some_pages_recorded() -> bool:
            if first.poll() is not None:
                return True
            try:
                with session_scope(db_url) as s:
                    return (s.scalar(select(func.max(HistoryImportRun.next_page))) or 0) >= 4
            except Exception:
                return False  # the command is still creating the tables

        wait_until(some_pages_recorded, timeout=60, interval=0.05, what="four pages recorded")
        assert first.poll() is None, (tmp_path / "first.log").read_text()[-2000:]
        os.killpg(first.pid, signal.SIGKILL)  # kill -9 in the middle of the walk
        first.wait(10)
        with session_scope(db_url) as s:
            run = s.scalars(select(HistoryImportRun)).one()
            assert run.state == "running" and run.next_page >= 4
            killed_at = run.next_page
            partial = s.scalar(select(func.count()).select_from(LedgerEntry))
        assert partial > 0

        started = time.monotonic()
        second = subprocess.run(
            [os.sys.executable, "-m", "worker.cli", *args],  # type: ignore[attr-defined]
            env={**os.environ, **env},
            capture_output=True,
            text=True,
            timeout=120,
            cwd=Path(__file__).resolve().parents[2],
        )
        assert second.returncode == 0, second.stderr[-2000:]
        assert f"resumed at page {killed_at}" in second.stdout
        assert "ETA" in second.stderr
        found = ledger(db_url)
        figures = scores(found)
        report(f"history import (killed at page {killed_at}, resumed; {time.monotonic() - started:.1f} s)", figures)
        assert figures["approve"]["precision"] >= 0.98 and figures["approve"]["recall"] >= 0.98
        assert figures["requested"]["precision"] >= 0.9 and figures["requested"]["recall"] >= 0.9
        with session_scope(db_url) as s:
            total = s.scalar(select(func.count()).select_from(LedgerEntry))
            assert total == len(found)  # no entry twice, whatever the kill interrupted
            assert s.scalars(select(HistoryImportRun.state)).all() == ["done"]

        third = subprocess.run(
            [os.sys.executable, "-m", "worker.cli", *args],  # type: ignore[attr-defined]
            env={**os.environ, **env},
            capture_output=True,
            text=True,
            timeout=120,
            cwd=Path(__file__).resolve().parents[2],
        )
        assert third.returncode == 0 and "ledger entries added: 0;" in third.stdout, third.stdout
        assert ledger(db_url) == found
