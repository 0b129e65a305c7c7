"""Every German label, written once: one table per vocabulary, keyed by the enums of `policies/vocab.py`.

The notes (`policies/render/note.py`, `policies/render/notes.py`) and the team window
(`worker/web/ui/labels.py`, the Jinja templates) read their words from here, so a value is called
the same on the ticket and on the screen. A table holds the form the note uses; where the UI needs
another form, that table says so in its name (`OUTCOME_TITLE`). The keys are the string enums, so a
lookup with the plain stored string works too (`REQUEST_TYPE["program_pause"]`); the tables are
typed `dict[str, str]` for that reason. `tests/policies/test_labels.py` checks every member has a label.
"""

from __future__ import annotations

from collections.abc import Mapping

from policies.vocab import (
    AbuseStep,
    ActionState,
    Alternative,
    EscalationTarget,
    InboxStatus,
    Measure,
    Mode,
    Outcome,
    RequestType,
)

# The request type as a short name: note header ("Kulanz-Check Club-Pause – …"), history, UI.
REQUEST_TYPE: dict[str, str] = {
    RequestType.PROGRAM_EXTENSION: "Verlängerung",
    RequestType.PROGRAM_PAUSE: "Programm-Pause",
    RequestType.PROGRAM_RETURN: "Rückgabe",
    RequestType.CLUB_PAUSE: "Club-Pause",
    RequestType.CLUB_CANCELLATION: "Club-Austritt",
    RequestType.COACH_REFUND: "Coach-Erstattung",
    RequestType.COACH_EXTENSION: "Coach-Verlängerung",
    RequestType.ABUSE: "Beleidigung",
    RequestType.FAIR_USE: "Fair Use",
    RequestType.UNCLEAR: "Unklar",
    RequestType.OTHER: "Sonstiges",
}

# The outcome as the note's verdict says it, mid-sentence ("Vorher: ablehnen. Jetzt: genehmigen").
# The note adds the alternative ("Alternative anbieten: Coaching-Gespräch") or the target
# ("weitergeben an Head of CH").
OUTCOME: dict[str, str] = {
    Outcome.APPROVE: "genehmigen",
    Outcome.OFFER_ALTERNATIVE: "Alternative anbieten",
    Outcome.DENY: "ablehnen",
    Outcome.NEEDS_INFO: "Info fehlt",
    Outcome.ESCALATE: "weitergeben",
    Outcome.CLARIFY: "nachfragen",
    Outcome.NO_ACTION: "kein Kulanzfall",
}

ALTERNATIVE: dict[str, str] = {
    Alternative.COACHING_CALL: "Coaching-Gespräch",
    Alternative.EXTENSION: "Verlängerung",
    Alternative.CLUB_MEMBERSHIP: "Club-Mitgliedschaft",
    Alternative.PAUSE_OR_LATER_GROUP: "Pause oder spätere Gruppe",
}

ESCALATION_TARGET: dict[str, str] = {
    EscalationTarget.OFD: "OFD (Head of CH)",
    EscalationTarget.HEAD_OF_CH: "Head of CH",
    EscalationTarget.COACH_LEADS: "Coach-Leads",
    EscalationTarget.SUPERVISOR: "Vorgesetzte:n",
}

# Fair-use measures (Swiss spelling: the fair-use tenant writes "Massnahme").
MEASURE: dict[str, str] = {
    Measure.SMS_1: "SMS 1",
    Measure.SMS_2: "SMS 2",
    Measure.MIGRATE: "Migration",
    Measure.TERMINATE: "Kündigung",
    Measure.NO_TERMINATION: "keine Kündigung",
}
NO_MEASURE = "keine Massnahme"

# A-3, as the recommendation in the note says it ("Vorfall: Empfehlung schriftliche Abmahnung").
ABUSE_STEP: dict[str, str] = {
    AbuseStep.WARNING: "Verwarnung",
    AbuseStep.WRITTEN_WARNING: "schriftliche Abmahnung",
    AbuseStep.TEMPORARY_SUSPENSION: "vorübergehende Sperre",
    AbuseStep.TERMINATION: "Beendigung des Kundenverhältnisses",
}

MODE: dict[str, str] = {
    Mode.SHADOW: "Schattenmodus",
    Mode.ASSIST: "mit Freigabe",
    Mode.AUTO: "automatisch",
}

ACTION_STATE: dict[str, str] = {
    ActionState.PENDING: "ausstehend",
    ActionState.AWAITING_APPROVAL: "wartet auf Freigabe",
    ActionState.PROPOSAL: "Vorschlag",
    ActionState.DONE: "erledigt",
    ActionState.ALREADY_DONE: "war schon so",
    ActionState.FAILED: "fehlgeschlagen",
    ActionState.REJECTED: "abgelehnt",
    ActionState.UNCHANGED: "unverändert",
    ActionState.SUPERSEDED: "ersetzt",
}

INBOX_STATUS: dict[str, str] = {
    InboxStatus.RECEIVED: "eingegangen",
    InboxStatus.QUEUED: "wartet",
    InboxStatus.PROCESSING: "in Arbeit",
    InboxStatus.DONE: "erledigt",
    InboxStatus.IGNORED: "ignoriert",
    InboxStatus.FAILED: "fehlgeschlagen",
}

# Canonical CRM date fields (`policies.model.DATE_FIELDS`).
FIELD: dict[str, str] = {
    "program_purchase_date": "Kaufdatum",
    "program_end_date": "Programm-Ende",
    "club_start_date": "Club-Start",
    "coach_round_start": "Start der Coach-Runde",
    "coach_end_date": "COACH-Ende",
    "pro_end_date": "PRO-Ende",
}

# Reason categories of the classifier (`policies.reading.classification`), as the note names them.
REASON: dict[str, str] = {
    "illness": "Krankheit",
    "surgery": "Operation",
    "hospital": "Krankenhaus",
    "bereavement": "Todesfall",
    "accident": "Unfall",
    "unemployment": "Arbeitslosigkeit",
    "pregnancy": "Schwangerschaft",
    "care": "Pflege von Angehörigen",
    "unexpected_event": "unerwartetes Ereignis",
    "no_motivation": "keine Motivation",
    "weight_gain": "zugenommen",
    "no_success": "kein Erfolg",
    "not_for_me": "nichts für sie/ihn",
    "no_time": "keine Zeit",
    "timing": "falscher Zeitpunkt",
    "dissatisfied": "unzufrieden",
    "money": "Geldgründe",
    "priorities": "andere Prioritäten",
}

# Document kinds of the classifier (`policies.reading.classification.DOCUMENT_KINDS`).
DOCUMENT: dict[str, str] = {
    "attest": "ärztliches Attest",
    "unemployment_certificate": "aktuelle Arbeitslosenbescheinigung",
    "unspecified": "Anhang",
}

# A person's review of a proposal (`DecisionRecord.review_status`).
REVIEW_STATUS: dict[str, str] = {"applied": "freigegeben", "rejected": ACTION_STATE[ActionState.REJECTED]}

# Team roles (`worker.web.auth.ROLES`).
ROLE: dict[str, str] = {"agent": "Agent", "lead": "Lead", "admin": "Admin"}

# An agent's verdict on a decision (`worker.store.verdicts`): the two links in every note, and where a
# verdict came from.
VERDICT_QUESTION = "Stimmt die Einschätzung?"
VERDICT: dict[str, str] = {"agree": "Stimmt", "disagree": "Stimmt nicht"}
VERDICT_SOURCE: dict[str, str] = {
    "link": "Link in der Notiz",
    "assist_reject": "Vorschlag abgelehnt",
    "ofd": "im OFD geändert",
}

# Readiness for `auto` (service page, `goodwill policy show`).
READY = "bereit für auto"
NOT_READY = "noch nicht bereit"
READINESS_NOTE = (
    "Umschalten auf auto bleibt eine Änderung im Policy-Pack ([modes]), die eine Person vornimmt; "
    "diese Übersicht schaltet nichts um."
)
NO_SECOND_READER = "kein zweiter Leser"


def title(text: str) -> str:
    """The label at the start of a line or on a badge: first letter upper case."""
    return text[:1].upper() + text[1:]


# The outcome on a badge and in the filters of the team window: the note's word, capitalised, and
# "Eskalieren" for the case the note says "weitergeben an …".
OUTCOME_TITLE: dict[str, str] = {o: "Eskalieren" if o == Outcome.ESCALATE else title(OUTCOME[o]) for o in Outcome}


def label(table: Mapping[str, str], key: str | None, missing: str = "–") -> str:
    """The German word for `key`, the key itself when the table has none, `missing` for None."""
    if key is None:
        return missing
    return table.get(key, key)
