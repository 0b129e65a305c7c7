"""Helpers for the trial and verdict tests: the demo's tickets decided through the pipeline, table hashes, a candidate pack."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import inspect, text

from policies.pack.loader import PACK_DIR, load_pack
from worker.bootstrap import Runtime
from worker.cli.demo import SAMPLES, build_seed
from worker.intake.inbox import store_event
from worker.store.db import get_engine
from worker.triage import process as pipeline

EXTENSION_TICKET = 1005  # the demo's first program extension (K-EXT-1: the end date moves by extension.weeks)


def demo_seed(today: date) -> dict[str, Any]:
    """The ten tickets `goodwill demo` sends, with their contacts (worker/cli/samples/demo.json)."""
    return build_seed(json.loads(SAMPLES.read_text(encoding="utf-8")), today, load_pack("goodwill").ac_fields)


def deliver(rt: Runtime, number: int, event: str = "ticket_started", message_id: str | None = None) -> int:
    raw = json.dumps({"number": number, "id": message_id}).encode()
    return store_event(rt.settings.db_url, event=event, ticket_number=number, message_id=message_id, raw=raw).inbox_id


def decide_all(rt: Runtime, seed: dict[str, Any]) -> list[int]:
    """Every seeded ticket through the real pipeline (ticket_started); returns the ticket numbers."""
    numbers = [int(t["number"]) for t in seed["groove"]["tickets"]]
    for n in numbers:
        assert pipeline.process(rt, deliver(rt, n)) == "done"
    return numbers


def six_week_pack(folder: Path) -> Path:
    """A candidate pack: the goodwill pack with extension.weeks = 6 (and its own version)."""
    raw = (PACK_DIR / "goodwill.toml").read_text(encoding="utf-8")
    assert "\nweeks = 4\n" in raw and '\nversion = "' in raw
    lines = []
    for line in raw.splitlines():
        if line.startswith("version = "):
            line = 'version = "2026.12-six-weeks"'
        elif line.strip() == "weeks = 4":
            line = "weeks = 6"
        lines.append(line)
    path = folder / "six-weeks.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def table_hashes(db_url: str) -> dict[str, tuple[int, str]]:
    """Row count and a hash of every row of every table: equal before and after means no row changed."""
    engine = get_engine(db_url)
    out: dict[str, tuple[int, str]] = {}
    with engine.connect() as conn:
        for table in sorted(inspect(conn).get_table_names()):
            # Sorted here, not by SQL: PostgreSQL cannot ORDER BY a json column.
            rows = sorted(repr(tuple(map(str, r))) for r in conn.execute(text(f'SELECT * FROM "{table}"')).all())
            out[table] = (len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest())
    return out
