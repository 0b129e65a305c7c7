"""`goodwill history import --since DATE [--dry-run] [--max-rate N]` (worker/history/importer.py)."""

from __future__ import annotations

from datetime import date
from typing import TextIO


def import_history(since: date, *, dry_run: bool, max_rate: float | None, out: TextIO, err: TextIO) -> int:
    from worker.bootstrap import get_runtime
    from worker.history.importer import HistoryImportFailed, run_import
    from worker.store.db import upgrade

    rt = get_runtime()
    if not dry_run:
        upgrade(rt.settings.db_url)  # the ledger's source columns and the cursor table (migration 0009)
    try:
        run_import(rt, since, dry_run=dry_run, out=out, err=err, max_rate=max_rate)
    except HistoryImportFailed as exc:
        print(f"goodwill: history import stopped: {exc}; run the same command again to resume", file=err)
        return 1
    return 0
