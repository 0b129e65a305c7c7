"""The UI's view of the German labels (policies/render/labels.py) and its date formats.

Templates read `L.REQUEST_TYPES`, `L.OUTCOMES`, …: the names below are the tables of
`policies.render.labels`, not copies; identifiers stay English in the database.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from policies.render import labels as de
from policies.render.labels import label

TEAM_TZ = ZoneInfo(os.environ.get("GOODWILL_TIMEZONE", "Europe/Berlin"))  # = worker.bootstrap.TEAM_TZ

REQUEST_TYPES = de.REQUEST_TYPE
OUTCOMES = de.OUTCOME_TITLE  # badges and filters: capitalised, "Eskalieren"
ACTION_STATES = de.ACTION_STATE
REVIEW_STATUS = de.REVIEW_STATUS
INBOX_STATUS = de.INBOX_STATUS
ROLES = de.ROLE
MODES = de.MODE
FIELD_LABELS = de.FIELD
ESCALATION_TARGETS = de.ESCALATION_TARGET
ALTERNATIVE_LABELS = de.ALTERNATIVE
MEASURES = de.MEASURE
VERDICTS = de.VERDICT
VERDICT_SOURCES = de.VERDICT_SOURCE
READY, NOT_READY, READINESS_NOTE, NO_SECOND_READER = de.READY, de.NOT_READY, de.READINESS_NOTE, de.NO_SECOND_READER

__all__ = [
    "ACTION_STATES",
    "ALTERNATIVE_LABELS",
    "ESCALATION_TARGETS",
    "FIELD_LABELS",
    "INBOX_STATUS",
    "MEASURES",
    "MODES",
    "NOT_READY",
    "NO_SECOND_READER",
    "OUTCOMES",
    "READINESS_NOTE",
    "READY",
    "REQUEST_TYPES",
    "REVIEW_STATUS",
    "ROLES",
    "TEAM_TZ",
    "VERDICTS",
    "VERDICT_SOURCES",
    "fmt_date",
    "fmt_datetime",
    "fmt_duration",
    "label",
    "local",
]


def local(dt: datetime | None) -> datetime | None:
    if dt is None:
        return None
    if dt.tzinfo is None:  # SQLite gives naive UTC
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(TEAM_TZ)


def fmt_datetime(dt: datetime | None) -> str:
    d = local(dt)
    return d.strftime("%d.%m.%Y %H:%M") if d else "–"


def fmt_date(d: date | datetime | None) -> str:
    if d is None:
        return "–"
    if isinstance(d, datetime):
        d = local(d)
    return d.strftime("%d.%m.%Y")  # type: ignore[union-attr]


def fmt_duration(seconds: float | None) -> str:
    """'45 s', '12 min', '3 h 20 min', '2 T 4 h' — how the team reads waiting and response times."""
    if seconds is None:
        return "–"
    s = round(seconds)
    if s < 60:
        return f"{s} s"
    if s < 3600:
        return f"{s // 60} min"
    if s < 86400:
        h, m = divmod(s // 60, 60)
        return f"{h} h {m} min" if m else f"{h} h"
    d, h = divmod(s // 3600, 24)
    return f"{d} T {h} h" if h else f"{d} T"
