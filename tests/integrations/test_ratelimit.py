"""The account-wide limiter: in-process semantics and the Redis implementation on a REAL Redis."""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
import uuid

import pytest
from vendor_testkit import hammer_ac_client, hammer_redis_limiter, max_in_window

from integrations.errors import RateLimitTimeout, is_retryable
from integrations.ratelimit import LocalRateLimiter, NoRateLimiter, RedisRateLimiter, _normalise, make_rate_limiter
from tests.conftest import missing_service

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def test_rates_become_counts_per_window_that_never_exceed_the_rate():
    assert _normalise(4.0) == (4, 1.0)
    assert _normalise(10) == (10, 1.0)
    assert _normalise(2.5) == (2, 0.8)
    assert _normalise(0.5) == (1, 2.0)
    assert _normalise((5, 2.0)) == (5, 2.0)
    with pytest.raises(ValueError):
        _normalise(0)


def test_the_factory_picks_redis_local_or_none():
    assert isinstance(make_rate_limiter(None), LocalRateLimiter)
    assert isinstance(make_rate_limiter(REDIS_URL, {"ac": 4}), RedisRateLimiter)
    assert isinstance(make_rate_limiter(REDIS_URL, enabled=False), NoRateLimiter)


# -- in-process --------------------------------------------------------------------------------
def test_local_threads_never_get_more_than_n_slots_in_any_window():
    limiter = LocalRateLimiter({"ac": (5, 0.5)})
    grants: list[float] = []
    lock = threading.Lock()

    def worker():
        for _ in range(5):
            t = limiter.acquire_timed("ac", 10)
            with lock:
                grants.append(t)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(grants) == 20
    assert max_in_window(grants, 0.5) == 5
    assert max(grants) - min(grants) >= 1.5  # 20 slots at 5 per 0.5 s need at least three more windows


def test_local_pause_blocks_everybody_until_it_ends():
    limiter = LocalRateLimiter({"ac": 100})
    paused_at = time.monotonic()
    limiter.pause("ac", 0.3)
    limiter.pause("ac", 0.1)  # a shorter pause never shortens the running one
    assert limiter.acquire_timed("ac", 5) - paused_at >= 0.3


def test_local_acquire_fails_fast_when_the_wait_exceeds_the_timeout():
    limiter = LocalRateLimiter({"ac": 100})
    limiter.pause("ac", 5)
    started = time.monotonic()
    with pytest.raises(RateLimitTimeout) as info:
        limiter.acquire("ac", timeout=0.5)
    assert time.monotonic() - started < 0.4  # well under the 0.5 s timeout: it did not wait for it
    assert 4.5 < info.value.retry_after <= 5
    assert is_retryable(info.value)


def test_a_vendor_without_a_limit_is_unlimited_but_honours_pauses():
    limiter = LocalRateLimiter({"ac": 1})
    for _ in range(50):
        limiter.acquire("groove", 0)
    limiter.pause("groove", 1)
    with pytest.raises(RateLimitTimeout):
        limiter.acquire("groove", 0.1)


# -- Redis ------------------------------------------------------------------------------------------
@pytest.fixture
def redis_prefix():
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.RedisError as exc:
        missing_service(f"Redis at {REDIS_URL} ({exc})")  # a failure, not a skip, with CI=true
    prefix = f"test-ratelimit-{uuid.uuid4().hex[:12]}"
    yield prefix
    keys = list(client.scan_iter(f"{prefix}*"))
    if keys:
        client.delete(*keys)
    client.close()


@pytest.mark.redis
def test_three_processes_hammering_redis_never_get_more_than_n_slots_in_any_second(redis_prefix):
    ctx = multiprocessing.get_context("fork")
    start, results = ctx.Event(), ctx.Queue()
    workers = [
        ctx.Process(target=hammer_redis_limiter, args=(REDIS_URL, redis_prefix, "ac", 10.0, 12, start, results))
        for _ in range(3)
    ]
    for w in workers:
        w.start()
    start.set()
    grants = [t for _ in workers for t in results.get(timeout=30)]
    for w in workers:
        w.join(10)
    assert len(grants) == 36
    # grant times are Redis server times: the guarantee is exact, no tolerance needed
    assert max_in_window(grants, 1.0) == 10
    ordered = sorted(grants)
    assert all(ordered[i + 10] - ordered[i] >= 1.0 for i in range(len(ordered) - 10))
    # ...and the budget is actually used: 36 slots at 10/s take 3 more windows, not much longer
    # (the upper bound leaves room for a loaded CI machine descheduling the hammering processes)
    assert 3.0 <= ordered[-1] - ordered[0] < 8.0


@pytest.mark.redis
def test_after_a_pause_nobody_acquires_before_it_ends(redis_prefix):
    import redis

    limiter = RedisRateLimiter(REDIS_URL, {"ac": 10.0}, key_prefix=redis_prefix)
    server = redis.Redis.from_url(REDIS_URL)
    seconds, micros = server.time()
    limiter.pause("ac", 2)
    ctx = multiprocessing.get_context("fork")
    start, results = ctx.Event(), ctx.Queue()
    workers = [
        ctx.Process(target=hammer_redis_limiter, args=(REDIS_URL, redis_prefix, "ac", 10.0, 2, start, results))
        for _ in range(3)
    ]
    for w in workers:
        w.start()
    start.set()
    grants = [t for _ in workers for t in results.get(timeout=30)]
    for w in workers:
        w.join(10)
    paused_at = seconds + micros / 1_000_000
    assert min(grants) - paused_at >= 2.0
    assert min(grants) - paused_at < 5.0  # forking three processes on a loaded machine takes a moment


@pytest.mark.redis
def test_a_shorter_pause_never_shortens_a_running_one_on_redis(redis_prefix):
    limiter = RedisRateLimiter(REDIS_URL, {"ac": 10.0}, key_prefix=redis_prefix)
    limiter.pause("ac", 3)
    limiter.pause("ac", 0.5)
    with pytest.raises(RateLimitTimeout) as info:
        limiter.acquire("ac", timeout=1.0)
    assert 2.5 < info.value.retry_after <= 3.0


@pytest.mark.redis
def test_the_redis_limiter_fails_fast_with_a_retryable_timeout(redis_prefix):
    limiter = RedisRateLimiter(REDIS_URL, {"ac": (1, 5.0)}, key_prefix=redis_prefix)
    limiter.acquire("ac", 1)
    started = time.monotonic()
    with pytest.raises(RateLimitTimeout) as info:
        limiter.acquire("ac", 0.5)
    assert time.monotonic() - started < 0.2
    assert is_retryable(info.value) and info.value.retry_after > 4


@pytest.mark.redis
def test_limits_and_pauses_are_per_vendor(redis_prefix):
    limiter = RedisRateLimiter(REDIS_URL, {"ac": (1, 5.0), "groove": 100}, key_prefix=redis_prefix)
    limiter.acquire("ac", 1)
    limiter.pause("ac", 5)
    for _ in range(20):
        limiter.acquire("groove", 0.5)  # unaffected by the AC budget and pause


@pytest.mark.redis
def test_three_worker_processes_at_the_default_budget_never_trip_the_5_per_second_account_limit(redis_prefix):
    from integrations.sandbox import start_sandbox

    sandbox = start_sandbox(ac_rate_limit=5)
    try:
        ctx = multiprocessing.get_context("fork")
        start, results = ctx.Event(), ctx.Queue()
        workers = [
            ctx.Process(target=hammer_ac_client, args=(REDIS_URL, redis_prefix, sandbox.ac_base_url, 6, start, results))
            for _ in range(3)
        ]
        for w in workers:
            w.start()
        start.set()
        errors = [e for _ in workers for e in results.get(timeout=60)]
        for w in workers:
            w.join(10)
        log = [r for r in sandbox.store.snapshot()["requests"] if r["vendor"] == "ac"]
    finally:
        sandbox.stop()
    assert errors == []
    assert len(log) == 18 and {r["status"] for r in log} == {200}
    assert max_in_window([r["at"] for r in log], 1.0) <= 5


def test_an_unreachable_redis_is_a_retryable_limiter_timeout_not_an_unthrottled_send():
    limiter = RedisRateLimiter("redis://127.0.0.1:1/15", {"ac": 4}, key_prefix="unused")
    with pytest.raises(RateLimitTimeout) as info:
        limiter.acquire("ac", 1)
    assert is_retryable(info.value)


# -- a long Retry-After is not slept out inside a task -------------------------------------------------
def test_a_pause_longer_than_max_pause_wait_is_refused_at_once_with_its_rest_as_countdown():
    limiter = LocalRateLimiter({"ac": 4}, max_pause_wait=2.0)
    limiter.pause("ac", 30)
    started = time.monotonic()
    with pytest.raises(RateLimitTimeout) as info:
        limiter.acquire("ac", 15)  # a timeout long enough to wait 15 s: it must not be used
    assert time.monotonic() - started < 0.1
    assert 29.0 < info.value.retry_after <= 30.0 and is_retryable(info.value)
    assert "Retry-After" in str(info.value)


def test_a_short_pause_is_still_waited_out_with_max_pause_wait():
    limiter = LocalRateLimiter({"ac": 4}, max_pause_wait=2.0)
    paused_at = time.monotonic()
    limiter.pause("ac", 0.3)
    assert limiter.acquire_timed("ac", 5) - paused_at >= 0.3


@pytest.mark.redis
def test_on_redis_a_long_pause_set_by_another_process_is_refused_at_once(redis_prefix):
    other = RedisRateLimiter(REDIS_URL, {"ac": 4}, key_prefix=redis_prefix)  # the process that got the 429
    mine = RedisRateLimiter(REDIS_URL, {"ac": 4}, key_prefix=redis_prefix, max_pause_wait=2.0)
    other.pause("ac", 10)
    started = time.monotonic()
    with pytest.raises(RateLimitTimeout) as info:
        mine.acquire("ac", 15)
    assert time.monotonic() - started < 0.5
    assert 9.0 < info.value.retry_after <= 10.0
    other.reset("ac")
    other.pause("ac", 0.3)
    paused_at = time.monotonic()
    mine.acquire("ac", 5)  # a short pause: waited out
    assert time.monotonic() - paused_at >= 0.25
    assert isinstance(make_rate_limiter(REDIS_URL, {"ac": 4}, max_pause_wait=2.0), RedisRateLimiter)
