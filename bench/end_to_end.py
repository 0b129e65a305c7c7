"""Webhook → note latency through the whole production-shaped stack, at a fixed ticket rate.

    ./run bench end_to_end [--rate 5] [--duration 300] [--pool prefork|threads] [--no-write]

Stack: `goodwill sandbox --latency-ms 50 --ac-rate-limit 5` (Groove + AC, every vendor call
delayed 50 ms, AC refusing a 6th request within a second with 429), `goodwill web` (gunicorn,
2 workers), `goodwill worker --concurrency 2` (two prefork pool processes; `--pool threads`: one
process with two threads) and `goodwill beat`,
on a private redis-server (AOF, everysec) and a fresh PostgreSQL database. The worker runs with
the production defaults for the vendor budgets: AC_RATE_LIMIT=4, GROOVE_RATE_LIMIT=10 (req/s for
all workers together, shared through Redis).

Load: an open-loop generator (bench/_loadgen.py) sends `ticket_started` webhooks at `--rate` per
second for `--duration` seconds, one new ticket each; the tickets are the labelled corpus
(tests/corpus/*.jsonl, German customer mails of every request type) with customers that have
realistic AC dates. Then the run waits for the backlog to drain (`--drain-timeout`).

Latency of a ticket = from the moment its webhook was answered 202 to the moment its note was
created in the sandbox. The sandbox logs each vendor request with its arrival time; the note
exists once the POST /tickets/N/messages handler ran, i.e. arrival + the injected 50 ms (the
store write itself takes microseconds). One read of /_sandbox/state at the end (a snapshot of
thousands of contacts is expensive; polling it would slow the sandbox down).
AC calls per ticket come from the same request log. RSS: psutil, sampled every second over the
process trees of web and worker (sum, and the largest single process).
Goals: p95 ≤ 2 s, worker RSS ≤ 200 MB.
"""

from __future__ import annotations

import argparse
import json
import random
import secrets
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import (
    ROOT,
    drop_postgres_database,
    free_port,
    fresh_postgres_database,
    load,
    machine,
    now_utc,
    percentile,
    start_goodwill,
    start_redis,
    stop_tree,
    tree_pss,
    tree_rss,
    wait_for_port,
    write_section,
)
from _loadgen import run_open_loop

COMMAND = "./run bench end_to_end"
P95_GOAL_S, RSS_GOAL_MB = 2.0, 200.0
FIRST_TICKET = 100_001


def route_of(method: str, path: str) -> str:
    """A request log path as its route: /v1/tickets/100001/messages → GET /v1/tickets/{n}/messages."""
    parts = ["{n}" if part.isdigit() else part for part in path.split("/")]
    return f"{method} {'/'.join(parts)}"


def corpus_rows() -> list[dict[str, Any]]:
    rows = []
    for f in sorted((ROOT / "tests" / "corpus").glob("*.jsonl")):
        rows += [json.loads(line) for line in f.read_text(encoding="utf-8").splitlines() if line.strip()]
    return rows


def pack_tags() -> list[str]:
    """Every tag the goodwill pack may write (keys `…tag` and `…tags`)."""
    from policies.pack.loader import load_pack

    found: set[str] = set()

    def walk(table: dict[str, Any]) -> None:
        for key, value in table.items():
            if isinstance(value, dict):
                walk(value)
            elif key.endswith("tag") and isinstance(value, str):
                found.add(value)
            elif key.endswith("tags") and isinstance(value, list):
                found.update(v for v in value if isinstance(v, str))

    walk(load_pack("goodwill").raw)
    return sorted(found)


def seed(count: int, today: date, new_account: bool = False) -> dict[str, Any]:
    """`count` tickets from the corpus (cycled), each from its own customer with realistic AC dates.

    The AC account already has the pack's tags, as a running account does after the first gestures
    (creating a missing tag costs three more AC calls once); `new_account` leaves them out.
    """
    # Shuffled (fixed seed): the corpus files are sorted by request type, and 18 program extensions
    # in a row (3 AC calls each) would exceed the AC budget for the first seconds of every run.
    rows = corpus_rows()
    random.Random(20261123).shuffle(rows)
    created = f"{today.isoformat()}T08:00:00Z"
    tickets, contacts = [], []
    for i in range(count):
        n, row = FIRST_TICKET + i, rows[i % len(rows)]
        email = f"kunde{n}@example.org"
        tickets.append(
            {
                "number": n,
                "subject": row.get("subject") or "",
                "customer_email": email,
                "created_at": created,
                "messages": [
                    {
                        "body": row["body"],
                        "author": "customer",
                        "created_at": created,
                        "attachments": row.get("attachments") or [],
                    }
                ],
            }
        )
        fields = {
            "PROGRAM_PURCHASE_DATE": (today - timedelta(days=20 + i % 300)).isoformat(),
            "PROGRAM_END_DATE": (today + timedelta(days=10 + i % 200)).isoformat(),
        }
        if i % 3 == 0:
            fields["CLUB_START_DATE"] = (today - timedelta(days=40 + i % 500)).isoformat()
        if i % 4 == 0:
            fields.update(
                COACH_ROUND_START="2023-06-01",
                COACH_END_DATE=(today + timedelta(days=60)).isoformat(),
                PRO_END_DATE=(today + timedelta(days=240)).isoformat(),
            )
        contacts.append({"email": email, "firstName": f"Kunde{n}", "tags": [], "fields": fields})
    return {"groove": {"tickets": tickets}, "ac": {"contacts": contacts, "tags": [] if new_account else pack_tags()}}


class RssSampler(threading.Thread):
    def __init__(self, pids: dict[str, int], every: float = 1.0) -> None:
        super().__init__(daemon=True)
        self.pids, self.every = pids, every
        self.peak_sum = {k: 0 for k in pids}
        self.peak_one = {k: 0 for k in pids}
        self.processes = {k: 0 for k in pids}
        self.peak_pss = {k: 0 for k in pids}
        self._halt = threading.Event()

    def run(self) -> None:
        while not self._halt.is_set():
            for name, pid in self.pids.items():
                total, per = tree_rss(pid)
                self.peak_sum[name] = max(self.peak_sum[name], total)
                self.peak_one[name] = max([self.peak_one[name], *per.values()])
                self.processes[name] = max(self.processes[name], len(per))
                self.peak_pss[name] = max(self.peak_pss[name], tree_pss(pid))
            self._halt.wait(self.every)

    def stop(self) -> None:
        self._halt.set()
        self.join(5)


def inbox_progress(db_url: str) -> Counter[str]:
    from sqlalchemy import func, select

    from worker.store.db import session_scope
    from worker.store.models import InboxEvent

    with session_scope(db_url) as s:
        return Counter(dict(s.execute(select(InboxEvent.status, func.count()).group_by(InboxEvent.status)).all()))


def outcomes(db_url: str) -> Counter[str]:
    from sqlalchemy import func, select

    from worker.store.db import session_scope
    from worker.store.models import DecisionRecord

    with session_scope(db_url) as s:
        return Counter(
            dict(s.execute(select(DecisionRecord.outcome, func.count()).group_by(DecisionRecord.outcome)).all())
        )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rate", type=float, default=5.0, help="tickets per second (default 5)")
    ap.add_argument("--duration", type=float, default=300.0, help="seconds of load (default 300)")
    ap.add_argument("--drain-timeout", type=float, default=900.0, help="max seconds to wait for the backlog")
    ap.add_argument("--latency-ms", type=int, default=50)
    ap.add_argument("--sandbox-ac-limit", type=int, default=5)
    ap.add_argument("--ac-rate-limit", type=float, default=4.0, help="AC_RATE_LIMIT of the worker")
    ap.add_argument("--groove-rate-limit", type=float, default=10.0, help="GROOVE_RATE_LIMIT of the worker")
    ap.add_argument("--concurrency", type=int, default=2)
    ap.add_argument("--pool", choices=("prefork", "threads"), default="prefork", help="the worker's Celery pool")
    ap.add_argument("--keep-db", action="store_true", help="keep the PostgreSQL database (for a look afterwards)")
    ap.add_argument(
        "--new-account",
        action="store_true",
        help="an AC account without the pack's tags yet (each is created on first use)",
    )
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()

    host, load_before = machine(), load()
    count = int(args.rate * args.duration)
    tmp = Path(tempfile.mkdtemp(prefix="bench-e2e-"))
    seed_file = tmp / "seed.json"
    seed_file.write_text(json.dumps(seed(count, date.today(), args.new_account), ensure_ascii=False), encoding="utf-8")
    db_url, admin = fresh_postgres_database("bench_e2e")
    redis_proc, redis_url = start_redis(tmp / "redis")
    sandbox_port, web_port = free_port(), free_port()
    secret = secrets.token_urlsafe(32)
    sandbox_url = f"http://127.0.0.1:{sandbox_port}"
    env = {
        "GOODWILL_DATA_DIR": str(tmp / "data"),
        "DATABASE_URL": db_url,
        "REDIS_URL": redis_url,
        "GROOVE_WEBHOOK_SECRET": secret,
        "SECRET_KEY": secrets.token_urlsafe(32),  # production refuses to start without one
        "GROOVE_API_TOKEN": "bench-groove-token-0123456789",
        "GROOVE_API_URL": f"{sandbox_url}/groove/v1",
        "AC_API_URL": f"{sandbox_url}/ac/api/3",
        "AC_API_TOKEN": "bench-ac-token-0123456789",
        "AC_RATE_LIMIT": str(args.ac_rate_limit),
        "GROOVE_RATE_LIMIT": str(args.groove_rate_limit),
    }
    procs = []
    sampler: RssSampler | None = None
    try:
        procs.append(
            start_goodwill(
                [
                    "sandbox",
                    "--port",
                    str(sandbox_port),
                    "--latency-ms",
                    str(args.latency_ms),
                    "--ac-rate-limit",
                    str(args.sandbox_ac_limit),
                    "--seed",
                    str(seed_file),
                ],
                env,
                tmp / "sandbox.log",
            )
        )
        wait_for_port(sandbox_port, 120)
        procs.append(web := start_goodwill(["web", "--port", str(web_port), "--workers", "2"], env, tmp / "web.log"))
        wait_for_port(web_port, 60)
        procs.append(
            worker := start_goodwill(
                ["worker", "--concurrency", str(args.concurrency), "--pool", args.pool, "--loglevel", "WARNING"],
                env,
                tmp / "worker.log",
            )
        )
        procs.append(start_goodwill(["beat", "--loglevel", "WARNING"], env, tmp / "beat.log"))
        # Load starts when every worker process has loaded its AC maps (the warm-up at start,
        # worker/bootstrap.py) and the start-up CPU burst of the seven processes has passed.
        children = args.concurrency if args.pool == "prefork" else 1
        ready_by = time.monotonic() + 120
        while time.monotonic() < ready_by:
            log = requests.get(f"{sandbox_url}/_sandbox/state", timeout=30).json()["requests"]
            if sum(1 for r in log if r["vendor"] == "ac" and r["path"].endswith("/fields")) >= children:
                break
            time.sleep(0.5)
        time.sleep(5)
        sampler = RssSampler({"web": web.pid, "worker": worker.pid})
        sampler.start()
        hook = f"http://127.0.0.1:{web_port}/webhooks/groove/{secret}"

        def make(i: int) -> tuple[bytes, dict[str, str]]:
            n = FIRST_TICKET + i
            body = json.dumps(
                {
                    "number": n,
                    "state": "unread",
                    "href": f"http://api.groovehq.com/v1/tickets/{n}",
                    "links": {"customer": {"href": f"http://api.groovehq.com/v1/customers/kunde{n}@example.org"}},
                }
            )
            return body.encode(), {
                "X-Groove-Event": "ticket_started",
                "Content-Type": "application/x-www-form-urlencoded",
            }

        t_start = time.time()
        print(f"sending {count} tickets at {args.rate:g}/s …", flush=True)
        result = run_open_loop(hook, args.rate, args.duration, make, threads=8, keep_answers=True)
        t_load_end = time.time()
        backlog_at_end = inbox_progress(db_url)
        print(f"load done: {dict(backlog_at_end)}", flush=True)
        deadline = time.monotonic() + args.drain_timeout
        while time.monotonic() < deadline:
            progress = inbox_progress(db_url)
            if progress.get("done", 0) + progress.get("failed", 0) >= result.statuses.get(202, 0):
                break
            time.sleep(5)
        t_drained = time.time()
        sampler.stop()
        final = inbox_progress(db_url)
        decided = outcomes(db_url)
        state = requests.get(f"{sandbox_url}/_sandbox/state", params={"since": t_start - 60}, timeout=300).json()
    finally:
        if sampler is not None:
            sampler.stop()
        for p in reversed(procs):
            stop_tree(p)
        redis_proc.kill()
        redis_proc.wait(10)
        try:
            from worker.store.db import get_engine

            get_engine(db_url).dispose()
            if args.keep_db:
                print(f"database kept: {db_url}")
            else:
                drop_postgres_database(db_url, admin)
        except Exception as e:
            print(f"could not drop {db_url}: {e}", file=sys.stderr)

    answered = {FIRST_TICKET + i: at for i, _due, at, status, _ in result.answers if status == 202}
    note_at: dict[int, float] = {}
    for r in state["requests"]:
        path = r["path"]
        if r["vendor"] == "groove" and r["method"] == "POST" and path.endswith("/messages") and r["status"] < 300:
            n = int(path.split("/")[3])
            note_at.setdefault(n, r["at"] + args.latency_ms / 1000)
    notes = {int(k): len(v) for k, v in state["groove"]["notes"].items()}
    lat = [note_at[n] - answered[n] for n in answered if n in note_at]
    missing = [n for n in answered if n not in note_at]
    warm = [note_at[n] - answered[n] for n in answered if n in note_at and answered[n] - t_start > 60]
    latency_file = ROOT / "bench" / "profiles" / f"end_to_end-{args.rate:g}per_s-latencies.csv"
    latency_file.parent.mkdir(parents=True, exist_ok=True)
    latency_file.write_text(
        "ticket,sent_after_s,latency_s\n"
        + "".join(
            f"{n},{answered[n] - t_start:.3f},{note_at[n] - answered[n]:.3f}\n"
            for n in sorted(answered)
            if n in note_at
        )
    )
    vendor = Counter((r["vendor"], r["status"] == 429) for r in state["requests"])
    ac_calls, ac_429 = vendor[("ac", False)] + vendor[("ac", True)], vendor[("ac", True)]
    groove_calls = vendor[("groove", False)] + vendor[("groove", True)]
    ac_ok = sum(1 for r in state["requests"] if r["vendor"] == "ac" and r["status"] < 400)
    by_route = Counter(
        f"{r['vendor']} {route_of(r['method'], r['path'])}"
        for r in state["requests"]
        if r["vendor"] in ("groove", "ac")
    )
    processed = max(1, final.get("done", 0))
    p50, p95, p99 = (percentile(lat, p) for p in (50, 95, 99))
    worker_mb = sampler.peak_sum["worker"] / 2**20 if sampler else float("nan")
    ok_p95 = p95 <= P95_GOAL_S and not missing
    ok_rss = worker_mb <= RSS_GOAL_MB
    load_s = t_load_end - t_start
    capacity = min(
        args.ac_rate_limit / max(ac_ok / processed, 1e-9), args.groove_rate_limit / max(groove_calls / processed, 1e-9)
    )

    body = f"""
- command: `{COMMAND}` (options: `--rate {args.rate:g} --duration {args.duration:g} --drain-timeout {
        args.drain_timeout:g}
  --latency-ms {args.latency_ms} --sandbox-ac-limit {args.sandbox_ac_limit} --ac-rate-limit {args.ac_rate_limit:g}
  --groove-rate-limit {args.groove_rate_limit:g} --concurrency {args.concurrency} --pool {args.pool}{
        " --new-account" if args.new_account else ""
    }`)
- date: {now_utc()}
- machine: {host}; load average before (1/5/15 min): {load_before}, after: {load()}. Everything (sandbox,
  web, worker, Redis, PostgreSQL, load generator) shares these cores with other engineers' jobs: noisy.
- stack: sandbox (`--latency-ms {args.latency_ms} --ac-rate-limit {
        args.sandbox_ac_limit
    }`), `goodwill web` (2 gunicorn workers),
  `goodwill worker --concurrency {args.concurrency} --pool {args.pool}`, `goodwill beat`, Redis (AOF) + PostgreSQL;
  worker budgets AC_RATE_LIMIT={args.ac_rate_limit:g}, GROOVE_RATE_LIMIT={args.groove_rate_limit:g} req/s
- load: {result.sent} `ticket_started` webhooks (corpus tickets, one customer each) at {args.rate:g}/s open loop over
  {load_s:.0f} s ({result.achieved_rate:.2f}/s achieved, {result.statuses.get(202, 0)} answered 202);
  backlog when the load stopped: {backlog_at_end.get("queued", 0) + backlog_at_end.get("received", 0)} queued,
  {backlog_at_end.get("processing", 0)} processing; drained {t_drained - t_load_end:.0f} s later
- processed: {dict(final)}; decisions by outcome: {dict(decided)}; tickets with a note: {len(note_at)} of {
        len(answered)
    },
  with more than one note: {sum(1 for v in notes.values() if v > 1)}

| webhook → note | p50 | p95 | p99 | max | tickets measured | no note |
| --- | ---: | ---: | ---: | ---: | ---: | ---: |
| all tickets, seconds | {p50:.2f} | {p95:.2f} | {p99:.2f} | {max(lat) if lat else float("nan"):.2f} | {len(lat)} | {
        len(missing)
    } |
| after the first 60 s (warm), seconds | {percentile(warm, 50):.2f} | {percentile(warm, 95):.2f} | {
        percentile(warm, 99):.2f} | {max(warm) if warm else float("nan"):.2f} | {len(warm)} | |

Per-ticket latencies: `{latency_file.relative_to(ROOT)}` (ticket, seconds after the load started, latency).

- vendor calls per processed ticket: AC {ac_calls / processed:.2f} ({ac_ok / processed:.2f} successful,
  {ac_429 / processed:.2f} answered 429 by the sandbox's 5/s limit), Groove {groove_calls / processed:.2f}
  (attachments counted: `GET /v1/attachments?message=` {by_route["groove GET /v1/attachments"] / processed:.2f})
- by route, per processed ticket: {
        ", ".join(f"{route} {n / processed:.2f}" for route, n in sorted(by_route.items(), key=lambda kv: -kv[1]))
    }
- throughput bound by the budgets: min(AC {args.ac_rate_limit:g}/s ÷ {ac_ok / processed:.2f}, Groove {
        args.groove_rate_limit:g}/s ÷
  {groove_calls / processed:.2f}) = **{capacity:.2f} tickets/s** — {
        "below the offered " + format(args.rate, "g") + "/s: the queue grows for the whole run and the latency with it"
        if capacity < args.rate
        else "above the offered " + format(args.rate, "g") + "/s: the queue stays short"
    }
- peak RSS (sum over the process tree; PSS counts pages shared after fork once):

| process tree | processes | peak RSS sum | peak PSS sum | largest single process (RSS) |
| --- | ---: | ---: | ---: | ---: |
| web (gunicorn master + workers) | {sampler.processes["web"] if sampler else 0} | {
        sampler.peak_sum["web"] / 2**20 if sampler else 0:.0f} MB | {
        sampler.peak_pss["web"] / 2**20 if sampler else 0:.0f} MB | {
        sampler.peak_one["web"] / 2**20 if sampler else 0:.0f} MB |
| worker (Celery main + pool) | {sampler.processes["worker"] if sampler else 0} | **{worker_mb:.0f} MB** | {
        sampler.peak_pss["worker"] / 2**20 if sampler else 0:.0f} MB | {
        sampler.peak_one["worker"] / 2**20 if sampler else 0:.0f} MB |

- goals: p95 ≤ {P95_GOAL_S:g} s: **{"met" if ok_p95 else "MISSED"}** ({p95:.2f} s); worker RSS ≤ {RSS_GOAL_MB:.0f} MB
  (RSS summed over the worker's process tree): **{"met" if ok_rss else "MISSED"}** ({worker_mb:.0f} MB; per process
  {sampler.peak_one["worker"] / 2**20 if sampler else 0:.0f} MB at most, PSS sum {
        sampler.peak_pss["worker"] / 2**20 if sampler else 0:.0f} MB)
"""
    print(body)
    if not args.no_write:
        title = (
            "End to end (webhook → note)"
            + ("" if args.rate == 5 and args.duration == 300 else f", {args.rate:g} tickets/s for {args.duration:g} s")
            + ("" if args.pool == "prefork" else f", {args.pool} pool")
        )
        write_section(title, body)
    return 0 if ok_p95 and ok_rss else 1


if __name__ == "__main__":
    sys.exit(main())
