"""Carrying out a human decision on a recorded proposal: a one-click link (assist mode) or an OFD review.

Runs the same exactly-once path as the pipeline (ticket lock, state check before each CRM write)
and posts one short follow-up note on the ticket.
"""
from __future__ import annotations

from html import escape

from worker import apply as applying
from worker.db import session_scope
from worker.locks import exclusive
from worker.models import DecisionRecord, utcnow
from worker.runtime import Runtime

REVIEWABLE_STATES = ("awaiting_approval", "proposal")
FIELD_LABELS = {
    "program_end_date": "Programm-Enddatum", "coach_end_date": "Coach-Enddatum", "pro_end_date": "PRO-Enddatum",
    "club_start_date": "Club-Start", "program_purchase_date": "Kaufdatum", "coach_round_start": "Rundenstart",
}


class ReviewError(ValueError):
    """The decision cannot be reviewed (unknown, or already decided the other way)."""


def _change_lines(rec: DecisionRecord) -> list[str]:
    lines = []
    for a in rec.actions:
        if a.state not in ("done", "already_done"):
            continue
        if a.op == "add_tag":
            lines.append(f"Tag <b>{escape(a.tag or '')}</b> in ActiveCampaign gesetzt")
        elif a.op == "set_field":
            lines.append(f"{FIELD_LABELS.get(a.field or '', a.field)} auf <b>{escape(a.value or '')}</b> gesetzt")
    return lines


def _follow_up(rec: DecisionRecord, verb: str, actor: str, comment: str | None) -> str:
    who = escape(actor)
    parts = []
    if verb == "apply":
        parts.append(f"<p><b>Kulanz-Triage: Freigegeben</b> von {who}.</p>")
        changes = _change_lines(rec)
        if changes:
            parts.append("<ul>" + "".join(f"<li>{c}</li>" for c in changes) + "</ul>")
        else:
            parts.append("<p>In ActiveCampaign war nichts zu ändern.</p>")
        parts.append("<p><b>Was jetzt:</b> Kund:in die Entscheidung mitteilen (Bestätigungs-Insert).</p>")
    else:
        parts.append(f"<p><b>Kulanz-Triage: Abgelehnt</b> von {who}. In ActiveCampaign wurde nichts geändert.</p>")
        parts.append("<p><b>Was jetzt:</b> Kund:in freundlich absagen und eine Alternative anbieten.</p>")
    if comment:
        parts.append(f"<p>Kommentar: {escape(comment)}</p>")
    parts.append(f"<p><small>Kulanz-Triage {review_marker(rec.id)}</small></p>")
    return "\n".join(parts)


def review_marker(decision_id: int) -> str:
    return f"[gw:{decision_id}:review]"


def carry_out(rt: Runtime, decision_id: int, verb: str, actor: str, comment: str | None = None) -> str:
    """Apply or reject a decision's proposed changes once. Returns the review status."""
    if verb not in ("apply", "reject"):
        raise ReviewError(f"unknown verb {verb!r}")
    with session_scope(rt.settings.db_url) as s:
        rec = s.get(DecisionRecord, decision_id)
        if rec is None:
            raise ReviewError(f"Entscheidung {decision_id} gibt es nicht.")
        ticket_number = rec.ticket_number
    with exclusive(rt.settings.db_url, rt.settings.data_dir, f"ticket:{ticket_number}"):
        with session_scope(rt.settings.db_url) as s:
            rec = s.get(DecisionRecord, decision_id)
            assert rec is not None
            wanted = "applied" if verb == "apply" else "rejected"
            if rec.review_status not in (None, wanted):
                raise ReviewError(f"Entscheidung {decision_id} wurde bereits {rec.review_status} "
                                  f"({rec.reviewed_by}).")
            if rec.review_status is None:
                rec.review_status, rec.reviewed_by, rec.review_comment = wanted, actor, comment
                rec.reviewed_at = utcnow()
                if verb == "reject":
                    for a in rec.actions:
                        if a.state in REVIEWABLE_STATES:
                            a.state, a.result = "rejected", f"rejected by {actor}"
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
