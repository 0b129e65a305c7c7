"""Run the fault suite (tests/faults, slow and quick tests) and record its figures in BENCHMARKS.md.

    ./run bench faults [--quick] [--no-write] [-- PYTEST ARGS]

Each fault test prints one `FAULT SUMMARY …` line (tickets, kills, lost, duplicate notes, double
decisions, wrong end dates, …); this script collects them with the pass/fail verdicts and writes
the "## Fault suite" section. `--quick` runs only the CI subset (`-m "not slow"`).
The same tests run without this script: `./run faults` (slow) and `./run test` (quick subset).
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import ROOT, load, machine, now_utc, write_section


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="only the CI subset")
    ap.add_argument("--no-write", action="store_true")
    ap.add_argument("pytest_args", nargs="*")
    args = ap.parse_args()
    host, load_before = machine(), load()
    marker = "not slow" if args.quick else "slow or not slow"
    cmd = [
        sys.executable,
        "-m",
        "pytest",
        "tests/faults",
        "-m",
        marker,
        "-s",
        "-q",
        "-p",
        "no:cacheprovider",
        "-rA",
        *args.pytest_args,
    ]
    t0 = time.monotonic()
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    elapsed = time.monotonic() - t0
    out = proc.stdout + proc.stderr
    summaries = [line.split("FAULT SUMMARY ", 1)[1].strip() for line in out.splitlines() if "FAULT SUMMARY " in line]
    verdicts = re.findall(r"^(PASSED|FAILED|ERROR) (tests/faults/\S+)", out, re.M)
    tail = out.strip().splitlines()[-1] if out.strip() else "(no output)"
    print(out[-6000:])
    rows = "\n".join(f"| {v} | `{t.split('::', 1)[1]}` |" for v, t in verdicts)
    lines = "\n".join(f"- {s}" for s in summaries)
    body = f"""
- command: `./run bench faults{" --quick" if args.quick else ""}` (runs `pytest tests/faults -m "{marker}" -s`;
  the CI run has the quick subset, `./run faults` the slow part)
- date: {now_utc()}; {elapsed:.0f} s; pytest: {tail.strip("= ")}
- machine: {host}; load average before (1/5/15 min): {load_before}
- what runs: real redis-server (private, AOF everysec), PostgreSQL (fresh database per test), the sandbox,
  `goodwill web` (gunicorn) and `goodwill worker` / `goodwill beat` processes; the fuzz tests in-process
  (Flask test client, embedded broker, SQLite and PostgreSQL)

| result | test |
| --- | --- |
{rows}

Figures (one line per test; `lost` = ticket without a finished inbox row or without a note,
`duplicate_notes` = tickets with more than one note, `double_decisions` = tickets decided twice,
`wrong_end_dates` = AC end dates not moved by exactly 42 days, `reprocessed` = events started more
than once because a kill interrupted them):

{lines}
"""
    if not args.no_write:
        write_section("Fault suite", body)
    return proc.returncode


if __name__ == "__main__":
    sys.exit(main())
