"""kill -9 on worker processes while tickets flow: nothing lost, no second note, no second extension.

Every ticket is a coach extension that moves two AC end dates by 42 days, so an extension applied
twice (or decided twice) shows up as a wrong date. A killed pool child's message is requeued at
once (task_reject_on_worker_lost); a killed main process leaves its reserved messages unacked in
Redis, which the inbox sweeper (`goodwill beat`, SWEEP_AFTER_SECONDS) hands out again.
"""

from __future__ import annotations

import random
import threading
import time
from datetime import date

import pytest
import requests

from tests.faults.harness import Stack, audit, coach_seed, kill9, ticket_started_body, wait_for, worker_children


def _flow_with_kills(
    stack: Stack,
    numbers: list[int],
    *,
    rate: float,
    kill_every: tuple[float, float],
    main_share: float,
    rng: random.Random,
    settle: float,
) -> dict[str, int]:
    """Post the tickets at `rate`/s while killing workers; returns the kill counts.

    The loop also plays the supervisor (docker compose `restart: unless-stopped`): a worker whose
    main process is gone is started again. Celery gives up ("Could not start worker processes")
    when a pool child dies before the pool is up, so that counts as a restart too.
    """
    generation = 0
    worker = stack.start_worker(concurrency=2)
    started = time.monotonic()
    kills = {"children": 0, "main": 0, "restarts": 0}
    codes: list[int] = []

    def post_all() -> None:
        with requests.Session() as s:
            for n in numbers:
                codes.append(stack.post(ticket_started_body(n), session=s).status_code)
                time.sleep(1 / rate)

    poster = threading.Thread(target=post_all, daemon=True)
    poster.start()
    deadline = time.monotonic() + len(numbers) / rate + settle
    while time.monotonic() < deadline and stack.inbox_status().get("done", 0) < len(numbers):
        time.sleep(rng.uniform(*kill_every))
        if worker.poll() is not None:
            generation += 1
            kills["restarts"] += 1
            worker, started = stack.start_worker(concurrency=2, name=f"worker{generation}"), time.monotonic()
            continue
        if time.monotonic() - started < 4:  # let the pool come up (and take work) first
            continue
        if rng.random() < main_share:
            if kill9(worker.pid):
                kills["main"] += 1
            continue  # the supervisor branch above restarts it
        children = worker_children(worker)
        if children and kill9(rng.choice(children).pid):
            kills["children"] += 1
    poster.join(60)
    if worker.poll() is not None:
        stack.start_worker(concurrency=2, name="worker-final")
    assert codes.count(202) == len(numbers), codes
    return kills


def _reprocessed(stack: Stack) -> int:
    from sqlalchemy import func, select

    from worker.store.db import session_scope
    from worker.store.models import InboxEvent

    with session_scope(stack.db_url) as s:
        return int(s.scalar(select(func.count()).where(InboxEvent.attempts > 1)) or 0)


@pytest.mark.sandbox(latency_ms=20)
def test_killing_pool_children_at_random_loses_nothing_and_applies_every_extension_once(stack: Stack) -> None:
    rng = random.Random(8)
    numbers = list(range(20001, 20031))
    seed = coach_seed(numbers, date.today())
    stack.sandbox.store.seed(seed)
    stack.start_web()
    kills = _flow_with_kills(stack, numbers, rate=3, kill_every=(0.7, 1.5), main_share=0.0, rng=rng, settle=10)
    assert kills["children"] >= 3
    assert wait_for(lambda: stack.inbox_status().get("done", 0) == len(numbers), timeout=60), stack.inbox_status()
    a = audit(stack, numbers, seed)
    print(
        a.line(
            "kill -9 pool children (quick)",
            kills=kills["children"],
            restarts=kills["restarts"],
            reprocessed=_reprocessed(stack),
        )
    )
    assert (a.lost, a.duplicate_notes, a.double_decisions, a.wrong_dates) == ([], [], [], [])


@pytest.mark.slow
@pytest.mark.sandbox(latency_ms=20)
def test_killing_children_and_main_processes_at_random_while_100_tickets_flow_loses_nothing(stack: Stack) -> None:
    rng = random.Random(100)
    numbers = list(range(30001, 30101))
    seed = coach_seed(numbers, date.today())
    stack.sandbox.store.seed(seed)
    stack.extra_env["SWEEP_AFTER_SECONDS"] = "15"
    stack.start_web()
    stack.start_beat()
    kills = _flow_with_kills(stack, numbers, rate=4, kill_every=(0.5, 2.0), main_share=0.25, rng=rng, settle=20)
    assert kills["children"] >= 5 and kills["main"] >= 2, kills
    # A killed main process leaves reserved messages unacked: the sweeper (beat: every 60 s,
    # rows older than 15 s) re-enqueues them, so allow a few sweeps.
    assert wait_for(lambda: stack.inbox_status().get("done", 0) == len(numbers), timeout=240), stack.inbox_status()
    a = audit(stack, numbers, seed)
    print(
        a.line(
            "kill -9 children and main",
            kills_children=kills["children"],
            kills_main=kills["main"],
            restarts=kills["restarts"],
            reprocessed=_reprocessed(stack),
        )
    )
    assert (a.lost, a.duplicate_notes, a.double_decisions, a.wrong_dates) == ([], [], [], [])
