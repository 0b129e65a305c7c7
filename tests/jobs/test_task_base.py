"""The one task base: retry with backoff, LockBusy, dead letter with the task's name and arguments, replay.

Tasks run eagerly (`Task.apply`) on a real SQLite database; an eager retry runs the next attempt at
once, so the countdown each retry asked for is read from Celery's own `task_retry` signal. The
jitter source is a seeded Random, so every countdown is known exactly.
"""

from __future__ import annotations

import base64
import json
import os
import random
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest
import redis
from celery import Celery
from celery.exceptions import SoftTimeLimitExceeded
from celery.signals import task_retry
from prometheus_client import REGISTRY
from sqlalchemy import select, text

import worker.jobs.tasks  # noqa: F401 - registers the goodwill tasks with every Celery app
from integrations.errors import ApiNotFound, ApiRateLimited, ApiServerError, RateLimitTimeout
from tests.conftest import ROOT
from tests.support import Sandbox
from tests.ui.kit import seed_decision
from worker import bootstrap
from worker.bootstrap import Runtime, build_runtime
from worker.config import load_settings
from worker.intake.inbox import store_event
from worker.jobs import base
from worker.jobs.base import MAX_RETRIES, GoodwillTask
from worker.jobs.celery_app import PROCESS_TASK, REVIEW_TASK, make_celery
from worker.ops.replay import replay_failed_job
from worker.store.db import get_engine, session_scope, upgrade
from worker.store.locks import LockBusy
from worker.store.models import FailedJob, InboxEvent

SEED = 20261201


@pytest.fixture
def jitter(monkeypatch: pytest.MonkeyPatch) -> random.Random:
    """The base's jitter source, seeded; the returned twin yields the same numbers for the expectations."""
    monkeypatch.setattr(base, "rng", random.Random(SEED))
    return random.Random(SEED)


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    with Sandbox() as sb:
        yield sb


def use_runtime(monkeypatch: pytest.MonkeyPatch, groove_url: str | None = None) -> Runtime:
    """A migrated database and the runtime the tasks' get_runtime() hands out in this process."""
    if groove_url:
        monkeypatch.setenv("GROOVE_API_URL", groove_url)
    settings = load_settings()
    upgrade(settings.db_url)
    rt = build_runtime(settings)
    monkeypatch.setattr(bootstrap, "_runtime", (os.getpid(), rt))
    return rt


@pytest.fixture
def offline(base_env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Runtime:
    """Groove at 127.0.0.1:9: every call is refused, a transient ApiConnectionError."""
    return use_runtime(monkeypatch)


@pytest.fixture
def online(base_env: dict[str, str], monkeypatch: pytest.MonkeyPatch, sandbox: Sandbox) -> Runtime:
    monkeypatch.setenv("AC_API_URL", f"{sandbox.url}/ac/api/3")
    return use_runtime(monkeypatch, f"{sandbox.url}/groove/v1")


@pytest.fixture
def app(base_env: dict[str, str]) -> Celery:
    return make_celery(load_settings())


@pytest.fixture
def retries() -> Iterator[list[tuple[str, float, BaseException]]]:
    """(task name, countdown, error) of every retry a task scheduled, in order."""
    seen: list[tuple[str, float, BaseException]] = []

    def record(sender: Any, reason: Any, **_: Any) -> None:
        seen.append((sender.name, reason.when, reason.exc))

    task_retry.connect(record, weak=False)
    yield seen
    task_retry.disconnect(record)


def scripted(app: Celery, *outcomes: BaseException | str) -> Any:
    """A task on the goodwill base whose attempts raise (or return) `outcomes` in turn, then "done"."""
    attempts = iter(outcomes)

    @app.task(base=GoodwillTask, name="tests.jobs.scripted", shared=False)
    def scripted_task(ticket: int, note: str | None = None) -> str:
        outcome = next(attempts, "done")
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome

    return scripted_task


def failed_jobs(db_url: str) -> list[tuple[str, list[Any] | None, int | None]]:
    with session_scope(db_url) as s:
        return [
            (j.task_name, j.task_args, j.inbox_event_id) for j in s.scalars(select(FailedJob).order_by(FailedJob.id))
        ]


def deliver(db_url: str, number: int) -> int:
    raw = json.dumps({"number": number}).encode()
    return store_event(db_url, event="ticket_started", ticket_number=number, message_id=None, raw=raw).inbox_id


def retries_counted(reason: str) -> float:
    return REGISTRY.get_sample_value("goodwill_task_retries_total", {"reason": reason}) or 0.0


# --- retry and backoff --------------------------------------------------------------------------


def test_a_transient_error_is_retried_with_exponential_backoff_and_jitter_until_the_task_succeeds(
    offline: Runtime, app: Celery, jitter: random.Random, retries: list[Any]
) -> None:
    task = scripted(app, ApiServerError("groove", 502, "bad gateway"), ApiServerError("groove", 503, "unavailable"))
    result = task.apply(args=[7])
    assert result.get() == "done"
    # attempt 0 waits 0.5-1 s, attempt 1 waits 1-2 s: half the exponential step plus jitter up to the step
    assert [(name, when) for name, when, _ in retries] == [
        ("tests.jobs.scripted", jitter.uniform(0.5, 1)),
        ("tests.jobs.scripted", jitter.uniform(1, 2)),
    ]
    assert failed_jobs(offline.settings.db_url) == []


def test_a_rate_limited_task_runs_again_when_the_vendor_said_never_sooner(
    offline: Runtime, app: Celery, jitter: random.Random, retries: list[Any]
) -> None:
    task = scripted(app, ApiRateLimited("activecampaign", 429, "slow down", retry_after=30.0))
    assert task.apply(args=[7]).get() == "done"
    # the Retry-After plus a little spread (at most 5 s), so the waiting tasks do not all come back at once
    assert [when for _, when, _ in retries] == [30.0 + jitter.uniform(0.0, 5.0)]


def test_waiting_for_the_vendors_budget_neither_grows_the_backoff_nor_uses_up_the_retries(
    offline: Runtime, app: Celery, jitter: random.Random, retries: list[Any]
) -> None:
    # Twenty Retry-Afters in a row (our limiter refusing during a vendor's pause), then a 500, then success.
    waits = [RateLimitTimeout("ac", "ac is paused by a Retry-After for 8.0s more", retry_after=8.0)] * 20
    task = scripted(app, *waits, ApiServerError("ac", 500, "oops"))
    assert task.apply(args=[7]).get() == "done"
    countdowns = [when for _, when, _ in retries]
    assert countdowns[:20] == [8.0 + jitter.uniform(0.0, 2.0) for _ in range(20)]  # no exponential growth
    assert countdowns[20] == jitter.uniform(0.5, 1)  # the first error retry after them: the first backoff step
    assert failed_jobs(offline.settings.db_url) == []  # 21 retries > MAX_RETRIES, yet no dead letter


def test_a_rate_limit_without_a_known_wait_backs_off_like_an_error(
    offline: Runtime, app: Celery, jitter: random.Random, retries: list[Any]
) -> None:
    # AC's 503 at the limit carries no Retry-After: nothing tells when the budget is back
    task = scripted(app, ApiRateLimited("ac", 503, "Service Unavailable", retry_after=None))
    assert task.apply(args=[7], retries=6).get() == "done"
    assert [when for _, when, _ in retries] == [jitter.uniform(32, 64)]


def test_the_backoff_is_capped_at_the_longest_retry_countdown(
    offline: Runtime, app: Celery, jitter: random.Random, retries: list[Any]
) -> None:
    task = scripted(app, ApiServerError("groove", 500, "oops"))
    assert task.apply(args=[7], retries=10).get() == "done"
    assert [when for _, when, _ in retries] == [jitter.uniform(60, 120)]  # 2**10 s capped at 120 s


def test_a_soft_time_limit_is_retried_like_a_transient_error(
    offline: Runtime, app: Celery, jitter: random.Random, retries: list[Any]
) -> None:
    task = scripted(app, SoftTimeLimitExceeded())
    assert task.apply(args=[7]).get() == "done"
    assert [when for _, when, _ in retries] == [jitter.uniform(0.5, 1)]


def test_a_busy_ticket_lock_is_retried_within_one_to_three_seconds_without_a_failed_job(
    offline: Runtime, app: Celery, jitter: random.Random, retries: list[Any]
) -> None:
    task = scripted(app, LockBusy("ticket:7"), LockBusy("ticket:7"))
    assert task.apply(args=[7], retries=MAX_RETRIES).get() == "done"  # no retry limit for a busy lock
    assert [when for _, when, _ in retries] == [jitter.uniform(1, 3), jitter.uniform(1, 3)]
    assert failed_jobs(offline.settings.db_url) == []


# --- dead letter --------------------------------------------------------------------------------


def test_a_permanent_error_is_dead_lettered_at_once_with_the_task_name_and_its_json_arguments(
    offline: Runtime, app: Celery, retries: list[Any]
) -> None:
    task = scripted(app, ApiNotFound("groove", 404, "GET /tickets/7: not found"))
    assert task.apply(args=[7], kwargs={"note": "Härtefall"}).get() == "failed"
    assert retries == []
    assert failed_jobs(offline.settings.db_url) == [("tests.jobs.scripted", [7, "Härtefall"], None)]
    with session_scope(offline.settings.db_url) as s:
        assert s.scalars(select(FailedJob.error)).one() == "ApiNotFound: groove 404: GET /tickets/7: not found"


def test_a_transient_error_that_outlasts_every_retry_is_dead_lettered(
    offline: Runtime, app: Celery, jitter: random.Random, retries: list[Any]
) -> None:
    task = scripted(app, *[ApiServerError("groove", 503, "down")] * (MAX_RETRIES + 1))
    assert task.apply(args=[7]).get() == "failed"
    assert len(retries) == MAX_RETRIES
    assert failed_jobs(offline.settings.db_url) == [("tests.jobs.scripted", [7, None], None)]


def test_process_event_notes_each_retry_on_the_inbox_row_and_fails_the_event_when_retries_run_out(
    offline: Runtime, app: Celery, jitter: random.Random, retries: list[Any]
) -> None:
    db = offline.settings.db_url
    inbox_id = deliver(db, 4711)
    while_waiting: list[tuple[str, str | None]] = []

    def look_at_the_row(**_: Any) -> None:
        with session_scope(db) as s:
            ev = s.get(InboxEvent, inbox_id)
            assert ev is not None
            while_waiting.append((ev.status, ev.last_error))

    task_retry.connect(look_at_the_row, weak=False)
    counted = retries_counted("ApiConnectionError")
    try:
        result = app.tasks[PROCESS_TASK].apply(args=[inbox_id], retries=MAX_RETRIES - 1)
    finally:
        task_retry.disconnect(look_at_the_row)
    assert result.get() == "failed"
    assert [(name, when) for name, when, _ in retries] == [(PROCESS_TASK, jitter.uniform(60, 120))]
    assert [status for status, _ in while_waiting] == ["queued"]
    assert (while_waiting[0][1] or "").startswith("ApiConnectionError: ")
    assert retries_counted("ApiConnectionError") == counted + 1
    assert failed_jobs(db) == [(PROCESS_TASK, [inbox_id], inbox_id)]
    with session_scope(db) as s:
        assert s.get(InboxEvent, inbox_id).status == "failed"  # type: ignore[union-attr]


def test_process_event_for_a_ticket_groove_does_not_know_fails_the_event_with_its_arguments_kept(
    online: Runtime, app: Celery, retries: list[Any]
) -> None:
    db = online.settings.db_url
    inbox_id = deliver(db, 99999)
    assert app.tasks[PROCESS_TASK].apply(args=[inbox_id]).get() == "failed"
    assert retries == []
    assert failed_jobs(db) == [(PROCESS_TASK, [inbox_id], inbox_id)]
    with session_scope(db) as s:
        ev = s.get(InboxEvent, inbox_id)
        assert ev is not None and ev.status == "failed" and (ev.last_error or "").startswith("ApiNotFound: ")


def test_a_review_that_cannot_be_carried_out_is_refused_without_a_failed_job(
    offline: Runtime, app: Celery, retries: list[Any]
) -> None:
    assert app.tasks[REVIEW_TASK].apply(args=[999, "apply", "Eva Lead", None]).get() == "refused"
    assert retries == [] and failed_jobs(offline.settings.db_url) == []


def test_a_review_that_fails_for_good_keeps_the_decision_verb_actor_and_comment(
    online: Runtime, app: Celery, retries: list[Any]
) -> None:
    db = online.settings.db_url
    decision_id = seed_decision(db, 88888)  # no such ticket in the sandbox: the follow-up note gets a 404
    result = app.tasks[REVIEW_TASK].apply(args=[decision_id, "reject", "Eva Lead", "kein Härtefall"])
    assert result.get() == "failed"
    assert retries == []
    # Bound to the task's signature, defaults included (`via`: None = the one-click link), as a replay sends it.
    assert failed_jobs(db) == [(REVIEW_TASK, [decision_id, "reject", "Eva Lead", "kein Härtefall", None], None)]
    with session_scope(db) as s:
        assert s.scalars(select(FailedJob.error)).one().startswith(f"decision {decision_id} (reject by Eva Lead): ")


def test_the_task_names_queued_messages_route_to_are_unchanged(app: Celery) -> None:
    assert {"worker.tasks.process_event", "worker.tasks.sweep_inbox", "worker.tasks.review_decision"} <= set(app.tasks)
    assert all(isinstance(app.tasks[name], GoodwillTask) for name in (PROCESS_TASK, REVIEW_TASK))


# --- replay -------------------------------------------------------------------------------------


@pytest.fixture
def broker(redis_url: str, monkeypatch: pytest.MonkeyPatch) -> redis.Redis:
    url = redis_url.rsplit("/", 1)[0] + "/7"
    monkeypatch.setenv("REDIS_URL", url)
    r = redis.Redis.from_url(url)
    r.flushdb()
    return r


def queued(r: redis.Redis) -> list[tuple[str, list[Any]]]:
    """(task, args) of the messages on Celery's default queue, oldest first."""
    out = []
    for raw in reversed(r.lrange("celery", 0, -1)):
        msg = json.loads(raw)
        out.append((msg["headers"]["task"], json.loads(base64.b64decode(msg["body"]))[0]))
    return out


def test_replay_failed_resends_each_dead_letter_as_the_stored_task_with_its_stored_arguments(
    online: Runtime, app: Celery, broker: redis.Redis
) -> None:
    db = online.settings.db_url
    inbox_id = deliver(db, 99999)
    decision_id = seed_decision(db, 88888)
    assert app.tasks[PROCESS_TASK].apply(args=[inbox_id]).get() == "failed"
    assert app.tasks[REVIEW_TASK].apply(args=[decision_id, "reject", "Eva Lead", "kein Härtefall"]).get() == "failed"
    r = subprocess.run(
        [sys.executable, "-m", "worker.cli", "replay", "--failed"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
        env={**os.environ},
        check=False,
    )
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == f"re-enqueued 1 event(s): {inbox_id}; re-sent 1 review(s) for decision(s) {decision_id}"
    assert queued(broker) == [
        (PROCESS_TASK, [inbox_id]),
        (REVIEW_TASK, [decision_id, "reject", "Eva Lead", "kein Härtefall", None]),
    ]
    with session_scope(db) as s:
        assert s.get(InboxEvent, inbox_id).status == "queued"  # type: ignore[union-attr]
        assert all(j.replayed_at is not None for j in s.scalars(select(FailedJob)))


def test_replaying_one_failed_job_reads_its_arguments_from_the_row_not_from_the_error_text(
    offline: Runtime, broker: redis.Redis
) -> None:
    db = offline.settings.db_url
    with session_scope(db) as s:
        job = FailedJob(
            task_name=REVIEW_TASK,
            inbox_event_id=None,
            error="ApiServerError: 502",
            task_args=[41, "apply", "Hanna Head", None],
        )
        s.add(job)
        s.flush()
        job_id = job.id
    celery = make_celery(load_settings())
    result = replay_failed_job(db, job_id, lambda task, args: celery.send_task(task, args=args))
    assert (result.reviews, result.skipped) == ([41], [])
    assert queued(broker) == [(REVIEW_TASK, [41, "apply", "Hanna Head", None])]


def test_a_failed_job_from_before_the_arguments_column_is_still_replayed_from_its_inbox_event(
    base_env: dict[str, str],
) -> None:
    db = load_settings().db_url
    upgrade(db, "0004")
    inbox_id = deliver(db, 12)
    with get_engine(db).begin() as conn:
        conn.execute(text("UPDATE inbox_events SET status = 'failed' WHERE id = :i"), {"i": inbox_id})
        conn.execute(
            text(
                "INSERT INTO failed_jobs (task_name, inbox_event_id, error, failed_at) "
                "VALUES (:t, :i, 'ApiServerError: 500', CURRENT_TIMESTAMP)"
            ),
            {"t": PROCESS_TASK, "i": inbox_id},
        )
    upgrade(db)
    assert failed_jobs(db) == [(PROCESS_TASK, None, inbox_id)]
    sent: list[tuple[str, list[Any]]] = []
    with session_scope(db) as s:
        job_id = s.scalars(select(FailedJob.id)).one()
    assert replay_failed_job(db, job_id, lambda task, args: sent.append((task, args))).events == [inbox_id]
    assert sent == [(PROCESS_TASK, [inbox_id])]
