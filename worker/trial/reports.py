"""Trial reports kept in the data directory (`<GOODWILL_DATA_DIR>/trials/`), for the web UI's Probelauf page.

Each run writes `trial-<UTC time>-<source>.json` (the summary) and `.html` (the report) next to each
other; nothing goes into the database, so a trial changes no row. The page lists the newest first.
"""

from __future__ import annotations

import json
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

KEEP = 50  # the page lists this many; older files stay on disk until someone removes them
_NAME = re.compile(r"^trial-\d{8}-\d{6}-[a-z]+-[0-9a-f]{6}$")


def reports_dir(data_dir: Path) -> Path:
    return data_dir / "trials"


def save_report(data_dir: Path, summary: dict[str, Any], html: str, *, now: datetime | None = None) -> Path:
    """Write the summary and the HTML; returns the HTML's path."""
    folder = reports_dir(data_dir)
    folder.mkdir(parents=True, exist_ok=True)
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%d-%H%M%S")
    name = f"trial-{stamp}-{summary.get('source', 'records')}-{secrets.token_hex(3)}"
    (folder / f"{name}.json").write_text(json.dumps(summary, ensure_ascii=False), encoding="utf-8")
    path = folder / f"{name}.html"
    path.write_text(html, encoding="utf-8")
    return path


@dataclass(frozen=True)
class StoredReport:
    name: str
    summary: dict[str, Any]

    @property
    def totals(self) -> dict[str, Any]:
        return dict(self.summary.get("totals") or {})


def list_reports(data_dir: Path, limit: int = KEEP) -> list[StoredReport]:
    """The newest reports first (a summary that cannot be read is left out)."""
    folder = reports_dir(data_dir)
    if not folder.is_dir():
        return []
    out: list[StoredReport] = []
    for path in sorted(folder.glob("trial-*.json"), reverse=True):
        if not _NAME.match(path.stem):
            continue
        try:
            out.append(StoredReport(path.stem, json.loads(path.read_text(encoding="utf-8"))))
        except (OSError, ValueError):
            continue
        if len(out) >= limit:
            break
    return out


def report_html(data_dir: Path, name: str) -> str | None:
    """The stored HTML of one report, or None (also for a name that is not a report's)."""
    if not _NAME.match(name):
        return None
    path = reports_dir(data_dir) / f"{name}.html"
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        return None
