"""A reply to our own question: the request we asked about goes on.

When the worker (or an agent) answered a wish with `needs_info` ("bitte schick uns die Bescheinigung") and the
customer replies with what was missing ("anbei der Bescheid", a file and two words), the new text names no wish of its
own and the rule reader finds `other`. The open request is the one the reply answers: it is decided again with what
the reply brings (an attachment, a date, a reason). Only for a reply (a reply prefix or earlier messages) to a
`needs_info` of a goodwill type at most OPEN_DAYS old and not closed by a later entry of that type, and only where the
text retracts or turns down nothing ("hat sich erledigt", "ich behalte es": those end the request instead).

A reply to our `clarify` of an unclear wish ("Meinst du den Newsletter oder deine Club-Mitgliedschaft?") that names
the Club first and no wish of its own ("Ich meine den Club.", "Den Club. Da will ich raus.") is the Club exit we asked
about: an unclear wish is one to leave something, and the answer says what. Naming the program settles nothing by
itself (a return, a pause and more time are all wishes about a program), so that reply is read as it stands; and
any Club exit that answers our question is asked for explicitly (`answers_our_question`).
Pure: the history is passed in.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from policies.model import Customer, Evidence, HistoryEntry, Ticket
from policies.reading import lexicon as lx
from policies.reading.classification import Classification
from policies.reading.text import fold
from policies.reading.wishes import REPLY_PREFIX, retracts_or_keeps
from policies.vocab import GESTURE_TYPES, Outcome, RequestType

OPEN_DAYS = 45  # how long a question of ours stays open for the answer to it
OPEN_REQUEST = "open_request"  # the evidence label: its text is the ISO date of the question answered


def open_request(ticket: Ticket, customer: Customer, today: date) -> HistoryEntry | None:
    """The question of ours a reply answers: the newest `needs_info` of a goodwill type or `clarify` of an unclear
    wish within OPEN_DAYS, still open."""
    if not (REPLY_PREFIX.match(ticket.subject or "") or any(not m.note for m in ticket.messages)):
        return None
    asked = [
        e
        for e in customer.history
        if (
            (e.outcome == Outcome.NEEDS_INFO and e.request_type in GESTURE_TYPES)
            or (e.outcome == Outcome.CLARIFY and e.request_type == RequestType.UNCLEAR)
        )
        and 0 <= (today - e.date).days <= OPEN_DAYS
    ]
    if not asked:
        return None
    last = max(asked, key=lambda e: e.date)
    closed = any(e.request_type == last.request_type and e.date > last.date for e in customer.history)
    return None if closed else last


def answers_open_request(c: Classification, asked: HistoryEntry | None) -> Classification:
    """The classification of a reply that asks nothing by itself: the open request it answers (facts to be re-read
    for that type by the caller)."""
    if asked is None:
        return c
    text = fold(" ".join(s.text for s in c.sentences))
    if asked.outcome == Outcome.CLARIFY:
        if c.request_type not in (RequestType.OTHER, RequestType.UNCLEAR) or _first_product(text) != "club":
            return c
        goes_on = RequestType.CLUB_CANCELLATION
    elif c.request_type != RequestType.OTHER:
        return c
    else:
        goes_on = RequestType(asked.request_type)
    if any(cue.why_not in ("negated", "retracted") for s in c.sentences for cue in s.cues):
        return c  # "die Rückgabe hat sich erledigt": the answer ends the request
    if retracts_or_keeps(text):
        return c  # "das hat sich erledigt, ich bleibe doch": no cue of its own, and it ends the request
    return replace(
        c,
        request_type=goes_on,
        evidence=(*c.evidence, Evidence(OPEN_REQUEST, asked.date.isoformat())),
    )


def answers_our_question(asked: HistoryEntry | None, request_type: str) -> bool:
    """A Club exit in a reply to our question about it or about an unclear wish is asked for in so many words."""
    return (
        asked is not None
        and request_type == RequestType.CLUB_CANCELLATION
        and asked.request_type in (RequestType.CLUB_CANCELLATION, RequestType.UNCLEAR)
    )


def _first_product(folded: str) -> str | None:
    """What the text names first of ours or the newsletter ("Ich meine den Club. Das Programm ist eh abgelaufen.":
    the Club; "Den Newsletter bitte stoppen. Der Club bleibt.": the newsletter)."""
    kinds = ("club", "program", "coach", "newsletter")
    found = [(m.start(), kind) for kind in kinds for m in lx.PRODUCTS[kind].regex.finditer(folded)]
    return min(found)[1] if found else None
