"""Webhook in → real web process → queue → real `goodwill worker` process → note in the sandbox → decision row.

Production shape (Redis + PostgreSQL; prefork and threads pool) and the embedded default (SQLite file + SQLite broker).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import requests
from sqlalchemy import select

from tests.support import Sandbox, running_stack, ticket_seed, wait_until
from worker.store.db import session_scope
from worker.store.models import DecisionRecord, InboxEvent

RETURN_BODY = (
    "<p>Hallo,</p><p>ich möchte das Programm zurückgeben, es passt leider nicht zu mir. "
    "Bitte erstattet mir den Kaufpreis.</p><p>Viele Grüße<br>Eva</p>"
)


@pytest.fixture(params=["redis+postgresql", "redis+postgresql/threads", "embedded+sqlite"])
def stack(request: pytest.FixtureRequest, tmp_path: Path, webhook_secret: str):  # type: ignore[no-untyped-def]
    with running_stack(request, tmp_path, webhook_secret, redis_db=3) as running:
        yield running


def test_a_groove_webhook_ends_as_one_note_in_groove_and_a_decision_row(stack, webhook_secret) -> None:  # type: ignore[no-untyped-def]
    sandbox: Sandbox = stack["sandbox"]
    sandbox.seed(
        ticket_seed(
            777,
            "eva@example.org",
            "Rückgabe",
            RETURN_BODY,
            fields={"PROGRAM_PURCHASE_DATE": "2026-11-10", "PROGRAM_END_DATE": "2027-05-10"},
            created_at="2026-11-20T09:00:00Z",
        )
    )
    body = json.dumps(
        {
            "number": 777,
            "title": "Rückgabe",
            "state": "unread",
            "links": {"customer": {"href": "http://api.groovehq.com/v1/customers/eva@example.org"}},
        }
    )
    r = requests.post(
        f"{stack['url']}/webhooks/groove/{webhook_secret}",
        data=body,
        timeout=10,
        headers={"X-Groove-Event": "ticket_started", "Content-Type": "application/x-www-form-urlencoded"},
    )
    assert r.status_code == 202, r.text

    notes = wait_until(lambda: sandbox.state()["groove"]["notes"].get("777"), timeout=60, what="note in the sandbox")
    assert len(notes) == 1
    assert "Rückgabe" in notes[0] or "Rückgabe" in notes[0].replace("&uuml;", "ü")
    # The worker marks the row posted after Groove took the note, so the note can be seen a moment before the mark:
    # wait for the mark, each poll in a session of its own (a snapshot kept open would never see it).
    row = select(DecisionRecord.request_type, DecisionRecord.outcome, DecisionRecord.note_status).where(
        DecisionRecord.ticket_number == 777
    )

    def posted() -> Any:
        with session_scope(stack["db_url"]) as s:
            return next((r for r in s.execute(row).all() if r.note_status == "posted"), None)

    rec = wait_until(posted, timeout=10, what="decision row marked posted")
    assert (rec.request_type, rec.outcome) == ("program_return", "approve")
    with session_scope(stack["db_url"]) as s:
        wait_until(lambda: s.scalars(select(InboxEvent.status)).all() == ["done"], timeout=10, what="inbox done")

    metrics = requests.get(f"{stack['url']}/metrics", timeout=10).text
    assert 'goodwill_webhooks_total{result="accepted"} 1.0' in metrics
    assert 'goodwill_decisions{outcome="approve",request_type="program_return"} 1.0' in metrics


def test_a_ticket_groove_does_not_know_ends_as_a_failed_job_not_a_silent_drop(stack, webhook_secret) -> None:  # type: ignore[no-untyped-def]
    from worker.store.models import FailedJob

    r = requests.post(
        f"{stack['url']}/webhooks/groove/{webhook_secret}",
        data=json.dumps({"number": 424242}),
        headers={"X-Groove-Event": "ticket_started"},
        timeout=10,
    )
    assert r.status_code == 202
    inbox_id = r.json()["inbox_id"]
    with session_scope(stack["db_url"]) as s:
        job = wait_until(
            lambda: s.scalars(select(FailedJob).where(FailedJob.inbox_event_id == inbox_id)).one_or_none(),
            timeout=30,
            what="failed-job record",
        )
        assert "ApiNotFound" in job.error
        assert s.get(InboxEvent, inbox_id).status == "failed"
    assert stack["sandbox"].state()["groove"]["notes"].get("424242") is None


def test_a_starting_worker_loads_the_activecampaign_maps_before_its_first_ticket(stack) -> None:  # type: ignore[no-untyped-def]
    sandbox: Sandbox = stack["sandbox"]

    def ac_reads() -> set[str] | None:
        paths = {r["path"].rsplit("/", 1)[-1] for r in sandbox.state()["requests"] if r["vendor"] == "ac"}
        return paths if {"tags", "fields"} <= paths else None

    # No webhook was sent: only the warm-up at start can have asked for the tag and field maps.
    assert wait_until(ac_reads, timeout=60, what="AC tag and field maps loaded at start") == {"tags", "fields"}
