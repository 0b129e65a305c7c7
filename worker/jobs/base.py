"""One Celery task base: every task maps its errors to a retry or a dead letter the same way.

LockBusy → retry in 1-3 s (whoever holds the ticket finishes soon, or dies and frees the lock).
A vendor's account budget used up (429 / our limiter refusing during a Retry-After, with a known
wait) → a deferral: retry when the vendor said (the wait plus a little jitter), counted apart from
the error retries (up to MAX_DEFERRALS), so waiting out rate limits never grows the backoff or uses
up the retries. Transient (integrations.errors.is_retryable, or the soft time limit) → retry with
backoff, up to MAX_RETRIES. Anything else, and a transient error that outlasted the retries → dead letter: a
failed-job row with the task's name and JSON arguments, which `goodwill replay` sends again as is.
Tasks add their own bookkeeping through the hooks `on_retry_scheduled` and `dead_letter`.
"""

from __future__ import annotations

import inspect
import random
from typing import Any

from celery import Task
from celery.exceptions import SoftTimeLimitExceeded, TaskPredicate

from integrations.errors import ApiRateLimited, RateLimitTimeout, is_retryable, retry_after_seconds
from integrations.http import waiting_budget
from worker.jobs.celery_app import RETRY_BACKOFF_MAX
from worker.store.locks import LockBusy

# About 10 minutes of retries (backoff 1, 2, 4 … capped at 120 s, with jitter) before a transient
# upstream failure becomes a failed job: outlasts a short vendor outage, still tells ops the same hour.
MAX_RETRIES = 12
# A busy ticket lock is held for one pipeline run: seconds, not minutes.
LOCK_BUSY_RETRY = (1.0, 3.0)
# Waiting for a vendor's budget is no failure of the task: ~1 h of 30-s Retry-Afters before a failed job.
MAX_DEFERRALS = 120
DEFERRALS_HEADER = "goodwill_deferrals"  # carried from one retry message to the next
# An attempt waits for vendors' rate-limit slots only in its first seconds: a worker slot is never held
# long waiting for budget (whatever the number of calls); the task is re-scheduled instead.
ATTEMPT_WAIT_BUDGET = 6.0

# The one source of retry jitter; tests put a seeded Random here to get exact countdowns.
rng = random.Random()


def backoff_seconds(retries: int, hint: float | None, jitter: random.Random | None = None) -> float:
    """Exponential backoff with full jitter, never sooner than the vendor's Retry-After."""
    base = min(RETRY_BACKOFF_MAX, 2**retries)  # 1, 2, 4, … s: most upstream hiccups pass within seconds
    delay = (jitter or rng).uniform(base / 2, base)
    return max(delay, hint or 0.0)


def deferral_seconds(hint: float, jitter: random.Random | None = None) -> float:
    """When a rate-limited task runs again: when the vendor said, spread a little (at most 5 s, a quarter
    of the wait) so that the tasks that waited do not all ask in the same instant."""
    return hint + (jitter or rng).uniform(0.0, min(5.0, hint / 4))


def is_budget_wait(exc: BaseException) -> bool:
    """The vendor's account budget is used up and we know until when (Retry-After, or our limiter's estimate)."""
    return isinstance(exc, (ApiRateLimited, RateLimitTimeout)) and retry_after_seconds(exc) is not None


def deferrals_of(request: Any) -> int:
    """How many deferrals the task's message has been through (our header; a worker may expose it as
    an attribute of the request, an eager run in `request.headers`)."""
    value = getattr(request, DEFERRALS_HEADER, None)
    if value is None and isinstance(getattr(request, "headers", None), dict):
        value = request.headers.get(DEFERRALS_HEADER)
    try:
        return max(0, int(value or 0))
    except (TypeError, ValueError):
        return 0


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
            with waiting_budget(ATTEMPT_WAIT_BUDGET):
                return super().__call__(*args, **kwargs)
        except TaskPredicate:  # Retry, Ignore, Reject: already Celery's answer
            raise
        except LockBusy as exc:
            self.on_retry_scheduled(exc, "lock_busy", args, kwargs)
            raise self.retry(exc=exc, countdown=rng.uniform(*LOCK_BUSY_RETRY)) from None
        except Exception as exc:
            deferrals = deferrals_of(self.request)
            if is_budget_wait(exc) and deferrals < MAX_DEFERRALS:
                self.on_retry_scheduled(exc, type(exc).__name__, args, kwargs)
                headers = {**(self.request.headers or {}), DEFERRALS_HEADER: deferrals + 1}
                countdown = deferral_seconds(retry_after_seconds(exc) or 0.0)
                raise self.retry(exc=exc, countdown=countdown, headers=headers) from None
            retries = max(0, self.request.retries - deferrals)  # the error retries, deferrals not counted
            if is_transient(exc) and retries < MAX_RETRIES:
                self.on_retry_scheduled(exc, type(exc).__name__, args, kwargs)
                headers = {**(self.request.headers or {}), DEFERRALS_HEADER: deferrals}
                countdown = backoff_seconds(retries, retry_after_seconds(exc))
                raise self.retry(exc=exc, countdown=countdown, headers=headers) from None
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
