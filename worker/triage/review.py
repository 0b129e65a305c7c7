"""Carrying out a human decision on a recorded proposal: a one-click link (assist mode) or an OFD review.

Runs the same exactly-once path as the pipeline (ticket lock, state check before each CRM write)
and posts one short follow-up note on the ticket.
"""

from __future__ import annotations

from policies.render import notes
from policies.vocab import APPLIED_STATES
from worker.bootstrap import Runtime
from worker.store.db import session_scope
from worker.store.locks import exclusive
from worker.store.models import DecisionRecord, utcnow
from worker.store.records import newer_decision_id
from worker.store.verdicts import add_verdict
from worker.triage import apply as applying

REVIEWABLE_STATES = ("awaiting_approval", "proposal")


class ReviewError(ValueError):
    """The decision cannot be reviewed (unknown, already decided the other way, or replaced)."""


class SupersededDecision(ReviewError):
    """A newer decision of the same ticket replaced this one: only the ticket's current decision is carried out."""

    def __init__(self, decision_id: int, newer_id: int) -> None:
        super().__init__(f"decision {decision_id} was replaced by the newer decision {newer_id} of its ticket")
        self.decision_id, self.newer_id = decision_id, newer_id


def _follow_up(rec: DecisionRecord, verb: str, actor: str, comment: str | None) -> str:
    applied = [a for a in rec.actions if a.state in APPLIED_STATES]
    return notes.review_follow_up(verb == "apply", actor, applied, comment, review_marker(rec.id))


def review_marker(decision_id: int) -> str:
    return f"[gw:{decision_id}:review]"


def carry_out(
    rt: Runtime, decision_id: int, verb: str, actor: str, comment: str | None = None, via: str | None = None
) -> str:
    """Apply or reject a decision's proposed changes once. Returns the review status.

    `via` is where the person decided ("ofd" for the OFD page; None: the one-click link). A reject
    also records the person's verdict on the decision (worker/store/verdicts.py)."""
    if verb not in ("apply", "reject"):
        raise ReviewError(f"unknown verb {verb!r}")
    with session_scope(rt.settings.db_url) as s:
        rec = s.get(DecisionRecord, decision_id)
        if rec is None:
            raise ReviewError(f"decision {decision_id} does not exist")
        ticket_number = rec.ticket_number
    with exclusive(rt.settings.db_url, rt.settings.data_dir, f"ticket:{ticket_number}"):
        with session_scope(rt.settings.db_url) as s:
            rec = s.get(DecisionRecord, decision_id)
            assert rec is not None
            # Checked under the ticket lock: a link clicked just before a newer decision landed.
            newer = newer_decision_id(s, rec)
            if newer is not None:
                raise SupersededDecision(decision_id, newer)
            wanted = "applied" if verb == "apply" else "rejected"
            if rec.review_status not in (None, wanted):
                raise ReviewError(f"decision {decision_id} was already {rec.review_status} ({rec.reviewed_by})")
            if rec.review_status is None:
                rec.review_status, rec.reviewed_by, rec.review_comment = wanted, actor, comment
                rec.reviewed_at = utcnow()
                if verb == "reject":
                    for a in rec.actions:
                        if a.state in REVIEWABLE_STATES:
                            a.state, a.result = "rejected", f"rejected by {actor}"
                    source = "ofd" if via == "ofd" or rec.outcome == "escalate" else "assist_reject"
                    add_verdict(
                        s,
                        decision_id,
                        "disagree",
                        source=source,
                        right_type=rec.request_type,
                        right_outcome="deny",
                        comment=comment,
                        name=actor,
                    )
        if verb == "apply":
            applying.apply_pending(rt, decision_id, None, states=REVIEWABLE_STATES)
            with session_scope(rt.settings.db_url) as s:
                rec = s.get(DecisionRecord, decision_id)
                assert rec is not None
                if rec.outcome != "approve":  # an escalated case approved by its reviewer
                    rec.output = {**(rec.output or {}), "approved_by_review": True}
        with session_scope(rt.settings.db_url) as s:
            rec = s.get(DecisionRecord, decision_id)
            assert rec is not None
            body = _follow_up(rec, verb, actor, comment)
        applying.post_once(rt, ticket_number, review_marker(decision_id), body)
        applying.record_outcome(rt, decision_id)
    return wanted
