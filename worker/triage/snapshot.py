"""`goodwill customer EMAIL`: the snapshot the worker sees when it decides for this customer."""

from __future__ import annotations

import json
from typing import TextIO

from policies.render import notes
from policies.rules.common import prior_goodwill
from worker.bootstrap import get_runtime
from worker.triage.gather import customer_from_contact, ledger_history


def print_customer(email: str, out: TextIO) -> int:
    rt = get_runtime()
    email = email.strip().lower()
    contact = rt.crm.get_contact(email)
    history = ledger_history(rt.settings.db_url, email, exclude_ticket=None)
    customer = customer_from_contact(contact, email, history)
    prior = prior_goodwill(customer, rt.pack, rt.today())
    why = notes.prior_goodwill_why(prior.entries, prior.marker_tags)
    snapshot = {
        "email": email,
        "activecampaign": None
        if contact is None
        else {
            "contact_id": contact.id,
            "tags": list(contact.tags),
            "fields": {canonical: contact.fields.get(canonical) for canonical in rt.pack.ac_fields},
        },
        "ledger": [
            {
                "date": h.date.isoformat(),
                "request_type": h.request_type,
                "outcome": h.outcome,
                "applied": h.applied,
                "ticket": h.ticket_number,
            }
            for h in history
        ],
        "prior_goodwill": prior.exists,
        "prior_goodwill_why": why,
        "pack": {"id": rt.pack.id, "version": rt.pack.version},
    }
    json.dump(snapshot, out, ensure_ascii=False, indent=2)
    out.write("\n")
    return 0
