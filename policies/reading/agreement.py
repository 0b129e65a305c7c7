"""The agreement gate's reading: what each reader concluded, and whether they agree well enough to act.

The rule reader (`classify`) and the statistical reader (`model`) fail differently: one misses wording its
lexicon lacks, the other misreads what it saw rarely in training. A decision may be applied without a
person, or offered as a one-click approval, only when both name the same request type and the same
abusive flag, each at least as sure as the pack's `reading.min_confidence`. Otherwise the decision is
still made and shown, and a person confirms it first (worker/triage/apply.py, the OFD page).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from policies.model import Ticket
from policies.reading import model
from policies.reading.classification import Classification
from policies.reading.text import customer_text
from policies.reading.wishes import subject_counts


@dataclass(frozen=True)
class ReaderView:
    """One reader's answer, as the note, the decision record and `goodwill decide` show it."""

    request_type: str
    confidence: float
    abusive: bool
    version: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "request_type": self.request_type,
            "confidence": round(self.confidence, 3),
            "abusive": self.abusive,
            "version": self.version,
        }


@dataclass(frozen=True)
class Reading:
    rules: ReaderView
    model: ReaderView
    agreed: bool
    min_confidence: float
    # Why the readers do not agree, as codes the note renders in German: type, abusive, rules_unsure, model_unsure.
    doubts: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "rules": self.rules.to_dict(),
            "model": self.model.to_dict(),
            "agreed": self.agreed,
            "min_confidence": self.min_confidence,
            "doubts": list(self.doubts),
        }


def reader_input(ticket: Ticket) -> tuple[str, str]:
    """The subject that counts (first message, no reply prefix) and the customer's new text: what both read."""
    earlier = sum(1 for m in ticket.messages if not m.note)
    subject = (ticket.subject or "").strip() if subject_counts(ticket.subject or "", earlier) else ""
    return subject, customer_text(ticket.body or "")


def read_both(ticket: Ticket, rules: Classification, min_confidence: float) -> Reading:
    subject, text = reader_input(ticket)
    second = model.read(subject, text)
    rules_view = ReaderView(rules.request_type, rules.confidence, rules.abusive, rules.reader_version)
    model_view = ReaderView(second.request_type, second.type_confidence, second.abusive, second.version)
    doubts = []
    if rules_view.request_type != model_view.request_type:
        doubts.append("type")
    if rules_view.abusive != model_view.abusive:
        doubts.append("abusive")
    if rules_view.confidence < min_confidence:
        doubts.append("rules_unsure")
    if min(second.type_confidence, second.abusive_confidence) < min_confidence:
        doubts.append("model_unsure")
    return Reading(rules_view, model_view, agreed=not doubts, min_confidence=min_confidence, doubts=tuple(doubts))
