"""Classifications per second on one core, for the tickets of the labelled corpus (tests/corpus/*.jsonl).

    .venv/bin/python bench/bench_classify.py [--seconds 5] [--no-write]

Runs `policies.reading.classify.classify` over the corpus tickets (short and long, HTML, quoted replies) in one
process for a few rounds and reports the best round, by wall clock and by CPU time (the machine may be
shared). Writes the "## Classification" section of BENCHMARKS.md unless --no-write.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from _common import load, machine  # noqa: E402

from policies.offline.evaluation import _ticket, load_corpus  # noqa: E402
from policies.reading.classify import CLASSIFIER_VERSION, classify  # noqa: E402

COMMAND = ".venv/bin/python bench/bench_classify.py"


def measure(seconds: float, rounds: int = 3) -> tuple[float, float, int]:
    rows = load_corpus(str(ROOT / "tests" / "corpus"))
    tickets = [_ticket(r, i) for i, r in enumerate(rows, 1)]
    for t in tickets:  # warm-up: compiled patterns, caches
        classify(t)
    best_wall = best_cpu = 0.0
    for _ in range(rounds):
        n = 0
        w0, c0 = time.perf_counter(), time.process_time()
        while time.perf_counter() - w0 < seconds / rounds:
            for t in tickets:
                classify(t)
            n += len(tickets)
        wall, cpu = time.perf_counter() - w0, time.process_time() - c0
        best_wall, best_cpu = max(best_wall, n / wall), max(best_cpu, n / cpu)
    return best_wall, best_cpu, len(tickets)


def write_section(path: Path, section: str) -> None:
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    pattern = re.compile(r"^## Classification\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(text):
        text = pattern.sub(lambda _: section, text)
    else:
        text = text.rstrip("\n") + "\n\n" + section
    path.write_text(text, encoding="utf-8")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=6.0)
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()
    wall, cpu, n = measure(args.seconds)
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    section = (
        "## Classification\n\n"
        f"- command: `{COMMAND}`\n"
        f"- date: {now}\n"
        f"- machine: {machine()}, load average {load()}\n"
        f"- workload: the {n} tickets of tests/corpus (dev + holdout), one process, best of 3 rounds; "
        f"classifier {CLASSIFIER_VERSION}\n"
        f"- result: **{wall:,.0f} classifications/s** (wall clock), {cpu:,.0f}/s per CPU second; "
        "goal ≥ 2,000/s on one core\n"
    )
    print(section)
    if not args.no_write:
        write_section(ROOT / "BENCHMARKS.md", section)
    return 0


if __name__ == "__main__":
    sys.exit(main())
