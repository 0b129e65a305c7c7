"""The values the policy core works on: frozen, I/O-free, built at the edges.

Everything the worker knows about a case is turned into these types before
`policies.decide` runs, so the same decision can be reproduced offline from a
CASE.json (docs/policy.md §6).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from policies.vocab import Alternative, EscalationTarget, Measure, Outcome, RequestType

REQUEST_TYPES: tuple[str, ...] = tuple(RequestType)
OUTCOMES: tuple[str, ...] = tuple(Outcome)
ALTERNATIVES: tuple[str, ...] = tuple(Alternative)
ESCALATION_TARGETS: tuple[str, ...] = tuple(EscalationTarget)
FAIR_USE_MEASURES: tuple[str, ...] = tuple(Measure)

# Canonical snapshot fields that hold dates (docs/policy.md §4).
DATE_FIELDS: tuple[str, ...] = (
    "program_purchase_date",
    "program_end_date",
    "club_start_date",
    "coach_round_start",
    "coach_end_date",
    "pro_end_date",
)


@dataclass(frozen=True)
class Message:
    """One earlier message of the ticket (Groove), oldest first."""

    body: str
    created_at: datetime | None = None
    from_customer: bool = True
    note: bool = False


@dataclass(frozen=True)
class Ticket:
    number: int
    subject: str
    body: str
    created_at: datetime | None = None
    customer_email: str | None = None
    attachments: tuple[str, ...] = ()
    # Earlier messages of the same ticket (oldest first); `body` is the newest customer text.
    messages: tuple[Message, ...] = ()


@dataclass(frozen=True)
class HistoryEntry:
    """An earlier goodwill-relevant event: from the ledger or from an earlier ticket."""

    date: date
    request_type: str
    outcome: str
    applied: bool
    # "ledger" (a decision of the worker) | "import" (`goodwill history import`: an earlier ticket) |
    # "groove" (an earlier ticket read live) | "case"; the note names the ticket of import / groove entries
    source: str = "ledger"
    ticket_number: int | None = None


@dataclass(frozen=True)
class FairUse:
    months_over_limit: int
    products: tuple[str, ...] = ()
    migration_refused: bool = False
    migration_impossible: bool = False


@dataclass(frozen=True)
class Customer:
    email: str | None = None
    tags: tuple[str, ...] = ()
    program_purchase_date: date | None = None
    program_end_date: date | None = None
    club_start_date: date | None = None
    coach_round_start: date | None = None
    coach_end_date: date | None = None
    pro_end_date: date | None = None
    history: tuple[HistoryEntry, ...] = ()
    fair_use: FairUse | None = None
    # False when the CRM holds no contact for the e-mail: the note says so.
    known: bool = True


@dataclass(frozen=True)
class UsageOverrun:
    month: str  # "YYYY-MM"


@dataclass(frozen=True)
class Action:
    """A change the worker applies on approval. Field names are canonical (docs/policy.md §4)."""

    system: str  # "activecampaign" | "groove"
    op: str  # "add_tag" | "set_field" | "send_insert" | ...
    tag: str | None = None
    field: str | None = None
    value: str | None = None

    @property
    def key(self) -> str:
        """Stable identity of the action inside one decision (for idempotency keys)."""
        return ":".join(p for p in (self.system, self.op, self.tag or "", self.field or "", self.value or "") if p)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"system": self.system, "op": self.op}
        for name in ("tag", "field", "value"):
            v = getattr(self, name)
            if v is not None:
                out[name] = v
        return out

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Action:
        return cls(system=d["system"], op=d["op"], tag=d.get("tag"), field=d.get("field"), value=d.get("value"))


@dataclass(frozen=True)
class Evidence:
    """A phrase of the customer's text that decided something, and what it decided."""

    label: str  # e.g. "program_return", "abusive", "reason_weighty", "document"
    text: str


@dataclass(frozen=True)
class Decision:
    request_type: str
    outcome: str
    abusive: bool = False
    severity: str | None = None
    alternative: str | None = None
    escalate_to: str | None = None
    measure: str | None = None
    clauses: tuple[str, ...] = ()
    actions: tuple[Action, ...] = ()
    note: str = ""
    evidence: tuple[Evidence, ...] = ()
    facts: dict[str, Any] = field(default_factory=dict)
    pack_id: str = ""
    pack_version: str = ""
    confidence: float = 1.0
    # What each reader concluded and whether they agreed (policies/reading/agreement.py); None: no ticket read.
    reading: dict[str, Any] | None = None

    @property
    def uncertain(self) -> bool:
        """The readers disagreed or were unsure: a person confirms before anything is applied."""
        return self.reading is not None and not self.reading["agreed"]

    def to_dict(self) -> dict[str, Any]:
        """The `goodwill decide` output object (docs/policy.md §6) plus a few extra keys."""
        out: dict[str, Any] = {
            "request_type": self.request_type,
            "abusive": self.abusive,
            "severity": self.severity,
            "outcome": self.outcome,
            "alternative": self.alternative,
            "escalate_to": self.escalate_to,
            "measure": self.measure,
            "clauses": list(self.clauses),
            "actions": [a.to_dict() for a in self.actions],
            "note": self.note,
            "evidence": [{"label": e.label, "text": e.text} for e in self.evidence],
            "facts": self.facts,
            "confidence": round(self.confidence, 3),
            "pack": {"id": self.pack_id, "version": self.pack_version},
        }
        if self.reading is not None:
            out["reading"] = self.reading
        return out

    @property
    def fingerprint(self) -> str:
        """What makes two decisions 'the same' for follow-ups: a changed one gets a new note."""
        parts = [
            self.request_type,
            self.outcome,
            self.alternative or "",
            self.escalate_to or "",
            self.measure or "",
            str(self.abusive),
            *sorted(self.clauses),
            *sorted(a.key for a in self.actions),
        ]
        return "|".join(parts)
