"""Read a ticket: request type, abuse flags and the facts the policy needs (issue 3).

Lexicon + rules with scoring, so every decision can be shown to the agent as the phrases that
made it (`Classification.evidence`). Steps:

1. Reduce the body to the customer's new text (HTML, quoted mails, signature removed); add the subject
   only for the first message of a ticket and never for a reply or forward ("AW:", "Fwd:" ...).
2. Find intent cues (extend, pause, refund, cancel, unsubscribe) and product mentions
   (coach training, Club, program, newsletter); give each intent the product it refers to
   (same sentence first, else the nearest mention before it).
3. Judge each cue in its sentence (`policies/reading/wishes.py`): it counts only when it is not negated
   or retracted, a present wish rather than a past report, and about our products or no other object.
   The verdicts are kept per sentence (`Classification.sentences`).
4. (intent, product) → request type; the counting cues' scores add up per type; the strongest goodwill
   type wins, other requests become `secondary_types`. The confidence is lowered for competing types,
   a weak or subject-only cue and a hedged wish; below the pack's `classifier.min_confidence` the type
   becomes `unclear`. Nothing clear but a plausible goodwill wish → `unclear`.
5. Abuse and facts are read independently of the type (facts not from sentences whose wish does not count).
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, replace
from datetime import date, datetime

from policies.dates import add_months, end_of_month
from policies.model import Evidence, Ticket
from policies.pack.loader import PolicyPack
from policies.pack.params import param
from policies.reading import lexicon as lx
from policies.reading.abuse import detect_abuse
from policies.reading.classification import MEDICAL_REASONS, Classification, CueReading, Facts, SentenceReading
from policies.reading.extract import (
    aimed_months,
    asked_dates,
    claimed_documents,
    dated,
    detect_language,
    durations,
    extract_documents,
    extract_duration,
    extract_reason,
    first_hit,
    longest_span,
    negated,
    unique_dates,
)
from policies.reading.text import fold, sentence_bounds, snippet
from policies.reading.wishes import Verdict, WishText, customer_words, subject_counts
from policies.vocab import RequestType

CLASSIFIER_VERSION = lx.CLASSIFIER_VERSION

GOODWILL_TYPES: tuple[RequestType, ...] = (
    RequestType.PROGRAM_EXTENSION,
    RequestType.PROGRAM_PAUSE,
    RequestType.PROGRAM_RETURN,
    RequestType.CLUB_PAUSE,
    RequestType.CLUB_CANCELLATION,
    RequestType.COACH_REFUND,
    RequestType.COACH_EXTENSION,
)
DURATION_TYPES = frozenset(
    {RequestType.PROGRAM_EXTENSION, RequestType.PROGRAM_PAUSE, RequestType.CLUB_PAUSE, RequestType.COACH_EXTENSION}
)
DEFAULT_MIN_CONFIDENCE = 0.5

# The products a wish can name; "newsletter" and None name none of them.
_PRODUCTS = ("program", "club", "coach")
# (intent, product) → request type. Product None = not named anywhere near.
_RT = RequestType
_TYPE_OF: dict[tuple[str, str | None], RequestType] = {
    ("extend", "coach"): _RT.COACH_EXTENSION,
    ("extend", "club"): _RT.PROGRAM_EXTENSION,
    ("extend", "program"): _RT.PROGRAM_EXTENSION,
    ("extend", None): _RT.PROGRAM_EXTENSION,
    ("extend", "newsletter"): _RT.PROGRAM_EXTENSION,
    ("pause", "coach"): _RT.COACH_EXTENSION,
    ("pause", "club"): _RT.CLUB_PAUSE,
    ("pause", "program"): _RT.PROGRAM_PAUSE,
    ("pause", None): _RT.PROGRAM_PAUSE,
    ("pause", "newsletter"): _RT.PROGRAM_PAUSE,
    ("refund", "coach"): _RT.COACH_REFUND,
    ("refund", "club"): _RT.CLUB_CANCELLATION,
    ("refund", "program"): _RT.PROGRAM_RETURN,
    ("refund", None): _RT.PROGRAM_RETURN,
    ("refund", "newsletter"): _RT.PROGRAM_RETURN,
    ("cancel", "coach"): _RT.COACH_REFUND,
    ("cancel", "club"): _RT.CLUB_CANCELLATION,
    ("cancel", "program"): _RT.PROGRAM_RETURN,
    ("cancel", None): _RT.UNCLEAR,
    ("cancel", "newsletter"): _RT.OTHER,
    ("unsub", "coach"): _RT.UNCLEAR,
    ("unsub", "club"): _RT.CLUB_CANCELLATION,
    ("unsub", "program"): _RT.UNCLEAR,
    ("unsub", None): _RT.UNCLEAR,
    ("unsub", "newsletter"): _RT.OTHER,
}
# Weak "other" cues (a recipe question, a date) do not turn an abusive rant into a request.
_WEAK_OTHER = frozenset({"content"})

# Capitalised "Sie"/"Ihnen" not at a sentence start: the customer writes formally (Sie), so the question does too.
_SIE_STRICT = re.compile(r"(?<![.!?\n]\s)(?<![.!?\n])(?<!^)\b(?:Sie|Ihnen|Ihrem|Ihren|Ihrer|Ihre)\b")
# Cues in the subject weigh less than the same cue in the new text: the new text settles a conflict.
SUBJECT_WEIGHT = 0.85


@dataclass(frozen=True)
class _Hit:
    intent: str
    rtype: RequestType
    weight: float
    start: int
    end: int
    product: str | None
    near: bool  # product named in the same sentence
    counts: bool = True  # a present wish about our products (policies/reading/wishes.py)
    why_not: str | None = None
    in_subject: bool = False
    verdict: Verdict | None = None


def _product_mentions(folded: str) -> list[tuple[int, int, str]]:
    calls = [(m.start(), m.end()) for m in lx.COACHING_CALL.finditer(folded)]
    out: list[tuple[int, int, str]] = []
    for name, pattern in lx.PRODUCTS.items():
        for m in pattern.finditer(folded):
            if name == "coach" and any(a <= m.start() < b or m.start() <= a < m.end() for a, b in calls):
                continue
            out.append((m.start(), m.end(), name))
    out.sort()
    return out


def _resolve_product(
    intent: str, start: int, end: int, folded: str, mentions: list[tuple[int, int, str]]
) -> tuple[str | None, bool]:
    s, e = sentence_bounds(folded, start, end)
    strong = [(a, b, "program" if p == "purchase" else p, p == "purchase") for a, b, p in mentions if p != "mail"]
    in_sentence = [x for x in strong if s <= x[0] < e]
    if in_sentence:
        # the named product nearest to the cue; purchase words and newsletters only if nothing else is named there
        products = (
            [x for x in in_sentence if x[2] != "newsletter" and not x[3]]
            or [x for x in in_sentence if x[2] != "newsletter"]
            or in_sentence
        )
        _, _, p, _ = min(products, key=lambda x: min(abs(x[0] - start), abs(x[1] - end)))
        return p, True
    if intent == "unsub" and any(s <= a < e for a, _, p in mentions if p == "mail"):
        return "newsletter", True
    others = [x for x in strong if x[2] != "newsletter"]
    if not others:
        return None, False
    if intent == "cancel" and any(x[2] == "club" for x in others):
        return "club", False  # the Club is the only thing one "kündigt"
    others = [x for x in others if not x[3]] or others
    # from another sentence, a named product ("Ausbildung", "Club") rather than a part of any ("Modul", "Kurs")
    specific = [x for x in others if not lx.GENERIC_PRODUCT_WORDS.fullmatch(folded[x[0] : x[1]])] or others
    before = [x for x in specific if x[1] <= start]
    if before:
        return before[-1][2], False
    return specific[0][2], False


def _find_intents(
    folded: str, original: str, mentions: list[tuple[int, int, str]], body_start: int, context: str | None = None
) -> tuple[list[_Hit], WishText]:
    """Every wish cue with its verdict: counting ones vote, the others are shown (`Classification.sentences`)."""
    wish = WishText(folded, original, mentions)
    # cancel first: "nicht mehr verlängern" is a cancellation and must not also count as an extension
    raw = [
        (intent, weight, m)
        for intent in ("cancel", "refund", "pause", "extend", "unsub")
        for weight, pattern in lx.INTENTS[intent]
        for m in pattern.finditer(folded)
    ]
    if not raw:
        return [], wish
    blocked = [(m.start(), m.end()) for m in lx.NOT_INTENT.finditer(folded)]
    billing = bool(lx.BILLING.search(folded))
    found: list[tuple[str, float, int, int]] = []
    taken: list[tuple[int, int]] = []
    for intent, weight, m in raw:
        a, b = m.start(), m.end()
        if any(x < b and a < y for x, y in blocked) or any(x < b and a < y for x, y in taken):
            continue
        if intent == "refund" and billing:
            continue
        found.append((intent, weight, a, b))
        taken.append((a, b))
    starts = sorted(a for _, _, a, _ in found)
    wish.cue_positions = starts
    wish.context = context
    wish.body_start = body_start
    hits: list[_Hit] = []
    for intent, weight, a, b in found:
        product, near = _resolve_product(intent, a, b, folded, mentions)
        if product is None and context is not None:
            product = context  # "Please go ahead with the cancellation" in reply to "Cancelling the Club"
        verdict = wish.judge(intent, a, b, product, starts)
        if intent == "cancel" and folded.startswith("nicht", a) and "verl" in folded[a:b] and product != "club":
            # "bitte nicht verlängern" ends only a membership that renews; else it is an extension negated
            intent, weight = "extend", 1.0
            verdict = replace(verdict, counts=False, why_not="negated", negated=True)
        rtype = _TYPE_OF[(intent, product)]
        hits.append(
            _Hit(intent, rtype, weight, a, b, product, near, verdict.counts, verdict.why_not, a < body_start, verdict)
        )
    hits.sort(key=lambda h: h.start)
    hits = _withdrawn_by_conclusion(hits, wish)
    # "Abmeldung" in the subject is settled by "vom Newsletter abmelden" in the body: the concrete reading wins
    resolved = {h.intent for h in hits if h.counts and h.rtype != RequestType.UNCLEAR}
    return [
        h
        if not (h.counts and h.rtype == RequestType.UNCLEAR and h.intent in resolved)
        else replace(h, counts=False, why_not="resolved")
        for h in hits
    ], wish


def _withdrawn_by_conclusion(hits: list[_Hit], wish: WishText) -> list[_Hit]:
    """A wish negated as a conclusion ("Ich brauche also keine Verlängerung", "so I don't need a refund after all")
    withdraws the same wish asked anywhere before it: the customer wrote the wish, then found they need it no more."""
    last: dict[RequestType, int] = {}
    for h in hits:
        if h.why_not == "negated" and wish.spans:
            s, e = wish.spans[wish.sentence_of(h.start)]
            # the conclusion leads up to the negated cue ("brauche ich also keine …") or ends it ("… after all")
            if lx.CONCLUSION.search(wish.folded[max(s, h.start - 40) : min(e, h.end + 30)]):
                last[h.rtype] = h.start
    if not last:
        return hits
    return [
        replace(h, counts=False, why_not="retracted") if h.counts and h.start < last.get(h.rtype, -1) else h
        for h in hits
    ]


def _sentence_readings(hits: list[_Hit], wish: WishText, original: str, body_start: int) -> tuple[SentenceReading, ...]:
    """One verdict per sentence of the text read: the cues found in it and what was found about them."""
    out: list[SentenceReading] = []
    for s, e in wish.spans:
        text = original[s:e].strip()
        if not text:
            continue
        cues = [h for h in hits if s <= h.start < e]
        verdicts = [h.verdict for h in cues if h.verdict is not None]
        objects = [v for v in verdicts if v.obj is not None]
        out.append(
            SentenceReading(
                text=text,
                source="subject" if s < body_start else "body",
                cues=tuple(CueReading(h.intent, original[h.start : h.end], h.rtype, h.counts, h.why_not) for h in cues),
                negated=any(v.negated for v in verdicts),
                tense="past" if verdicts and all(v.tense == "past" for v in verdicts) else "present",
                object=objects[0].obj if objects else None,
                object_text=next((v.obj_text for v in objects if v.obj_text), None),
            )
        )
    return tuple(out)


_CLUB_NAME = re.compile(r"\b(?:club|klub)")


def _claimed_prior(folded: str, hits: list[_Hit], wish: WishText) -> tuple[int, int] | None:
    """Where the customer says a goodwill was granted before, unless said of another object ("our landlord has
    already extended the repair deadline": the sentence's wish is about the landlord's deadline)."""
    for m in lx.PRIOR_GESTURE_CLAIMED.finditer(folded):
        if negated(folded, m.start()):
            continue
        span = next(((s, e) for s, e in wish.spans if s <= m.start() < e), None)
        if span and any(
            h.verdict is not None and h.verdict.obj == "other" for h in hits if span[0] <= h.start < span[1]
        ):
            continue
        return m.start(), m.end()
    return None


_STAY, _LEAVE = frozenset({"extend", "pause"}), frozenset({"cancel", "refund"})
_OR = re.compile(r"\b(?:oder|or|bzw|beziehungsweise|either)\b")


def _torn_between(hits: list[_Hit], folded: str) -> tuple[int, int] | None:
    """Span of 'A oder B' where A keeps the customer (pause/extend) and B ends it (cancel/refund), or vice versa."""
    for a, b in itertools.pairwise(hits):
        if a.rtype == b.rtype or a.rtype not in GOODWILL_TYPES or b.rtype not in GOODWILL_TYPES:
            continue
        if not ({a.intent, b.intent} & _STAY and {a.intent, b.intent} & _LEAVE):
            continue
        between = folded[a.end : b.start]
        if len(between) < 60 and "\n" not in between and _OR.search(between):
            return a.start, b.end
    return None


def _other_cues(folded: str) -> list[tuple[str, re.Match[str]]]:
    out = []
    for name, pattern in lx.OTHER:
        m = pattern.search(folded)
        if m:
            out.append((name, m))
    return out


def _address_form(original: str) -> str:
    return "sie" if _SIE_STRICT.search(original) or re.search(r"sehr geehrte", original, re.I) else "du"


def _default_year(ticket: Ticket) -> int | None:
    created = ticket.created_at
    return created.year if isinstance(created, datetime) else None


@dataclass
class _Reading:
    """The type decision before facts are added."""

    rtype: RequestType
    confidence: float
    evidence: list[Evidence]
    clarify_kind: str | None = None
    secondary: tuple[str, ...] = ()


def reads_more_facts(found: str, chosen: str) -> bool:
    """Whether the facts read for a ticket of type `found` lack some a ticket of type `chosen` rests on (a reason, a
    span): then `classify(ticket, pack, facts_for=chosen)` reads them (policies/decide.py)."""
    return (_reads_reason(chosen) and not _reads_reason(found)) or (
        chosen in DURATION_TYPES and found not in DURATION_TYPES
    )


# The reason a certificate attached shows when the text names none (policies/reading/classification.py kinds).
_REASON_OF_DOCUMENT = (("unemployment", "unemployment_certificate"), ("illness", "attest"))


def _product_named(hits: list[_Hit], rtype: str) -> bool:
    return any(h.product in _PRODUCTS for h in hits if h.rtype == rtype) or rtype not in GOODWILL_TYPES


def _reads_reason(rtype: str) -> bool:
    return rtype in GOODWILL_TYPES or rtype == RequestType.UNCLEAR  # a reason is what a goodwill wish rests on


def classify(ticket: Ticket, pack: PolicyPack | None = None, *, facts_for: str | None = None) -> Classification:
    """Classify one ticket. Pure: same ticket, same pack → same result.

    `facts_for`: read the facts (reason, spans) a ticket of that type rests on, whatever type this reader finds —
    for a wish the second reader named where this one found none (policies/decide.py). Facts are read only for the
    types that use them: most mail asks for no goodwill, and the reason and span readers are a tenth of the work."""
    min_conf = DEFAULT_MIN_CONFIDENCE if pack is None else float(param(pack, "classifier.min_confidence"))

    # The subject counts only for the first message of a ticket, never for a reply or a forward (AW:, Fwd: ...).
    earlier = sum(1 for m in ticket.messages if not m.note)
    subject = (ticket.subject or "").strip() if subject_counts(ticket.subject or "", earlier) else ""
    body = customer_words(ticket.body or "", ticket.customer_email)
    original = f"{subject}\n\n{body}" if subject else body
    body_start = len(original) - len(body)
    folded = fold(original)
    words = lx.index_text(folded)
    language = detect_language(folded, words)

    abuse = detect_abuse(original, folded)
    context = None if subject else _context_product(ticket.subject or "")
    all_hits, wish = _find_intents(folded, original, _product_mentions(folded), body_start, context)
    hits = [h for h in all_hits if h.counts]
    reading = _choose_type(hits, _other_cues(folded), abuse.abusive, original, folded, body_start, min_conf, all_hits)
    # reasons and durations given for an earlier wish (a past report, a retracted one) are not this wish's
    facts_text = _mask_sentences(folded, wish, all_hits)
    facts, fact_evidence = _facts(ticket, facts_for or reading.rtype, original, facts_text, language, hits)
    if facts_for:
        facts = replace(facts, product_named=_product_named(hits, reading.rtype))  # what this reader found named
    # an earlier gesture is told as a past report, which the facts text masks: read the whole new text for it
    prior = _claimed_prior(folded, all_hits, wish)
    if prior:
        facts = replace(facts, prior_claimed=original[prior[0] : prior[1]])
        fact_evidence.append(Evidence("prior_claimed", snippet(original, *prior)))
    clarify_kind = reading.clarify_kind
    if reading.rtype == RequestType.CLUB_CANCELLATION and not facts.explicit_exit:
        clarify_kind = "club_exit"
    return Classification(
        reader_version=CLASSIFIER_VERSION,
        request_type=reading.rtype,
        abusive=abuse.abusive,
        severity=abuse.severity,
        confidence=round(max(0.0, min(1.0, reading.confidence)), 3),
        evidence=(*reading.evidence, *abuse.evidence, *fact_evidence),
        facts=facts,
        clarify=clarify_kind,
        address=_address_form(body),
        secondary_types=tuple(dict.fromkeys(t for t in reading.secondary if t != reading.rtype)),
        sentences=_sentence_readings(all_hits, wish, original, body_start),
    )


def _context_product(subject: str) -> str | None:
    """The product a reply's subject names: it may say what a wish of the new text is about, never add one."""
    folded = fold(subject)
    for _, _, name in _product_mentions(folded):
        if name in ("coach", "club", "program"):
            return name
    return None


def _mask_sentences(folded: str, wish: WishText, hits: list[_Hit]) -> str:
    """The text with every sentence blanked that only reports an earlier wish (same length, same offsets):
    "Letztes Jahr hatte ich wegen Corona pausiert" gives no reason for this year's request."""
    out = folded
    for s, e in wish.spans:
        cues = [h for h in hits if s <= h.start < e]
        if cues and not any(h.counts for h in cues) and any(h.why_not in ("past", "retracted") for h in cues):
            out = out[:s] + " " * (e - s) + out[e:]
    return out


def _choose_type(
    hits: list[_Hit],
    others: list[tuple[str, re.Match[str]]],
    abusive: bool,
    original: str,
    folded: str,
    body_start: int,
    min_conf: float,
    all_hits: list[_Hit] | None = None,
) -> _Reading:
    """Goodwill wish first, then an unclear wish, then abuse asking for nothing, then other.

    `hits` are the cues that count; `all_hits` also those that do not (negated, past, another object).
    """
    scores: dict[RequestType, float] = {}
    first_pos: dict[RequestType, int] = {}
    for h in hits:
        w = h.weight * (1.0 if h.near or h.product is None else 0.85) * (SUBJECT_WEIGHT if h.in_subject else 1.0)
        scores[h.rtype] = min(3.0, scores.get(h.rtype, 0.0) + w)
        first_pos.setdefault(h.rtype, h.start)
    goodwill = sorted((t for t in scores if t in GOODWILL_TYPES), key=lambda t: (-scores[t], first_pos[t]))
    strong_other = [(n, m) for n, m in others if n not in _WEAK_OTHER]
    side = (RequestType.OTHER,) if RequestType.OTHER in scores or strong_other else ()

    if goodwill:
        rtype, top = goodwill[0], scores[goodwill[0]]
        runner = scores[goodwill[1]] if len(goodwill) > 1 else 0.0
        # quote the body rather than the subject, the strongest cue first
        own = [h for h in hits if h.rtype == rtype]
        best = max(own, key=lambda h: (h.start >= body_start, h.weight, -h.start))
        confidence = _confidence(top, runner, best, own, folded)
        evidence = [Evidence(rtype, snippet(original, best.start, best.end))]
        torn = _torn_between(hits, folded)
        if torn:
            # "pausieren oder kündigen?": stay or leave is the customer's call to make first (K-1)
            confidence = min(confidence, min_conf - 0.01)
            evidence.append(Evidence("unclear", snippet(original, torn[0], torn[1])))
        if confidence < min_conf:
            return _Reading(RequestType.UNCLEAR, confidence, evidence, "vague", (rtype, *goodwill[1:], *side))
        return _Reading(rtype, confidence, evidence, None, (*goodwill[1:], *side))

    vague = first_hit(lx.VAGUE_WISH, folded)
    if RequestType.UNCLEAR in scores or (vague and not strong_other):
        unclear = next((h for h in hits if h.rtype == RequestType.UNCLEAR), None)
        if unclear is not None:
            kind = unclear.intent if unclear.intent in ("unsub", "cancel") else "vague"
            evidence = [Evidence("unclear", snippet(original, unclear.start, unclear.end))]
        else:
            kind = "vague"
            assert vague is not None  # no UNCLEAR hit, so UNCLEAR was not scored: the vague wish got us here
            evidence = [Evidence("unclear", snippet(original, vague.start(), vague.end()))]
        return _Reading(RequestType.UNCLEAR, 0.6, evidence, kind, side)

    if abusive and not side:
        return _Reading(RequestType.ABUSE, 0.85, [])

    if RequestType.OTHER in scores:
        h = next(h for h in hits if h.rtype == RequestType.OTHER)
        return _Reading(RequestType.OTHER, 0.8, [Evidence("other", snippet(original, h.start, h.end))])
    cue = next(iter(strong_other or others), None)
    if cue is not None:
        return _Reading(RequestType.OTHER, 0.75, [Evidence("other", snippet(original, cue[1].start(), cue[1].end()))])
    return _Reading(RequestType.OTHER, 0.55, [])  # nothing recognised: not a confident reading


def _confidence(top: float, runner: float, best: _Hit, own: list[_Hit], folded: str) -> float:
    """How sure the reading of the winning type is (0-1); below the pack's minimum the type becomes `unclear`.

    It starts from the summed cue weights and is lowered when two request types compete, when the only
    cue is weak or stands in the subject alone, when the product came from another sentence, and when
    the wish is hedged ("ich überlege, ob ...", "maybe").
    """
    confidence = min(0.97, 0.55 + 0.2 * top)
    if runner:
        confidence -= 0.15 if top - runner < 0.3 else 0.05  # two request types compete
    if not best.near and best.product is not None:
        confidence -= 0.05  # the product came from another sentence
    if len(own) == 1 and best.weight < 1.0:
        confidence -= 0.1  # the only cue is a weak one ("verschieben", "mehr Zeit")
    if all(h.in_subject for h in own):
        confidence -= 0.05  # only the subject says so
    s, e = sentence_bounds(folded, best.start, best.end)
    if lx.HEDGE.search(folded[s:e]):
        confidence -= 0.1  # a tentative wish ("ich überlege, ob ich kündige")
    return confidence


def _facts(
    ticket: Ticket, rtype: str, original: str, folded: str, language: str, hits: list[_Hit]
) -> tuple[Facts, list[Evidence]]:
    evidence: list[Evidence] = []
    found_dates = dated(folded, _default_year(ticket), language)
    reason = reason_text = None
    if _reads_reason(rtype):
        reason, reason_text, ev = extract_reason(
            folded,
            original,
            now=rtype == RequestType.CLUB_CANCELLATION,
            first=MEDICAL_REASONS if rtype == RequestType.COACH_REFUND else (),
        )
        if ev:
            evidence.append(ev)
    documents, doc_ev = extract_documents(folded, original, tuple(ticket.attachments or ()), reason)
    evidence.extend(doc_ev)
    if reason is None and _reads_reason(rtype):
        # "Anbei das Attest, bitte beendet den Club wie besprochen": the document attached names the reason
        reason = next((r for r, kind in _REASON_OF_DOCUMENT if kind in documents), None)
    claimed, claim_ev = claimed_documents(folded, original, documents, reason)
    evidence.extend(claim_ev)
    duration_days = duration_text = longest_days = longest_text = None
    duration_until: date | None = None
    aimed: tuple[date, ...] = ()
    if rtype in DURATION_TYPES:
        spans = [(h.start, h.end) for h in hits if h.intent in ("extend", "pause")]
        written = ticket.created_at.date() if isinstance(ticket.created_at, datetime) else None
        found = durations(folded, written)  # read once for both
        duration_days, duration_text, ev, kind = extract_duration(folded, original, spans, found)
        if ev:
            evidence.append(ev)
        if kind == "until" and written is not None and duration_days:
            # "bis Ende Juni": the span counts the months from the mail's to that one; it runs to that month's end
            duration_until = end_of_month(add_months(written.replace(day=1), round(duration_days / 30) - 1))
        longest_days, longest_text = longest_span(folded, original, found)
        if rtype == RequestType.COACH_EXTENSION:
            # a trainee names the exam date aimed at ("die Prüfung erst im Dezember"): rules/coach.py counts it
            # from the current end date
            aimed = aimed_months(folded, original, written)
    dissatisfied = first_hit(lx.STRONG_DISSATISFACTION, folded)
    timing = first_hit(lx.TIMING_NOT_RIGHT, folded)
    if timing:
        evidence.append(Evidence("timing_not_right", snippet(original, timing.start(), timing.end())))
    if dissatisfied:
        evidence.append(Evidence("strong_dissatisfaction", snippet(original, dissatisfied.start(), dissatisfied.end())))
    explicit_exit = False
    if rtype == RequestType.CLUB_CANCELLATION:
        # explicit = a cancel wish aimed at the Club ("kündigen", "austreten", "cancel"), not "abmelden" or "Geld zurück"
        exit_hit = next((h for h in hits if h.intent == "cancel" and h.rtype == RequestType.CLUB_CANCELLATION), None)
        if exit_hit:
            explicit_exit = True
            evidence.append(Evidence("explicit_exit", snippet(original, exit_hit.start, exit_hit.end)))
    facts = Facts(
        language=language,
        dates_mentioned=tuple(unique_dates(dt for _, dt in found_dates)),
        dates_asked=unique_dates((*asked_dates(folded, found_dates), *aimed)),
        duration_days=duration_days,
        duration_text=duration_text,
        duration_until=duration_until,
        longest_span_days=longest_days,
        longest_span_text=longest_text,
        reason=reason,
        reason_text=reason_text,
        documents=documents,
        documents_claimed=claimed,
        strong_dissatisfaction=dissatisfied is not None,
        timing_not_right=timing is not None or reason == "timing",
        explicit_exit=explicit_exit,
        club_named=_CLUB_NAME.search(folded) is not None,
        restart=any(h.intent == "extend" and lx.RESTART.search(folded[h.start : h.end]) for h in hits),
        product_named=_product_named(hits, rtype),
    )
    return facts, evidence


__all__ = ["CLASSIFIER_VERSION", "GOODWILL_TYPES", "classify"]
