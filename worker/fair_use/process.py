"""Fair use (seed 004): a stored usage overrun → stage → measure → one Groove task ticket, once.

    process_overrun(rt, inbox_id) -> str      (called by worker.triage.process.process for source "fair_use")

Plan, then act, like the goodwill pipeline: the decision and the task (subject, body, marker) are
committed first (state pending); then the ticket is opened in the pack's mailbox and its number
recorded (state created). A retry after a crash between the two looks for the marker among the
recipient's Groove tickets before opening another one. Shadow mode records the task as a proposal.
"""

from __future__ import annotations

import logging
from datetime import date

from sqlalchemy import select, update

from policies.decide import decide_overrun
from policies.model import Customer, Decision, UsageOverrun
from policies.pack.loader import PolicyPack
from policies.pack.params import param
from policies.render import notes
from policies.rules.fair_use import UsageMonth, fair_use_for, overrun_run
from worker.bootstrap import Runtime
from worker.store.db import session_scope
from worker.store.locks import exclusive
from worker.store.models import FairUseTask, InboxEvent, UsageMonthRecord, utcnow

log = logging.getLogger("goodwill.fairuse")


class FairUseSetupError(RuntimeError):
    """The pack or the settings lack what opening a task ticket needs (not retried: fix, then replay)."""


def marker(customer_key: str, month: str) -> str:
    """In the subject of the task ticket; found again on a retry."""
    return f"[fu:{customer_key}:{month}]"


def render_task(
    decision: Decision, pack: PolicyPack, row: UsageMonthRecord, run: list[UsageMonthRecord], today: date, mark: str
) -> tuple[str, str]:
    """Subject and HTML body of the task ticket (policies/render/notes.py)."""
    return notes.fair_use_task(
        decision,
        pack,
        customer_id=row.customer_id,
        email=row.email,
        month=row.month,
        run=[(r.month, r.usage_gb, r.limit_gb) for r in run],
        products=row.products or [],
        today=today,
        mark=mark,
    )


def _usage(row: UsageMonthRecord) -> UsageMonth:
    return UsageMonth(
        month=row.month,
        usage=row.usage_gb,
        limit=row.limit_gb,
        products=tuple(row.products or ()),
        migration_refused=row.migration_refused,
        migration_impossible=row.migration_impossible,
    )


def _plan(rt: Runtime, inbox_id: int) -> int | None:
    """Decide this month and commit the task (once per inbox event). None: nothing to do."""
    pack = rt.fair_use_pack
    assert pack is not None, "build_runtime sets the fair-use pack"
    with session_scope(rt.settings.db_url) as s:
        task = s.scalars(select(FairUseTask).where(FairUseTask.inbox_event_id == inbox_id)).one_or_none()
        if task is not None:
            return task.id
        row = s.scalars(select(UsageMonthRecord).where(UsageMonthRecord.inbox_event_id == inbox_id)).one()
        # Months after this one are not looked at: a late import of an older month decides that month as it was.
        rows = s.scalars(
            select(UsageMonthRecord).where(
                UsageMonthRecord.customer_key == row.customer_key, UsageMonthRecord.month <= row.month
            )
        ).all()
        history = [_usage(r) for r in rows]
        fair_use = fair_use_for(history, row.month)
        today = rt.today()
        decision = decide_overrun(
            Customer(email=row.email, fair_use=fair_use), UsageOverrun(row.month), today, pack=pack
        )
        if decision.measure is None:
            return None
        by_month = {r.month: r for r in rows}
        run = [by_month[m.month] for m in overrun_run(history, row.month)]
        mark = marker(row.customer_key, row.month)
        subject, body = render_task(decision, pack, row, run, today, mark)
        mode = pack.mode_for("fair_use")
        task = FairUseTask(
            inbox_event_id=inbox_id,
            customer_key=row.customer_key,
            month=row.month,
            months_over_limit=fair_use.months_over_limit,
            measure=decision.measure,
            clauses=list(decision.clauses),
            output=decision.to_dict(),
            mode=mode,
            state="proposal" if mode == "shadow" else "pending",
            marker=mark,
            mailbox=str(param(pack, "tasks.mailbox")),
            recipient=row.email,
            subject=subject,
            body=body,
            pack_id=pack.id,
            pack_version=pack.version,
            decided_on=today,
        )
        if mode == "shadow":
            task.result = "shadow mode: no ticket opened"
        s.add(task)
        s.flush()
        return task.id


def _find_ticket(rt: Runtime, recipient: str, mark: str) -> int | None:
    for ticket in rt.helpdesk.list_customer_tickets(recipient):
        if mark in (ticket.title or ""):
            return ticket.number
    return None


def _open_ticket_once(rt: Runtime, task_id: int) -> None:
    pack = rt.fair_use_pack
    assert pack is not None
    with session_scope(rt.settings.db_url) as s:
        task = s.get(FairUseTask, task_id)
        assert task is not None
        if task.state != "pending":
            return
        earlier_attempts = task.attempts
        task.attempts += 1  # committed before Groove is called: a later run knows a ticket may exist
        recipient = task.recipient or param(pack, "tasks.fallback_to")
        agent = param(pack, "tasks.agent") or rt.settings.groove_note_author
        subject, body, mailbox, mark, measure = task.subject, task.body, task.mailbox, task.marker, task.measure
        customer = task.customer_key
    if not agent:
        raise FairUseSetupError(
            "no Groove agent to open the fair-use task ticket as: set tasks.agent in the pack or GROOVE_NOTE_AUTHOR"
        )
    if not recipient:
        raise FairUseSetupError(f"customer {customer} has no e-mail address: set tasks.fallback_to in the pack")
    number = _find_ticket(rt, recipient, mark) if earlier_attempts else None
    result = "found after a retry" if number is not None else "opened"
    if number is None:
        tags = [*param(pack, "tasks.tags"), f"fair-use-{measure.replace('_', '-')}"]
        # A private note from an agent, addressed to the customer: the team sees it in the customer's
        # history, and nothing is sent to the customer.
        number = rt.helpdesk.create_ticket(
            body=body,
            from_=agent,
            to=recipient,
            subject=subject,
            mailbox=mailbox,
            tags=tags,
            note=True,
            send_copy_to_customer=False,
        ).number
    with session_scope(rt.settings.db_url) as s:
        task = s.get(FairUseTask, task_id)
        assert task is not None
        task.state, task.groove_ticket_number, task.result = "created", number, result
    log.info("fair-use task ticket %s for %s", result, mark, extra={"ticket": number})


def process_overrun(rt: Runtime, inbox_id: int) -> str:
    """Run one stored usage overrun to completion. Returns what happened (for logs and tests)."""
    db = rt.settings.db_url
    with session_scope(db) as s:
        inbox = s.get(InboxEvent, inbox_id)
        if inbox is None:
            raise LookupError(f"inbox event {inbox_id} does not exist")
        if inbox.status in ("done", "ignored"):
            return inbox.status
        row = s.scalars(select(UsageMonthRecord).where(UsageMonthRecord.inbox_event_id == inbox_id)).one()
        customer_key = row.customer_key
    # One run per customer at a time: two deliveries of the same month must not both open a ticket.
    with exclusive(db, rt.settings.data_dir, f"fair_use:{customer_key}"):
        with session_scope(db) as s:
            s.execute(
                update(InboxEvent)
                .where(InboxEvent.id == inbox_id)
                .values(status="processing", attempts=InboxEvent.attempts + 1, started_at=utcnow())
            )
        task_id = _plan(rt, inbox_id)
        if task_id is not None:
            _open_ticket_once(rt, task_id)
        with session_scope(db) as s:
            s.execute(
                update(InboxEvent)
                .where(InboxEvent.id == inbox_id)
                .values(status="done", finished_at=utcnow(), last_error=None)
            )
    return "done"


def leave_ticket_alone(db_url: str, inbox_id: int, mailbox: str | None) -> str:
    """A Groove ticket in a mailbox whose pack decides no tickets (the fair-use team's own queue,
    including the task tickets opened here): recorded, not triaged."""
    with session_scope(db_url) as s:
        s.execute(
            update(InboxEvent)
            .where(InboxEvent.id == inbox_id)
            .values(status="ignored", finished_at=utcnow(), last_error=None)
        )
    log.info("ticket in mailbox %r left alone: its pack does not triage tickets", mailbox, extra={"inbox_id": inbox_id})
    return "ignored"
