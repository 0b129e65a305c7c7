"""Celery tasks: thin shells that map errors to retries or a failed-job record."""
from __future__ import annotations

import logging
import random

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded

from integrations.errors import is_retryable, retry_after_seconds
from worker import intake, metrics, pipeline
from worker.celery_app import PROCESS_TASK, RETRY_BACKOFF_MAX, REVIEW_TASK, SWEEP_TASK
from worker.locks import LockBusy
from worker.runtime import get_runtime

log = logging.getLogger("goodwill.tasks")
# About 10 minutes of retries (backoff 1, 2, 4 … capped at 120 s, with jitter) before a transient
# upstream failure becomes a failed job: outlasts a short vendor outage, still tells ops the same hour.
MAX_RETRIES = 12


def backoff_seconds(retries: int, hint: float | None) -> float:
    """Exponential backoff with full jitter, never sooner than the vendor's Retry-After."""
    base = min(RETRY_BACKOFF_MAX, 2 ** retries)  # 1, 2, 4, … s: most upstream hiccups pass within seconds
    delay = random.uniform(base / 2, base)
    return max(delay, hint or 0.0)


@shared_task(bind=True, name=PROCESS_TASK, max_retries=None)
def process_event(self, inbox_id: int) -> str:  # type: ignore[no-untyped-def]
    rt = get_runtime()
    try:
        with metrics.TASK_DURATION.time():
            return pipeline.process(rt, inbox_id)
    except LockBusy:
        # Another worker holds this ticket; it finishes the job or dies and frees the lock.
        metrics.TASK_RETRIES.labels(reason="lock_busy").inc()
        raise self.retry(countdown=random.uniform(1, 3)) from None
    except Exception as exc:  # noqa: BLE001 - every failure ends in a retry or a failed-job record
        transient = is_retryable(exc) or isinstance(exc, SoftTimeLimitExceeded)
        if transient and self.request.retries < MAX_RETRIES:
            metrics.TASK_RETRIES.labels(reason=type(exc).__name__).inc()
            pipeline.note_retry(rt.settings.db_url, inbox_id, exc)
            raise self.retry(countdown=backoff_seconds(self.request.retries, retry_after_seconds(exc))) from None
        pipeline.fail(rt.settings.db_url, inbox_id, exc, PROCESS_TASK)
        return "failed"


@shared_task(name=SWEEP_TASK)
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


@shared_task(bind=True, name=REVIEW_TASK, max_retries=None)
def review_decision(self, decision_id: int, verb: str, actor: str, comment: str | None) -> str:  # type: ignore[no-untyped-def]
    """A person approved or rejected a proposal (one-click link or OFD): carry it out exactly once."""
    from worker.review import ReviewError, carry_out

    rt = get_runtime()
    try:
        return carry_out(rt, decision_id, verb, actor, comment)
    except LockBusy:
        raise self.retry(countdown=random.uniform(1, 3)) from None
    except ReviewError as e:
        log.warning("review not carried out: %s", e)
        return "refused"
    except Exception as exc:  # noqa: BLE001
        if is_retryable(exc) and self.request.retries < MAX_RETRIES:
            raise self.retry(countdown=backoff_seconds(self.request.retries, retry_after_seconds(exc))) from None
        pipeline.record_failure(rt.settings.db_url, REVIEW_TASK, f"decision {decision_id} ({verb} by {actor}): {exc}")
        return "failed"
