"""What a decision read, as JSON: enough to decide it again offline, byte for byte (issue 15).

`record_inputs` turns the exact `Ticket`, `Customer` and `today` that `decide_ticket` got into one
JSON object (stored on the decision row, `DecisionRecord.inputs`); `restore_inputs` turns it back
into the same values. Unlike CASE.json (`policies/offline/case.py`) the format is lossless: it keeps
what the worker builds but a hand-written case never holds (a history entry's `source` and an
outcome outside §3 such as `requested`, the reader versions, the mailbox that picked the pack).
`as_case` writes the CASE.json view of it for the labelled corpus (`goodwill verdicts export`).

    {"format": 1, "replayable": true, "today": "2026-11-23", "mailbox": "Inbox",
     "pack": {"id": "goodwill", "version": "2026.11.2"},
     "readers": {"classifier": "lex-2026.11.2", "model": "<weights hash>" | null},
     "ticket": {...}, "customer": {...}}

Rows recorded before inputs were kept carry `{"replayable": false}` (migration 0006).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from policies.model import DATE_FIELDS, OUTCOMES, Customer, FairUse, HistoryEntry, Message, Ticket
from policies.vocab import Outcome

FORMAT = 1
NOT_REPLAYABLE: dict[str, Any] = {"replayable": False}


class InputsError(ValueError):
    """Recorded inputs that cannot be restored (not replayable, or an unknown format)."""


def _dt(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _parse_dt(value: Any) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _parse_d(value: Any) -> date | None:
    return date.fromisoformat(value) if value else None


def ticket_to_dict(ticket: Ticket) -> dict[str, Any]:
    return {
        "number": ticket.number,
        "subject": ticket.subject,
        "body": ticket.body,
        "created_at": _dt(ticket.created_at),
        "customer_email": ticket.customer_email,
        "attachments": list(ticket.attachments),
        "messages": [
            {"body": m.body, "created_at": _dt(m.created_at), "from_customer": m.from_customer, "note": m.note}
            for m in ticket.messages
        ],
    }


def ticket_from_dict(d: dict[str, Any]) -> Ticket:
    return Ticket(
        number=int(d["number"]),
        subject=d.get("subject") or "",
        body=d.get("body") or "",
        created_at=_parse_dt(d.get("created_at")),
        customer_email=d.get("customer_email"),
        attachments=tuple(d.get("attachments") or ()),
        messages=tuple(
            Message(
                body=m.get("body") or "",
                created_at=_parse_dt(m.get("created_at")),
                from_customer=bool(m.get("from_customer", True)),
                note=bool(m.get("note", False)),
            )
            for m in d.get("messages") or ()
        ),
    )


def customer_to_dict(customer: Customer) -> dict[str, Any]:
    out: dict[str, Any] = {"email": customer.email, "known": customer.known, "tags": list(customer.tags)}
    for name in DATE_FIELDS:
        value = getattr(customer, name)
        out[name] = value.isoformat() if value else None
    out["history"] = [
        {
            "date": h.date.isoformat(),
            "request_type": h.request_type,
            "outcome": h.outcome,
            "applied": h.applied,
            "source": h.source,
            "ticket_number": h.ticket_number,
        }
        for h in customer.history
    ]
    f = customer.fair_use
    out["fair_use"] = (
        None
        if f is None
        else {
            "months_over_limit": f.months_over_limit,
            "products": list(f.products),
            "migration_refused": f.migration_refused,
            "migration_impossible": f.migration_impossible,
        }
    )
    return out


def customer_from_dict(d: dict[str, Any]) -> Customer:
    f = d.get("fair_use")
    return Customer(
        email=d.get("email"),
        tags=tuple(d.get("tags") or ()),
        history=tuple(
            HistoryEntry(
                date=date.fromisoformat(h["date"]),
                request_type=h["request_type"],
                outcome=h["outcome"],
                applied=bool(h["applied"]),
                source=h.get("source") or "ledger",
                ticket_number=h.get("ticket_number"),
            )
            for h in d.get("history") or ()
        ),
        fair_use=None
        if f is None
        else FairUse(
            months_over_limit=int(f["months_over_limit"]),
            products=tuple(f.get("products") or ()),
            migration_refused=bool(f.get("migration_refused")),
            migration_impossible=bool(f.get("migration_impossible")),
        ),
        known=bool(d.get("known", True)),
        **{name: _parse_d(d.get(name)) for name in DATE_FIELDS},
    )


def record_inputs(
    ticket: Ticket,
    customer: Customer,
    today: date,
    *,
    pack_id: str,
    pack_version: str,
    classifier: str | None,
    model: str | None = None,
    mailbox: str | None = None,
) -> dict[str, Any]:
    """The JSON object stored with a decision: what the readers and the rules were given."""
    return {
        "format": FORMAT,
        "replayable": True,
        "today": today.isoformat(),
        "mailbox": mailbox,
        "pack": {"id": pack_id, "version": pack_version},
        "readers": {"classifier": classifier, "model": model},
        "ticket": ticket_to_dict(ticket),
        "customer": customer_to_dict(customer),
    }


def model_version(facts: dict[str, Any], reading: dict[str, Any] | None = None) -> str | None:
    """The second reader's version, when the decision carries its verdict: `reading["model"]["version"]`
    (the decision's reading, or `facts["reading"]`), else `facts["model"]`; None without a second reader."""
    for r in (reading, facts.get("reading")):
        model = r.get("model") if isinstance(r, dict) else None
        if isinstance(model, dict) and model.get("version"):
            return str(model["version"])
    version = facts.get("model")
    return version if isinstance(version, str) and version else None


def is_replayable(inputs: dict[str, Any] | None) -> bool:
    return bool(inputs) and bool(inputs.get("replayable")) and inputs.get("format") == FORMAT  # type: ignore[union-attr]


def restore_inputs(inputs: dict[str, Any] | None) -> tuple[Ticket, Customer, date]:
    """The ticket, customer snapshot and day the decision was made with; InputsError when not replayable."""
    if not is_replayable(inputs):
        raise InputsError("decision was recorded without its inputs (not replayable)")
    assert inputs is not None
    return (
        ticket_from_dict(inputs["ticket"]),
        customer_from_dict(inputs["customer"]),
        date.fromisoformat(inputs["today"]),
    )


def as_case(inputs: dict[str, Any]) -> dict[str, Any]:
    """The CASE.json view (docs/policy.md §6) of recorded inputs: `today`, `ticket`, `customer`.

    A history outcome outside §3 (an earlier return wish read from Groove: `requested`) is written as
    `no_action` with `applied: false`; the rules read only the date and type of such an entry.
    """
    ticket, customer, today = restore_inputs(inputs)
    t = ticket_to_dict(ticket)
    t["messages"] = [{k: v for k, v in m.items() if v is not None} for m in t["messages"]]
    t = {k: v for k, v in t.items() if v is not None}
    c = customer_to_dict(customer)
    for h in c["history"]:
        if h["outcome"] not in OUTCOMES:
            h["outcome"], h["applied"] = Outcome.NO_ACTION.value, False
        if h["ticket_number"] is None:
            del h["ticket_number"]
    c = {k: v for k, v in c.items() if v is not None}
    return {"today": today.isoformat(), "ticket": t, "customer": c}
