"""Agents' verdicts on decisions, and the readiness they add up to (issue 15).

A verdict comes from the note's signed links (source `link`), from a rejected assist-mode proposal
(`assist_reject`) or from a decision changed on the OFD page (`ofd`). A decision may get several
verdicts; the latest one counts. Readiness per request type over the last `READINESS_DAYS` days:
the share of verdicts that agree with the worker, how many verdicts that rests on, and the share
of decisions both readers agreed on (`reading["agreed"]`, when a second reader is there).
A type is "ready for auto" at `READY_SHARE` or more over at least `READY_MIN_VERDICTS` verdicts;
switching it stays a pack change by a person.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from worker.store.db import session_scope
from worker.store.models import DecisionRecord, Verdict

AGREE, DISAGREE = "agree", "disagree"
VERDICTS = (AGREE, DISAGREE)
SOURCES = ("link", "assist_reject", "ofd")
READINESS_DAYS = 14
READY_SHARE = 0.95
READY_MIN_VERDICTS = 30
MAX_NAME = 120
MAX_COMMENT = 2000


class VerdictError(ValueError):
    """A verdict that cannot be recorded as given (unknown decision, verdict or source)."""


def add_verdict(
    s: Session,
    decision_id: int,
    verdict: str,
    *,
    source: str,
    right_type: str | None = None,
    right_outcome: str | None = None,
    comment: str | None = None,
    name: str | None = None,
) -> Verdict:
    """Add a verdict inside the caller's transaction (review.carry_out records its own this way)."""
    if verdict not in VERDICTS:
        raise VerdictError(f"unknown verdict {verdict!r}")
    if source not in SOURCES:
        raise VerdictError(f"unknown source {source!r}")
    row = Verdict(
        decision_id=decision_id,
        verdict=verdict,
        right_type=right_type,
        right_outcome=right_outcome,
        comment=(comment or None) and comment[:MAX_COMMENT],
        name=(name or None) and name[:MAX_NAME],
        source=source,
    )
    s.add(row)
    return row


def record_verdict(db_url: str, decision_id: int, verdict: str, **kwargs: Any) -> int:
    """Record one verdict in its own transaction; returns its id. VerdictError for an unknown decision."""
    with session_scope(db_url) as s:
        if s.get(DecisionRecord, decision_id) is None:
            raise VerdictError(f"decision {decision_id} does not exist")
        row = add_verdict(s, decision_id, verdict, **kwargs)
        s.flush()
        return row.id


def verdicts_for(db_url: str, decision_id: int) -> list[Verdict]:
    """Every verdict on one decision, oldest first."""
    with session_scope(db_url) as s:
        return list(s.scalars(select(Verdict).where(Verdict.decision_id == decision_id).order_by(Verdict.id)).all())


def latest_verdicts(s: Session, decision_ids: list[int] | None = None) -> dict[int, Verdict]:
    """The latest verdict of each decision (of `decision_ids`, or of every decision)."""
    q = select(Verdict).order_by(Verdict.id)
    if decision_ids is not None:
        if not decision_ids:
            return {}
        q = q.where(Verdict.decision_id.in_(decision_ids))
    return {v.decision_id: v for v in s.scalars(q).all()}


@dataclass(frozen=True)
class TypeReadiness:
    request_type: str
    decisions: int  # decisions of this type in the window
    verdicts: int  # of them with a verdict (the latest counts)
    agreed: int  # of those, verdicts that agree with the worker
    readers_known: int  # decisions that carry both readers' verdict (facts["reading"])
    readers_agreed: int  # of those, where the two readers agreed

    @property
    def agreement(self) -> float | None:
        return self.agreed / self.verdicts if self.verdicts else None

    @property
    def readers_share(self) -> float | None:
        return self.readers_agreed / self.readers_known if self.readers_known else None

    @property
    def ready(self) -> bool:
        return self.verdicts >= READY_MIN_VERDICTS and (self.agreement or 0.0) >= READY_SHARE


def readers_agreed(facts: dict[str, Any] | None, output: dict[str, Any] | None = None) -> bool | None:
    """`reading["agreed"]` when the decision carries both readers' verdict (in its facts, or in its output
    as the decision records it), else None: a decision of one reader."""
    for where in (facts, output):
        reading = (where or {}).get("reading")
        if isinstance(reading, dict) and isinstance(reading.get("agreed"), bool):
            return bool(reading["agreed"])
    return None


def readiness(db_url: str, *, now: datetime | None = None, days: int = READINESS_DAYS) -> list[TypeReadiness]:
    """Per request type (most decisions first) over the last `days` days: verdicts and readers' agreement."""
    since = (now or datetime.now(UTC)) - timedelta(days=days)
    with session_scope(db_url) as s:
        rows = s.execute(
            select(DecisionRecord.id, DecisionRecord.request_type, DecisionRecord.facts, DecisionRecord.output).where(
                DecisionRecord.created_at >= since
            )
        ).all()
        latest = latest_verdicts(s, [r[0] for r in rows])
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
    for decision_id, request_type, facts, output in rows:
        c = counts[request_type]
        c[0] += 1
        v = latest.get(decision_id)
        if v is not None:
            c[1] += 1
            c[2] += v.verdict == AGREE
        both = readers_agreed(facts, output)
        if both is not None:
            c[3] += 1
            c[4] += both
    out = [TypeReadiness(t, *c) for t, c in counts.items()]
    return sorted(out, key=lambda r: (-r.decisions, r.request_type))
