"""Classifications + decisions per second on one core: `policies.decide` on realistic tickets.

    ./run bench decide [--seconds 20] [--no-write]

Workload: every ticket case of tests/policies/cases/*.json (ticket + customer + date, as the
worker would pass them) and every ticket of tests/corpus/*.jsonl paired in turn with a few
realistic customers (program / Club / coach dates, earlier goodwill in the ledger, marker tags).
Each call classifies the ticket, applies the clauses and renders the German note — exactly what
the worker's `decide` step does, without any I/O. The process is pinned to one CPU; the figure is
the best of several rounds by wall clock, and the CPU-time rate is given too because the machine
is shared (other processes steal wall-clock time, not CPU time).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import ROOT, load, machine, now_utc, profile_pids, write_section

from policies.decide import decide
from policies.model import Customer, HistoryEntry
from policies.offline.case import parse_case
from policies.offline.evaluation import _ticket, load_corpus
from policies.pack.loader import load_pack

COMMAND = "./run bench decide"
# Issue 12: with both readers (rule reader + linear second reader) at least 1,000 decisions/s on one core.
GOAL = 1000.0


def _customers(today: date) -> list[Customer]:
    d = today
    return [
        Customer(
            email="neu@example.org",
            program_purchase_date=d - timedelta(days=12),
            program_end_date=d + timedelta(days=170),
            known=True,
        ),
        Customer(
            email="lang@example.org",
            program_purchase_date=d - timedelta(days=400),
            program_end_date=d + timedelta(days=20),
            club_start_date=d - timedelta(days=90),
            tags=("memb_intueat_club",),
            known=True,
            history=(
                HistoryEntry(
                    date=d - timedelta(days=200),
                    request_type="program_extension",
                    outcome="approve",
                    applied=True,
                    source="ledger",
                    ticket_number=1,
                ),
            ),
        ),
        Customer(
            email="coach@example.org",
            coach_round_start=date(2023, 6, 1),
            coach_end_date=d + timedelta(days=60),
            pro_end_date=d + timedelta(days=240),
            known=True,
        ),
        Customer(email="unbekannt@example.org", known=False),
    ]


def workload(today: date) -> list[tuple]:  # type: ignore[type-arg]
    items = []
    for path in sorted((ROOT / "tests" / "policies" / "cases").glob("*.json")):
        ticket, customer, case_today, _overrun = parse_case(json.loads(path.read_text(encoding="utf-8")))
        if ticket is not None:
            items.append((ticket, customer, case_today))
    customers = _customers(today)
    corpus = ROOT / "tests" / "corpus"
    if corpus.is_dir():
        for i, row in enumerate(load_corpus(str(corpus)), 1):
            items.append((_ticket(row, i), customers[i % len(customers)], today))
    return items


def measure(items: list[tuple], seconds: float, rounds: int) -> tuple[float, float, Counter[str]]:  # type: ignore[type-arg]
    pack = load_pack("goodwill")
    outcomes: Counter[str] = Counter()
    for ticket, customer, today in items:  # warm-up: compiled patterns, pack caches
        d = decide(ticket, customer, today, pack=pack)
        outcomes[f"{d.request_type}/{d.outcome}"] += 1
    best_wall = best_cpu = 0.0
    for _ in range(rounds):
        n = 0
        w0, c0 = time.perf_counter(), time.process_time()
        while time.perf_counter() - w0 < seconds / rounds:
            for ticket, customer, today in items:
                decide(ticket, customer, today, pack=pack)
            n += len(items)
        wall, cpu = time.perf_counter() - w0, time.process_time() - c0
        best_wall, best_cpu = max(best_wall, n / wall), max(best_cpu, n / cpu)
    return best_wall, best_cpu, outcomes


def profile_while_running(items: list[tuple]) -> str:  # type: ignore[type-arg]
    """The goal was missed: where does a decision spend its time? (py-spy on this process)"""
    import threading

    out: list[str] = []
    t = threading.Thread(
        target=lambda: out.append(profile_pids([os.getpid()], 8, ROOT / "bench" / "profiles" / "decide.txt"))
    )
    t.start()
    while t.is_alive():
        measure(items, 2, 1)
    t.join()
    return f"**Profile** (goal missed) — {out[0]}" if out and out[0] else "(py-spy not available: no profile)"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=20.0, help="total measuring time (default 20)")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--no-write", action="store_true", help="print only, leave BENCHMARKS.md alone")
    args = ap.parse_args()
    host, load_before = machine(), load()
    cpu = sorted(os.sched_getaffinity(0))[-1]
    os.sched_setaffinity(0, {cpu})  # one core
    items = workload(date.today())
    wall, per_cpu, outcomes = measure(items, args.seconds, args.rounds)
    kinds = Counter(k.split("/")[0] for k in outcomes.elements())
    verdict = "met" if wall >= GOAL else "MISSED"
    body = f"""
- command: `{COMMAND}` (options: `--seconds N --rounds N --no-write`)
- date: {now_utc()}
- machine: {host}; load average before (1/5/15 min): {load_before}; pinned to CPU {cpu}
- workload: {len(items)} realistic decisions per pass — the ticket cases of tests/policies/cases
  (ticket + customer + date) and the tests/corpus tickets paired with four typical customers;
  {len(kinds)} request types ({", ".join(f"{k} {v}" for k, v in kinds.most_common())}).
  Each call = both readers (rule reader + second reader) + clauses + German note (`policies.decide`), no I/O.
- result: **{wall:,.0f} decisions/s** on one core (best of {args.rounds} rounds, wall clock);
  {per_cpu:,.0f} per CPU second — goal ≥ 1,000/s: **{verdict}**
"""
    if wall < GOAL:
        body += "\n" + profile_while_running(items) + "\n"
    print(body)
    if not args.no_write:
        write_section("Decide (classify + decide, one core)", body)
    return 0 if wall >= GOAL else 1


if __name__ == "__main__":
    sys.exit(main())
