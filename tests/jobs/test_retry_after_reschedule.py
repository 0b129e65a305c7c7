"""A real-sized Retry-After (ActiveCampaign documents 30 s) is waited out by Celery, not by a worker slot.

Real Redis + PostgreSQL, a real `goodwill web` and a real `goodwill worker` with ONE pool process: if
the task that met the 429 (or any other task wanting ActiveCampaign during the pause) slept in the
worker, nothing else could run for 30 s. Instead the task is re-scheduled with a countdown of the
Retry-After, the AC-free ticket behind it is finished at once, the next goodwill ticket does its Groove
part and is re-scheduled by the shared limiter without sending anything to AC, and after the pause
both are decided — with no AC request inside the Retry-After.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
import requests
from sqlalchemy import select

from tests.support import Sandbox, running_stack, ticket_seed, wait_until
from worker.store.db import session_scope
from worker.store.models import InboxEvent

RETRY_AFTER = 30
COACH = (
    "<p>Hallo, ich war vier Wochen krank und konnte nicht für die Prüfung lernen. "
    "Könnt ihr meine Coach-Ausbildung verlängern?</p><p>Liebe Grüße</p>"
)
RETURN = "<p>Hallo, ich möchte das Programm zurückgeben und mein Geld zurück. Viele Grüße</p>"


@pytest.fixture(params=["redis+postgresql"])
def stack(request: pytest.FixtureRequest, tmp_path: Path, webhook_secret: str):  # type: ignore[no-untyped-def]
    with running_stack(request, tmp_path, webhook_secret, redis_db=9, concurrency=1) as running:
        yield running


def send(stack: dict, secret: str, number: int) -> None:  # type: ignore[type-arg]
    r = requests.post(
        f"{stack['url']}/webhooks/groove/{secret}",
        data=json.dumps({"number": number}),
        headers={"X-Groove-Event": "ticket_started"},
        timeout=10,
    )
    assert r.status_code == 202, r.text


def inbox(db_url: str, number: int) -> InboxEvent:
    with session_scope(db_url) as s:
        row = s.scalars(select(InboxEvent).where(InboxEvent.ticket_number == number)).one()
        s.expunge(row)
        return row


def finished(db_url: str, number: int) -> InboxEvent | None:
    try:
        row = inbox(db_url, number)
    except Exception:
        return None
    return row if row.status in ("done", "ignored", "failed") else None


def test_a_thirty_second_retry_after_is_a_celery_countdown_and_the_other_tickets_keep_flowing(
    stack, webhook_secret
) -> None:  # type: ignore[no-untyped-def]
    sandbox: Sandbox = stack["sandbox"]
    db = stack["db_url"]
    coach = ticket_seed(
        801,
        "kim@example.org",
        "Verlängerung der Coach-Ausbildung",
        COACH,
        fields={"COACH_ROUND_START": "2025-06-01", "COACH_END_DATE": "2026-12-31", "PRO_END_DATE": "2027-02-28"},
    )
    returning = ticket_seed(803, "eva@example.org", "Rückgabe", RETURN, fields={"PROGRAM_PURCHASE_DATE": "2026-11-10"})
    task_ticket = ticket_seed(802, "kunde@example.ch", "Rückmeldung KNU", "<p>Kunde ist einverstanden.</p>")
    task_ticket["groove"]["tickets"][0]["mailbox"] = "Kundendienst Finecom"  # the fair-use queue: no AC at all
    for seed in (coach, returning, task_ticket):
        sandbox.seed(seed)
    # The account's budget is used up (another integration): the next AC request gets 429 + Retry-After: 30.
    sandbox.faults(ac_over_limit_next=1, ac_retry_after=RETRY_AFTER, ac_limit_503_share=0)
    started = time.time()
    send(stack, webhook_secret, 801)

    def the_429() -> float | None:
        return next((r["at"] for r in sandbox.state()["requests"] if r["vendor"] == "ac" and r["status"] == 429), None)

    t429 = wait_until(the_429, timeout=30, what="the AC 429")
    send(stack, webhook_secret, 802)
    send(stack, webhook_secret, 803)

    # The one worker slot is free: the AC-free ticket is finished long before the Retry-After ends.
    row = wait_until(lambda: finished(db, 802), timeout=RETRY_AFTER - 10, what="the fair-use ticket")
    assert row.status == "ignored" and time.time() < t429 + RETRY_AFTER
    # The other goodwill ticket did its Groove part during the pause, then waited in the queue.
    wait_until(
        lambda: any(r["path"] == "/v1/tickets/803/messages" for r in sandbox.state()["requests"]),
        timeout=RETRY_AFTER - 10,
        what="ticket 803's Groove reads",
    )
    assert finished(db, 801) is None and finished(db, 803) is None
    waiting = inbox(db, 801)
    assert waiting.attempts == 1 and "429" in (waiting.last_error or "")  # the retry is noted on the row

    first = wait_until(lambda: finished(db, 801), timeout=RETRY_AFTER + 60, what="ticket 801")
    second = wait_until(lambda: finished(db, 803), timeout=60, what="ticket 803")
    assert (first.status, second.status) == ("done", "done")
    assert first.attempts == 2 and second.attempts >= 2  # each ran again after the pause, via Celery
    state = sandbox.state()
    ac = [r for r in state["requests"] if r["vendor"] == "ac" and r["at"] > t429]
    # Nothing reached AC inside the Retry-After (a request already on its way may land 50 ms late) …
    assert [r for r in ac if r["at"] < t429 + RETRY_AFTER - 0.05] == []
    assert not any(r.get("in_retry_after", 0) > 0.05 for r in state["requests"] if r["vendor"] == "ac")
    # … and after it both tickets were decided: one note each, the coach end dates moved once.
    notes = state["groove"]["notes"]
    assert len(notes.get("801", [])) == 1 and len(notes.get("803", [])) == 1 and "802" not in notes
    assert state["ac"]["contacts"]["kim@example.org"]["fields"]["COACH_END_DATE"] == "2027-02-11"
    assert time.time() - started < 120
