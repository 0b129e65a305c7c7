"""Account-wide request limiter shared by every worker process (and machine).

Vendor budgets are per ACCOUNT (ActiveCampaign: 5 req/s for all keys together), while Celery's
`rate_limit` is per worker instance. So every request first takes a slot here.

Semantics (all implementations):
- `acquire(vendor, timeout)` blocks until a slot is free, or raises `RateLimitTimeout` (retryable,
  with `retry_after` = estimated wait) when that would take longer than `timeout`. It fails fast
  when the known wait already exceeds the timeout, so a task can re-schedule with a countdown.
- A limit of N per window W guarantees that no interval of length W ever contains more than N
  granted acquisitions (sliding log, not a fixed window: fixed windows allow 2N across a border).
- Grants are also spaced at least `smoothing * W / N` apart (default half the even spacing). A pure
  sliding log allows N grants at the very end of one window and N at the start of the next; a few
  ms of network/queueing jitter then puts N+2 requests into one vendor-side second (measured
  against the sandbox: a 4/s budget still tripped a 5/s limit). With spacing, N+2 vendor-side
  arrivals in one window need more than `smoothing * W / N` of jitter (125 ms for AC at 4/s),
  while a burst of N still completes within W.
- `pause(vendor, seconds)`: nobody acquires a slot for that vendor before the pause ends (used when
  a vendor answers 429/503 with Retry-After). Pauses only ever get extended, never shortened.
- `max_pause_wait`: a pause with more than this left is never slept out inside `acquire` (whatever
  the timeout): it raises `RateLimitTimeout` at once with the rest of the pause as `retry_after`, so
  a task waiting for a real-sized Retry-After (AC documents 30 s) gives its worker slot back and is
  re-scheduled with that countdown, while short waits for a slot are still waited out.

Why a hand-written Lua script instead of the `limits` package: its Redis moving window takes the
timestamp from the *calling* machine's clock (clock skew between machines breaks the guarantee),
it has no shared "paused until" state, and it is non-blocking (no "how long until a slot frees"
in the same atomic step). The script below uses `redis.call('TIME')`, so every process and
machine is judged by one clock, and check + insert happen atomically.
"""

from __future__ import annotations

import contextlib
import math
import random
import threading
import time
import uuid
from collections import deque
from collections.abc import Mapping
from typing import Any, Protocol

from integrations.errors import RateLimitTimeout

__all__ = [
    "DEFAULT_LIMITS",
    "LocalRateLimiter",
    "NoRateLimiter",
    "RateLimitTimeout",
    "RateLimiter",
    "RedisRateLimiter",
    "make_rate_limiter",
]

# ActiveCampaign allows 5/s per account; 4 leaves headroom for the customer's other integrations.
# Groove publishes no numbers; 10/s is a polite ceiling.
DEFAULT_LIMITS: dict[str, float] = {"ac": 4.0, "groove": 10.0}

LimitSpec = float | int | tuple[int, float]


class RateLimiter(Protocol):
    def acquire(self, vendor: str, timeout: float) -> None: ...

    def pause(self, vendor: str, seconds: float) -> None: ...


def _normalise(spec: LimitSpec) -> tuple[int, float]:
    """A rate (requests/second) or an explicit (count, window seconds) → (count, window)."""
    if isinstance(spec, tuple):
        count, window = int(spec[0]), float(spec[1])
    else:
        rate = float(spec)
        if rate <= 0:
            raise ValueError(f"rate limit must be positive, got {spec!r}")
        # 4.0/s → 4 per 1 s; 2.5/s → 2 per 0.8 s; 0.5/s → 1 per 2 s (never more than the rate).
        count = max(1, math.floor(rate))
        window = count / rate
    if count < 1 or window <= 0:
        raise ValueError(f"invalid rate limit {spec!r}")
    return count, window


def _check_smoothing(value: float) -> float:
    if not 0.0 <= value <= 1.0:
        raise ValueError("smoothing must be within 0..1 (0 = bursts allowed, 1 = evenly spaced)")
    return float(value)


class NoRateLimiter:
    """No limiting at all (unit tests, tools)."""

    def acquire(self, vendor: str, timeout: float) -> None:
        return None

    def pause(self, vendor: str, seconds: float) -> None:
        return None


class LocalRateLimiter:
    """The same semantics inside one process (embedded mode without Redis: a single worker)."""

    def __init__(
        self,
        limits: Mapping[str, LimitSpec] | None = None,
        *,
        smoothing: float = 0.5,
        max_pause_wait: float | None = None,
    ) -> None:
        specs = DEFAULT_LIMITS if limits is None else limits
        self._limits = {vendor: _normalise(spec) for vendor, spec in specs.items()}
        self._smoothing = _check_smoothing(smoothing)
        self._max_pause_wait = max_pause_wait
        self._grants: dict[str, deque[float]] = {vendor: deque() for vendor in self._limits}
        self._paused_until: dict[str, float] = {}
        self._lock = threading.Lock()

    def _paused_for(self, vendor: str, now: float) -> float:
        """Seconds the vendor's pause still runs (0.0: none). Caller holds the lock."""
        return max(0.0, self._paused_until.get(vendor, 0.0) - now)

    def _try(self, vendor: str, now: float) -> float:
        """Take a slot (→ 0.0) or return the seconds until one may be free. Caller holds the lock."""
        paused = self._paused_for(vendor, now)
        if paused > 0.0:
            return paused
        limit = self._limits.get(vendor)
        if limit is None:
            return 0.0
        count, window = limit
        grants = self._grants[vendor]
        while grants and grants[0] <= now - window:
            grants.popleft()
        wait = 0.0
        if grants:
            wait = grants[-1] + self._smoothing * window / count - now
        if len(grants) >= count:
            wait = max(wait, grants[0] + window - now)
        if wait > 0.0:
            return wait
        grants.append(now)
        return 0.0

    def acquire(self, vendor: str, timeout: float) -> None:
        self.acquire_timed(vendor, timeout)

    def acquire_timed(self, vendor: str, timeout: float) -> float:
        """acquire(), returning the grant time (time.monotonic) — for tests and benchmarks."""
        deadline = time.monotonic() + max(0.0, timeout)
        while True:
            with self._lock:
                now = time.monotonic()
                wait = self._try(vendor, now)
                paused = self._paused_for(vendor, now)
            if wait <= 0.0:
                return now
            _refuse_long_pause(vendor, paused, self._max_pause_wait)
            remaining = deadline - time.monotonic()
            if wait > remaining:
                raise RateLimitTimeout(vendor, f"no {vendor} request slot within {timeout:.1f}s", retry_after=wait)
            time.sleep(wait + random.uniform(0.0, 0.002))

    def pause(self, vendor: str, seconds: float) -> None:
        if seconds <= 0:
            return
        with self._lock:
            until = time.monotonic() + seconds
            if until > self._paused_until.get(vendor, 0.0):
                self._paused_until[vendor] = until


# KEYS: window zset, pause key.  ARGV: count (-1 = unlimited), window µs, unique member, min gap µs.
# Returns {granted (1|0), wait µs, grant time µs, paused (1|0)}. Times are Redis server microseconds
# (one clock for everybody).
_ACQUIRE_LUA = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local paused = tonumber(redis.call('GET', KEYS[2]) or '0')
if paused > now then
  return {0, paused - now, 0, 1}
end
local count = tonumber(ARGV[1])
if count < 0 then
  return {1, 0, now}
end
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local wait = 0
local gap = tonumber(ARGV[4])
if gap > 0 then
  local newest = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
  if newest[2] then
    wait = math.max(wait, tonumber(newest[2]) + gap - now)
  end
end
if redis.call('ZCARD', KEYS[1]) >= count then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  wait = math.max(wait, tonumber(oldest[2]) + window - now)
end
if wait > 0 then
  return {0, wait}
end
redis.call('ZADD', KEYS[1], now, ARGV[3])
redis.call('PEXPIRE', KEYS[1], math.ceil(window / 1000) + 1000)
return {1, 0, now}
"""

# KEYS: pause key. ARGV: pause µs. Extends (never shortens) the pause; returns the pause end (µs).
_PAUSE_LUA = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local target = now + tonumber(ARGV[1])
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if target > current then
  redis.call('SET', KEYS[1], string.format('%d', target), 'PX', math.ceil(tonumber(ARGV[1]) / 1000) + 1000)
  return target
end
return current
"""


class RedisRateLimiter:
    """Account-wide sliding-log limiter on Redis (see module docstring)."""

    def __init__(
        self,
        redis_url: str | None = None,
        limits: Mapping[str, LimitSpec] | None = None,
        *,
        key_prefix: str = "goodwill:ratelimit",
        client: Any = None,  # a redis.Redis (or a test double); None: connect to redis_url
        smoothing: float = 0.5,
        max_pause_wait: float | None = None,
    ) -> None:
        import redis  # imported here so the embedded mode never needs the package

        if client is None:
            if not redis_url:
                raise ValueError("RedisRateLimiter needs redis_url or client")
            client = redis.Redis.from_url(redis_url, socket_timeout=5, socket_connect_timeout=5)
        self._redis = client
        self._redis_errors = (redis.RedisError,)
        specs = DEFAULT_LIMITS if limits is None else limits
        self._limits = {vendor: _normalise(spec) for vendor, spec in specs.items()}
        self._smoothing = _check_smoothing(smoothing)
        self._max_pause_wait = max_pause_wait
        self._prefix = key_prefix
        self._acquire_script = client.register_script(_ACQUIRE_LUA)
        self._pause_script = client.register_script(_PAUSE_LUA)

    def _gap(self, vendor: str) -> float:
        count, window = self._limits.get(vendor, (-1, 1.0))
        return 0.0 if count < 0 else self._smoothing * window / count

    def _keys(self, vendor: str) -> tuple[str, str]:
        # One hash tag per vendor keeps both keys in one Redis Cluster slot (scripts need that).
        base = f"{self._prefix}:{{{vendor}}}"
        return f"{base}:window", f"{base}:paused_until"

    def _try(self, vendor: str) -> tuple[float, float]:
        """(0.0, grant time) when a slot was taken, else (seconds to wait, 0.0); a pause with more
        than max_pause_wait left raises RateLimitTimeout at once."""
        count, window = self._limits.get(vendor, (-1, 1.0))
        window_key, pause_key = self._keys(vendor)
        try:
            result = self._acquire_script(
                keys=[window_key, pause_key],
                args=[count, int(window * 1_000_000), uuid.uuid4().hex, int(self._gap(vendor) * 1_000_000)],
            )
        except self._redis_errors as exc:
            # Sending unthrottled would risk the whole account's budget: report "try later".
            raise RateLimitTimeout(
                vendor, f"rate limiter unavailable ({type(exc).__name__})", retry_after=1.0
            ) from None
        if int(result[0]) == 1:
            return 0.0, int(result[2]) / 1_000_000
        wait = max(int(result[1]), 1) / 1_000_000
        if len(result) > 3 and int(result[3]) == 1:
            _refuse_long_pause(vendor, wait, self._max_pause_wait)
        return wait, 0.0

    def acquire(self, vendor: str, timeout: float) -> None:
        self.acquire_timed(vendor, timeout)

    def acquire_timed(self, vendor: str, timeout: float) -> float:
        """acquire(), returning the grant time on the Redis server clock (unix seconds; tests, benchmarks)."""
        deadline = time.monotonic() + max(0.0, timeout)
        while True:
            wait, granted_at = self._try(vendor)
            if wait <= 0.0:
                return granted_at
            remaining = deadline - time.monotonic()
            if wait > remaining:
                raise RateLimitTimeout(vendor, f"no {vendor} request slot within {timeout:.1f}s", retry_after=wait)
            # Small jitter so several sleepers do not all hit Redis in the same microsecond.
            time.sleep(wait + random.uniform(0.0, 0.003))

    def pause(self, vendor: str, seconds: float) -> None:
        if seconds <= 0:
            return
        _, pause_key = self._keys(vendor)
        # On a Redis error: the 429 itself is still raised to the caller, who backs off; losing the
        # shared pause only costs a few extra 429s.
        with contextlib.suppress(*self._redis_errors):
            self._pause_script(keys=[pause_key], args=[int(seconds * 1_000_000)])

    def reset(self, vendor: str) -> None:
        """Forget grants and pauses of one vendor (tests, admin)."""
        self._redis.delete(*self._keys(vendor))


def _refuse_long_pause(vendor: str, paused: float, max_pause_wait: float | None) -> None:
    """A Retry-After pause longer than the caller may sleep: fail fast with its rest as the countdown."""
    if max_pause_wait is not None and paused > max_pause_wait:
        raise RateLimitTimeout(
            vendor, f"{vendor} is paused by a Retry-After for {paused:.1f}s more", retry_after=paused
        )


def make_rate_limiter(
    redis_url: str | None,
    limits: Mapping[str, LimitSpec] | None = None,
    *,
    enabled: bool = True,
    max_pause_wait: float | None = None,
) -> RateLimiter:
    """Redis-backed when a Redis URL is configured, in-process otherwise, none when disabled."""
    if not enabled:
        return NoRateLimiter()
    if redis_url:
        return RedisRateLimiter(redis_url, limits, max_pause_wait=max_pause_wait)
    return LocalRateLimiter(limits, max_pause_wait=max_pause_wait)
