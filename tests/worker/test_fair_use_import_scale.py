"""`goodwill fair-use import` streams the file: 100,000 rows in bounded memory, still all rows or none.

The import runs as a real process; a small parent process reports its peak RSS
(`resource.getrusage(RUSAGE_CHILDREN)`: the largest child it waited for, and it waits for only this one).
docs/fair-use.md states the bound. The 100,000-row runs take 25–40 s on a CI machine: `slow`; the
CI run checks that the peak hardly grows from 2,000 to 20,000 rows (before: about 8.5 KB a row).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from tests.conftest import ROOT
from worker.config import load_settings
from worker.store.db import session_scope, upgrade
from worker.store.models import InboxEvent, UsageMonthRecord

HEADER = "customer_id,email,month,usage_gb,limit_gb,products,migration_refused,migration_impossible\n"
PEAK_RSS_BOUND_MB = 200  # generous: the import measured well below (docs/fair-use.md)

_MEASURED = """
import json, resource, subprocess, sys, time
started = time.monotonic()
done = subprocess.run([sys.executable, "-m", "worker.cli", "fair-use", "import", sys.argv[1]], capture_output=True, text=True)
print(json.dumps({"rc": done.returncode, "out": done.stdout, "err": done.stderr[-2000:],
                  "peak_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
                  "seconds": time.monotonic() - started}))
"""


def export(path: Path, rows: int, *, over_every: int = 1000, bad_line: int | None = None) -> Path:
    """`rows` customers in 2026-10; every `over_every`-th one over the limit (queued), the others within it."""
    with path.open("w", encoding="utf-8", newline="") as fh:
        fh.write(HEADER)
        for n in range(1, rows + 1):
            line = n + 1
            usage = "312.5" if n % over_every == 0 else "80"
            month = "2026-13" if line == bad_line else "2026-10"
            fh.write(f"K{n:07d},kunde{n}@example.ch,{month},{usage},200,Mobile Flat|Mobile-TV,,\n")
    return path


def run_import(path: Path) -> dict:  # type: ignore[type-arg]
    done = subprocess.run(
        [sys.executable, "-c", _MEASURED, str(path)],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=ROOT,
        env={**os.environ},
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def counts(db_url: str) -> tuple[int, int]:
    with session_scope(db_url) as s:
        return (
            int(s.scalar(select(func.count()).select_from(InboxEvent)) or 0),
            int(s.scalar(select(func.count()).select_from(UsageMonthRecord)) or 0),
        )


@pytest.mark.slow
def test_a_hundred_thousand_row_export_is_imported_in_bounded_memory(base_env, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    settings = load_settings()
    upgrade(settings.db_url)
    path = export(tmp_path / "usage-2026-10.csv", 100_000)
    started = time.monotonic()
    result = run_import(path)
    print(
        f"fair-use import of 100,000 rows: peak RSS {result['peak_mb']:.0f} MB, {result['seconds']:.1f} s "
        f"(test {time.monotonic() - started:.1f} s)"
    )
    assert result["rc"] == 0, result["err"]
    assert (
        "100000 rows: 100000 new (100 over the limit, queued; 99900 within the limit), 0 already stored"
        in (result["out"])
    ), result
    assert counts(settings.db_url) == (100_000, 100_000)
    assert result["peak_mb"] < PEAK_RSS_BOUND_MB, result


@pytest.mark.slow
def test_a_bad_last_row_of_a_hundred_thousand_stores_none_of_them(base_env, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    settings = load_settings()
    upgrade(settings.db_url)
    path = export(tmp_path / "usage.csv", 100_000, bad_line=100_001)
    result = run_import(path)
    assert result["rc"] == 2, result
    assert result["err"].splitlines() == [
        f"{path}: line 100001: month: '2026-13' is not a month (expected YYYY-MM)",
        f"{path}: 1 bad row(s); nothing imported",
    ]
    assert counts(settings.db_url) == (0, 0)
    assert result["peak_mb"] < PEAK_RSS_BOUND_MB, result


def test_the_imports_peak_memory_hardly_grows_from_two_thousand_to_twenty_thousand_rows(
    base_env, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    settings = load_settings()
    upgrade(settings.db_url)
    small = run_import(export(tmp_path / "small.csv", 2_000))
    big = run_import(export(tmp_path / "big.csv", 20_000))
    assert small["rc"] == big["rc"] == 0, (small, big)
    print(f"fair-use import peak RSS: 2,000 rows {small['peak_mb']:.0f} MB, 20,000 rows {big['peak_mb']:.0f} MB")
    assert counts(settings.db_url) == (20_000, 20_000)  # the small file's customers are the big one's first
    assert big["peak_mb"] - small["peak_mb"] < 25, (small["peak_mb"], big["peak_mb"])  # before: about 150 MB more
    assert big["peak_mb"] < PEAK_RSS_BOUND_MB


@pytest.mark.parametrize("db", ["sqlite", "postgresql"])
def test_a_failure_while_storing_a_later_batch_stores_none_of_the_file(
    base_env, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest, db: str, capsys
) -> None:  # type: ignore[no-untyped-def]
    """Rows are written in batches inside ONE transaction: a failure in the third batch rolls back the first two."""
    from worker.cli.main import main

    if db == "postgresql":
        from tests.support import reset_schema

        url = request.getfixturevalue("postgres_url")
        reset_schema(url)
        monkeypatch.setenv("DATABASE_URL", url)
    settings = load_settings()
    upgrade(settings.db_url)
    # A usage row for customer 2500's month without its inbox row (an inconsistent database): the
    # file's row 2500 passes validation, and its INSERT fails on the unique (customer_key, month).
    with session_scope(settings.db_url) as s:
        inbox = InboxEvent(dedup_key="elsewhere", source="fair_use", event="usage_overrun", payload="{}")
        s.add(inbox)
        s.flush()
        s.add(
            UsageMonthRecord(
                customer_key="K0002500", month="2026-10", usage_gb=1, limit_gb=2, products=[],
                migration_refused=False, migration_impossible=False, origin="test", inbox_event_id=inbox.id,
            )
        )  # fmt: skip
    path = export(tmp_path / "usage.csv", 3_000)
    with pytest.raises(IntegrityError):
        main(["fair-use", "import", str(path)])
    capsys.readouterr()
    assert counts(settings.db_url) == (1, 1)  # only the row put there before
