"""Reading and writing decision rows: the durable plan a retried task resumes from."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from policies.model import Action, Decision, Evidence
from policies.vocab import APPLIED_STATES, ActionState
from worker.store.models import ActionRecord, DecisionRecord


def decision_from_record(rec: DecisionRecord) -> Decision:
    """Rebuild the policy's Decision from a stored row (for change notes and re-application)."""
    out: dict[str, Any] = rec.output or {}
    return Decision(
        request_type=rec.request_type,
        outcome=rec.outcome,
        abusive=rec.abusive,
        severity=rec.severity,
        alternative=rec.alternative,
        escalate_to=rec.escalate_to,
        measure=rec.measure,
        clauses=tuple(rec.clauses or ()),
        actions=tuple(Action.from_dict(a) for a in out.get("actions", [])),
        note=rec.note,
        evidence=tuple(Evidence(e["label"], e["text"]) for e in rec.evidence or ()),
        facts=dict(rec.facts or {}),
        pack_id=rec.pack_id,
        pack_version=rec.pack_version,
        confidence=float(out.get("confidence", 1.0)),
    )


def new_decision_record(
    *, inbox_event_id: int, ticket_number: int, email: str | None, decision: Decision, mode: str, today: date
) -> DecisionRecord:
    return DecisionRecord(
        inbox_event_id=inbox_event_id,
        ticket_number=ticket_number,
        customer_email=email,
        request_type=decision.request_type,
        outcome=decision.outcome,
        alternative=decision.alternative,
        escalate_to=decision.escalate_to,
        measure=decision.measure,
        abusive=decision.abusive,
        severity=decision.severity,
        clauses=list(decision.clauses),
        evidence=[{"label": e.label, "text": e.text} for e in decision.evidence],
        # The readers' verdicts sit with the facts, where the UI and readiness figures read them.
        facts={**decision.facts, "reading": decision.reading} if decision.reading is not None else decision.facts,
        uncertain=decision.uncertain,
        output=decision.to_dict(),
        note=decision.note,
        fingerprint=decision.fingerprint,
        mode=mode,
        pack_id=decision.pack_id,
        pack_version=decision.pack_version,
        decided_on=today,
    )


def action_record(decision_id: int, action: Action, state: str) -> ActionRecord:
    return ActionRecord(
        decision_id=decision_id,
        idempotency_key=f"decision:{decision_id}:{action.key}",
        system=action.system,
        op=action.op,
        tag=action.tag,
        field=action.field,
        value=action.value,
        state=state,
    )


def record_for_event(s: Session, inbox_id: int) -> DecisionRecord | None:
    return s.scalars(
        select(DecisionRecord)
        .options(selectinload(DecisionRecord.actions))
        .where(DecisionRecord.inbox_event_id == inbox_id)
    ).one_or_none()


def earlier_records_for_ticket(s: Session, ticket_number: int, before_id: int | None = None) -> list[DecisionRecord]:
    q = (
        select(DecisionRecord)
        .options(selectinload(DecisionRecord.actions))
        .where(DecisionRecord.ticket_number == ticket_number)
        .order_by(DecisionRecord.id)
    )
    if before_id is not None:
        q = q.where(DecisionRecord.id < before_id)
    return list(s.scalars(q).all())


def applied_actions(records: list[DecisionRecord]) -> list[ActionRecord]:
    return [a for r in records for a in r.actions if a.state in APPLIED_STATES]


# States of actions that still wait for a person or the pipeline: a newer decision cancels them.
OPEN_ACTION_STATES = (ActionState.PENDING, ActionState.AWAITING_APPROVAL, ActionState.PROPOSAL)


def current_decision_id(s: Session, ticket_number: int) -> int | None:
    """The ticket's current decision: its newest decision record, not counting re-decisions that changed
    nothing ("unchanged": the earlier decision stands, with its actions and its one-click links)."""
    return s.scalar(
        select(func.max(DecisionRecord.id)).where(
            DecisionRecord.ticket_number == ticket_number, DecisionRecord.note_status != "unchanged"
        )
    )


def newer_decision_id(s: Session, rec: DecisionRecord) -> int | None:
    """The decision that replaced `rec` (the ticket's current one), or None when `rec` is current."""
    current = current_decision_id(s, rec.ticket_number)
    return current if current is not None and current > rec.id else None


def supersede_earlier(s: Session, rec: DecisionRecord) -> int:
    """Cancel the open actions of the ticket's earlier decisions: only `rec` may be carried out now.
    Returns how many actions were cancelled."""
    if rec.note_status == "unchanged":
        return 0  # the earlier decision stands
    actions = s.scalars(
        select(ActionRecord)
        .join(DecisionRecord, ActionRecord.decision_id == DecisionRecord.id)
        .where(
            DecisionRecord.ticket_number == rec.ticket_number,
            DecisionRecord.id < rec.id,
            ActionRecord.state.in_(OPEN_ACTION_STATES),
        )
    ).all()
    for a in actions:
        a.state, a.result = ActionState.SUPERSEDED, f"superseded by decision {rec.id}"
    return len(actions)
