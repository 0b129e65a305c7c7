"""Task retry backoff: grows, is capped, is jittered, and never undercuts the vendor's Retry-After."""

from __future__ import annotations

from worker.jobs.base import backoff_seconds
from worker.jobs.celery_app import RETRY_BACKOFF_MAX, VISIBILITY_TIMEOUT


def test_backoff_grows_with_each_retry_and_stays_under_the_cap() -> None:
    for retries in range(12):
        delays = [backoff_seconds(retries, None) for _ in range(200)]
        base = min(RETRY_BACKOFF_MAX, 2**retries)
        assert all(base / 2 <= d <= base for d in delays)
    assert RETRY_BACKOFF_MAX < VISIBILITY_TIMEOUT  # a countdown longer than the visibility timeout loops


def test_backoff_never_retries_before_the_vendors_retry_after() -> None:
    assert all(backoff_seconds(0, 30.0) >= 30.0 for _ in range(100))
