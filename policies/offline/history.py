"""What an earlier Groove ticket shows about a customer's goodwill history (`goodwill history import`).

Pure: a ticket with its messages in, findings out. Two kinds of findings:

- **requests** — a customer message that asks for a goodwill gesture (the reader of
  policies/reading/classify.py): `outcome` "requested", dated by the message. Per ticket and request
  type the first such message counts, so for returns it is the first written return wish (K-RET-30
  counts from it).
- **gestures agents confirmed** — `outcome` "approve", `applied`, dated by the agent's message or note:
  the Groove confirmation insert the guideline names (`[inserts] coach_extension_done`, "[IE Coach]
  6-wöchige Verlängerung eingerichtet"); an internal note that records an extension set up (a
  second one included: "Zweite Verlängerung eingerichtet"); an AC tag that marks a gesture
  (`[markers]`, e.g. "kulanz_verlaengerung") named in an agent's note or set on the Groove ticket.

Every finding keeps the sentence it came from. Customer messages never confirm a gesture (a customer
quoting an insert is not an agent sending it), an offer or a refusal is none ("angeboten",
"abgelehnt", "keine zweite Verlängerung"), and the worker's own notes are skipped (its decisions are in
the ledger already). Auto-replies are no requests.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from policies.dates import local_date
from policies.model import Ticket
from policies.pack.loader import PolicyPack
from policies.pack.params import param
from policies.reading.autoreply import auto_reply
from policies.reading.classification import SentenceReading
from policies.reading.classify import classify
from policies.reading.text import customer_text, html_to_text, looks_like_html
from policies.vocab import GESTURE_TYPES, RequestType

REQUESTED = "requested"  # ledger outcome of an earlier request (what was asked, not what was decided)
APPROVED = "approve"
# The worker signs its notes so (policies/render/notes.py PRODUCT): its decisions are in the ledger.
OWN_SIGNATURE = "Kulanz-Triage"
# Which evidence wins when one ticket shows a gesture more than once on the same day.
KIND_ORDER = ("insert", "note", "marker_tag", "ticket_tag", "request")
MAX_SENTENCE = 200


@dataclass(frozen=True)
class PastMessage:
    created_at: datetime | None
    from_customer: bool
    note: bool
    body: str  # HTML or plain text, as Groove has it
    auto_submitted: str | None = None


@dataclass(frozen=True)
class PastTicket:
    number: int
    subject: str
    created_at: datetime | None
    tags: tuple[str, ...] = ()
    messages: tuple[PastMessage, ...] = ()  # oldest first


@dataclass(frozen=True)
class Finding:
    date: date
    request_type: str
    outcome: str  # REQUESTED | APPROVED
    applied: bool
    kind: str  # request | insert | note | marker_tag | ticket_tag
    sentence: str


# -- agents' notes that record an extension -------------------------------------------------------
_EXTENSION_DONE = (
    re.compile(
        r"\b(verlängerung|verlaengerung)\b[^!?\n]{0,50}?\b(eingerichtet|gewährt|gewaehrt|eingetragen|umgesetzt|"
        r"gebucht|durchgeführt|durchgefuehrt|freigegeben|erledigt)\b",
        re.IGNORECASE,
    ),
    re.compile(
        r"\b(programm|laufzeit|zugang|enddatum|ausbildung|coach-ausbildung|runde)\b[^!?\n]{0,50}?\b"
        r"(verlängert|verlaengert)\b",
        re.IGNORECASE,
    ),
    re.compile(r"\b(verlängert|verlaengert)\b\s+(um|bis)\b", re.IGNORECASE),
    re.compile(r"\b(erneut|nochmals|zum zweiten mal|ein zweites mal)\s+(verlängert|verlaengert)\b", re.IGNORECASE),
)
_SECOND = re.compile(r"\b(zweite|2\.|erneut|nochmals|zum zweiten mal|ein zweites mal)\b", re.IGNORECASE)
# An offer, a wish or a refusal is no gesture set up.
_NOT_DONE = re.compile(
    r"\b(nicht|kein|keine|keinen|abgelehnt|ablehnen|verweigert|nein|angeboten|anbieten|vorgeschlagen|"
    r"wünscht|wuenscht|möchte|moechte|gewünscht|gewuenscht|bittet|fragt|anfrage|prüfen|pruefen|geplant|"
    r"entfernt|gelöscht|geloescht|zurückgenommen|storniert|falls|wenn|sobald|soll)\b",
    re.IGNORECASE,
)
_COACH = re.compile(r"\b(coach|ausbildung|pro-?ende|gruppe|runde)", re.IGNORECASE)
_TAG_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]*[A-Za-z0-9]")


def _plain(body: str) -> str:
    return html_to_text(body) if looks_like_html(body) else body


def _sentences(text: str) -> list[str]:
    """Sentences of a note or agent message, split at ! ? line ends and at '. ' (dates keep their dots)."""
    parts = re.split(r"(?<=[!?])\s+|\n+|(?<=[^\d\s.]\.)\s+", text)
    return [" ".join(p.split()) for p in parts if p and p.strip()]


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_SENTENCE else text[: MAX_SENTENCE - 1].rstrip() + "…"


def _day(moment: datetime | None, fallback: datetime | None, tz: str) -> date | None:
    when = moment or fallback
    return local_date(when, tz) if when else None


def confirmation_inserts(pack: PolicyPack) -> dict[str, str]:
    """The guideline's confirmation inserts (`[inserts] <request type>_done`) → their request type."""
    found: dict[str, str] = {}
    for rtype in GESTURE_TYPES:
        try:
            name = param(pack, f"inserts.{rtype}_done")
        except KeyError:
            continue
        if isinstance(name, str) and name.strip():
            found[" ".join(name.split()).casefold()] = str(rtype)
    return found


def marker_tag_types(pack: PolicyPack) -> dict[str, str]:
    """AC tags that mark one kind of gesture (the pack's own tag parameters) → that request type."""
    types: dict[str, str] = {str(param(pack, "extension.tag")).casefold(): RequestType.PROGRAM_EXTENSION}
    types[str(param(pack, "club_pause.tag")).casefold()] = RequestType.CLUB_PAUSE
    for key in ("coach_extension.legacy_tags", "coach_extension.prior_tags", "coach_extension.long_tags"):
        for tag in param(pack, key):
            types[str(tag).casefold()] = RequestType.COACH_EXTENSION
    return types


def _request_sentence(reading_sentences: Iterable[SentenceReading], rtype: str, fallback: str) -> str:
    """The customer's sentence that asks for it (the body's before the subject's)."""
    asking = [s for s in reading_sentences if any(c.counts and c.request_type == rtype for c in s.cues)]
    asking.sort(key=lambda s: s.source != "body")
    return _short(asking[0].text if asking else fallback)


def read_past_ticket(ticket: PastTicket, pack: PolicyPack) -> list[Finding]:
    """The goodwill requests and the confirmed gestures one earlier ticket shows (one per type and outcome)."""
    tz = param(pack, "general.timezone")
    findings: list[Finding] = []
    inserts = confirmation_inserts(pack)
    tag_types = marker_tag_types(pack)
    requested: set[str] = set()
    first_customer = True
    for message in ticket.messages:
        day = _day(message.created_at, ticket.created_at, tz)
        if day is None:
            continue
        if message.from_customer and not message.note:
            if auto_reply(message.body, header=message.auto_submitted) is not None:
                continue
            probe = Ticket(
                number=ticket.number,
                subject=ticket.subject if first_customer else "",
                body=message.body,
                created_at=message.created_at,
            )
            first_customer = False
            reading = classify(probe, pack)
            rtype = str(reading.request_type)
            if rtype in GESTURE_TYPES and rtype not in requested:
                requested.add(rtype)
                text = customer_text(message.body)
                sentence = _request_sentence(reading.sentences, rtype, text.split("\n")[0] if text else "")
                findings.append(Finding(day, rtype, REQUESTED, False, "request", sentence))
            continue
        text = _plain(message.body)
        if OWN_SIGNATURE in text:
            continue  # the worker's own note: its decision is in the ledger
        findings += _confirmations(text, message.note, day, inserts, tag_types, pack)
    last_agent = [m for m in ticket.messages if not m.from_customer or m.note]
    tag_day = _day(last_agent[-1].created_at if last_agent else None, ticket.created_at, tz)
    if tag_day is not None:
        for tag in ticket.tags:
            tagged = tag_types.get(tag.casefold())
            if tagged is not None:
                findings.append(Finding(tag_day, tagged, APPROVED, True, "ticket_tag", f"Ticket-Tag {tag}"))
    return _one_per_type(findings)


def _confirmations(
    text: str, note: bool, day: date, inserts: dict[str, str], tag_types: dict[str, str], pack: PolicyPack
) -> list[Finding]:
    found: list[Finding] = []
    for sentence in _sentences(text):
        folded = " ".join(sentence.casefold().split())
        refused = bool(_NOT_DONE.search(sentence))
        for name, rtype in inserts.items():
            # Sent to the customer, the insert is the confirmation; a note may only talk about it.
            if name in folded and not (note and refused):
                found.append(Finding(day, rtype, APPROVED, True, "insert", _short(sentence)))
        if refused:
            continue
        if note and any(p.search(sentence) for p in _EXTENSION_DONE):
            extended = RequestType.COACH_EXTENSION if _COACH.search(sentence) else RequestType.PROGRAM_EXTENSION
            found.append(Finding(day, str(extended), APPROVED, True, "note", _short(sentence)))
        for token in _TAG_TOKEN.findall(sentence):
            if "_" not in token or not pack.is_goodwill_marker(token):
                continue
            marked = tag_types.get(token.casefold())
            if marked is not None:
                found.append(Finding(day, marked, APPROVED, True, "marker_tag", _short(sentence)))
    return found


def is_second_extension(finding: Finding) -> bool:
    """A note that records a further extension ("Zweite Verlängerung eingerichtet")."""
    return finding.kind == "note" and bool(_SECOND.search(finding.sentence))


def _one_per_type(findings: list[Finding]) -> list[Finding]:
    best: dict[tuple[str, str], Finding] = {}
    for f in findings:
        key = (f.request_type, f.outcome)
        old = best.get(key)
        if old is None or (f.date, KIND_ORDER.index(f.kind)) < (old.date, KIND_ORDER.index(old.kind)):
            best[key] = f
    return sorted(best.values(), key=lambda f: (f.date, f.request_type, f.outcome))
