"""Builders for the clause tests: a classification is given explicitly, so these tests check the
policy alone (the classifier has its own tests)."""

from __future__ import annotations

from datetime import date
from typing import Any

from policies.decide import decide
from policies.model import Customer, Decision, Evidence, HistoryEntry, Ticket
from policies.reading.classification import Classification, Facts

TODAY = date(2026, 11, 23)
# No words: the second reader then reads the label frequencies alone, too unsure to overrule the given reading.
TICKET = Ticket(number=4711, subject="", body="")


def reading(
    request_type: str,
    *,
    abusive: bool = False,
    severity: str | None = None,
    evidence: tuple[Evidence, ...] = (),
    clarify: str | None = None,
    secondary: tuple[str, ...] = (),
    **facts: Any,
) -> Classification:
    return Classification(
        request_type=request_type,
        abusive=abusive,
        severity=severity,
        evidence=evidence,
        facts=Facts(**facts),
        clarify=clarify,
        secondary_types=secondary,
    )


def approved(request_type: str, on: date, *, applied: bool = True, outcome: str = "approve") -> HistoryEntry:
    return HistoryEntry(date=on, request_type=request_type, outcome=outcome, applied=applied)


def run(
    request_type: str,
    customer: Customer | None = None,
    *,
    today: date = TODAY,
    ticket: Ticket = TICKET,
    **reading_args: Any,
) -> Decision:
    return decide(ticket, customer or Customer(), today, classification=reading(request_type, **reading_args))


def tags_added(decision: Decision) -> list[str]:
    return [a.tag for a in decision.actions if a.op == "add_tag" and a.tag]


def fields_set(decision: Decision) -> dict[str, str]:
    return {a.field: a.value for a in decision.actions if a.op == "set_field" and a.field and a.value}
