"""Celery tasks: thin shells; GoodwillTask (worker/jobs/base.py) maps their errors to retries or a failed-job record."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from celery import shared_task

from worker.bootstrap import get_runtime
from worker.intake import inbox as intake
from worker.jobs.base import GoodwillTask
from worker.jobs.celery_app import PROCESS_TASK, REVIEW_TASK, SWEEP_TASK
from worker.ops import metrics
from worker.store import failures
from worker.store.locks import LockBusy
from worker.triage import process as pipeline

log = logging.getLogger("goodwill.tasks")


def _task(**options: Any) -> Callable[[Callable[..., Any]], Any]:
    """celery.shared_task, typed: Celery ships no type hints, so a task object is Any to mypy."""
    decorator: Callable[[Callable[..., Any]], Any] = shared_task(**options)
    return decorator


class ProcessEventTask(GoodwillTask):
    """process_event's bookkeeping: the inbox row shows why it waits, and why it failed."""

    def on_retry_scheduled(
        self, exc: BaseException, reason: str, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> None:
        metrics.TASK_RETRIES.labels(reason=reason).inc()
        if not isinstance(exc, LockBusy):  # a busy lock is no error of this event
            failures.note_retry(self.db_url(), self.arguments(args, kwargs)[0], exc)

    def dead_letter(self, exc: BaseException, task_args: list[Any]) -> str:
        failures.fail(self.db_url(), task_args[0], exc, self.name, task_args)
        return "failed"


class ReviewTask(GoodwillTask):
    def failure_message(self, exc: BaseException, task_args: list[Any]) -> str:
        decision_id, verb, actor = task_args[:3]
        # Ops read which decision and who; rows from before migration 0005 are replayed from this text.
        return f"decision {decision_id} ({verb} by {actor}): {exc}"


@_task(base=ProcessEventTask, name=PROCESS_TASK)
def process_event(inbox_id: int) -> str:
    with metrics.TASK_DURATION.time():
        return pipeline.process(get_runtime(), inbox_id)


@_task(name=SWEEP_TASK)
def sweep_inbox() -> int:
    """Re-enqueue events that should have finished by now: a lost broker message never loses a ticket."""
    rt = get_runtime()
    ids = intake.stale_event_ids(rt.settings.db_url, rt.settings.sweep_after_seconds)
    for inbox_id in ids:
        process_event.apply_async(args=[inbox_id])
    intake.touch(rt.settings.db_url, ids)
    if ids:
        log.warning("sweeper re-enqueued %d events", len(ids))
    return len(ids)


@_task(base=ReviewTask, name=REVIEW_TASK)
def review_decision(decision_id: int, verb: str, actor: str, comment: str | None, via: str | None = None) -> str:
    """A person approved or rejected a proposal (one-click link, or `via` "ofd"): carry it out exactly once."""
    from worker.triage.review import ReviewError, carry_out

    try:
        return carry_out(get_runtime(), decision_id, verb, actor, comment, via)
    except ReviewError as e:
        # An answer, not a failure (unknown decision, decided the other way): nothing to retry or replay.
        log.warning("review not carried out: %s", e)
        return "refused"
