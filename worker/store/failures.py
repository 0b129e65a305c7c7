"""Retry notes and the dead letter: failed-job rows, never a silent drop; `goodwill replay` re-runs them.

Every error text is stored redacted (worker/ops/redact.py): no customer e-mail in a row ops read.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import select, update

from worker.ops.redact import redact
from worker.store.db import session_scope
from worker.store.models import FailedJob, InboxEvent, utcnow

log = logging.getLogger("goodwill.pipeline")


def error_text(error: BaseException) -> str:
    """The error as stored: its class and text, without the customer's e-mail (a vendor's URL quotes it)."""
    return redact(f"{type(error).__name__}: {error}")


def note_retry(db_url: str, inbox_id: int, error: BaseException) -> None:
    """The event goes back to `queued` with the error that postponed it (ops see why it waits)."""
    with session_scope(db_url) as s:
        s.execute(
            update(InboxEvent)
            .where(InboxEvent.id == inbox_id)
            .values(status="queued", last_error=error_text(error)[:2000])
        )


def fail(db_url: str, inbox_id: int, error: BaseException, task_name: str, task_args: list[Any] | None = None) -> None:
    """Dead-letter: the event is marked failed and a failed-job row keeps the error for replay.

    `task_args` are the task's arguments as sent; replay sends exactly them again. Without them
    (a caller outside a task) replay falls back to processing the inbox event.
    """
    message = error_text(error)[:4000]
    with session_scope(db_url) as s:
        s.execute(
            update(InboxEvent)
            .where(InboxEvent.id == inbox_id)
            .values(status="failed", last_error=message, finished_at=utcnow())
        )
        if s.get(InboxEvent, inbox_id) is not None:
            s.add(FailedJob(task_name=task_name, inbox_event_id=inbox_id, error=message, task_args=task_args))
    log.error("event failed for good", extra={"inbox_id": inbox_id, "error": message})


def record_failure(db_url: str, task_name: str, message: str, task_args: list[Any] | None = None) -> None:
    """A failed job that is not an inbox event (e.g. a review): kept for ops, never dropped."""
    with session_scope(db_url) as s:
        s.add(FailedJob(task_name=task_name, inbox_event_id=None, error=redact(message)[:4000], task_args=task_args))
    log.error("%s failed for good: %s", task_name, redact(message))


def unresolved_failures(db_url: str) -> list[FailedJob]:
    with session_scope(db_url) as s:
        return list(s.scalars(select(FailedJob).where(FailedJob.replayed_at.is_(None)).order_by(FailedJob.id)).all())
