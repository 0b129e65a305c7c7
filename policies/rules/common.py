"""What every clause module shares: the case context, the ruling it returns, and the history checks.

A `Ruling` is the clause's verdict plus what the note must say, as codes with parameters
(`Line`); `policies.render.note` turns the codes into German. Keeping the wording out of the rules
lets the rules be tested on behaviour and the note on language.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from policies.dates import day_count, local_date
from policies.model import Action, Customer, HistoryEntry, Ticket
from policies.pack.loader import PolicyPack
from policies.pack.params import param
from policies.reading.classification import OPEN_SPAN_DAYS, Classification, Facts
from policies.vocab import GESTURE_TYPES, Alternative, Outcome, RequestType


@dataclass(frozen=True)
class Line:
    """One statement for the note: a code from `policies.render.note.TEXTS` and its values."""

    code: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Ruling:
    outcome: Outcome
    clauses: tuple[str, ...]
    alternative: Alternative | None = None
    escalate_to: str | None = None
    actions: tuple[Action, ...] = ()
    why: tuple[Line, ...] = ()  # facts looked at and the reason for the outcome
    todo: tuple[Line, ...] = ()  # next steps for the agent (inserts, AC changes, escalation)
    ask: tuple[Line, ...] = ()  # what is missing and what to ask the customer
    facts: dict[str, Any] = field(default_factory=dict)  # computed values, echoed in Decision.facts
    # Why this ruling may rest on a misreading although both readers agree: a person confirms it before anything
    # is applied (doubt codes, rendered by policies/render/notes.py; policies.reading.agreement.hold).
    unsure: tuple[str, ...] = ()


@dataclass(frozen=True)
class PriorGoodwill:
    """Earlier goodwill gestures found in the history and the CRM tags (K-3)."""

    entries: tuple[HistoryEntry, ...]
    marker_tags: tuple[str, ...]
    # The customer's words that a gesture was granted before ("ihr hattet mir schon einmal verlängert"): an earlier
    # ticket, which counts as history does (docs/policy.md §4), though the snapshot may not hold it.
    claimed: str | None = None

    @property
    def count(self) -> int:
        # Each gesture the tags show counts once (the two tags of one coach extension are one gesture) unless the
        # history holds one of its kind: an applied extension in the ledger explains the extension tags beside it
        # (`kulanz_verlaengerung`, `prog_…_extended`), while an extension tag beside an applied Club pause is a second
        # gesture, and so is a restart beside an extension. The customer's words only say "at least one".
        # A marker that does not tell its kind (`kulanz_gewaehrt`) is mostly the applied mark of another one: it says
        # "at least one" only.
        kinds = {e.request_type for e in self.entries}
        shown = dict(map(_gesture_of, self.marker_tags))  # gesture key -> kind: one gesture's tags share a key
        extra = sum(1 for kind in shown.values() if kind != _ANY and kind not in kinds)
        return max(len(self.entries) + extra, 1 if self.claimed or shown else 0)

    @property
    def exists(self) -> bool:
        return self.count > 0

    @property
    def last_date(self) -> date | None:
        return max((e.date for e in self.entries), default=None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "count": self.count,
            "entries": [
                {"date": e.date.isoformat(), "request_type": e.request_type, "source": e.source} for e in self.entries
            ],
            "marker_tags": list(self.marker_tags),
            "claimed": self.claimed,
        }


@dataclass(frozen=True)
class Context:
    ticket: Ticket | None
    customer: Customer
    today: date
    pack: PolicyPack
    classification: Classification

    def param(self, dotted: str) -> Any:
        return param(self.pack, dotted)

    @property
    def facts(self) -> Facts:
        return self.classification.facts

    @property
    def ticket_date(self) -> date:
        """The day the ticket reached the team (its own calendar), or today if unknown."""
        if self.ticket is not None and self.ticket.created_at is not None:
            return min(local_date(self.ticket.created_at, self.param("general.timezone")), self.today)
        return self.today

    def prior_goodwill(self) -> PriorGoodwill:
        return prior_goodwill(self.customer, self.pack, self.today, self.facts.prior_claimed)


def prior_for(ctx: Context, request_type: str) -> PriorGoodwill:
    """Prior gestures, or none when K-3 is switched off for this type in the pack."""
    prior = ctx.prior_goodwill()
    if request_type not in ctx.param("general.one_gesture_types"):
        return PriorGoodwill(entries=(), marker_tags=())
    return prior


def prior_line(prior: PriorGoodwill) -> Line:
    if not prior.exists:
        return Line("prior_none")
    return Line(
        "prior_found",
        {"entries": prior.entries, "tags": prior.marker_tags, "count": prior.count, "claimed": prior.claimed},
    )


def _is_guarantee_return(entry: HistoryEntry, customer: Customer, window_days: int) -> bool:
    """A return approved within the window is the 30-day guarantee, not a goodwill gesture.

    Without a purchase date the approval is taken as the guarantee: that is what an approved
    return normally is, and a late one would have gone through the OFD and be recorded as such.
    """
    if entry.request_type != RequestType.PROGRAM_RETURN:
        return False
    if customer.program_purchase_date is None:
        return True
    return day_count(customer.program_purchase_date, entry.date) <= window_days


_ANY = "any"  # a marker tag of a gesture whose kind it does not tell: any ledger entry may be it


def _gesture_of(tag: str) -> tuple[str, str | None]:
    """(the gesture a goodwill marker tag shows, the request type the ledger records it as; None: no entry of the
    ledger is it). The tags one gesture leaves share the key (`memb_intueat_coach_1.0_extended_6weeks` and
    `memb_intueat_coach_1.0_extended`); a restart (`kulanz_neustart`) is its own gesture beside an extension."""
    t = tag.lower()
    if "_extended" in t:
        stem = t.split("_extended")[0]
        return stem, RequestType.COACH_EXTENSION if "coach" in stem else RequestType.PROGRAM_EXTENSION
    if "neustart" in t or "restart" in t:
        return t, None
    if "verlaenger" in t or "verlänger" in t or "extension" in t:
        return t, RequestType.PROGRAM_EXTENSION
    if "pause" in t:
        return t, RequestType.CLUB_PAUSE if "club" in t else RequestType.PROGRAM_PAUSE
    return t, _ANY


def prior_goodwill(customer: Customer, pack: PolicyPack, today: date, claimed: str | None = None) -> PriorGoodwill:
    window = param(pack, "return.window_days")
    seen: set[tuple[date, str]] = set()
    entries: list[HistoryEntry] = []
    for e in sorted(customer.history, key=lambda h: h.date):
        if e.date > today or e.outcome != Outcome.APPROVE or not e.applied or e.request_type not in GESTURE_TYPES:
            continue
        if _is_guarantee_return(e, customer, window):
            continue
        # The ledger and an earlier Groove ticket may both report the same gesture.
        if (e.date, e.request_type) in seen:
            continue
        seen.add((e.date, e.request_type))
        entries.append(e)
    tags = tuple(t for t in customer.tags if pack.is_goodwill_marker(t))
    return PriorGoodwill(entries=tuple(entries), marker_tags=tags, claimed=claimed)


def span_beyond(ctx: Context, asked: int | None, too_long: Callable[[int], bool], why: list[Line]) -> tuple[str, ...]:
    """("span_beyond",) when an approval of `asked` days (None: not named) may be too short for what the mail says.

    The reader keeps only a span that is asked for; a span told with the reason ("die Therapie dauert neun Monate")
    is not one. When the longest span named anywhere is longer than the approval allows (`too_long`) and longer
    than what was read as asked, the approval may rest on a misreading: it is decided, and a person confirms it
    (a line in `why` names the span).
    """
    span, text = ctx.facts.longest_span_days, ctx.facts.longest_span_text
    if span is None or (asked is not None and span <= asked) or not too_long(span):
        return ()
    why.append(Line("longer_span_named", {"text": text, "days": span, "open": span >= OPEN_SPAN_DAYS}))
    return ("span_beyond",)


def documents_present(ctx: Context, kind: str) -> bool:
    """Whether the customer sent a document of `kind` (or an attachment the agent must look at)."""
    # The classifier names attachments it cannot place "unspecified"; the note asks the agent to look.
    docs = ctx.facts.documents
    return kind in docs or "unspecified" in docs


def ask_document_line(ctx: Context, kind: str) -> Line:
    """What to ask for a missing document: when the text says it is attached but nothing is, the note says so."""
    claimed = ctx.facts.documents_claimed
    if kind in claimed or "unspecified" in claimed:
        return Line("document_claimed_missing", {"kind": kind})
    return Line("ask_document", {"kind": kind})


def abuse_incidents(customer: Customer, today: date) -> int:
    """Earlier abuse incidents the worker recorded in the history (A-3 repetition)."""
    return sum(1 for e in customer.history if e.request_type == RequestType.ABUSE and e.date <= today)
