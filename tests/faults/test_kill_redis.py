"""SIGKILL Redis with a thousand tickets queued and start it again: nothing is lost.

Two safety nets, both exercised: Redis' append-only file (`appendonly yes`, `appendfsync
everysec`: up to a second of writes may go) brings the queue back, and the inbox sweeper
re-enqueues what the queue no longer holds — here the messages of tickets that arrived while Redis
was down (the web app still answers 202: the inbox row is committed first) and 100 messages the
test deletes from the recovered queue on purpose.
"""

from __future__ import annotations

import time
from datetime import date

import pytest
import redis

from tests.faults.harness import Stack, audit, coach_seed, swept, wait_for

QUEUE_KEY = "celery"  # kombu's Redis list for Celery's default queue


@pytest.mark.slow
def test_killing_redis_with_a_thousand_tickets_queued_loses_none(stack: Stack) -> None:
    queued, while_down, dropped = list(range(40001, 41001)), list(range(41001, 41051)), 100
    numbers = queued + while_down
    seed = coach_seed(numbers, date.today())
    stack.sandbox.store.seed(seed)
    stack.extra_env["SWEEP_AFTER_SECONDS"] = "15"
    stack.start_web(workers=2)  # no worker yet: everything queues up in Redis

    t0 = time.monotonic()
    codes = stack.post_many(queued, threads=8)
    intake_s = time.monotonic() - t0
    assert codes == {202: len(queued)}, codes
    r = redis.Redis.from_url(stack.redis.url)
    in_queue_before = r.llen(QUEUE_KEY)
    stack.redis.kill()  # SIGKILL right after the last write: the AOF may miss up to a second

    codes_down = stack.post_many(while_down, threads=4)
    assert codes_down == {202: len(while_down)}, codes_down  # committed to the inbox, enqueue failed

    stack.redis.start()
    r = redis.Redis.from_url(stack.redis.url)
    recovered = r.llen(QUEUE_KEY)
    r.ltrim(QUEUE_KEY, 0, -(dropped + 1))  # drop the 100 oldest messages (consumers pop from the right)
    left_in_queue = r.llen(QUEUE_KEY)

    stack.start_worker(concurrency=2)
    stack.start_beat()
    assert wait_for(lambda: stack.inbox_status().get("done", 0) == len(numbers), timeout=600, interval=2), (
        stack.inbox_status()
    )
    a = audit(stack, numbers, seed)
    print(
        a.line(
            "kill -9 redis",
            queued_before_kill=in_queue_before,
            recovered_by_aof=recovered,
            dropped_on_purpose=recovered - left_in_queue,
            posted_while_down=len(while_down),
            missing_from_queue=len(numbers) - left_in_queue,
            sweeper_reenqueued=swept(stack),
            intake_s=f"{intake_s:.1f}",
        )
    )
    assert in_queue_before == len(queued)
    assert swept(stack) >= len(numbers) - left_in_queue  # the sweeper did hand those out again
    assert (a.lost, a.duplicate_notes, a.double_decisions, a.wrong_dates) == ([], [], [], [])
