"""Apply a recorded decision: the internal note and the CRM changes, each exactly once."""

from __future__ import annotations

import logging
from dataclasses import replace

from sqlalchemy import select

from integrations.activecampaign import AcContact
from integrations.errors import ApiError, is_retryable
from integrations.groove import GrooveMessage
from policies.model import Action, Decision
from policies.pack.loader import PolicyPack
from policies.pack.params import within_authority
from policies.render import notes
from policies.vocab import APPLIED_STATES, NO_LEDGER, NOT_GOODWILL, AbuseStep
from worker.bootstrap import Runtime
from worker.store.db import session_scope
from worker.store.models import AbuseIncident, ActionRecord, DecisionRecord, LedgerEntry
from worker.web import links, verdict_links

log = logging.getLogger("goodwill.apply")


def note_marker(decision_id: int) -> str:
    """Stable per decision; looked for among the ticket's notes before posting again."""
    return f"[gw:{decision_id}]"


def with_marker_tag(pack: PolicyPack, decision: Decision) -> Decision:
    """An applied goodwill gesture is also marked in AC, so the history survives a lost database."""
    marker = pack.applied_marker_tag
    if decision.outcome != "approve" or decision.request_type in NOT_GOODWILL or not marker or not decision.actions:
        return decision
    if any(a.op == "add_tag" and a.tag and pack.is_goodwill_marker(a.tag) for a in decision.actions):
        return decision
    return replace(decision, actions=(*decision.actions, Action(system="activecampaign", op="add_tag", tag=marker)))


def initial_state(pack: PolicyPack, mode: str, decision: Decision) -> str:
    """pending = apply now; awaiting_approval = one-click link; proposal = a person decides (OFD, shadow)."""
    if decision.outcome != "approve" or mode == "shadow":
        return "proposal"
    if decision.uncertain:
        # The agreement gate: the readers disagreed, so a person confirms on the OFD page first.
        return "awaiting_approval"
    if mode == "auto" and within_authority(pack, decision.request_type, decision.outcome):
        return "pending"
    return "awaiting_approval"


def finish_note(rt: Runtime, decision_id: int, body: str, mode: str, decision: Decision) -> str:
    """The note as posted (policies/render/notes.py): shadow banner, body, one-click and verdict links, marker."""
    one_click = None
    # No one-click approval for an uncertain reading: the OFD page shows both readings to the person deciding.
    if initial_state(rt.pack, mode, decision) == "awaiting_approval" and decision.actions and not decision.uncertain:
        one_click = links.action_urls(rt.settings, decision_id)
    return notes.decision_note(
        body,
        note_marker(decision_id),
        shadow=mode == "shadow",
        links=one_click,
        valid_days=links.MAX_AGE_SECONDS // 86400,
        verdicts=verdict_links.verdict_urls(rt.settings, decision_id),  # "Stimmt" / "Stimmt nicht"
        verdict_days=verdict_links.MAX_AGE_SECONDS // 86400,
    )


def post_once(
    rt: Runtime, ticket_number: int, marker: str, body: str, messages: tuple[GrooveMessage, ...] | None = None
) -> str:
    """Post an internal note unless a note carrying `marker` is already on the ticket."""
    # `messages` were read moments ago in this run; otherwise read them again: the post may have
    # reached Groove just before a crash.
    current = messages if messages is not None else tuple(rt.helpdesk.list_messages(ticket_number))
    existing = next((m for m in current if m.note and marker in (m.body_html or "")), None)
    return str(existing.id) if existing else rt.helpdesk.post_note(ticket_number, body)


def post_note_once(rt: Runtime, decision_id: int, messages: tuple[GrooveMessage, ...] | None) -> None:
    with session_scope(rt.settings.db_url) as s:
        rec = s.get(DecisionRecord, decision_id)
        assert rec is not None
        if rec.note_status != "pending":
            return
        ticket_number, note = rec.ticket_number, rec.note
    message_id = post_once(rt, ticket_number, note_marker(decision_id), note, messages)
    with session_scope(rt.settings.db_url) as s:
        rec = s.get(DecisionRecord, decision_id)
        assert rec is not None
        rec.note_status, rec.note_message_id = "posted", message_id


def tag_ticket(rt: Runtime, decision_id: int) -> None:
    """Label the Groove ticket with the request type and outcome (GraphQL v2, behind a setting).

    Tagging twice is a no-op in Groove, so a retry needs no check. A permanent GraphQL error does
    not fail the ticket: the note, which matters, is already there.
    """
    if not rt.settings.groove_tags_via_graphql:
        return
    with session_scope(rt.settings.db_url) as s:
        rec = s.get(DecisionRecord, decision_id)
        assert rec is not None
        if rec.note_status == "unchanged":
            return
        number, tags = rec.ticket_number, [f"kulanz-{rec.request_type}", f"kulanz-{rec.outcome}"]
    try:
        rt.helpdesk.tag_ticket(number, tags)
    except ApiError as e:
        if is_retryable(e):
            raise
        log.warning("Groove ticket tags not set: %s", e)


def _already(contact: AcContact, a: ActionRecord) -> bool:
    if a.op == "add_tag":
        return (a.tag or "").lower() in {t.lower() for t in contact.tags}
    if a.op == "set_field":
        return contact.fields.get(a.field or "") == a.value
    return False


def apply_pending(
    rt: Runtime, decision_id: int, contact: AcContact | None, *, states: tuple[str, ...] = ("pending",)
) -> int:
    """Write the decision's pending CRM actions. Returns how many were written now."""
    with session_scope(rt.settings.db_url) as s:
        rec = s.get(DecisionRecord, decision_id)
        assert rec is not None
        pending = [a.id for a in rec.actions if a.state in states and a.system == "activecampaign"]
        email = rec.customer_email
    if not pending:
        return 0
    if contact is None:
        # Fresh state: a write may have landed just before a crash.
        contact = rt.crm.get_contact(email) if email else None
    written = 0
    for action_id in pending:
        with session_scope(rt.settings.db_url) as s:
            a = s.get(ActionRecord, action_id)
            assert a is not None
            a.attempts += 1
            if contact is None:
                a.state, a.result = "failed", "no ActiveCampaign contact for this e-mail"
                continue
            if _already(contact, a):
                a.state, a.result = "already_done", "current state already matches"
                continue
            if a.op == "add_tag" and a.tag:
                rt.crm.add_tag(contact.id, a.tag)
                contact = replace(contact, tags=(*contact.tags, a.tag))
            elif a.op == "set_field" and a.field and a.value is not None:
                a.previous_value = contact.fields.get(a.field)
                rt.crm.set_field(contact.id, a.field, a.value)
                contact = replace(contact, fields={**contact.fields, a.field: a.value})
            elif a.op in ("add_tag", "set_field"):
                a.state, a.result = "failed", f"incomplete {a.op} (no tag, field or value)"
                continue
            else:
                a.state, a.result = "failed", f"unknown operation {a.op}"
                continue
            a.state, a.result = "done", "applied"
            written += 1
    return written


def record_outcome(rt: Runtime, decision_id: int) -> None:
    """Ledger entry (the customer's goodwill history) and abuse incident, once per decision."""
    with session_scope(rt.settings.db_url) as s:
        rec = s.get(DecisionRecord, decision_id)
        assert rec is not None
        if rec.note_status == "unchanged" or not rec.customer_email:
            return
        approved = rec.outcome == "approve" or rec.review_status == "applied"
        applied = approved and any(a.state in APPLIED_STATES for a in rec.actions)
        if rec.request_type not in NO_LEDGER and rec.outcome != "no_action":
            existing = s.scalars(select(LedgerEntry).where(LedgerEntry.decision_id == rec.id)).one_or_none()
            if existing is None:
                s.add(
                    LedgerEntry(
                        customer_email=rec.customer_email,
                        date=rec.decided_on,
                        request_type=rec.request_type,
                        outcome="approve" if approved else rec.outcome,
                        applied=applied,
                        ticket_number=rec.ticket_number,
                        decision_id=rec.id,
                    )
                )
            else:
                existing.applied = applied
                existing.outcome = "approve" if approved else rec.outcome
        # Abuse only the second reader saw is shown and routed, but not counted on the A-3 ladder (an incident
        # raises the next consequence) until a person has looked: a statistical reading alone is no incident.
        raised_only = "abusive" in ((rec.facts or {}).get("reading") or {}).get("raised", ())
        if (
            rec.abusive
            and not raised_only
            and s.scalars(select(AbuseIncident).where(AbuseIncident.decision_id == rec.id)).one_or_none() is None
        ):
            facts = rec.facts or {}
            s.add(
                AbuseIncident(
                    customer_email=rec.customer_email,
                    ticket_number=rec.ticket_number,
                    decision_id=rec.id,
                    severity=rec.severity or "normal",
                    kind=", ".join(e["text"] for e in rec.evidence if str(e.get("label", "")).startswith("abus"))[:500]
                    or "abusive",
                    # The step the A-3 ladder chose (policies/rules/abuse.py writes `abuse_step`).
                    measure=str(facts.get("abuse_step", AbuseStep.WARNING)),
                )
            )
