"""Shared by the bench/ scripts: the machine description, percentiles, BENCHMARKS.md sections."""

from __future__ import annotations

import contextlib
import math
import os
import platform
import re
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCHMARKS = ROOT / "BENCHMARKS.md"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# The same process and port helpers as the tests (the benches start the same real processes).
from tests.procs import free_port, start_goodwill, stop, wait_for_port  # noqa: E402,F401 - re-exported


def machine() -> str:
    """Cores (nproc), memory (/proc/meminfo), CPU model, Python, and how busy the machine was."""
    mem, cpu = "?", platform.processor() or "?"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        nproc = subprocess.run(["nproc"], capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        nproc = str(os.cpu_count())
    return f"nproc {nproc}, memory {mem}, CPU {cpu}, Python {platform.python_version()}"


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} / {five:.2f} / {fifteen:.2f}"


def now_utc() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100); NaN for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, math.ceil(p / 100 * len(ordered)) - 1))
    return ordered[k]


def write_section(title: str, body: str, path: Path = BENCHMARKS) -> None:
    """Replace the section `## <title>` of BENCHMARKS.md (up to the next `## `), or append it.

    Other sections (other benches, other engineers) are kept as they are.
    """
    section = f"## {title}\n\n{body.strip()}\n\n"
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n\n"
    pattern = re.compile(rf"^## {re.escape(title)}\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(text):
        text = pattern.sub(lambda _: section, text)
    else:
        text = text.rstrip("\n") + "\n\n" + section
    path.write_text(text.rstrip("\n") + "\n", encoding="utf-8")


def profile_pids(pids: list[int], seconds: float, raw_out: Path, top: int = 12, focus: str | None = None) -> str:
    """Sample the given processes with py-spy for `seconds` and summarise where the time goes.

    Returns markdown: the functions with the most samples on the stack (inclusive) and at the top
    of the stack (self), as a share of all samples. The raw collapsed stacks are kept in `raw_out`
    (flamegraph input). Empty string when py-spy is not available. With `focus` (a function name),
    the inclusive table breaks down the samples under that function (e.g. the webhook view).
    """
    import shutil
    from collections import Counter

    spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    if not Path(spy).exists():
        return ""
    raw_out.parent.mkdir(parents=True, exist_ok=True)
    procs, files = [], []
    for pid in pids:
        f = raw_out.with_name(f"{raw_out.stem}.{pid}{raw_out.suffix}")
        files.append(f)
        procs.append(
            subprocess.Popen(
                [
                    spy,
                    "record",
                    "--pid",
                    str(pid),
                    "--duration",
                    str(int(seconds)),
                    "--format",
                    "raw",
                    "--nonblocking",
                    "--rate",
                    "200",
                    "-o",
                    str(f),
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
    for p in procs:
        p.wait(seconds + 60)
    inclusive: Counter[str] = Counter()
    leaf: Counter[str] = Counter()
    total = focused = 0
    lines: list[str] = []
    for f in files:
        if not f.exists():
            continue
        for line in f.read_text(encoding="utf-8", errors="replace").splitlines():
            stack, _, count = line.rpartition(" ")
            if not count.isdigit():
                continue
            n = int(count)
            frames = [
                fr.split(" (")[0] + " (" + fr.split(" (")[-1].split(":")[0] + ")" if " (" in fr else fr
                for fr in stack.split(";")
            ]
            total += n
            leaf[frames[-1]] += n
            if focus is not None:
                at = next((i for i, fr in enumerate(frames) if fr.startswith(focus + " (")), None)
                if at is None:
                    continue
                focused += n
                frames = frames[at + 1 :]
            for fr in set(frames):
                inclusive[fr] += n
        lines.append(f.read_text(encoding="utf-8", errors="replace"))
    raw_out.write_text(_top_stacks("".join(lines)), encoding="utf-8")
    for f in files:
        f.unlink(missing_ok=True)
    if not total:
        return ""

    def table(counter: Counter[str], skip_roots: bool, base: int) -> str:
        rows = []
        for name, n in counter.most_common():
            if skip_roots and focus is None and n / base > 0.97:  # process roots say nothing
                continue
            rows.append(f"| {n / base:5.1%} | `{name}` |")
            if len(rows) == top:
                break
        return "| share of samples | function (file) |\n| ---: | --- |\n" + "\n".join(rows)

    return (
        f"py-spy, {total:,} samples over {seconds:.0f} s of {len(pids)} process(es); raw stacks (the 150 most sampled): "
        f"`{raw_out.relative_to(ROOT) if raw_out.is_relative_to(ROOT) else raw_out}`\n\n"
        + (
            f"Under `{focus}` ({focused / total:.0%} of all samples), share of its samples:\n\n"
            f"{table(inclusive, True, focused)}"
            if focus and focused
            else f"Inclusive (on the stack):\n\n{table(inclusive, True, total)}"
        )
        + f"\n\nSelf (top of the stack), share of all samples:\n\n{table(leaf, False, total)}\n"
    )


def _top_stacks(raw: str, keep: int = 150) -> str:
    """The `keep` most sampled collapsed stacks (flamegraph input), so the kept file stays small."""
    from collections import Counter

    counts: Counter[str] = Counter()
    for line in raw.splitlines():
        stack, _, n = line.rpartition(" ")
        if n.isdigit():
            counts[stack] += int(n)
    return "".join(f"{stack} {n}\n" for stack, n in counts.most_common(keep))


def fresh_postgres_database(prefix: str) -> tuple[str, str]:
    """CREATE a new database next to TEST_POSTGRES_URL (default: local `test`); returns (url, admin url)."""
    import uuid

    import psycopg

    admin = os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin.replace("+psycopg", ""), autocommit=True, connect_timeout=5) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"{admin.rsplit('/', 1)[0]}/{name}", admin


def drop_postgres_database(url: str, admin: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(admin.replace("+psycopg", ""), autocommit=True, connect_timeout=5) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def start_redis(workdir: Path) -> tuple[subprocess.Popen[bytes], str]:
    """A private redis-server configured like production (AOF, appendfsync everysec, noeviction)."""
    port = free_port()
    workdir.mkdir(parents=True, exist_ok=True)
    proc = subprocess.Popen(
        [
            "redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--dir",
            str(workdir),
            "--save",
            "",
            "--appendonly",
            "yes",
            "--appendfsync",
            "everysec",
            "--maxmemory-policy",
            "noeviction",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_for_port(port)
    return proc, f"redis://127.0.0.1:{port}/0"


def stop_tree(proc: subprocess.Popen[bytes], timeout: float = 20) -> None:
    stop(proc, timeout=timeout)


def tree_pss(pid: int) -> int:
    """Proportional set size of a process tree, in bytes: pages shared after fork are counted once
    (RSS counts them in every process). 0 where /proc/PID/smaps_rollup cannot be read."""
    import psutil

    try:
        root = psutil.Process(pid)
        procs = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0
    total = 0
    for p in procs:
        with contextlib.suppress(psutil.NoSuchProcess, psutil.AccessDenied, AttributeError):
            total += p.memory_full_info().pss
    return total


def tree_rss(pid: int) -> tuple[int, dict[int, int]]:
    """Resident memory of a process and all its descendants: (sum, per pid), in bytes."""
    import psutil

    try:
        root = psutil.Process(pid)
        procs = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0, {}
    per: dict[int, int] = {}
    for p in procs:
        with contextlib.suppress(psutil.NoSuchProcess):
            per[p.pid] = p.memory_info().rss
    return sum(per.values()), per
