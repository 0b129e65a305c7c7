"""`goodwill fair-use import FILE.csv`: the monthly usage export, all rows or none.

Every row is validated first; any bad row → one line per bad row on stderr ("FILE: line N: …"),
exit 2, nothing stored. Otherwise all rows are stored in one transaction (customer+months already
stored are skipped, so importing the same file twice creates nothing new) and the months over the
limit are queued. The file is streamed twice (validate, then store in batches), never held whole:
memory stays bounded whatever its size (docs/fair-use.md).
"""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path
from typing import TextIO

from worker.intake.usage_reports import check_csv_file, current_month, import_csv_file

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
    month = current_month(datetime.now(TEAM_TZ))
    check = check_csv_file(path, month)  # first pass: validate only
    if check.errors:
        for line in check.errors:
            print(f"{path}: {line}", file=err)
        print(f"{path}: {len(check.errors)} bad row(s); nothing imported", file=err)
        return EXIT_BAD_INPUT
    upgrade(settings.db_url)
    done = import_csv_file(settings.db_url, path, month, check, origin=f"csv:{path.name}")  # second pass: store
    for row in done.conflicts:
        print(
            f"{path}: line {row.line}: customer {row.report.customer_key} {row.report.month} is already "
            "stored with other values; the stored ones are kept",
            file=err,
        )
    queued = done.queued
    unqueued = _enqueue_all(settings, queued)
    print(
        f"{path}: {done.rows} rows: {done.new} new ({len(queued)} over the limit, queued; "
        f"{done.new - len(queued)} within the limit), {done.rows - done.new} already stored",
        file=out,
    )
    if unqueued:
        print(f"{path}: the queue is not reachable; the inbox sweeper will queue {unqueued} row(s)", file=err)
    return 0
