"""Groove retries and double-sends: the same webhook 10 times in a row, and 50 at once for one
ticket, against the real web process (gunicorn) with a worker running → one processing, one note."""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from threading import Barrier

import requests

from tests.faults.harness import Stack, coach_seed, ticket_started_body, wait_for


def test_the_same_webhook_ten_times_and_fifty_at_once_is_processed_once_with_one_note(stack: Stack) -> None:
    sequential, concurrent = 9101, 9102
    stack.sandbox.store.seed(coach_seed([sequential, concurrent], date.today()))
    stack.start_web(workers=2)
    stack.start_worker(concurrency=2)

    answers: Counter[str] = Counter()
    with requests.Session() as s:
        for _ in range(10):
            r = stack.post(ticket_started_body(sequential), session=s)
            assert r.status_code == 202, r.text
            answers[r.json()["status"]] += 1
    assert answers == Counter({"accepted": 1, "duplicate": 9})

    barrier = Barrier(50)

    def send(_: int) -> tuple[int, str]:
        body = ticket_started_body(concurrent)
        with requests.Session() as s:
            barrier.wait(timeout=30)
            r = stack.post(body, session=s)
            return r.status_code, r.json().get("status", "")

    with ThreadPoolExecutor(50) as pool:
        results = list(pool.map(send, range(50)))
    assert Counter(code for code, _ in results) == Counter({202: 50})
    assert Counter(status for _, status in results) == Counter({"accepted": 1, "duplicate": 49})

    assert wait_for(lambda: stack.inbox_status() == Counter({"done": 2}), timeout=60), stack.inbox_status()
    # Let any stray redelivery run before counting.
    assert not wait_for(lambda: stack.decisions_per_ticket() != Counter({sequential: 1, concurrent: 1}), timeout=3)
    notes = stack.notes_per_ticket()
    print(
        f"FAULT SUMMARY duplicate webhooks: deliveries=60 tickets=2 inbox_rows={sum(stack.inbox_status().values())} "
        f"decisions={sum(stack.decisions_per_ticket().values())} notes={notes[sequential] + notes[concurrent]}"
    )
    assert notes[sequential] == 1
    assert notes[concurrent] == 1
