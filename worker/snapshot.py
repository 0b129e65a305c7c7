"""`goodwill customer EMAIL`: the snapshot the worker sees when it decides for this customer."""
from __future__ import annotations

import json
from typing import TextIO

from policies.rules_common import prior_goodwill
from worker.gather import customer_from_contact, ledger_history
from worker.runtime import get_runtime


def print_customer(email: str, out: TextIO) -> int:
    rt = get_runtime()
    email = email.strip().lower()
    contact = rt.ac.get_contact(email)
    history = ledger_history(rt.settings.db_url, email, exclude_ticket=None)
    customer = customer_from_contact(contact, email, history)
    prior = prior_goodwill(customer, rt.pack, rt.today())
    if prior.exists:
        reasons = [f"{e.date.isoformat()} {e.request_type} ({e.source})" for e in prior.entries]
        reasons += [f"Tag {t}" for t in prior.marker_tags]
        why = "; ".join(reasons)
    else:
        why = "keine angewandte Kulanz im Verlauf und kein Kulanz-Tag in ActiveCampaign"
    snapshot = {
        "email": email,
        "activecampaign": None if contact is None else {
            "contact_id": contact.id,
            "tags": list(contact.tags),
            "fields": {canonical: contact.fields.get(canonical) for canonical in rt.pack.ac_fields},
        },
        "ledger": [{"date": h.date.isoformat(), "request_type": h.request_type, "outcome": h.outcome,
                    "applied": h.applied, "ticket": h.ticket_number} for h in history],
        "prior_goodwill": prior.exists,
        "prior_goodwill_why": why,
        "pack": {"id": rt.pack.id, "version": rt.pack.version},
    }
    json.dump(snapshot, out, ensure_ascii=False, indent=2)
    out.write("\n")
    return 0
