"""gather → decide → apply → record, for one inbox event, safe to run again at any point.

The decision and its actions are committed before anything is changed outside, so a retried or
redelivered task resumes the same plan: the note is posted once (a marker in the note is looked
for among the ticket's notes first) and each CRM change is checked against the current state
before it is written (tag already there / date already at the target → done).
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

from sqlalchemy import update

from integrations.activecampaign import AcContact
from integrations.groove import GrooveMessage
from policies.decide import decide_ticket
from policies.model import DATE_FIELDS, Customer
from policies.offline.inputs import model_version, record_inputs
from policies.pack.params import process_of
from policies.render.note import render_change_note
from policies.vocab import ActionState
from worker.bootstrap import Runtime
from worker.fair_use import process as fairuse
from worker.ops.logs import bind as bind_log
from worker.store.db import session_scope
from worker.store.locks import exclusive
from worker.store.models import ActionRecord, InboxEvent, utcnow
from worker.store.records import (
    action_record,
    applied_actions,
    decision_from_record,
    earlier_records_for_ticket,
    new_decision_record,
    record_for_event,
    supersede_earlier,
)
from worker.triage import apply as applying
from worker.triage import autoreply
from worker.triage.gather import Gathered, gather, parse_date

log = logging.getLogger("goodwill.pipeline")


def _without_own_changes(customer: Customer, applied: list[ActionRecord]) -> Customer:
    """The snapshot as it was before this ticket's earlier decisions changed the CRM.

    A customer's reply re-decides the ticket; comparing against a CRM we already changed would
    read our own extension as a prior goodwill gesture (or move the date a second time).
    """
    own_tags = {a.tag.lower() for a in applied if a.op == "add_tag" and a.tag}
    tags = tuple(t for t in customer.tags if t.lower() not in own_tags)
    # Each date field as it was before our first write to it: a later write of ours (or an
    # "already done" row, which records no previous value) must not replace that.
    restored: dict[str, Any] = {}
    for a in applied:
        if a.op == "set_field" and a.field in DATE_FIELDS and a.state == ActionState.DONE:
            restored.setdefault(a.field, parse_date(a.previous_value))
    return replace(customer, tags=tags, **restored)


def _plan(rt: Runtime, inbox: InboxEvent, g: Gathered) -> int:
    """Decide and commit the decision with its actions. Returns the decision id."""
    rt = rt.with_pack(rt.pack_for(g.mailbox))  # the ticket's mailbox picks the pack
    today = rt.today()
    with session_scope(rt.settings.db_url) as s:
        earlier = earlier_records_for_ticket(s, inbox.ticket_number)  # type: ignore[arg-type]
        applied = applied_actions(earlier)
        customer = _without_own_changes(g.customer, applied) if applied else g.customer
        decision = decide_ticket(g.ticket, customer, today, pack=rt.pack, classification=g.classification)
        decision = applying.with_marker_tag(rt.pack, decision)
        mode = rt.pack.mode_for(decision.request_type)
        previous = decision_from_record(earlier[-1]) if earlier else None
        unchanged = previous is not None and previous.fingerprint == decision.fingerprint
        rec = new_decision_record(
            inbox_event_id=inbox.id,
            ticket_number=inbox.ticket_number,  # type: ignore[arg-type]
            email=g.ticket.customer_email,
            decision=decision,
            mode=mode,
            today=today,
        )
        rec.inputs = record_inputs(  # what was read, so `goodwill trial` can decide it again offline
            g.ticket,
            customer,
            today,
            pack_id=rt.pack.id,
            pack_version=rt.pack.version,
            classifier=decision.facts.get("classifier"),
            model=model_version(decision.facts, decision.reading),
            mailbox=g.mailbox,
        )
        s.add(rec)
        s.flush()
        if unchanged:
            rec.note_status = "unchanged"
            rec.note = ""
        else:
            body = render_change_note(previous, decision) if previous else decision.note
            rec.note = applying.finish_note(rt, rec.id, body, mode, decision)
            # Only the current decision may be carried out: the earlier ones' open proposals (and
            # their one-click links) lapse in the same commit as this decision.
            supersede_earlier(s, rec)
        applied_keys = {(a.op, a.tag, a.field, a.value): a.decision_id for a in applied}
        for action in decision.actions:
            state = "unchanged" if unchanged else applying.initial_state(rt.pack, mode, decision)
            rec_a = action_record(rec.id, action, state)
            if (action.op, action.tag, action.field, action.value) in applied_keys:
                rec_a.state, rec_a.result = (
                    "already_done",
                    f"applied by decision {applied_keys[(action.op, action.tag, action.field, action.value)]}",
                )
            s.add(rec_a)
        return rec.id


def process(rt: Runtime, inbox_id: int) -> str:
    """Run one inbox event to completion. Returns what happened (for logs and tests)."""
    db = rt.settings.db_url
    with session_scope(db) as s:
        inbox = s.get(InboxEvent, inbox_id)
        if inbox is None:
            raise LookupError(f"inbox event {inbox_id} does not exist")
        if inbox.status in ("done", "ignored"):
            return inbox.status
        s.expunge(inbox)
    if inbox.source == "fair_use":
        return fairuse.process_overrun(rt, inbox_id)
    # On every log line of this run (worker/ops/logs.py).
    bind_log(inbox_id=inbox_id, ticket=inbox.ticket_number, decision_id=None)
    with exclusive(db, rt.settings.data_dir, f"ticket:{inbox.ticket_number}"):
        with session_scope(db) as s:
            s.execute(
                update(InboxEvent)
                .where(InboxEvent.id == inbox_id)
                .values(status="processing", attempts=InboxEvent.attempts + 1, started_at=utcnow())
            )
            rec = record_for_event(s, inbox_id)
        messages: tuple[GrooveMessage, ...] | None = None
        contact: AcContact | None = None
        if rec is None:
            g = gather(rt, inbox.ticket_number, inbox.message_id)  # type: ignore[arg-type]
            if process_of(rt.pack_for(g.mailbox)) != "goodwill":
                return fairuse.leave_ticket_alone(db, inbox_id, g.mailbox)  # e.g. our own fair-use task tickets
            if g.auto_reply is not None:  # an out-of-office answer does not (re-)decide the ticket
                return autoreply.record_ignored(db, inbox_id, g.auto_reply)
            decision_id = _plan(rt, inbox, g)
            messages, contact = g.messages, g.contact
        else:
            decision_id = rec.id
        bind_log(decision_id=decision_id)
        applying.post_note_once(rt, decision_id, messages)
        applying.tag_ticket(rt, decision_id)
        applying.apply_pending(rt, decision_id, contact)
        applying.record_outcome(rt, decision_id)
        with session_scope(db) as s:
            s.execute(
                update(InboxEvent)
                .where(InboxEvent.id == inbox_id)
                .values(status="done", finished_at=utcnow(), last_error=None)
            )
    return "done"
