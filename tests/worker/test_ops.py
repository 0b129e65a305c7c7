"""`goodwill status` and `goodwill replay` as real processes, the replay against a real Redis broker."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import redis
from sqlalchemy import select

from tests.conftest import ROOT
from tests.ui.kit import seed_decision
from worker.config import load_database_settings
from worker.jobs.celery_app import PROCESS_TASK, REVIEW_TASK
from worker.ops.replay import Replayed, replay_failed_job, review_of_failure
from worker.store.db import session_scope, upgrade
from worker.store.models import DecisionRecord, FailedJob, InboxEvent


def goodwill(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "worker.cli", *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
        env={**os.environ},
    )


@pytest.fixture
def db_url(base_env: dict[str, str]) -> str:
    url = load_database_settings().db_url
    upgrade(url)
    return url


@pytest.fixture
def broker(redis_url: str, monkeypatch: pytest.MonkeyPatch) -> redis.Redis:
    url = redis_url.rsplit("/", 1)[0] + "/6"
    monkeypatch.setenv("REDIS_URL", url)
    r = redis.Redis.from_url(url)
    r.flushdb()
    return r


def queued(r: redis.Redis) -> list[tuple[str, list[Any]]]:
    """(task, args) of the messages on Celery's default queue, oldest first."""
    out = []
    for raw in reversed(r.lrange("celery", 0, -1)):
        msg = json.loads(raw)
        body = json.loads(base64.b64decode(msg["body"]))
        out.append((msg["headers"]["task"], body[0]))
    return out


def inbox(db_url: str, number: int, status: str, *, error: str | None = None, received: datetime | None = None) -> int:
    with session_scope(db_url) as s:
        ev = InboxEvent(
            dedup_key=f"groove:ticket_started:{number}",
            event="ticket_started",
            ticket_number=number,
            payload="{}",
            status=status,
            last_error=error,
            received_at=received or datetime.now(UTC),
        )
        s.add(ev)
        s.flush()
        if status == "failed":
            s.add(FailedJob(task_name=PROCESS_TASK, inbox_event_id=ev.id, error=error or "boom"))
        return ev.id


def test_status_on_an_empty_database_prints_zeros(db_url: str) -> None:
    r = goodwill("status")
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == [
        "waiting: 0  in flight: 0  done: 0  ignored: 0  failed: 0  open reviews (OFD): 0",
        "oldest waiting: -",
    ]
    data = json.loads(goodwill("status", "--json").stdout)
    assert data["waiting"] == 0 and data["failures"] == [] and data["oldest_waiting_age_seconds"] is None


def test_status_shows_waiting_in_flight_the_oldest_age_failures_and_open_reviews(db_url: str) -> None:
    inbox(db_url, 1, "queued", received=datetime.now(UTC) - timedelta(minutes=5))
    inbox(db_url, 2, "processing")
    inbox(db_url, 3, "failed", error="ApiNotFound: GET /tickets/{number}: 404")
    seed_decision(db_url, 4, outcome="escalate", escalate_to="ofd")
    r = goodwill("status")
    lines = r.stdout.splitlines()
    assert lines[0] == "waiting: 1  in flight: 1  done: 1  ignored: 0  failed: 1  open reviews (OFD): 1"
    assert lines[1].startswith("oldest waiting: ") and 295 <= int(lines[1].split()[2]) <= 320
    assert "inbox event 3" in lines[2] and "ApiNotFound" in lines[2]
    data = json.loads(goodwill("status", "--json").stdout)
    assert 295 <= data["oldest_waiting_age_seconds"] <= 320
    assert data["failures"][0]["inbox_event_id"] == 3 and data["open_reviews"] == 1


def test_status_without_tables_says_to_run_the_migrations(base_env: dict[str, str]) -> None:
    r = goodwill("status")
    assert r.returncode == 2
    assert r.stderr.strip() == "goodwill: status: the database has no tables yet (run `goodwill db upgrade`)"


def test_replay_id_puts_a_failed_event_back_on_the_queue_once(db_url: str, broker: redis.Redis) -> None:
    failed = inbox(db_url, 10, "failed", error="ApiServerError: 500")
    r = goodwill("replay", str(failed))
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == f"re-enqueued 1 event(s): {failed}"
    assert queued(broker) == [(PROCESS_TASK, [failed])]
    with session_scope(db_url) as s:
        assert s.get(InboxEvent, failed).status == "queued"  # type: ignore[union-attr]
        assert s.scalars(select(FailedJob.replayed_at)).one() is not None


def test_replay_of_a_done_event_changes_nothing_and_says_so(db_url: str, broker: redis.Redis) -> None:
    done = inbox(db_url, 11, "done")
    r = goodwill("replay", str(done))
    assert r.returncode == 0
    assert f"event {done} is done: nothing to replay" in r.stdout
    assert queued(broker) == []


def test_replay_of_an_unknown_event_or_without_arguments_is_bad_input(db_url: str) -> None:
    r = goodwill("replay", "999")
    assert (r.returncode, r.stderr.strip()) == (2, "goodwill: replay: no inbox event 999")
    assert goodwill("replay").returncode == 2


def test_replay_failed_resends_every_failed_event_and_review_then_nothing(db_url: str, broker: redis.Redis) -> None:
    a = inbox(db_url, 20, "failed")
    b = inbox(db_url, 21, "failed")
    decision_id = seed_decision(db_url, 22, outcome="escalate", escalate_to="ofd")
    with session_scope(db_url) as s:
        rec = s.get(DecisionRecord, decision_id)
        rec.review_status, rec.reviewed_by, rec.review_comment = "applied", "Hanna Head", "Härtefall"  # type: ignore[union-attr]
        s.add(
            FailedJob(
                task_name=REVIEW_TASK,
                inbox_event_id=None,
                error=f"decision {decision_id} (apply by Hanna Head): ApiServerError: 502",
            )
        )
    r = goodwill("replay", "--failed")
    assert r.returncode == 0, r.stderr
    assert f"re-enqueued 2 event(s): {a}, {b}" in r.stdout and f"decision(s) {decision_id}" in r.stdout
    assert queued(broker) == [
        (PROCESS_TASK, [a]),
        (PROCESS_TASK, [b]),
        (REVIEW_TASK, [decision_id, "apply", "Hanna Head", "Härtefall"]),
    ]
    again = goodwill("replay", "--failed")
    assert again.stdout.strip() == "re-enqueued 0 event(s): -"
    assert len(queued(broker)) == 3
    assert "failed: 0" in goodwill("status").stdout


def test_a_failed_job_that_cannot_be_replayed_is_left_with_a_reason(db_url: str) -> None:
    with session_scope(db_url) as s:
        job = FailedJob(task_name="worker.tasks.something_else", inbox_event_id=None, error="odd")
        s.add(job)
        s.flush()
        job_id = job.id
    sent: list[Any] = []
    result = replay_failed_job(db_url, job_id, lambda task, args: sent.append((task, args)))
    assert sent == [] and result.skipped == [f"failed job {job_id} (worker.tasks.something_else) cannot be replayed"]
    assert replay_failed_job(db_url, 999, lambda *_: None).skipped == ["no failed job 999"]


def test_the_review_failure_text_is_read_back_exactly() -> None:
    assert review_of_failure("decision 12 (reject by Eva (Lead)): ApiTimeout: x") == (12, "reject", "Eva (Lead)")
    assert review_of_failure("ApiTimeout: x") is None
    assert Replayed(events=[1, 2]).summary() == "re-enqueued 2 event(s): 1, 2"
