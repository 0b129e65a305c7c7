"""The agreement gate's reading: what each reader concluded, and whether they agree well enough to act.

The rule reader (`classify`) and the statistical reader (`model`) fail differently: one misses wording its
lexicon lacks, the other misreads what it saw rarely in training. A decision may be applied without a
person, or offered as a one-click approval, only when both name the same request type and the same
abusive flag, each at least as sure as the pack's `reading.min_confidence`. Otherwise the decision is
still made and shown, and a person confirms it first (worker/triage/apply.py, the OFD page).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from policies.model import Ticket
from policies.pack.loader import PolicyPack
from policies.pack.params import param
from policies.reading import model
from policies.reading.classification import Classification
from policies.reading.wishes import customer_words, subject_counts
from policies.vocab import GESTURE_TYPES, Outcome, RequestType, Severity


@dataclass(frozen=True)
class ReaderView:
    """One reader's answer, as the note, the decision record and `goodwill decide` show it."""

    request_type: str
    confidence: float
    abusive: bool
    version: str | None = None
    severe: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "request_type": self.request_type,
            "confidence": round(self.confidence, 3),
            "abusive": self.abusive,
            "severe": self.severe,
            "version": self.version,
        }


@dataclass(frozen=True)
class Reading:
    rules: ReaderView
    model: ReaderView
    agreed: bool
    min_confidence: float
    # Why the readers do not agree, as codes the note renders in German: type, abusive, severe, rules_unsure,
    # model_unsure, approval_unsure (`hold_unsure_approval`), and those the rules raise (`hold`: span_beyond, product_unnamed, prior_gesture, restart).
    doubts: tuple[str, ...] = ()
    # The abuse the second reader saw with confidence and the rule reader missed: "abusive", "severe" (see `raised`).
    raised: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "rules": self.rules.to_dict(),
            "model": self.model.to_dict(),
            "agreed": self.agreed,
            "min_confidence": self.min_confidence,
            "doubts": list(self.doubts),
            "raised": list(self.raised),
        }


def reader_input(ticket: Ticket) -> tuple[str, str]:
    """The subject that counts (first message, no reply prefix) and the customer's new text: what both read."""
    earlier = sum(1 for m in ticket.messages if not m.note)
    subject = (ticket.subject or "").strip() if subject_counts(ticket.subject or "", earlier) else ""
    return subject, customer_words(ticket.body or "", ticket.customer_email)


def read_both(
    ticket: Ticket,
    rules: Classification,
    min_confidence: float,
    severe_raise: float | None = None,
    abuse_raise: float | None = None,
) -> Reading:
    """Both readings and whether they agree. `abuse_raise` and `severe_raise` (default `min_confidence`) are how
    sure the second reader must be of abuse, or of a threat or hate, the rule reader missed for it to be taken on."""
    subject, text = reader_input(ticket)
    second = model.read(subject, text)
    rules_severe = rules.severity == Severity.SEVERE
    rules_view = ReaderView(rules.request_type, rules.confidence, rules.abusive, rules.reader_version, rules_severe)
    model_view = ReaderView(second.request_type, second.type_confidence, second.abusive, second.version, second.severe)
    doubts = []
    if rules_view.request_type != model_view.request_type:
        doubts.append("type")
    if rules_view.abusive != model_view.abusive:
        doubts.append("abusive")
    elif rules_view.severe != model_view.severe:
        doubts.append("severe")
    if rules_view.confidence < min_confidence:
        doubts.append("rules_unsure")
    if min(second.type_confidence, second.abusive_confidence) < min_confidence:
        doubts.append("model_unsure")
    raised: list[str] = []
    # Abuse is the one reading where a miss costs more than a false alarm: a threat answered with an approval
    # is worse than a polite mail shown to the supervisor. So what the second reader sees with confidence the
    # rule reader missed is taken on (`raise_abuse`); the disagreement still holds the decision for a person.
    abuse_at = min_confidence if abuse_raise is None else abuse_raise
    p_abusive = second.abusive_confidence if second.abusive else 1.0 - second.abusive_confidence
    model_abusive = p_abusive >= abuse_at or (
        second.request_type == RequestType.ABUSE and second.type_confidence >= min_confidence
    )
    if model_abusive and not rules.abusive:
        raised.append("abusive")
    raise_at = min_confidence if severe_raise is None else severe_raise
    if not rules_severe and _p_severe(second) >= raise_at:
        raised.append("severe")
    return Reading(
        rules_view,
        model_view,
        agreed=not doubts,
        min_confidence=min_confidence,
        doubts=tuple(doubts),
        raised=tuple(raised),
    )


def read_both_for(ticket: Ticket, rules: Classification, pack: PolicyPack) -> Reading:
    """`read_both` with the thresholds of `pack` (section `reading`)."""
    return read_both(
        ticket,
        rules,
        float(param(pack, "reading.min_confidence")),
        float(param(pack, "reading.severe_raise")),
        float(param(pack, "reading.abuse_raise")),
    )


def _p_severe(second: model.ModelReading) -> float:
    """P(severe) whichever way the second reader decided (its confidence is in what it decided)."""
    return second.severe_confidence if second.severe else 1.0 - second.severe_confidence


def hold_unsure_approval(reading: Reading, outcome: str, approve_confidence: float) -> Reading:
    """An approval the readers agree on is applied (or offered in one click) with nobody reading the mail, and a
    wrong one is the costliest error: so it needs both readers surer of the request type than the gate asks of
    the other outcomes (`reading.approve_confidence`). Below that the decision is held like a disagreement."""
    if outcome != Outcome.APPROVE or not reading.agreed:
        return reading
    if min(reading.rules.confidence, reading.model.confidence) >= approve_confidence:
        return reading
    return hold(reading, ("approval_unsure",))


# Doubts that hold a decision although the two readers agree: not a disagreement between them.
HOLDS_WITHOUT_DISAGREEMENT = frozenset(
    {"approval_unsure", "span_beyond", "product_unnamed", "prior_gesture", "restart"}
)


def hold(reading: Reading, doubts: tuple[str, ...]) -> Reading:
    """`reading` held for a person for `doubts` (the gate's own or those the rules raise, `Ruling.unsure`), whatever
    the readers said."""
    if not doubts:
        return reading
    return replace(reading, agreed=False, doubts=(*reading.doubts, *doubts))


def choose_type(rules: Classification, reading: Reading, model_overrules: float) -> Classification:
    """The request type the clauses decide on when the readers name different ones.

    The decision is held for a person either way (the readers disagree); this only picks which reading the
    proposal shown to that person rests on: the statistical reader's when it is at least `model_overrules`
    sure (it was right more often then, on out-of-fold readings of the training corpus), else the rule
    reader's. The facts (dates, reason, documents, durations) stay the rule reader's: it is the only one that
    reads them.
    """
    second = reading.model
    if "type" not in reading.doubts or second.confidence < model_overrules:
        return rules
    if second.request_type == RequestType.ABUSE:
        # Abuse is a flag on a request, not a type to swap in for one (A-2: an abusive message asking for
        # something gets that request's outcome); `raise_abuse` takes the flag on. Only where the rule reader found
        # no goodwill wish does "asks for nothing" (abuse) against "asks for help" (other) rest on the second reader.
        if rules.request_type in GESTURE_TYPES or not (rules.abusive or "abusive" in reading.raised):
            return rules
        return replace(rules, request_type=RequestType.ABUSE)
    if rules.request_type == RequestType.UNCLEAR and _torn(rules):
        # "Kann ich pausieren oder mein Geld zurück?": the customer asks which of two; choosing one for them is
        # what K-1 forbids, however sure the second reader is of one of the words
        return rules
    cues = [c for sentence in rules.sentences for c in sentence.cues if c.request_type == second.request_type]
    if cues and not any(c.counts for c in cues):
        # The rule reader saw that wish and ruled it out (negated, withdrawn, a past report, another object, a
        # question): a bag of words cannot tell "ich will nicht verlängern" from "bitte verlängern".
        return rules
    return replace(rules, request_type=second.request_type)


def _torn(rules: Classification) -> bool:
    """The rule reader found the customer torn between two goodwill wishes ("A oder B", policies/reading/classify.py)."""
    wishes = {t for t in rules.secondary_types if t in GESTURE_TYPES}
    return len(wishes) >= 2 and any(e.label == RequestType.UNCLEAR for e in rules.evidence)


def raise_abuse(rules: Classification, reading: Reading) -> Classification:
    """The classification the clauses decide on: the rule reader's, with the abuse the second reader raised.

    A message the rule reader found asking for nothing (`other`) becomes an abuse case, as the rules make of any
    abusive message asking for nothing (rules/clauses.py); one asking for something gets that request's outcome
    with the abuse line, or escalate/supervisor if severe (A-2). Nothing else of the rule reader's reading changes.
    """
    if not reading.raised:
        return rules
    severity = Severity.SEVERE if "severe" in reading.raised else rules.severity
    return replace(rules, abusive=True, severity=severity)
