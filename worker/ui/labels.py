"""German labels and date formats for the UI (identifiers stay English in the database)."""
from __future__ import annotations

import os
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from policies.note import ALTERNATIVES, FIELDS, TARGETS

TEAM_TZ = ZoneInfo(os.environ.get("GOODWILL_TIMEZONE", "Europe/Berlin"))  # = worker.runtime.TEAM_TZ

REQUEST_TYPES = {
    "program_extension": "Programm-Verlängerung", "program_pause": "Programm-Pause", "program_return": "Rückgabe",
    "club_pause": "Club-Pause", "club_cancellation": "Club-Austritt", "coach_refund": "Coach-Erstattung",
    "coach_extension": "Coach-Verlängerung", "abuse": "Beleidigung", "fair_use": "Fair Use", "unclear": "Unklar",
    "other": "Sonstiges",
}
OUTCOMES = {
    "approve": "Genehmigen", "offer_alternative": "Alternative anbieten", "deny": "Ablehnen",
    "needs_info": "Info fehlt", "escalate": "Eskalieren", "clarify": "Rückfrage", "no_action": "Kein Kulanzfall",
}
ACTION_STATES = {
    "pending": "ausstehend", "awaiting_approval": "wartet auf Freigabe", "done": "erledigt",
    "already_done": "war schon so", "proposal": "Vorschlag", "rejected": "abgelehnt", "failed": "fehlgeschlagen",
    "unchanged": "unverändert",
}
REVIEW_STATUS = {"applied": "freigegeben", "rejected": "abgelehnt"}
INBOX_STATUS = {"received": "eingegangen", "queued": "wartet", "processing": "in Arbeit", "done": "erledigt",
                "failed": "fehlgeschlagen", "ignored": "ignoriert"}
ROLES = {"agent": "Agent", "lead": "Lead", "admin": "Admin"}
MODES = {"auto": "automatisch", "assist": "mit Freigabe", "shadow": "Schattenmodus"}
FIELD_LABELS = FIELDS
ESCALATION_TARGETS = TARGETS
ALTERNATIVE_LABELS = ALTERNATIVES


def label(mapping: dict[str, str], key: str | None) -> str:
    if key is None:
        return "–"
    return mapping.get(key, key)


def local(dt: datetime | None) -> datetime | None:
    if dt is None:
        return None
    if dt.tzinfo is None:  # SQLite gives naive UTC
        dt = dt.replace(tzinfo=timezone.utc)
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
    s = int(round(seconds))
    if s < 60:
        return f"{s} s"
    if s < 3600:
        return f"{s // 60} min"
    if s < 86400:
        h, m = divmod(s // 60, 60)
        return f"{h} h {m} min" if m else f"{h} h"
    d, h = divmod(s // 3600, 24)
    return f"{d} T {h} h" if h else f"{d} T"
