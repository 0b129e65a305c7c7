"""Gather: turn what Groove, ActiveCampaign and our ledger say into the policy's model types.

Never trusts the webhook body beyond the ticket number: the ticket and its messages are
read back from Groove's API.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import select

from integrations.activecampaign import AcContact
from integrations.groove import GrooveMessage, GrooveTicket
from policies.model import Customer, HistoryEntry, Message, Ticket
from policies.pack.params import process_of
from policies.reading.classification import Classification
from policies.reading.classify import classify
from policies.reading.wishes import customer_words
from worker.bootstrap import Runtime
from worker.store.db import session_scope
from worker.store.models import LEDGER_HISTORY_IMPORT, AbuseIncident, LedgerEntry
from worker.triage.autoreply import auto_reply_reason, is_auto_reply

EARLIER_TICKETS_LOOKED_AT = 10
# Attachment names cost a Groove call per message (GET /v1/attachments?message=): a ticket's reading
# never asks for more than this many (a reply conversation reads every customer message).
MAX_ATTACHMENT_LOOKUPS = 5


@dataclass(frozen=True)
class Gathered:
    ticket: Ticket
    customer: Customer
    contact: AcContact | None
    messages: tuple[GrooveMessage, ...]
    mailbox: str | None = None  # the Groove mailbox: it picks the policy pack (Runtime.pack_for)
    # The ticket's classification when gathering needed it already (decide reuses it).
    classification: Classification | None = None
    # Why the event's message is an automatic reply (out-of-office …): then nothing is decided.
    auto_reply: str | None = None


def parse_date(value: Any) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None  # an unparsable CRM value counts as missing; the note asks for it


def _messages_read(messages: list[GrooveMessage], message_id: str | None) -> list[GrooveMessage]:
    """The customer messages the policy reads (text and attachments): a new ticket's first one; for
    a reply the newest, or all of them once the customer wrote twice or more."""
    # An out-of-office answer in the conversation asks for nothing: it is not read with the rest.
    from_customer = [m for m in messages if m.from_customer and not m.note and not is_auto_reply(m)]
    if message_id is None or len(from_customer) < 2:
        if not from_customer:
            return []
        return [from_customer[-1] if message_id is not None else from_customer[0]]
    return from_customer


def with_attachment_names(
    rt: Runtime, gt: GrooveTicket, messages: list[GrooveMessage], message_id: str | None
) -> list[GrooveMessage]:
    """Fill in the attachment names of the customer messages the policy reads.

    Groove's v1 listing has no inline `attachments`: each message links `GET /v1/attachments?message=`.
    That costs one Groove call per message, so it is asked only for the messages that are read and
    link attachments, newest first and at most MAX_ATTACHMENT_LOOKUPS (the shared rate limiter
    spaces them like every other Groove call), and not at all when the ticket says it has none.
    """
    if gt.attachment_count == 0:
        return messages
    wanted = [m for m in reversed(_messages_read(messages, message_id)) if m.attachments_message_id]
    names: dict[str, tuple[str, ...]] = {}
    for m in wanted[:MAX_ATTACHMENT_LOOKUPS]:
        ref = m.attachments_message_id
        assert ref is not None
        names[ref] = tuple(a.name for a in rt.helpdesk.list_attachments(ref) if a.name)
    if not names:
        return messages
    return [
        replace(m, attachments=names[m.attachments_message_id], attachments_listed=True)
        if m.attachments_message_id in names
        else m
        for m in messages
    ]


def _to_ticket(gt: GrooveTicket, messages: list[GrooveMessage], message_id: str | None) -> Ticket:
    """The ticket as the policy reads it.

    A new ticket is read from its first customer message. A reply re-decides the whole
    conversation: the customer's messages (each without quotes and signature) are read together,
    so "Anbei das Attest" completes the earlier request instead of replacing it.
    """
    read = _messages_read(messages, message_id)
    if len(read) < 2:
        current = read[0] if read else None
        body = (current.body_html if current else gt.summary) or ""
        attachments = tuple(current.attachments) if current else ()
    else:
        body = "\n\n".join(customer_words(m.body_html or m.plain_text or "", gt.customer_email) for m in read)
        attachments = tuple(a for m in read for a in m.attachments)
    earlier = tuple(
        Message(body=m.plain_text or m.body_html, created_at=m.created_at, from_customer=m.from_customer, note=m.note)
        for m in messages
        if not (m.from_customer and not m.note)
    )
    return Ticket(
        number=gt.number,
        subject=gt.title or "",
        body=body,
        created_at=gt.created_at,
        customer_email=gt.customer_email,
        attachments=attachments,
        messages=earlier,
    )


def _earlier_return_wishes(rt: Runtime, email: str, ticket: Ticket) -> list[HistoryEntry]:
    """K-RET-30 counts from the first return wish, which may sit in an earlier ticket."""
    entries: list[HistoryEntry] = []
    others = [t for t in rt.helpdesk.list_customer_tickets(email) if t.number != ticket.number and t.created_at]
    others.sort(key=lambda t: t.created_at or datetime.min, reverse=True)
    for t in others[:EARLIER_TICKETS_LOOKED_AT]:
        created = t.created_at
        if created is None or (ticket.created_at and created >= ticket.created_at):
            continue
        probe = Ticket(number=t.number, subject=t.title or "", body=t.summary or "", created_at=t.created_at)
        if classify(probe, rt.pack).request_type == "program_return":
            entries.append(
                HistoryEntry(
                    date=created.date(),
                    request_type="program_return",
                    outcome="requested",
                    applied=False,
                    source="groove",
                    ticket_number=t.number,
                )
            )
    return entries


def ledger_history(db_url: str, email: str, exclude_ticket: int | None) -> list[HistoryEntry]:
    with session_scope(db_url) as s:
        rows = s.scalars(select(LedgerEntry).where(LedgerEntry.customer_email == email.lower())).all()
        abuse = s.scalars(select(AbuseIncident).where(AbuseIncident.customer_email == email.lower())).all()
        # Rows `goodwill history import` found in earlier tickets are named as such in the note ("laut Ticket #…").
        out = [
            HistoryEntry(
                date=r.date,
                request_type=r.request_type,
                outcome=r.outcome,
                applied=r.applied,
                source="import" if r.source == LEDGER_HISTORY_IMPORT else "ledger",
                ticket_number=r.source_ticket if r.source == LEDGER_HISTORY_IMPORT else r.ticket_number,
            )
            for r in rows
            if r.ticket_number != exclude_ticket
        ]
        # An abusive message that asks for nothing leaves a ledger row of type abuse AND an incident:
        # count that decision once, or A-3's ladder would climb two steps per incident.
        abuse_rows = {r.decision_id for r in rows if r.request_type == "abuse"}
        out += [
            HistoryEntry(
                date=a.created_at.date(),
                request_type="abuse",
                outcome="escalate",
                applied=False,
                source="ledger",
                ticket_number=a.ticket_number,
            )
            for a in abuse
            if a.ticket_number != exclude_ticket and a.decision_id not in abuse_rows
        ]
    return out


def customer_from_contact(contact: AcContact | None, email: str | None, history: list[HistoryEntry]) -> Customer:
    if contact is None:
        return Customer(email=email, history=tuple(history), known=False)
    f = contact.fields
    return Customer(
        email=email,
        tags=tuple(contact.tags),
        program_purchase_date=parse_date(f.get("program_purchase_date")),
        program_end_date=parse_date(f.get("program_end_date")),
        club_start_date=parse_date(f.get("club_start_date")),
        coach_round_start=parse_date(f.get("coach_round_start")),
        coach_end_date=parse_date(f.get("coach_end_date")),
        pro_end_date=parse_date(f.get("pro_end_date")),
        history=tuple(sorted(history, key=lambda h: h.date)),
        known=True,
    )


def gather(rt: Runtime, ticket_number: int, message_id: str | None) -> Gathered:
    gt = rt.helpdesk.get_ticket(ticket_number)
    if process_of(rt.pack_for(gt.mailbox, gt.mailbox_id)) != "goodwill":
        # Not triaged (e.g. the fair-use task tickets): spend no Groove or ActiveCampaign calls on it.
        return Gathered(_to_ticket(gt, [], message_id), Customer(known=False), None, (), gt.mailbox)
    listed = rt.helpdesk.list_messages(ticket_number)
    auto = auto_reply_reason(listed, message_id)
    if auto is not None:
        # An out-of-office answer asks for nothing: no attachment, CRM or ledger reads for it.
        return Gathered(
            _to_ticket(gt, listed, message_id), Customer(known=False), None, tuple(listed), gt.mailbox, auto_reply=auto
        )
    messages = with_attachment_names(rt, gt, listed, message_id)
    ticket = _to_ticket(gt, messages, message_id)
    email = (ticket.customer_email or "").strip().lower() or None
    if email is None:
        return Gathered(ticket, Customer(known=False), None, tuple(messages), gt.mailbox)
    ticket = replace(ticket, customer_email=email)
    contact = rt.crm.get_contact(email)
    history = ledger_history(rt.settings.db_url, email, exclude_ticket=ticket_number)
    reading = classify(ticket, rt.pack_for(gt.mailbox))
    if reading.request_type == "program_return":
        # Only K-RET-30 looks at earlier Groove tickets (the first return wish): other requests
        # save the Groove call (a quarter of a ticket's Groove budget; BENCHMARKS.md).
        history += _earlier_return_wishes(rt, email, ticket)
    return Gathered(
        ticket, customer_from_contact(contact, email, history), contact, tuple(messages), gt.mailbox, reading
    )
