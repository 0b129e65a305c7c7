"""Shared helpers for the vendor-client tests (imported by module name: pytest puts this directory on sys.path)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from integrations.http import HttpSettings

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def load_fixture(vendor: str, name: str) -> Any:
    return json.loads((FIXTURES / vendor / name).read_text(encoding="utf-8"))


def fixture_bytes(vendor: str, name: str) -> bytes:
    return (FIXTURES / vendor / name).read_bytes()


class RecordingLimiter:
    """A limiter that only records what the client asked of it."""

    def __init__(self) -> None:
        self.acquired: list[tuple[str, float]] = []
        self.paused: list[tuple[str, float]] = []

    def acquire(self, vendor: str, timeout: float) -> None:
        self.acquired.append((vendor, timeout))

    def pause(self, vendor: str, seconds: float) -> None:
        self.paused.append((vendor, seconds))


# Quick in-client GET retries so the retry tests do not sleep for seconds.
FAST = HttpSettings(
    connect_timeout=2.0, read_timeout=7.0, get_attempts=3, retry_initial_wait=0.001, retry_max_wait=0.002
)


def max_in_window(times: list[float], window: float) -> int:
    """The largest number of events inside any half-open interval [t, t + window)."""
    ordered = sorted(times)
    best, start = 0, 0
    for end, t in enumerate(ordered):
        while ordered[start] <= t - window:
            start += 1
        best = max(best, end - start + 1)
    return best


def hammer_redis_limiter(redis_url: str, prefix: str, vendor: str, limit: float, count: int, start, results) -> None:
    """Child-process body: wait for the start signal, take `count` slots, report server grant times."""
    from integrations.ratelimit import RedisRateLimiter

    limiter = RedisRateLimiter(redis_url, {vendor: limit}, key_prefix=prefix)
    start.wait(10)
    results.put([limiter.acquire_timed(vendor, 30.0) for _ in range(count)])


def hammer_ac_client(redis_url: str, prefix: str, ac_base_url: str, count: int, start, results) -> None:
    """Child-process body: a worker's AC client (Redis limiter at the default 4/s) reading tags."""
    from integrations.activecampaign import ActiveCampaignClient
    from integrations.errors import ApiError
    from integrations.http import HttpSettings
    from integrations.ratelimit import RedisRateLimiter

    client = ActiveCampaignClient(
        base_url=ac_base_url,
        token="t",
        field_map={},
        limiter=RedisRateLimiter(redis_url, {"ac": 4.0}, key_prefix=prefix),
        settings=HttpSettings(get_attempts=1, limiter_timeout=30),
    )
    start.wait(10)
    errors = []
    for _ in range(count):
        try:
            client.refresh_tags()
        except ApiError as exc:
            errors.append(repr(exc))
    results.put(errors)
