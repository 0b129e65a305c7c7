"""A full production-shaped stack for fault tests: private redis-server, PostgreSQL database,
the sandbox (in a thread of the test process), `goodwill web` (gunicorn) and `goodwill worker`
processes that the tests kill and restart.

The sandbox is read through its store directly (no HTTP, no full snapshot): with a thousand
tickets a `/_sandbox/state` snapshot is expensive and would hold the store lock the worker needs.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import psutil
import requests
from sqlalchemy import func, select

from integrations.sandbox import RunningSandbox
from tests.conftest import RedisServer, free_port, wait_for_port
from tests.support import start_goodwill, stop
from worker.store.db import session_scope
from worker.store.models import DecisionRecord, InboxEvent

# A coach extension for a round from 2023-06-01: the decision moves COACH_END_DATE and
# PRO_END_DATE by 42 days (K-COACH-EXT-6W), so a double application would show as +84.
COACH_BODY = (
    "<p>Hallo,</p><p>durch einen Unfall konnte ich wochenlang nicht lernen. Kann ich für die "
    "Coach-Prüfung etwas mehr Zeit bekommen?</p><p>Viele Grüße</p>"
)
EXTENSION_DAYS = 42
# Subject and text both name the wish: an approval passes the gate unattended only when both readers are at least
# reading.approve_confidence (0.9) sure, and a wish named once reads at 0.895 with the rule reader.
SUBJECT = "Verlängerung der Coach-Ausbildung"


def coach_email(number: int) -> str:
    return f"coach{number}@example.org"


def coach_seed(numbers: list[int], today: date) -> dict[str, Any]:
    """One customer per ticket (a second extension for the same customer would be escalated)."""
    created = f"{today.isoformat()}T08:00:00Z"
    tickets, contacts = [], []
    for n in numbers:
        tickets.append(
            {
                "number": n,
                "subject": SUBJECT,
                "customer_email": coach_email(n),
                "created_at": created,
                "messages": [{"body": COACH_BODY, "author": "customer", "created_at": created}],
            }
        )
        contacts.append(
            {
                "email": coach_email(n),
                "firstName": f"Kundin{n}",
                "tags": [],
                "fields": {
                    "COACH_ROUND_START": "2023-06-01",
                    "COACH_END_DATE": (today + timedelta(days=60 + n % 30)).isoformat(),
                    "PRO_END_DATE": (today + timedelta(days=240 + n % 30)).isoformat(),
                },
            }
        )
    return {"groove": {"tickets": tickets}, "ac": {"contacts": contacts}}


def ticket_started_body(number: int) -> bytes:
    return json.dumps(
        {
            "number": number,
            "title": SUBJECT,
            "state": "unread",
            "href": f"http://api.groovehq.com/v1/tickets/{number}",
            "links": {"customer": {"href": f"http://api.groovehq.com/v1/customers/{coach_email(number)}"}},
        }
    ).encode()


@dataclass
class Stack:
    tmp: Path
    redis: RedisServer
    db_url: str
    sandbox: RunningSandbox
    secret: str
    extra_env: dict[str, str] = field(default_factory=dict)
    procs: list[subprocess.Popen[bytes]] = field(default_factory=list)
    web_port: int = 0

    @property
    def env(self) -> dict[str, str]:
        return {
            "GOODWILL_DATA_DIR": str(self.tmp / "data"),
            "GROOVE_API_URL": f"{self.sandbox.url}/groove/v1",
            "GROOVE_API_TOKEN": "faults-groove-token-0123456789",
            "AC_API_URL": f"{self.sandbox.url}/ac/api/3",
            "AC_API_TOKEN": "faults-ac-token-0123456789",
            "GROOVE_WEBHOOK_SECRET": self.secret,
            "SECRET_KEY": f"session-key-{self.secret}",  # production refuses to start without one
            "REDIS_URL": self.redis.url,
            "DATABASE_URL": self.db_url,
            # The fault tests are about correctness, not vendor budgets: the sandbox has no limit here.
            "GROOVE_RATE_LIMIT": "500",
            "AC_RATE_LIMIT": "500",
            **self.extra_env,
        }

    # -- processes ------------------------------------------------------------------------------
    def start_web(self, workers: int = 2) -> subprocess.Popen[bytes]:
        self.web_port = free_port()
        p = start_goodwill(
            ["web", "--port", str(self.web_port), "--workers", str(workers)], self.env, self.tmp / "web.log"
        )
        self.procs.append(p)
        wait_for_port(self.web_port, timeout=60)
        return p

    def start_worker(self, concurrency: int = 2, name: str = "worker") -> subprocess.Popen[bytes]:
        p = start_goodwill(
            ["worker", "--concurrency", str(concurrency), "--loglevel", "INFO"], self.env, self.tmp / f"{name}.log"
        )
        self.procs.append(p)
        return p

    def start_beat(self) -> subprocess.Popen[bytes]:
        p = start_goodwill(["beat", "--loglevel", "INFO"], self.env, self.tmp / "beat.log")
        self.procs.append(p)
        return p

    def stop_all(self) -> None:
        for p in reversed(self.procs):
            stop(p, timeout=20)
        self.procs.clear()

    # -- webhooks -------------------------------------------------------------------------------
    @property
    def hook_url(self) -> str:
        return f"http://127.0.0.1:{self.web_port}/webhooks/groove/{self.secret}"

    def post(
        self, body: bytes, event: str = "ticket_started", session: requests.Session | None = None
    ) -> requests.Response:
        return (session or requests).post(
            self.hook_url,
            data=body,
            timeout=30,
            headers={"X-Groove-Event": event, "Content-Type": "application/x-www-form-urlencoded"},
        )

    def post_many(self, numbers: list[int], threads: int = 8) -> Counter[int]:
        """ticket_started for every number, `threads` at a time; returns a count per status code."""

        def send(chunk: list[int]) -> list[int]:
            with requests.Session() as s:
                return [self.post(ticket_started_body(n), session=s).status_code for n in chunk]

        chunks = [numbers[i::threads] for i in range(threads)]
        with ThreadPoolExecutor(threads) as pool:
            return Counter(code for codes in pool.map(send, chunks) for code in codes)

    # -- what happened --------------------------------------------------------------------------
    def inbox_status(self) -> Counter[str]:
        with session_scope(self.db_url) as s:
            return Counter(dict(s.execute(select(InboxEvent.status, func.count()).group_by(InboxEvent.status)).all()))

    def decisions_per_ticket(self) -> Counter[int]:
        with session_scope(self.db_url) as s:
            return Counter(
                dict(
                    s.execute(
                        select(DecisionRecord.ticket_number, func.count()).group_by(DecisionRecord.ticket_number)
                    ).all()
                )
            )

    def notes_per_ticket(self) -> dict[int, int]:
        store = self.sandbox.store
        with store.lock:
            return {n: sum(1 for m in msgs if m["note"]) for n, msgs in store.messages.items()}

    def contact_field(self, email: str, perstag: str) -> str | None:
        store = self.sandbox.store
        with store.lock:
            contact = store.find_contact_by_email(email)
            f = store.field_by_perstag(perstag)
            if contact is None or f is None:
                return None
            return next(
                (
                    r["value"]
                    for r in store.field_values.values()
                    if r["contact"] == contact["id"] and r["field"] == f["id"]
                ),
                None,
            )

    def requests_log(self) -> list[dict[str, Any]]:
        with self.sandbox.store.lock:
            return [dict(r) for r in self.sandbox.store.requests]


def worker_children(proc: subprocess.Popen[bytes]) -> list[psutil.Process]:
    try:
        return psutil.Process(proc.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []


def kill9(pid: int) -> bool:
    try:
        os.kill(pid, signal.SIGKILL)
        return True
    except ProcessLookupError:
        return False


def wait_for(predicate: Any, timeout: float, interval: float = 0.5) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return bool(predicate())


@dataclass
class Audit:
    """The verdict on a run of coach-extension tickets: lost, duplicate notes, double extensions."""

    tickets: int
    done: int
    lost: list[int]
    duplicate_notes: list[int]
    double_decisions: list[int]
    wrong_dates: list[tuple[int, str, str | None, str]]
    field_writes: int

    def line(self, what: str, **extra: Any) -> str:
        parts = [
            f"tickets={self.tickets}",
            f"done={self.done}",
            f"lost={len(self.lost)}",
            f"duplicate_notes={len(self.duplicate_notes)}",
            f"double_decisions={len(self.double_decisions)}",
            f"wrong_end_dates={len(self.wrong_dates)}",
            f"ac_field_writes={self.field_writes}",
        ]
        parts += [f"{k}={v}" for k, v in extra.items()]
        return f"FAULT SUMMARY {what}: " + " ".join(parts)


def audit(stack: Stack, numbers: list[int], seed: dict[str, Any]) -> Audit:
    notes = stack.notes_per_ticket()
    decisions = stack.decisions_per_ticket()
    with session_scope(stack.db_url) as s:
        done = set(s.scalars(select(InboxEvent.ticket_number).where(InboxEvent.status == "done")).all())
    original = {c["email"]: c["fields"] for c in seed["ac"]["contacts"]}
    wrong: list[tuple[int, str, str | None, str]] = []
    for n in numbers:
        for perstag in ("COACH_END_DATE", "PRO_END_DATE"):
            want = (date.fromisoformat(original[coach_email(n)][perstag]) + timedelta(days=EXTENSION_DAYS)).isoformat()
            got = stack.contact_field(coach_email(n), perstag)
            if got != want:
                wrong.append((n, perstag, got, want))
    writes = sum(
        1 for r in stack.requests_log() if r["method"] == "POST" and r["path"] == "/fieldValues" and r["status"] < 300
    )
    return Audit(
        tickets=len(numbers),
        done=len(done & set(numbers)),
        lost=[n for n in numbers if n not in done or notes.get(n, 0) == 0],
        duplicate_notes=[n for n in numbers if notes.get(n, 0) > 1],
        double_decisions=[n for n in numbers if decisions.get(n, 0) > 1],
        wrong_dates=wrong,
        field_writes=writes,
    )


def swept(stack: Stack) -> int:
    """How many events the inbox sweeper re-enqueued (its warning lines in the worker logs)."""
    import re

    total = 0
    for log in stack.tmp.glob("*.log"):
        for m in re.finditer(r"sweeper re-enqueued (\d+) events", log.read_text(errors="replace")):
            total += int(m.group(1))
    return total
