"""Monthly usage exports → real `goodwill fair-use import` → queue → real `goodwill worker` → task tickets in
the sandbox: sms_1, then sms_2 with the partner (KNU) text, then migrate; importing again creates nothing.

Production shape (Redis + PostgreSQL) and the embedded default (SQLite file + SQLite broker).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import requests
from sqlalchemy import select

from tests.conftest import ROOT
from tests.support import Sandbox, running_stack, wait_until
from worker.store.db import session_scope
from worker.store.models import FairUseTask, InboxEvent

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "fair_use"


@pytest.fixture(params=["redis+postgresql", "embedded+sqlite"])
def stack(request: pytest.FixtureRequest, tmp_path: Path, webhook_secret: str):  # type: ignore[no-untyped-def]
    extra = {
        "GROOVE_NOTE_AUTHOR": "agent@sandbox.invalid",
        "GOODWILL_MAILBOX_PACKS": "Kundendienst Finecom=fair-use,Support=goodwill",
    }
    # The account has the mailboxes the setting names (the worker checks them when it starts).
    mailboxes = {"groove": {"mailboxes": [{"name": "Support", "email": "support@intumind.example"}]}}
    with running_stack(
        request, tmp_path, webhook_secret, redis_db=4, extra_env=extra, sandbox_seed=mailboxes
    ) as running:
        yield running


def import_csv(env: dict[str, str], path: Path) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "worker.cli", "fair-use", "import", str(path)],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def task_tickets(sandbox: Sandbox) -> dict[str, dict[str, Any]]:
    return {n: t for n, t in sandbox.state()["groove"]["tickets"].items() if "fair-use" in t["tags"]}


def settled(db_url: str, count: int) -> bool:
    """`count` tasks recorded as created and no inbox row left to process."""
    with session_scope(db_url) as s:
        open_rows = s.scalars(select(InboxEvent.id).where(InboxEvent.status.notin_(("done", "ignored")))).all()
        created = s.scalars(select(FairUseTask.id).where(FairUseTask.state == "created")).all()
        return not open_rows and len(created) == count


def measures(db_url: str) -> list[tuple[str, str, str]]:
    with session_scope(db_url) as s:
        return [
            (t.customer_key, t.month, t.measure)
            for t in s.scalars(select(FairUseTask).order_by(FairUseTask.month, FairUseTask.customer_key))
        ]


def test_three_monthly_exports_give_sms_1_then_sms_2_and_the_partner_ticket_then_migrate(stack) -> None:  # type: ignore[no-untyped-def]
    sandbox, db_url, env = stack["sandbox"], stack["db_url"], stack["env"]

    assert "1 over the limit, queued; 1 within the limit" in import_csv(env, FIXTURES / "2026-08.csv")
    wait_until(lambda: settled(db_url, 1), timeout=60, what="August processed")
    [august] = task_tickets(sandbox).values()
    assert august["subject"].startswith("Fair Use Stufe 1: SMS 1 – Nr. 100231")

    import_csv(env, FIXTURES / "2026-09.csv")
    wait_until(lambda: settled(db_url, 3), timeout=60, what="September processed")
    import_csv(env, FIXTURES / "2026-10.csv")
    wait_until(lambda: settled(db_url, 4), timeout=60, what="October processed")
    assert measures(db_url) == [
        ("100231", "2026-08", "sms_1"),
        ("100231", "2026-09", "sms_2"),
        ("100232", "2026-09", "sms_1"),
        ("100231", "2026-10", "migrate"),
    ]

    notes = sandbox.state()["groove"]["notes"]
    by_subject = {t["subject"].split(" [fu:")[0]: notes[n][0] for n, t in task_tickets(sandbox).items()}
    sms_2 = by_subject["Fair Use Stufe 2: SMS 2 – Nr. 100231 · anna.muster@example.ch (09.2026)"]
    assert "SMS Nr. 2 via QMC" in sms_2 and "History-Eintrag im QMC" in sms_2
    assert "Ticket z.H. KNU eröffnen" in sms_2 and "Text für das Ticket an KNU" in sms_2
    migrate = by_subject["Fair Use Stufe 3: Migration – Nr. 100231 · anna.muster@example.ch (10.2026)"]
    assert "Migration auf anderen Preisplan" in migrate and "Migrationsschreiben" in migrate
    assert "Fair Use Stufe 1: SMS 1 – Nr. 100232 · beat.keller@example.ch (09.2026)" in by_subject

    # The same data again, as one file and month by month: nothing new, nothing duplicated.
    assert "0 new" in import_csv(env, FIXTURES / "three_months.csv")
    assert "0 new" in import_csv(env, FIXTURES / "2026-09.csv")
    time.sleep(2)  # a duplicate that slipped into the queue would be processed by now
    assert settled(db_url, 4) and len(task_tickets(sandbox)) == 4


@pytest.mark.parametrize("stack", ["embedded+sqlite"], indirect=True)  # the monthly test covers both stacks
def test_one_csv_of_three_months_imported_twice_and_an_overrun_posted_to_the_endpoint(stack, webhook_secret) -> None:  # type: ignore[no-untyped-def]
    sandbox, db_url, env = stack["sandbox"], stack["db_url"], stack["env"]
    out = import_csv(env, FIXTURES / "three_months.csv")
    assert "6 rows: 6 new (4 over the limit, queued; 2 within the limit)" in out
    assert "6 already stored" in import_csv(env, FIXTURES / "three_months.csv")
    wait_until(lambda: settled(db_url, 4), timeout=60, what="three months processed")
    assert [m for _, _, m in measures(db_url)] == ["sms_1", "sms_2", "sms_1", "migrate"]

    # November arrives through the endpoint: month 4 in a row, migration refused → terminate.
    body = {
        "customer_id": "100231",
        "email": "anna.muster@example.ch",
        "month": "2026-11",
        "usage_gb": 380,
        "limit_gb": 200,
        "products": ["Mobile Flat"],
        "migration_refused": True,
    }
    url = f"{stack['url']}/events/usage-overrun/{webhook_secret}"
    assert requests.post(url, json=body, timeout=10).status_code == 202
    assert requests.post(url, json=body, timeout=10).json()["status"] == "duplicate"
    wait_until(lambda: settled(db_url, 5), timeout=60, what="November processed")
    assert measures(db_url)[-1] == ("100231", "2026-11", "terminate")
    assert len(task_tickets(sandbox)) == 5
