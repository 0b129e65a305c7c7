"""Ops commands: `goodwill status` and `goodwill replay`; the web UI's replay button uses the same functions."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TextIO

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from worker.intake.inbox import reset_for_replay
from worker.jobs.celery_app import PROCESS_TASK, REVIEW_TASK
from worker.ops.redact import redact
from worker.ops.status import aware, queue_status
from worker.store.db import session_scope
from worker.store.models import DecisionRecord, FailedJob, InboxEvent, utcnow

# The tasks a failed-job row may send again; any other name would reach no worker's task registry.
REPLAYABLE_TASKS = frozenset({PROCESS_TASK, REVIEW_TASK})
# How a review that failed for good is described: "decision 12 (apply by Eva): …". Rows from before
# migration 0005 have no task_args; their review is read back from this text.
_REVIEW_FAILURE = re.compile(r"^decision (\d+) \((apply|reject) by (.*?)\): ", re.DOTALL)

Send = Callable[[str, list[Any]], Any]


class OpsError(Exception):
    """Bad input for an ops command (the CLI prints it as one line, exit 2)."""


@dataclass
class Replayed:
    events: list[int] = field(default_factory=list)  # inbox event ids put back on the queue
    reviews: list[int] = field(default_factory=list)  # decision ids whose review was sent again
    skipped: list[str] = field(default_factory=list)  # why something was not replayed

    def summary(self) -> str:
        parts = [f"re-enqueued {len(self.events)} event(s): {', '.join(map(str, self.events)) or '-'}"]
        if self.reviews:
            parts.append(f"re-sent {len(self.reviews)} review(s) for decision(s) {', '.join(map(str, self.reviews))}")
        return "; ".join(parts)


def review_of_failure(error: str) -> tuple[int, str, str] | None:
    """(decision id, verb, actor) of a failed review job, read from its error text."""
    m = _REVIEW_FAILURE.match(error)
    return (int(m.group(1)), m.group(2), m.group(3)) if m else None


def stored_call(job: FailedJob) -> tuple[str, list[Any]] | None:
    """The task and arguments the row says to send again, or None when it keeps none (an old row)."""
    if job.task_args is None or job.task_name not in REPLAYABLE_TASKS:
        return None
    return job.task_name, list(job.task_args)


def replayable(job: FailedJob) -> bool:
    if job.task_args is not None:
        return stored_call(job) is not None
    return job.inbox_event_id is not None or (job.task_name == REVIEW_TASK and review_of_failure(job.error) is not None)


def replay_events(db_url: str, inbox_ids: list[int], send: Send) -> Replayed:
    """Put events back to `queued`, send them to the worker, mark their failed jobs replayed."""
    return _replay_events(db_url, {i: (PROCESS_TASK, [i]) for i in inbox_ids}, send)


def _replay_events(db_url: str, calls: dict[int, tuple[str, list[Any]]], send: Send) -> Replayed:
    """`calls`: inbox event id → the task to send for it once the event is back to `queued`."""
    out = Replayed()
    inbox_ids = list(calls)
    queued = reset_for_replay(db_url, inbox_ids)
    with session_scope(db_url) as s:
        statuses = dict(s.execute(select(InboxEvent.id, InboxEvent.status).where(InboxEvent.id.in_(inbox_ids))).all())
    for i in inbox_ids:
        if i not in queued:
            out.skipped.append(f"event {i} is {statuses.get(i, 'unknown')}: nothing to replay")
    for i in queued:
        send(*calls[i])
        out.events.append(i)
    if queued:
        with session_scope(db_url) as s:
            s.execute(
                update(FailedJob)
                .where(FailedJob.inbox_event_id.in_(queued), FailedJob.replayed_at.is_(None))
                .values(replayed_at=utcnow())
            )
    return out


def _replay_job(db_url: str, job_id: int, send: Send, out: Replayed) -> None:
    """A failed job that is no inbox event (a review): send its stored task and arguments again."""
    with session_scope(db_url) as s:
        job = s.get(FailedJob, job_id)
        assert job is not None
        if job.task_args is None:
            _replay_review_from_error(s, job, send, out)
            return
        call = stored_call(job)
        if call is None:
            out.skipped.append(f"failed job {job_id} ({job.task_name}) cannot be replayed")
            return
        send(*call)
        job.replayed_at = utcnow()
        task, args = call
        (out.reviews if task == REVIEW_TASK else out.events).append(args[0])


def _replay_review_from_error(s: Session, job: FailedJob, send: Send, out: Replayed) -> None:
    """A row from before migration 0005 keeps no arguments: the review is read back from its error text."""
    parsed = review_of_failure(job.error) if job.task_name == REVIEW_TASK else None
    if parsed is None:
        out.skipped.append(f"failed job {job.id} ({job.task_name}) cannot be replayed")
        return
    decision_id, verb, actor = parsed
    rec = s.get(DecisionRecord, decision_id)
    if rec is None:
        out.skipped.append(f"failed job {job.id}: decision {decision_id} does not exist")
        return
    # carry_out records who decided before it writes; the replay finishes that same decision.
    actor, comment = rec.reviewed_by or actor, rec.review_comment
    send(REVIEW_TASK, [decision_id, verb, actor, comment])
    job.replayed_at = utcnow()
    out.reviews.append(decision_id)


def _event_call(job: FailedJob) -> tuple[str, list[Any]]:
    """What to send for a failed inbox event: the stored task and arguments; an old row: the event id."""
    assert job.inbox_event_id is not None
    return stored_call(job) or (PROCESS_TASK, [job.inbox_event_id])


def replay_failed_job(db_url: str, job_id: int, send: Send) -> Replayed:
    """Replay one failed-job row: its inbox event, or the review it was."""
    with session_scope(db_url) as s:
        job = s.get(FailedJob, job_id)
        if job is None:
            return Replayed(skipped=[f"no failed job {job_id}"])
        if job.replayed_at is not None:
            return Replayed(skipped=[f"failed job {job_id} was replayed already"])
        event = None if job.inbox_event_id is None else (job.inbox_event_id, _event_call(job))
    if event is not None:
        inbox_id, call = event
        out = _replay_events(db_url, {inbox_id: call}, send)
        with session_scope(db_url) as s:  # a done event: the row has nothing left to replay
            s.execute(
                update(FailedJob)
                .where(FailedJob.id == job_id, FailedJob.replayed_at.is_(None))
                .values(replayed_at=utcnow())
            )
        return out
    out = Replayed()
    _replay_job(db_url, job_id, send, out)
    return out


def replay_all_failed(db_url: str, send: Send) -> Replayed:
    with session_scope(db_url) as s:
        jobs = s.scalars(select(FailedJob).where(FailedJob.replayed_at.is_(None)).order_by(FailedJob.id)).all()
        # One send per event even if it failed more than once; the newest row says what to send.
        calls = {j.inbox_event_id: _event_call(j) for j in jobs if j.inbox_event_id is not None}
        other_jobs = [j.id for j in jobs if j.inbox_event_id is None]
    out = _replay_events(db_url, dict(sorted(calls.items())), send) if calls else Replayed()
    for job_id in other_jobs:
        _replay_job(db_url, job_id, send, out)
    return out


def _require_schema(db_url: str, command: str) -> None:
    from sqlalchemy import inspect

    from worker.store.db import get_engine

    if "inbox_events" not in inspect(get_engine(db_url)).get_table_names():
        raise OpsError(f"{command}: the database has no tables yet (run `goodwill db upgrade`)")


def print_status(out: TextIO, *, as_json: bool = False) -> int:
    from worker.config import load_settings

    settings = load_settings()
    _require_schema(settings.db_url, "status")
    st = queue_status(settings.db_url)
    age = st.oldest_age_seconds()
    with session_scope(settings.db_url) as s:
        failures = [
            (f.id, f.task_name, f.task_args, f.inbox_event_id, redact(f.error), aware(f.failed_at))
            for f in s.scalars(select(FailedJob).where(FailedJob.replayed_at.is_(None)).order_by(FailedJob.id)).all()
        ]
    if as_json:
        json.dump(
            {
                "waiting": st.waiting,
                "in_flight": st.in_flight,
                "done": st.done,
                "ignored": st.ignored,
                "failed": st.failed,
                "oldest_waiting_age_seconds": None if age is None else round(age, 1),
                "open_reviews": st.open_reviews,
                "failures": [
                    {
                        "id": i,
                        "task": t,
                        "args": a,
                        "inbox_event_id": e,
                        "error": err,
                        "failed_at": at.isoformat() if at else None,
                    }
                    for i, t, a, e, err, at in failures
                ],
            },
            out,
        )
        out.write("\n")
        return 0
    out.write(
        f"waiting: {st.waiting}  in flight: {st.in_flight}  done: {st.done}  ignored: {st.ignored}  "
        f"failed: {st.failed}  open reviews (OFD): {st.open_reviews}\n"
    )
    out.write(f"oldest waiting: {'-' if age is None else f'{age:.0f} s'}\n")
    for fid, task, _args, inbox_id, err, at in failures:
        what = f"inbox event {inbox_id}" if inbox_id is not None else task.rsplit(".", 1)[-1]
        out.write(f"failed job {fid}: {what} at {at:%Y-%m-%d %H:%M} — {err}\n")
    return 0


def replay(out: TextIO, *, inbox_id: int | None, failed: bool) -> int:
    """`goodwill replay ID` / `--failed`: put events back on the queue; their failed-job rows are marked replayed."""
    from worker.config import load_settings
    from worker.jobs.celery_app import make_celery

    settings = load_settings()
    _require_schema(settings.db_url, "replay")
    if not failed:
        with session_scope(settings.db_url) as s:
            if s.get(InboxEvent, inbox_id) is None:
                raise OpsError(f"replay: no inbox event {inbox_id}")
    celery = make_celery(settings)

    def send(task: str, args: list[Any]) -> None:
        celery.send_task(task, args=args)

    result = replay_all_failed(settings.db_url, send) if failed else replay_events(settings.db_url, [inbox_id], send)  # type: ignore[list-item]
    for line in result.skipped:
        out.write(f"{line}\n")
    out.write(result.summary() + "\n")
    return 0
