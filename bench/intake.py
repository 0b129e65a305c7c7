"""Webhook intake under gunicorn: the real endpoint against a bare 202 endpoint, in the same run.

    ./run bench intake [--seconds 20] [--rounds 2] [--rate 200] [--latency-seconds 30] [--no-write]

Real: `goodwill web` (gunicorn gthread, `--workers 2 --threads 4`) with the production
back-ends — PostgreSQL (a fresh database) and a private redis-server (AOF, everysec) as the
Celery broker. Each request = secret check, parse, one `INSERT ... ON CONFLICT (dedup_key) DO
NOTHING RETURNING id` on an autocommit connection (its own transaction, committed — WAL flushed,
synchronous_commit on — before PostgreSQL answers: one round trip), then Celery `send_task` with
the inbox id (one LPUSH to Redis), 202. Bare: a Flask route that only answers 202, served by the
very same `worker.web.serve.run` (same gunicorn settings, same access log). No Celery worker runs:
intake only. The machine's cores are shared by everything: wrk / the open-loop generator, both
gunicorn servers, PostgreSQL and redis-server.

1. Throughput: wrk (`-t2 -c16`, bench/wrk_unique.lua: every request is a new ticket number, so
   nothing is a duplicate), alternating bare / real for `--rounds` rounds → requests/s and ratio.
2. Latency at a fixed arrival rate (200/s): bench/_loadgen.py, an open-loop generator (wrk2 is not
   in Debian; plain wrk is closed-loop and would under-report latency when the server stalls).
   p50/p99 from each request's due time to its answer.
3. CPU per request during the low-rate run (user + system seconds of the gunicorn workers, of the
   PostgreSQL backends of the bench database and of redis-server, divided by the requests): a
   figure that other load on the machine disturbs much less than requests/s.
Goals: real ≥ 0.5 × bare requests/s; p99 ≤ 50 ms at 200/s. On a miss, py-spy samples the real
endpoint's gunicorn workers under wrk load and the profile is written next to the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

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
    profile_pids,
    start_goodwill,
    start_redis,
    stop_tree,
    wait_for_port,
    write_section,
)
from _loadgen import run_open_loop

COMMAND = "./run bench intake"
WRK_SCRIPT = ROOT / "bench" / "wrk_unique.lua"
RATIO_GOAL, P99_GOAL_MS = 0.5, 50.0


def wrk(url: str, seconds: float, connections: int, base: int) -> dict[str, float]:
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{int(seconds)}s", "--timeout", "10s", "-s", str(WRK_SCRIPT), url],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "WRK_TICKET_BASE": str(base)},
    ).stdout
    data = json.loads(next(line for line in out.splitlines() if line.startswith("JSON "))[5:])
    data["rps"] = data["requests"] / (data["duration_us"] / 1e6)
    return data


def open_loop(url: str, rate: float, seconds: float, base: int) -> dict[str, float]:
    def make(i: int) -> tuple[bytes, dict[str, str]]:
        n = base + i
        body = json.dumps(
            {
                "number": n,
                "title": "Verlängerung",
                "state": "unread",
                "links": {"customer": {"href": f"http://api.groovehq.com/v1/customers/k{n}@example.org"}},
            }
        )
        return body.encode(), {"X-Groove-Event": "ticket_started", "Content-Type": "application/x-www-form-urlencoded"}

    r = run_open_loop(url, rate, seconds, make, threads=32)
    ms = [x * 1000 for x in r.latencies]
    return {
        "sent": r.sent,
        "rate": r.achieved_rate,
        "p50": percentile(ms, 50),
        "p90": percentile(ms, 90),
        "p99": percentile(ms, 99),
        "max": max(ms) if ms else float("nan"),
        "errors": r.errors,
        "non202": sum(v for k, v in r.statuses.items() if k != 202),
        "late": r.late,
    }


def gunicorn_workers(pid: int) -> list[int]:
    import psutil

    return [p.pid for p in psutil.Process(pid).children(recursive=True)]


def cpu_seconds(pids: list[int]) -> dict[int, float]:
    """user + system CPU seconds per process (processes gone are left out)."""
    import psutil

    out = {}
    for pid in pids:
        try:
            t = psutil.Process(pid).cpu_times()
        except psutil.NoSuchProcess:
            continue
        out[pid] = t.user + t.system
    return out


def postgres_backends(db_url: str, admin: str) -> list[int]:
    import psycopg

    with psycopg.connect(admin.replace("+psycopg", ""), autocommit=True, connect_timeout=5) as conn:
        return [
            r[0]
            for r in conn.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s", (db_url.rsplit("/", 1)[1],))
        ]


def cpu_per_request(
    run: Callable[[], dict[str, float]], groups: dict[str, Callable[[], list[int]]]
) -> tuple[dict[str, float], dict[str, float]]:
    """Run `run()` (an open-loop run) and charge the CPU each group of processes used meanwhile to
    its requests: ms per request by group. Groups are looked up again at the end, so a connection
    opened during the run counts too (from zero)."""
    before = {name: cpu_seconds(pids()) for name, pids in groups.items()}
    result = run()
    after = {name: cpu_seconds(pids()) for name, pids in groups.items()}
    sent = max(1, result["sent"])
    return {
        name: sum(t - before[name].get(pid, 0.0) for pid, t in after[name].items()) / sent * 1000 for name in groups
    }, result


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=20, help="wrk duration per round and endpoint")
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--connections", type=int, default=16)
    ap.add_argument("--workers", type=int, default=2, help="gunicorn workers (both endpoints)")
    ap.add_argument("--threads", type=int, default=4, help="gunicorn threads per worker (both endpoints)")
    ap.add_argument("--rate", type=float, default=200)
    ap.add_argument("--low-rate", type=float, default=50, help="a second open-loop run well within capacity")
    ap.add_argument("--latency-seconds", type=float, default=30)
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()

    import shutil

    for tool, package in (("wrk", "wrk"), ("redis-server", "redis-server")):
        if shutil.which(tool) is None:
            print(f"{tool} is not installed (Debian/Ubuntu: sudo apt-get install -y {package})", file=sys.stderr)
            return 2
    host, load_before = machine(), load()
    tmp = Path(tempfile.mkdtemp(prefix="bench-intake-"))
    db_url, admin = fresh_postgres_database("bench_intake")
    redis_proc, redis_url = start_redis(tmp / "redis")
    secret = secrets.token_urlsafe(32)
    env = {
        "GOODWILL_DATA_DIR": str(tmp / "data"),
        "DATABASE_URL": db_url,
        "REDIS_URL": redis_url,
        "GROOVE_WEBHOOK_SECRET": secret,
        "SECRET_KEY": secrets.token_urlsafe(32),  # production refuses to start without one
        "GROOVE_API_TOKEN": "bench-groove-token-0123456789",
        "GROOVE_API_URL": "http://127.0.0.1:9/groove/v1",
        "AC_API_URL": "http://127.0.0.1:9/ac/api/3",
        "AC_API_TOKEN": "bench-ac-token-0123456789",
    }
    real_port, bare_port = free_port(), free_port()
    real = start_goodwill(
        ["web", "--port", str(real_port), "--workers", str(args.workers), "--threads", str(args.threads)],
        env,
        tmp / "web.log",
    )
    bare = subprocess.Popen(
        [
            sys.executable,
            str(ROOT / "bench" / "_bare_app.py"),
            "--port",
            str(bare_port),
            "--workers",
            str(args.workers),
            "--threads",
            str(args.threads),
        ],
        cwd=ROOT,
        start_new_session=True,
        stdout=(tmp / "bare.log").open("ab"),
        stderr=subprocess.STDOUT,
    )
    urls = {
        "bare": f"http://127.0.0.1:{bare_port}/webhooks/groove/{secret}",
        "real": f"http://127.0.0.1:{real_port}/webhooks/groove/{secret}",
    }
    try:
        wait_for_port(real_port, 60)
        wait_for_port(bare_port, 60)
        for name, url in urls.items():  # warm-up: imports, connection pools, JIT-free but cache-warm
            wrk(url, 3, args.connections, base=9_000_000_000 + (name == "real") * 100_000_000)
        rounds: list[dict[str, dict[str, float]]] = []
        for r in range(args.rounds):
            rounds.append(
                {
                    name: wrk(
                        url,
                        args.seconds,
                        args.connections,
                        base=(r + 1) * 1_000_000_000 + (name == "real") * 500_000_000,
                    )
                    for name, url in urls.items()
                }
            )
            print(
                f"round {r + 1}: " + ", ".join(f"{n} {v['rps']:,.0f} req/s" for n, v in rounds[-1].items()), flush=True
            )
        latency = {
            name: open_loop(url, args.rate, args.latency_seconds, base=8_000_000_000 + i * 10_000_000)
            for i, (name, url) in enumerate(urls.items())
        }
        print("latency:", json.dumps(latency), flush=True)
        procs = {
            "bare": {"gunicorn": lambda: gunicorn_workers(bare.pid)},
            "real": {
                "gunicorn": lambda: gunicorn_workers(real.pid),
                "postgres": lambda: postgres_backends(db_url, admin),
                "redis": lambda: [redis_proc.pid],
            },
        }
        low, cpu = {}, {}
        for i, (name, url) in enumerate(urls.items()):
            cpu[name], low[name] = cpu_per_request(
                lambda url=url, i=i: open_loop(
                    url, args.low_rate, args.latency_seconds, base=8_500_000_000 + i * 10_000_000
                ),
                procs[name],
            )
        print("latency at the low rate:", json.dumps(low), flush=True)
        print("CPU ms per request at the low rate:", json.dumps(cpu), flush=True)
        stored = _inbox_rows(db_url)
        sent_real = sum(x["real"]["requests"] for x in rounds) + latency["real"]["sent"] + low["real"]["sent"]
        rps = {n: sum(x[n]["rps"] for x in rounds) / len(rounds) for n in urls}
        ratio = rps["real"] / rps["bare"]
        non2xx = sum(
            x["real"]["non2xx"] + x["real"]["connect_errors"] + x["real"]["read_errors"] + x["real"]["timeouts"]
            for x in rounds
        )
        ok_ratio, ok_p99 = ratio >= RATIO_GOAL, latency["real"]["p99"] <= P99_GOAL_MS
        profile = ""
        if not (ok_ratio and ok_p99):
            pids = gunicorn_workers(real.pid)
            t = threading.Thread(target=wrk, args=(urls["real"], 14, args.connections, 7_000_000_000))
            t.start()
            time.sleep(2)
            profile = profile_pids(pids, 10, ROOT / "bench" / "profiles" / "intake.txt", focus="groove_webhook")
            t.join()
    finally:
        stop_tree(real)
        stop_tree(bare)
        redis_proc.kill()
        redis_proc.wait(10)
        drop_postgres_database(db_url, admin)

    def row(name: str, lat: dict[str, float], rate: float) -> str:
        each = " / ".join(f"{x[name]['rps']:,.0f}" for x in rounds)
        return (
            f"| {name} | {rps[name]:,.0f} ({each}) | {rate:g} → {lat['rate']:.0f} | {lat['p50']:.1f} | "
            f"{lat['p90']:.1f} | {lat['p99']:.1f} | {lat['max']:.1f} | {int(lat['non202'] + lat['errors'])} |"
        )

    body = f"""
- command: `{COMMAND}` (options: `--seconds {args.seconds:g} --rounds {args.rounds} --connections {args.connections}
  --workers {args.workers} --threads {args.threads} --rate {args.rate:g} --low-rate {args.low_rate:g} --latency-seconds {args.latency_seconds:g}`)
- date: {now_utc()}
- machine: {host}; load average before (1/5/15 min): {load_before}. Those cores are shared by
  everything in the run — wrk or the open-loop generator, both gunicorn servers, PostgreSQL and
  redis-server — and by other engineers' jobs on the machine: requests/s and latencies are noisy.
- setup: both endpoints under `worker.web.serve.run` (gunicorn gthread, {args.workers} workers × {args.threads} threads,
  access log on). *real* = `goodwill web` → PostgreSQL (fresh database) + private redis-server
  (AOF, everysec) as broker, no Celery worker running; *bare* = Flask route answering 202 only.
- throughput: wrk `-t2 -c{args.connections} -d{args.seconds:g}s`, every request a new ticket number
  (bench/wrk_unique.lua), rounds alternate bare/real.
- latency: open-loop generator at a fixed {args.rate:g} req/s for {args.latency_seconds:g} s
  (bench/_loadgen.py: due times fixed in advance, latency from due time to answer; wrk2 is not
  in Debian and wrk's closed loop would hide stalls).

| endpoint | wrk req/s, mean (per round) | open loop: asked → got req/s | p50 ms | p90 ms | p99 ms | max ms | non-202 |
| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
{row("bare", latency["bare"], args.rate)}
{row("real", latency["real"], args.rate)}
{row("bare", low["bare"], args.low_rate)}
{row("real", low["real"], args.low_rate)}

- CPU per request at {args.low_rate:g} req/s (user + system, ms): *bare* gunicorn {cpu["bare"]["gunicorn"]:.2f};
  *real* gunicorn {cpu["real"]["gunicorn"]:.2f} + PostgreSQL backends {cpu["real"]["postgres"]:.2f} + redis-server
  {cpu["real"]["redis"]:.2f} = {sum(cpu["real"].values()):.2f} (WAL writer, wrk and the generator not counted)
- ratio real / bare: **{ratio:.2f}×** — goal ≥ {RATIO_GOAL}×: **{"met" if ok_ratio else "MISSED"}**
- p99 at {args.rate:g} req/s (real): **{latency["real"]["p99"]:.1f} ms** — goal ≤ {P99_GOAL_MS:.0f} ms:
  **{"met" if ok_p99 else "MISSED"}**; at {args.low_rate:g} req/s: p99 {low["real"]["p99"]:.1f} ms
- every accepted webhook is in the inbox: {stored:,} rows for {sent_real:,} requests to *real* during
  the measured runs (+ warm-up); wrk non-2xx/errors on *real*: {non2xx}
"""
    if profile:
        body += f"\n**Profile of the real endpoint under wrk load** (a goal was missed) — {profile}\n"
    print(body)
    if not args.no_write:
        write_section("Intake (webhook endpoint vs bare 202)", body)
    return 0 if ok_ratio and ok_p99 else 1


def _inbox_rows(db_url: str) -> int:
    from sqlalchemy import func, select

    from worker.store.db import session_scope
    from worker.store.models import InboxEvent

    with session_scope(db_url) as s:
        return int(s.scalar(select(func.count()).select_from(InboxEvent)) or 0)


if __name__ == "__main__":
    sys.exit(main())
