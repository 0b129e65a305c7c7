"""What the reading of a ticket yields: the request type, abuse flags and the facts the policy needs.

`policies.reading.classify.classify(ticket, pack)` produces a `Classification`; `policies.rules.clauses`
consumes it. Both sides depend only on this module.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from policies.model import Evidence

# Reason categories the policy distinguishes. Weighty ones in the sense of seed 000.
WEIGHTY_REASONS: frozenset[str] = frozenset(
    {
        "illness",
        "surgery",
        "hospital",
        "bereavement",
        "accident",
        "unemployment",
        "pregnancy",
        "care",
        "unexpected_event",
    }
)
# The reasons of the body's health: the default of what K-COACH-REFUND counts as illness (pack
# `coach_refund.illness_reasons`), and what the reader looks for first in a coach refund (policies/reading/classify.py).
MEDICAL_REASONS: tuple[str, ...] = ("illness", "surgery", "hospital", "accident")
NOT_WEIGHTY_REASONS: frozenset[str] = frozenset(
    {
        "no_motivation",
        "weight_gain",
        "no_success",
        "not_for_me",
        "no_time",
        "timing",
        "dissatisfied",
        "money",
        "priorities",
    }
)

# The length a span with no end counts as ("bis ich wieder gesund bin", "until further notice"): longer than any limit.
OPEN_SPAN_DAYS = 3 * 365

DOCUMENT_KINDS: tuple[str, ...] = ("attest", "unemployment_certificate", "unspecified")


@dataclass(frozen=True)
class Facts:
    language: str = "de"  # "de" | "en"
    dates_mentioned: tuple[date, ...] = ()
    dates_asked: tuple[date, ...] = ()  # the dates time is asked until ("bis zum 10. Juli"), among those mentioned
    duration_days: int | None = None  # how long the customer asks for (extension / pause)
    duration_text: str | None = None  # the span it came from, e.g. "6 Wochen"
    duration_until: date | None = None  # the day a span given by its end runs to ("bis Ende Juni": 30 June)
    # The longest span of time named anywhere in the new text, asked for or not ("neun Monate Therapie").
    longest_span_days: int | None = None
    longest_span_text: str | None = None
    reason: str | None = None  # a category from WEIGHTY_REASONS | NOT_WEIGHTY_REASONS, None = none given
    reason_text: str | None = None
    documents: tuple[str, ...] = ()  # kinds from DOCUMENT_KINDS, attached to a customer message
    # Kinds the text says are attached ("Attest anbei") although nothing of that kind is (docs/policy.md §4).
    documents_claimed: tuple[str, ...] = ()
    strong_dissatisfaction: bool = False
    timing_not_right: bool = False  # "der Zeitpunkt war nicht passend" (K-EXT-2)
    explicit_exit: bool = False  # an early Club exit asked for in so many words (K-CLUB-EXIT)
    # Whether the wish names the product it is about ("Ausbildung", "Programm", "Club"), here or in the subject.
    # A wish that names none ("Ich möchte mein Geld zurück") is for a customer with two products a question
    # (K-1, rules/clauses.py). True unless the reader found the wish without any product.
    product_named: bool = True
    # The customer's words that an earlier goodwill gesture was granted ("ich wurde schon einmal verlängert"),
    # None when they say nothing of one (lexicon PRIOR_GESTURE_CLAIMED).
    prior_claimed: str | None = None
    # Whether the text calls the Club by its name ("Club", "Klub"), not only "Mitgliedschaft", "membership", "Abo":
    # a coach trainee's "Mitgliedschaft" may be the training's (the CRM tags it memb_intueat_coach_...).
    club_named: bool = False
    # The extension wish is a goodwill restart ("nochmal von vorne anfangen"), K-EXT-2's exception.
    restart: bool = False

    @property
    def reason_weighty(self) -> bool | None:
        if self.reason is None:
            return None
        return self.reason in WEIGHTY_REASONS

    @property
    def documents_present(self) -> bool:
        return bool(self.documents)

    def to_dict(self) -> dict[str, object]:
        return {
            "language": self.language,
            "dates_mentioned": [d.isoformat() for d in self.dates_mentioned],
            "dates_asked": [d.isoformat() for d in self.dates_asked],
            "duration_days": self.duration_days,
            "duration_text": self.duration_text,
            "duration_until": self.duration_until.isoformat() if self.duration_until else None,
            "longest_span_days": self.longest_span_days,
            "longest_span_text": self.longest_span_text,
            "reason": self.reason,
            "reason_text": self.reason_text,
            "reason_weighty": self.reason_weighty,
            "documents": list(self.documents),
            "documents_claimed": list(self.documents_claimed),
            "strong_dissatisfaction": self.strong_dissatisfaction,
            "timing_not_right": self.timing_not_right,
            "explicit_exit": self.explicit_exit,
            "product_named": self.product_named,
            "prior_claimed": self.prior_claimed,
            "restart": self.restart,
            "club_named": self.club_named,
        }


@dataclass(frozen=True)
class CueReading:
    """One wish cue found in a sentence and whether it counts.

    `counts` is False when the cue is negated or retracted, reports the past, or is about another
    object; `why_not` then says which ("negated", "retracted", "past", "other_object", "hypothetical",
    "quoted")."""

    intent: str  # extend | pause | refund | cancel | unsub
    text: str  # the cue as the customer wrote it
    request_type: str  # what the cue would ask for
    counts: bool
    why_not: str | None = None


@dataclass(frozen=True)
class SentenceReading:
    """The reader's verdict on one sentence of the text it read (the subject first, when it counts)."""

    text: str
    source: str  # "subject" | "body"
    cues: tuple[CueReading, ...] = ()
    negated: bool = False  # a wish in it is negated or retracted ("nicht kündigen", "hat sich erledigt")
    tense: str = "present"  # "past" when its wish is a report of an earlier one ("letztes Jahr hatte ich pausiert")
    object: str | None = None  # what its wish is about: a product ("program", "club", "coach"), "other", or None
    object_text: str | None = None  # the words naming another object ("Handyvertrag")

    @property
    def counts(self) -> bool:
        return any(c.counts for c in self.cues)

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "source": self.source,
            "cues": [
                {
                    "intent": c.intent,
                    "text": c.text,
                    "request_type": c.request_type,
                    "counts": c.counts,
                    "why_not": c.why_not,
                }
                for c in self.cues
            ],
            "negated": self.negated,
            "tense": self.tense,
            "object": self.object,
            "object_text": self.object_text,
            "counts": self.counts,
        }


@dataclass(frozen=True)
class Classification:
    request_type: str
    abusive: bool = False
    severity: str | None = None  # "severe" for threats of violence / hate speech
    confidence: float = 1.0
    evidence: tuple[Evidence, ...] = ()
    facts: Facts = field(default_factory=Facts)
    # The question to ask first (K-1), by kind: "unsub", "cancel", "vague", "club_exit"; None = the rules' default.
    # policies/render/note.py words it, in the customer's form of address.
    clarify: str | None = None
    address: str = "du"  # "du" or "sie": how the customer writes, so the suggested question answers in kind
    secondary_types: tuple[str, ...] = ()  # other requests in the same mail (side questions)
    # The reader that produced this (lexicon version): recorded on every decision, whoever classified.
    reader_version: str | None = None
    # Per-sentence verdicts of the rule reader (`goodwill read` shows them); empty for other readers.
    sentences: tuple[SentenceReading, ...] = ()
