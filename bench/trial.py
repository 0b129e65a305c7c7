"""`goodwill trial --source records` on 1,000 recorded decisions: time and peak memory.

    ./run bench trial [--decisions 1000] [--runs 3] [--no-write]

Set-up (not measured): a fresh SQLite database (the embedded default) migrated to head, and N
decisions recorded the way the pipeline records them (`worker/triage/process.py` `_plan`): the
tickets of bench/decide.py's workload (the ticket cases of tests/policies/cases and the
tests/corpus tickets with four typical customers), decided by `policies.decide`, with their inputs
(policies/offline/inputs.py), output, fingerprint and inbox row. Then the measured part, as a user
runs it: `goodwill trial --since … --source records --pack six-weeks.toml --json` as a real process
(a candidate pack with extension.weeks = 6), started afresh for each run — wall clock from start to
exit, and the process's peak RSS (getrusage of the child). One in-process run breaks the time down
(read + decide, summary, HTML); another, under tracemalloc, gives the Python heap's peak.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import ROOT, load, machine, now_utc, write_section
from decide import workload

COMMAND = "./run bench trial"
UNTIL = "2099-12-31"  # the cases carry their own days, some after today: the range takes them all


def six_weeks(folder: Path) -> Path:
    from policies.pack.loader import PACK_DIR

    text = (PACK_DIR / "goodwill.toml").read_text(encoding="utf-8")
    text = text.replace("\nweeks = 4\n", "\nweeks = 6\n").replace('version = "', 'version = "six-weeks-', 1)
    path = folder / "six-weeks.toml"
    path.write_text(text, encoding="utf-8")
    return path


def record(db_url: str, n: int, today: date) -> dict[str, int]:
    """N decisions as the pipeline records them (inputs included); returns the request-type mix."""
    from policies.decide import decide_ticket
    from policies.offline.inputs import model_version, record_inputs
    from policies.pack.loader import load_pack
    from worker.store.db import session_scope
    from worker.store.models import InboxEvent
    from worker.store.records import new_decision_record
    from worker.triage.apply import with_marker_tag

    pack = load_pack("goodwill")
    items = workload(today)
    mix: dict[str, int] = {}
    with session_scope(db_url) as s:
        for i in range(n):
            ticket, customer, day = items[i % len(items)]
            ticket = replace(ticket, number=100_000 + i, customer_email=ticket.customer_email or f"k{i}@example.org")
            decision = with_marker_tag(pack, decide_ticket(ticket, customer, day, pack=pack))
            inbox = InboxEvent(
                dedup_key=f"bench:{i}", event="ticket_started", ticket_number=ticket.number, payload="{}", status="done"
            )
            s.add(inbox)
            s.flush()
            rec = new_decision_record(
                inbox_event_id=inbox.id,
                ticket_number=ticket.number,
                email=ticket.customer_email,
                decision=decision,
                mode=pack.mode_for(decision.request_type),
                today=day,  # decided_on = the day the inputs record, as in the pipeline
            )
            rec.inputs = record_inputs(
                ticket,
                customer,
                day,
                pack_id=pack.id,
                pack_version=pack.version,
                classifier=decision.facts.get("classifier"),
                model=model_version(decision.facts, decision.reading),
                mailbox="Inbox",
            )
            s.add(rec)
            mix[decision.request_type] = mix.get(decision.request_type, 0) + 1
    return mix


def run_cli(env: dict[str, str], since: str, pack: Path) -> tuple[float, int, dict]:  # type: ignore[type-arg]
    """One `goodwill trial` process: wall seconds, peak RSS in KiB, the JSON summary."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "worker.cli", "trial", "--since", since, "--until", UNTIL,
         "--source", "records", "--pack", str(pack), "--json"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    out, err = proc.communicate(timeout=600)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"goodwill trial failed ({proc.returncode}): {err[-2000:]}")
    # ru_maxrss of the children is the largest child so far: a fresh interpreter each run, and the set-up
    # ran in this process, so the value belongs to the trial run (or to an earlier, equal-sized one).
    peak = max(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, before)
    return wall, peak, json.loads(out)


def in_process(since: date, until: date, pack_path: Path) -> dict[str, float]:
    from policies.pack.loader import load_pack
    from worker.bootstrap import runtime_with
    from worker.config import load_settings
    from worker.trial.readonly import ReadOnlyCrm, ReadOnlyHelpDesk
    from worker.trial.report import render_html, summarize
    from worker.trial.run import trial_records

    settings = load_settings()
    rt = runtime_with(
        settings,
        helpdesk=ReadOnlyHelpDesk(None),
        crm=ReadOnlyCrm(None),
        pack=load_pack(str(pack_path)),
    )
    t0 = time.perf_counter()
    trial = trial_records(rt, since, until)
    t1 = time.perf_counter()
    summary = summarize(trial)
    t2 = time.perf_counter()
    html = render_html(summary)
    t3 = time.perf_counter()
    # Once more under tracemalloc (it slows Python down several times: not in the timed run).
    tracemalloc.start()
    render_html(summarize(trial_records(rt, since, until)))
    _, heap_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "decide_s": t1 - t0,
        "summary_s": t2 - t1,
        "html_s": t3 - t2,
        "heap_peak_mib": heap_peak / 2**20,
        "html_kib": len(html.encode()) / 1024,
        "changed": float(summary["totals"]["changed"]),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--decisions", type=int, default=1000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--no-write", action="store_true", help="print only, leave BENCHMARKS.md alone")
    args = ap.parse_args()
    host, load_before = machine(), load()
    with tempfile.TemporaryDirectory(prefix="bench-trial-") as tmp:
        folder = Path(tmp)
        env = {
            **{k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "GOODWILL_POLICY_PACK")},
            "GOODWILL_DATA_DIR": str(folder / "data"),
            "GROOVE_API_URL": "http://127.0.0.1:9/groove/v1",
            "GROOVE_API_TOKEN": "bench-groove-token-0123456789",
            "GROOVE_WEBHOOK_SECRET": "bench-webhook-secret-0123456789-abcdefghijkl",
            "AC_API_URL": "http://127.0.0.1:9/ac/api/3",
            "AC_API_TOKEN": "bench-ac-token-0123456789",
            "LOG_LEVEL": "WARNING",
        }
        os.environ.update(env)
        for k in ("DATABASE_URL", "REDIS_URL", "GOODWILL_POLICY_PACK"):
            os.environ.pop(k, None)
        from worker.config import load_settings
        from worker.store.db import upgrade

        settings = load_settings()
        upgrade(settings.db_url)
        today = datetime.now(UTC).date()
        t0 = time.perf_counter()
        mix = record(settings.db_url, args.decisions, today)
        setup_s = time.perf_counter() - t0
        pack = six_weeks(folder)
        since = "2000-01-01"  # every recorded decision (the cases carry their own days)
        runs = [run_cli(env, since, pack) for _ in range(args.runs)]
        walls = [w for w, _, _ in runs]
        peak_mib = max(p for _, p, _ in runs) / 1024
        totals = runs[-1][2]["totals"]
        breakdown = in_process(date(2000, 1, 1), date.fromisoformat(UNTIL), pack)
    types = ", ".join(f"{k} {v}" for k, v in sorted(mix.items(), key=lambda kv: -kv[1]))
    body = f"""
- command: `{COMMAND}` (options: `--decisions N --runs N --no-write`)
- date: {now_utc()}
- machine: {host}; load average before (1/5/15 min): {load_before}
- workload: {args.decisions} decisions recorded as the pipeline records them (inputs, output, inbox row;
  SQLite, the embedded default; set-up {setup_s:.1f} s, not measured), {len(mix)} request types ({types});
  `goodwill trial --source records --pack six-weeks.toml --json` (extension.weeks = 6) as a fresh process per run
- result: **{statistics.median(walls):.2f} s** wall clock per trial (median of {args.runs}; min {min(walls):.2f} s,
  max {max(walls):.2f} s, interpreter start and imports included), **peak RSS {peak_mib:.0f} MiB**;
  {totals["decisions"]} decisions in the range, {totals["replayed"]} decided again, {totals["changed"]} changed, {totals["note_only"]} with only the note changed,
  {totals["not_replayable"]} not replayable
- in one process: read + decide {breakdown["decide_s"]:.2f} s ({args.decisions / breakdown["decide_s"]:,.0f} decisions/s),
  summary {breakdown["summary_s"] * 1000:.0f} ms, HTML report {breakdown["html_s"] * 1000:.0f} ms
  ({breakdown["html_kib"]:.0f} KiB); Python heap peak (tracemalloc) {breakdown["heap_peak_mib"]:.1f} MiB
  — notes are kept only for the changed decisions, rows are read in batches of 500
"""
    print(body)
    if not args.no_write:
        write_section("Trial", body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
