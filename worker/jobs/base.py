"""One Celery task base: every task maps its errors to a retry or a dead letter the same way.

LockBusy → retry in 1-3 s (whoever holds the ticket finishes soon, or dies and frees the lock).
Transient (integrations.errors.is_retryable, or the soft time limit) → retry with backoff, up to
MAX_RETRIES. Anything else, and a transient error that outlasted the retries → dead letter: a
failed-job row with the task's name and JSON arguments, which `goodwill replay` sends again as is.
Tasks add their own bookkeeping through the hooks `on_retry_scheduled` and `dead_letter`.
"""

from __future__ import annotations

import inspect
import random
from typing import Any

from celery import Task
from celery.exceptions import SoftTimeLimitExceeded, TaskPredicate

from integrations.errors import is_retryable, retry_after_seconds
from worker.jobs.celery_app import RETRY_BACKOFF_MAX
from worker.store.locks import LockBusy

# About 10 minutes of retries (backoff 1, 2, 4 … capped at 120 s, with jitter) before a transient
# upstream failure becomes a failed job: outlasts a short vendor outage, still tells ops the same hour.
MAX_RETRIES = 12
# A busy ticket lock is held for one pipeline run: seconds, not minutes.
LOCK_BUSY_RETRY = (1.0, 3.0)

# The one source of retry jitter; tests put a seeded Random here to get exact countdowns.
rng = random.Random()


def backoff_seconds(retries: int, hint: float | None, jitter: random.Random | None = None) -> float:
    """Exponential backoff with full jitter, never sooner than the vendor's Retry-After."""
    base = min(RETRY_BACKOFF_MAX, 2**retries)  # 1, 2, 4, … s: most upstream hiccups pass within seconds
    delay = (jitter or rng).uniform(base / 2, base)
    return max(delay, hint or 0.0)


def is_transient(exc: BaseException) -> bool:
    # A soft time limit is usually a slow vendor; the pipeline resumes where it stopped, so try again.
    return is_retryable(exc) or isinstance(exc, SoftTimeLimitExceeded)


class GoodwillTask(Task):  # type: ignore[misc]
    """Base of the goodwill tasks: owns the retry / backoff / dead-letter mapping."""

    # The base counts retries itself (MAX_RETRIES); Celery's own limit would raise MaxRetriesExceeded
    # instead of writing the failed-job row.
    max_retries = None

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().__call__(*args, **kwargs)
        except TaskPredicate:  # Retry, Ignore, Reject: already Celery's answer
            raise
        except LockBusy as exc:
            self.on_retry_scheduled(exc, "lock_busy", args, kwargs)
            raise self.retry(exc=exc, countdown=rng.uniform(*LOCK_BUSY_RETRY)) from None
        except Exception as exc:
            retries = self.request.retries
            if is_transient(exc) and retries < MAX_RETRIES:
                self.on_retry_scheduled(exc, type(exc).__name__, args, kwargs)
                raise self.retry(exc=exc, countdown=backoff_seconds(retries, retry_after_seconds(exc))) from None
            return self.dead_letter(exc, self.arguments(args, kwargs))

    def arguments(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> list[Any]:
        """The call's arguments as one positional JSON list: exactly what a replay sends again."""
        try:
            bound = inspect.signature(self.run).bind(*args, **kwargs)
        except TypeError:  # the call itself did not fit the task; keep what came
            return [*args, *([kwargs] if kwargs else [])]
        bound.apply_defaults()
        return list(bound.args)

    def db_url(self) -> str:
        from worker.bootstrap import get_runtime

        return get_runtime().settings.db_url

    # --- hooks for the individual tasks -------------------------------------------------------

    def on_retry_scheduled(
        self, exc: BaseException, reason: str, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> None:
        """Called before each retry is scheduled (`reason`: "lock_busy" or the error's class name)."""

    def failure_message(self, exc: BaseException, task_args: list[Any]) -> str:
        return f"{type(exc).__name__}: {exc}"

    def dead_letter(self, exc: BaseException, task_args: list[Any]) -> str:
        """The task failed for good: keep a failed-job row with its name and arguments for replay."""
        from worker.store.failures import record_failure

        record_failure(self.db_url(), self.name, self.failure_message(exc, task_args), task_args)
        return "failed"
