"""`goodwill fair-use import FILE.csv`: the monthly usage export, all rows or none.

Every row is validated first; any bad row → one line per bad row on stderr ("FILE: line N: …"),
exit 2, nothing stored. Otherwise all rows are stored in one transaction (customer+months already
stored are skipped, so importing the same file twice creates nothing new) and the months over the
limit are queued.
"""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path
from typing import TextIO

from worker.intake.usage_reports import current_month, read_csv_file, store_reports

EXIT_BAD_INPUT = 2
log = logging.getLogger("goodwill.fairuse")


def _enqueue_all(settings, inbox_ids: list[int]) -> int:  # type: ignore[no-untyped-def]
    """Queue the new overruns; returns how many could not be queued (the sweeper takes them later)."""
    from worker.jobs.celery_app import PROCESS_TASK, make_celery

    if not inbox_ids:
        return 0
    app = make_celery(settings)
    sent: list[int] = []
    try:
        with app.producer_or_acquire() as producer:  # one broker connection for the whole file
            for inbox_id in inbox_ids:
                app.send_task(PROCESS_TASK, args=[inbox_id], producer=producer)
                sent.append(inbox_id)
    except Exception:
        log.warning("enqueue failed after %d of %d rows", len(sent), len(inbox_ids))
    return len(inbox_ids) - len(sent)


def import_csv(path: Path, out: TextIO, err: TextIO) -> int:
    from worker.bootstrap import TEAM_TZ
    from worker.config import load_settings
    from worker.store.db import upgrade

    settings = load_settings()
    rows, errors = read_csv_file(path, current_month(datetime.now(TEAM_TZ)))
    if errors:
        for line in errors:
            print(f"{path}: {line}", file=err)
        print(f"{path}: {len(errors)} bad row(s); nothing imported", file=err)
        return EXIT_BAD_INPUT
    upgrade(settings.db_url)
    stored = store_reports(settings.db_url, [r.report for r in rows], origin=f"csv:{path.name}")
    for row, result in zip(rows, stored):
        if result.conflict:
            print(
                f"{path}: line {row.line}: customer {row.report.customer_key} {row.report.month} is already "
                "stored with other values; the stored ones are kept",
                file=err,
            )
    new = [s for s in stored if not s.duplicate]
    queued = [s.inbox_id for s in new if s.status == "queued"]
    unqueued = _enqueue_all(settings, queued)
    print(
        f"{path}: {len(rows)} rows: {len(new)} new ({len(queued)} over the limit, queued; "
        f"{len(new) - len(queued)} within the limit), {len(rows) - len(new)} already stored",
        file=out,
    )
    if unqueued:
        print(f"{path}: the queue is not reachable; the inbox sweeper will queue {unqueued} row(s)", file=err)
    return 0
