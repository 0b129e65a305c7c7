"""`goodwill verdicts export FILE [--split train|test]`: the team's verdicts as labelled cases (docs/trial.md).

One JSON line per decision with a verdict (the latest verdict counts), in the CASE corpus format of
tests/corpus/cases/*.jsonl: `id`, `today`, `ticket`, `customer` (the decision's recorded inputs, as
CASE.json: policies/offline/inputs.py `as_case`) and `label` (what the person said was right; for
"Stimmt", the worker's own decision), plus a `verdict` block saying who said so and where.

The split is the corpus rule (tests/corpus/split.py: SHA-256 % 5 == 0 → test) applied to the key
`verdict-t<ticket number>`: it depends on nothing but the ticket, so every decision and verdict of one
ticket (a reply decides the ticket again) lands in the same split, on every run; a verdict is never
in both. Decisions recorded before their inputs were kept cannot be exported and are counted.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select

from policies.offline.inputs import as_case, is_replayable
from worker.store.db import session_scope
from worker.store.models import DecisionRecord
from worker.store.verdicts import AGREE, latest_verdicts

SPLITS = ("train", "test")


def split_key(ticket_number: int) -> str:
    return f"verdict-t{ticket_number}"


def split_of(ticket_number: int) -> str:
    """train or test, from the ticket number alone (the corpus rule on `split_key`)."""
    digest = int(hashlib.sha256(split_key(ticket_number).encode()).hexdigest(), 16)
    return "test" if digest % 5 == 0 else "train"


def case_id(ticket_number: int, decision_id: int) -> str:
    return f"verdict-t{ticket_number}-d{decision_id}"


@dataclass(frozen=True)
class ExportResult:
    written: int
    skipped_not_replayable: int
    other_split: int
    by_split: dict[str, int]


def _label(rec: DecisionRecord, verdict: Any) -> dict[str, Any]:
    if verdict.verdict == AGREE:
        request_type, outcome = rec.request_type, rec.outcome
    else:
        request_type = verdict.right_type or rec.request_type
        outcome = verdict.right_outcome or rec.outcome
    same = (request_type, outcome) == (rec.request_type, rec.outcome)
    return {
        "request_type": request_type,
        "outcome": outcome,
        "abusive": rec.abusive,
        "severity": rec.severity,
        # The worker's alternative and escalation target hold only where the person kept its outcome.
        "alternative": rec.alternative if same else None,
        "escalate_to": rec.escalate_to if same else None,
        "why": verdict.comment or ("Stimmt (Urteil des Teams)" if verdict.verdict == AGREE else "Stimmt nicht"),
    }


def export_rows(db_url: str, split: str | None = None) -> tuple[list[dict[str, Any]], ExportResult]:
    """The labelled cases, sorted by id, and what was left out."""
    rows: list[dict[str, Any]] = []
    skipped = other = 0
    by_split = {name: 0 for name in SPLITS}
    with session_scope(db_url) as s:
        latest = latest_verdicts(s)
        recs = s.scalars(select(DecisionRecord).where(DecisionRecord.id.in_(list(latest)))).all() if latest else []
        for rec in recs:
            if not is_replayable(rec.inputs):
                skipped += 1
                continue
            part = split_of(rec.ticket_number)
            if split is not None and part != split:
                other += 1
                continue
            v = latest[rec.id]
            row = {
                "id": case_id(rec.ticket_number, rec.id),
                **as_case(rec.inputs or {}),
                "label": _label(rec, v),
                "verdict": {
                    "verdict": v.verdict,
                    "source": v.source,
                    "name": v.name,
                    "created_at": v.created_at.isoformat() if v.created_at else None,
                    "decision_id": rec.id,
                    "worker": {"request_type": rec.request_type, "outcome": rec.outcome},
                    "split": part,
                },
            }
            by_split[part] += 1
            rows.append(row)
    rows.sort(key=lambda r: r["id"])
    return rows, ExportResult(len(rows), skipped, other, by_split)


def export_verdicts(db_url: str, path: Path, split: str | None = None) -> ExportResult:
    """Write the JSONL file (one case per line, keys sorted, as the corpus files are)."""
    rows, result = export_rows(db_url, split)
    text = "".join(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n" for r in rows)
    path.write_text(text, encoding="utf-8")
    return result
