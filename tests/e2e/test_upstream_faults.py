"""Groove/AC failing 20 % of the time and AC's account limit on: every ticket still ends with exactly one
note, every approved end date moves exactly once, and the account limit is never exceeded.

Real Redis, real PostgreSQL, two real `goodwill worker` processes, the sandbox as its own process, with a
real-sized AC `Retry-After` (10 s; AC documents 30 s): besides the 5/s limit itself, the account's budget
is used up by "another integration" every few seconds (the sandbox's `ac_over_limit_next`), so the
worker meets 429s and must sit out every Retry-After — no AC request inside one (the sandbox marks any
that comes) — without holding a worker slot while it waits (no task attempt lasts as long as a
Retry-After; the tasks are re-scheduled by Celery instead). The CI run uses 40 tickets; `./run faults`
runs the 200-ticket version.
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import pytest
import requests
from sqlalchemy import func, select

from tests.conftest import free_port, wait_for_port
from tests.support import reset_schema, start_goodwill, stop, wait_until
from worker.store.db import session_scope, upgrade
from worker.store.models import InboxEvent

COACH = (
    "<p>Hallo, ich war {n} Wochen krank und konnte nicht für die Prüfung lernen. "
    "Könnt ihr meine Coach-Ausbildung verlängern?</p><p>Liebe Grüße</p>"
)
RETURN = "<p>Hallo, ich möchte das Programm zurückgeben und mein Geld zurück. Viele Grüße</p>"
END, PRO_END = date(2026, 12, 31), date(2027, 2, 28)
RETRY_AFTER = 10.0  # a real-sized AC Retry-After (AC's documented example: 30 s)
STEAL_EVERY = 20.0  # seconds between the other integration's budget grabs


def seed_for(n_tickets: int) -> tuple[dict, dict[int, str]]:  # type: ignore[type-arg]
    tickets, contacts, kinds = [], [], {}
    for i in range(n_tickets):
        number, email = 3000 + i, f"kundin{i}@example.org"
        coach = i % 2 == 0
        kinds[number] = "coach" if coach else "return"
        body = COACH.format(n=3 + i % 5) if coach else RETURN
        tickets.append(
            {
                "number": number,
                # both naming the wish: an unattended approval needs both readers ≥ reading.approve_confidence
                "subject": "Verlängerung der Coach-Ausbildung" if coach else "Anfrage",
                "customer_email": email,
                "created_at": "2026-11-20T09:00:00Z",
                "messages": [{"body": body, "author": "customer", "created_at": "2026-11-20T09:00:00Z"}],
            }
        )
        fields = (
            {"COACH_ROUND_START": "2025-06-01", "COACH_END_DATE": END.isoformat(), "PRO_END_DATE": PRO_END.isoformat()}
            if coach
            else {"PROGRAM_PURCHASE_DATE": "2026-11-10", "PROGRAM_END_DATE": "2027-05-10"}
        )
        contacts.append({"email": email, "firstName": f"Kundin{i}", "tags": [], "fields": fields})
    return {"groove": {"tickets": tickets}, "ac": {"contacts": contacts}}, kinds


def max_in_any_second(times: list[float]) -> int:
    times, best, j = sorted(times), 0, 0
    for i, t in enumerate(times):
        while times[j] <= t - 1.0:
            j += 1
        best = max(best, i - j + 1)
    return best


def early_after_retry_after(requests_log: list[dict], retry_after: float) -> int:  # type: ignore[type-arg]
    """AC requests that arrived while a 429's Retry-After was still running.

    The sandbox marks each request that came during a pause (`in_retry_after`: seconds into it). A
    request already on its way when the 429 went out cannot know of it: allow 50 ms for that.
    """
    ac = sorted((r for r in requests_log if r["vendor"] == "ac"), key=lambda r: r["at"])
    marked = sum(1 for r in ac if r.get("in_retry_after", 0.0) > 0.05)
    limits = [r["at"] for r in ac if r["status"] == 429 and "in_retry_after" not in r]
    timed = sum(1 for t429 in limits for r in ac if t429 + 0.05 < r["at"] < t429 + retry_after)
    return max(marked, timed)


def pauses(requests_log: list[dict], retry_after: float) -> list[tuple[float, float]]:  # type: ignore[type-arg]
    """The Retry-After windows the sandbox opened: (start, end) of every 429 that was not itself inside one."""
    return [
        (r["at"], r["at"] + retry_after)
        for r in requests_log
        if r["vendor"] == "ac" and r["status"] == 429 and "in_retry_after" not in r
    ]


def task_figures(data_dir: Path) -> dict[str, float]:
    """From the workers' Prometheus files: process_event attempts, how long they took, how many retried."""
    from prometheus_client import CollectorRegistry
    from prometheus_client.multiprocess import MultiProcessCollector

    registry = CollectorRegistry()
    MultiProcessCollector(registry, path=str(data_dir / "prometheus"))
    buckets: dict[str, float] = {}
    figures = {"attempts": 0.0, "retries": 0.0}
    for metric in registry.collect():
        for sample in metric.samples:
            if sample.name == "goodwill_task_duration_seconds_bucket":
                buckets[sample.labels["le"]] = buckets.get(sample.labels["le"], 0.0) + sample.value
            elif sample.name == "goodwill_task_duration_seconds_count":
                figures["attempts"] += sample.value
            elif sample.name == "goodwill_celery_tasks_total" and sample.labels.get("state") == "RETRY":
                figures["retries"] += sample.value
    figures["over_5s"] = figures["attempts"] - buckets.get("5.0", 0.0)
    figures["over_10s"] = figures["attempts"] - buckets.get("10.0", 0.0)
    return figures


def run_fault_load(  # type: ignore[type-arg]
    tmp_path: Path,
    redis_url: str,
    postgres_url: str,
    n_tickets: int,
    secret: str,
    *,
    ac_retry_after: float = RETRY_AFTER,
    steal_every: float | None = STEAL_EVERY,
) -> dict:
    reset_schema(postgres_url)
    upgrade(postgres_url)
    import redis

    redis.Redis.from_url(redis_url).flushdb()
    seed, kinds = seed_for(n_tickets)
    (tmp_path / "seed.json").write_text(json.dumps(seed))
    sandbox_port, web_port = free_port(), free_port()
    sandbox_url = f"http://127.0.0.1:{sandbox_port}"
    env = {
        "GOODWILL_DATA_DIR": str(tmp_path / "data"),
        "DATABASE_URL": postgres_url,
        "REDIS_URL": redis_url,
        "GROOVE_API_URL": f"{sandbox_url}/groove/v1",
        "AC_API_URL": f"{sandbox_url}/ac/api/3",
        "GROOVE_API_TOKEN": "fault-groove-token",
        "AC_API_TOKEN": "fault-ac-token",
        "GROOVE_WEBHOOK_SECRET": secret,
        "SECRET_KEY": f"session-key-{secret}",  # production refuses to start without one
        "AC_RATE_LIMIT": "4",
    }
    procs = [
        start_goodwill(
            [
                "sandbox",
                "--port",
                str(sandbox_port),
                "--error-rate",
                "0.2",
                "--ac-rate-limit",
                "5",
                "--ac-retry-after",
                f"{ac_retry_after:g}",
                "--seed",
                str(tmp_path / "seed.json"),
            ],
            env,
            tmp_path / "sandbox.log",
        )
    ]
    try:
        procs.append(start_goodwill(["web", "--port", str(web_port), "--workers", "1"], env, tmp_path / "web.log"))
        for i in range(2):
            procs.append(
                start_goodwill(["worker", "--concurrency", "2", "--loglevel", "INFO"], env, tmp_path / f"worker{i}.log")
            )
        wait_for_port(sandbox_port)
        wait_for_port(web_port, timeout=30)
        started = time.time()
        done = threading.Event()

        def use_up_the_budget() -> None:
            """Another integration of the account: now and then its requests leave none for us."""
            while not done.wait(steal_every):
                requests.post(f"{sandbox_url}/_sandbox/faults", json={"ac_over_limit_next": 1}, timeout=10)

        thief = threading.Thread(target=use_up_the_budget, daemon=True)
        if steal_every:
            thief.start()
        for number in kinds:
            r = requests.post(
                f"http://127.0.0.1:{web_port}/webhooks/groove/{secret}",
                timeout=10,
                data=json.dumps({"number": number, "title": "Anfrage"}),
                headers={"X-Groove-Event": "ticket_started"},
            )
            assert r.status_code == 202, r.text

        def finished() -> bool:
            with session_scope(postgres_url) as s:
                return (
                    s.scalar(
                        select(func.count()).select_from(InboxEvent).where(InboxEvent.status.in_(("done", "failed")))
                    )
                    == n_tickets
                )

        try:
            wait_until(finished, timeout=240 + n_tickets * 3, interval=1, what="all tickets processed")
        finally:
            done.set()
        elapsed = time.time() - started
        state = requests.get(f"{sandbox_url}/_sandbox/state", timeout=30).json()
    finally:
        for p in reversed(procs):
            stop(p)
    with session_scope(postgres_url) as s:
        statuses = Counter(s.scalars(select(InboxEvent.status)).all())
        failed = [
            (e.ticket_number, e.attempts, e.last_error)
            for e in s.scalars(select(InboxEvent).where(InboxEvent.status == "failed"))
        ]
    return {
        "state": state,
        "kinds": kinds,
        "statuses": statuses,
        "failed": failed,
        "retry_after": ac_retry_after,
        "elapsed": elapsed,
        "tasks": task_figures(tmp_path / "data"),
    }


def check(result: dict) -> None:  # type: ignore[type-arg]
    state, kinds = result["state"], result["kinds"]
    assert result["statuses"] == Counter({"done": len(kinds)}), result["failed"]  # (ticket, attempts, error)
    notes = state["groove"]["notes"]
    assert {n: len(notes.get(str(n), [])) for n in kinds} == {n: 1 for n in kinds}
    contacts = state["ac"]["contacts"]
    for i, (number, kind) in enumerate(kinds.items()):
        fields = contacts[f"kundin{i}@example.org"]["fields"]
        if kind == "coach":
            assert fields["COACH_END_DATE"] == (END + timedelta(days=42)).isoformat(), number
            assert fields["PRO_END_DATE"] == (PRO_END + timedelta(days=42)).isoformat(), number
        else:
            assert fields["PROGRAM_END_DATE"] == "2027-05-10", number
    ac_requests = [r for r in state["requests"] if r["vendor"] == "ac"]
    ac_times = [r["at"] for r in ac_requests]
    retry_after, tasks = result["retry_after"], result["tasks"]
    windows = pauses(state["requests"], retry_after)
    early = early_after_retry_after(state["requests"], retry_after)
    groove_in_windows = [
        sum(1 for r in state["requests"] if r["vendor"] == "groove" and start < r["at"] < end) for start, end in windows
    ]
    assert max_in_any_second([r["at"] for r in ac_requests if r["status"] < 400]) <= 5
    assert early == 0  # no AC request inside a Retry-After
    # No worker slot was held for a Retry-After: no attempt of process_event lasted as long as one
    # (a task that meets it is re-scheduled by Celery, with that countdown).
    assert tasks["over_10s"] == 0, tasks
    errors = sum(1 for r in state["requests"] if r["status"] >= 500)
    print(
        f"\nfault load: {len(kinds)} tickets in {result['elapsed']:.0f} s, {len(state['requests'])} upstream requests "
        f"({len(ac_requests)} AC), {errors} 5xx (injected, or AC's 503 at the limit), "
        f"{sum(1 for r in ac_requests if r['status'] == 429)} AC 429s opening {len(windows)} Retry-After pauses "
        f"of {retry_after:g} s, AC requests inside a pause: {early}, Groove requests during the pauses: "
        f"{sum(groove_in_windows)} (per pause {groove_in_windows}), "
        f"max AC requests in any 1 s window: {max_in_any_second(ac_times)}; process_event attempts "
        f"{tasks['attempts']:.0f}, re-scheduled {tasks['retries']:.0f}, attempts over 5 s {tasks['over_5s']:.0f}, "
        f"over {retry_after:g} s {tasks['over_10s']:.0f}"
    )


def test_forty_tickets_survive_a_20_percent_error_rate_under_the_ac_account_limit(
    tmp_path, redis_url, postgres_url, webhook_secret
):  # type: ignore[no-untyped-def]
    check(run_fault_load(tmp_path, redis_url.rsplit("/", 1)[0] + "/5", postgres_url, 40, webhook_secret))


@pytest.mark.slow
@pytest.mark.timeout(1500)
def test_two_hundred_tickets_survive_a_20_percent_error_rate_under_the_ac_account_limit(
    tmp_path, redis_url, postgres_url, webhook_secret
):  # type: ignore[no-untyped-def]
    check(run_fault_load(tmp_path, redis_url.rsplit("/", 1)[0] + "/5", postgres_url, 200, webhook_secret))
