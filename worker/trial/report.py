"""The trial's report: a JSON summary (`goodwill trial --json`) and the same as German HTML.

The HTML is one self-contained file (inline CSS, nothing loaded from elsewhere, no JavaScript);
every value is escaped by Jinja's autoescape, and the notes — our own HTML quoting customer text —
go through the UI's allow-list cleaner (worker/web/ui/sanitize.py) before they are shown side by side.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from policies.dates import format_de
from policies.render import labels as de
from worker.trial.run import Item, Trial
from worker.web.ui.sanitize import clean_html

TEMPLATES = Path(__file__).resolve().parent.parent / "web" / "templates"
TEMPLATE = "trial_report.html"


def _counts(items: list[Item], key: Any) -> list[dict[str, Any]]:
    old = Counter(key(i.old) for i in items)
    new = Counter(key(i.new) for i in items if i.new is not None)
    keys = sorted(set(old) | set(new), key=lambda k: (-(old[k] + new[k]), str(k)))
    return [{"key": k, "old": old[k], "new": new[k], "diff": new[k] - old[k]} for k in keys]


def summarize(trial: Trial) -> dict[str, Any]:
    """Old vs new decision counts, every changed decision with both notes, the readers' disagreements."""
    replayed = [i for i in trial.items if i.new is not None]
    changed = [i for i in replayed if i.changed or i.note_changed]
    errors = [i for i in trial.items if i.new is None]
    disagree = [i for i in trial.items if i.readers_disagree]
    pairs = _counts(replayed, lambda s: (s.request_type, s.outcome))
    return {
        "source": trial.source,
        "since": trial.since.isoformat(),
        "until": trial.until.isoformat(),
        "pack": trial.pack,
        "started_at": trial.started_at.isoformat(),
        "finished_at": trial.finished_at.isoformat() if trial.finished_at else None,
        "seconds": round(trial.seconds, 3),
        "totals": {
            "decisions": len(trial.items) + len(trial.not_replayable),
            "replayed": len(replayed),
            "changed": sum(1 for i in changed if i.changed),
            "note_only": sum(1 for i in changed if not i.changed),
            "unchanged": len(replayed) - len(changed),
            "not_replayable": len(trial.not_replayable),
            "errors": len(errors),
            "readers_disagree": len(disagree),
            "resumed": trial.resumed,
        },
        "counts": {
            "request_type": _counts(replayed, lambda s: s.request_type),
            "outcome": _counts(replayed, lambda s: s.outcome),
            "pairs": [
                {"request_type": p["key"][0], "outcome": p["key"][1], **{k: p[k] for k in ("old", "new", "diff")}}
                for p in pairs
            ],
        },
        "changed": [
            {
                "decision_id": i.decision_id,
                "ticket_number": i.ticket_number,
                "decided_on": i.decided_on,
                "kind": "decision" if i.changed else "note",
                "old": i.old.to_dict(),
                "new": i.new.to_dict() if i.new else None,
            }
            for i in changed
        ],
        "disagreements": [
            {
                "decision_id": i.decision_id,
                "ticket_number": i.ticket_number,
                "decided_on": i.decided_on,
                "reading": (i.new.reading if i.new else None) or i.old.reading,
            }
            for i in disagree
        ],
        "not_replayable": [{"decision_id": d, "ticket_number": t} for d, t in trial.not_replayable],
        "errors": [{"decision_id": i.decision_id, "ticket_number": i.ticket_number, "error": i.error} for i in errors],
    }


def _day(iso: str | None) -> str:
    """'2026-11-23' → '23.11.2026' (the team's way of writing a date)."""
    try:
        return format_de(date.fromisoformat(str(iso)[:10])) if iso else "–"
    except ValueError:
        return str(iso)


def _environment() -> Environment:
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(["html"]))
    env.globals.update(de=de, label=de.label, clean=clean_html)
    env.filters["day"] = _day
    return env


def render_html(summary: dict[str, Any]) -> str:
    """The German report page (self-contained, escaped)."""
    return _environment().get_template(TEMPLATE).render(s=summary)
