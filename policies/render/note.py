"""The German internal note for Groove (HTML), structured "Was – Warum – Was jetzt" (seed 003).

Rules say what to write as `Line` codes; this module owns every German sentence of the note, and
the labels it names values with come from `policies/render/labels.py`. The note stays
under `MAX_WORDS` words of body text: if a case yields more, the least important lines go first
(the evidence quote, then background facts), never the decision, the next step or what is missing.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from policies.dates import format_de
from policies.model import Action, Decision, HistoryEntry
from policies.reading.follow_up import OPEN_REQUEST
from policies.render.labels import (
    ABUSE_STEP,
    ALTERNATIVE,
    DOCUMENT,
    ESCALATION_TARGET,
    FIELD,
    OUTCOME,
    REASON,
    REQUEST_TYPE,
)
from policies.rules.common import Context, Line, Ruling
from policies.vocab import Outcome

MAX_WORDS = 120

WANTS = {
    "program_extension": "Kund:in möchte das Programm verlängern oder neu starten.",
    "program_pause": "Kund:in möchte das Programm pausieren.",
    "program_return": "Kund:in möchte ein Programm zurückgeben (Geld zurück).",
    "club_pause": "Kund:in möchte die Club-Mitgliedschaft pausieren.",
    "club_cancellation": "Kund:in möchte aus dem Club austreten.",
    "coach_refund": "Kund:in möchte Geld für die Coach-Ausbildung zurück.",
    "coach_extension": "Kund:in braucht mehr Zeit für die Coach-Ausbildung.",
    "abuse": "Beleidigende Nachricht ohne weiteres Anliegen.",
    "unclear": "Anliegen unklar, vielleicht ein Kulanzwunsch.",
    "other": "Kein Kulanzwunsch.",
    "fair_use": "Kein Kulanzwunsch.",
}

ESCALATE_STEPS = {
    "ofd": "Ins OFD eintragen; Head of CH entscheidet.",
    "head_of_ch": "Ins OFD eintragen; Head of CH entscheidet.",
    "coach_leads": "Ins OFD mit Vorschlag eintragen; Coach-Leads entscheiden.",
    "supervisor": "An Vorgesetzte:n geben.",
}

# The products a wish can be about, as the note names them (K-1: a wish naming none of two the customer has).
PRODUCT_NAME = {"program": "ein Programm", "club": "eine Club-Mitgliedschaft", "coach": "die Coach-Ausbildung"}

# The suggested first question to the customer (K-1), by kind and form of address ("du" / "sie"). The reader
# names the kind (policies/reading/classify.py), the rules fall back to their own.
QUESTIONS: dict[tuple[str, str], str] = {
    ("unsub", "du"): "Möchtest du dich nur von unserem Newsletter abmelden, oder möchtest du dein Programm zurückgeben "
    "bzw. deine Club-Mitgliedschaft kündigen?",
    ("unsub", "sie"): "Möchten Sie sich nur von unserem Newsletter abmelden, oder möchten Sie Ihr Programm zurückgeben "
    "bzw. Ihre Club-Mitgliedschaft kündigen?",
    (
        "cancel",
        "du",
    ): "Was genau möchtest du kündigen – deine Club-Mitgliedschaft, ein Programm (Rückgabe) oder den Newsletter?",
    (
        "cancel",
        "sie",
    ): "Was genau möchten Sie kündigen – Ihre Club-Mitgliedschaft, ein Programm (Rückgabe) oder den Newsletter?",
    (
        "vague",
        "du",
    ): "Was genau wünschst du dir: eine Verlängerung oder Pause deines Programms, eine Rückgabe oder das Ende "
    "deiner Club-Mitgliedschaft? Magst du uns kurz schreiben, was dich gerade davon abhält weiterzumachen?",
    (
        "vague",
        "sie",
    ): "Was genau wünschen Sie sich: eine Verlängerung oder Pause Ihres Programms, eine Rückgabe oder das Ende "
    "Ihrer Club-Mitgliedschaft? Schreiben Sie uns gern kurz, was Sie gerade davon abhält weiterzumachen?",
    # a Club request that does not say "kündigen" in so many words (K-CLUB-EXIT needs an explicit wish)
    ("club_exit", "du"): "Möchtest du deine Club-Mitgliedschaft vorzeitig beenden, oder geht es dir um etwas anderes "
    "(z. B. keine E-Mails mehr, eine Pause)?",
    ("club_exit", "sie"): "Möchten Sie Ihre Club-Mitgliedschaft vorzeitig beenden, oder geht es Ihnen um etwas anderes "
    "(z. B. keine E-Mails mehr, eine Pause)?",
    # the rules' own questions, when the reader named none
    ("general", "du"): "Was genau möchtest du beenden: Newsletter, Programm oder Club-Mitgliedschaft?",
    ("general", "sie"): "Was genau möchten Sie beenden: Newsletter, Programm oder Club-Mitgliedschaft?",
    ("club_exit_reason", "du"): "Möchtest du deine Club-Mitgliedschaft vorzeitig beenden, und was ist der Grund?",
    ("club_exit_reason", "sie"): "Möchten Sie Ihre Club-Mitgliedschaft vorzeitig beenden, und was ist der Grund?",
    ("which_product", "du"): "Worum genau geht es dir – um dein Programm, deine Club-Mitgliedschaft oder die "
    "Coach-Ausbildung?",
    ("which_product", "sie"): "Worum genau geht es Ihnen – um Ihr Programm, Ihre Club-Mitgliedschaft oder die "
    "Coach-Ausbildung?",
}


def e(text: object) -> str:
    return html.escape(str(text), quote=False)


def d(value: date | None) -> str:
    return format_de(value) if value else "?"


def quote(text: str | None, words: int = 8) -> str:
    """A short, escaped quote of the customer's words: „…“."""
    if not text:
        return ""
    parts = text.split()
    short = " ".join(parts[:words]) + (" …" if len(parts) > words else "")
    return f"„{e(short)}“"


def _from_ticket(source: str | None, ticket: int | None) -> str:
    """Where a history entry comes from, when that is an earlier Groove ticket: " (laut Ticket #4711)"."""
    return f" (laut Ticket #{ticket})" if source in ("import", "groove") and ticket else ""


def _history(entries: Sequence[HistoryEntry], tags: Sequence[str], claimed: str | None = None) -> str:
    items = [
        f"{REQUEST_TYPE.get(h.request_type, h.request_type)} am {d(h.date)}{_from_ticket(h.source, h.ticket_number)}"
        for h in entries
    ]
    items += [f"Tag {e(t)}" for t in tags]
    if claimed:
        items.append(f"laut Mail „{e(claimed)}“ (im Verlauf nicht zu finden: bitte prüfen)")
    return ", ".join(items)


def _reason(p: dict[str, Any]) -> str:
    if p["reason"] is None:
        return "Kein Grund genannt."
    said = f" ({quote(p.get('text'), 6)})" if p.get("text") else ""
    return f"Grund: {REASON.get(p['reason'], p['reason'])}{said}."


def _return_days(p: dict[str, Any]) -> str:
    earlier = ""
    if p["source"] == "history":
        earlier = _from_ticket(p.get("wish_source"), p.get("wish_ticket")) or " (früheres Ticket)"
    return (
        f"Kauf {d(p['purchase'])}, erster Rückgabewunsch {d(p['wish'])}{earlier}: "
        f"Tag {p['days']} (Frist {p['window']} Tage)."
    )


def _pause_length(p: dict[str, Any]) -> str:
    if p["days"] is None:
        return f"Dauer nicht genannt; erlaubt bis {p['months']} Monate (bis {d(p['latest'])})."
    asked = e(p["text"]) if p.get("text") else f"{p['days']} Tage"
    return f"Gewünscht: {asked}; erlaubt bis {p['months']} Monate (bis {d(p['latest'])})."


def _club_exit_at(p: dict[str, Any]) -> str:
    if p["start"] is None:
        return "Ende frühestens 1 Jahr nach Club-Start."
    if p["exit"] != p["earliest"]:
        return f"Club-Start {d(p['start'])}: das erste Jahr ist um, Ende sofort möglich."
    return f"Club-Start {d(p['start'])}: Ende frühestens zum {d(p['earliest'])} (nach einem Jahr)."


def _coach_round(p: dict[str, Any]) -> str:
    side = "ab" if p["v2"] else "vor"
    how = "beide Enddaten verschieben" if p["v2"] else "Tags setzen"
    return f"Runde gestartet {d(p['start'])} ({side} {d(p['boundary'])}): {how}."


def _abuse_handling(p: dict[str, Any]) -> str:
    legal = " Rechtliche Schritte möglich." if p["severe"] else ""
    return (
        f"Ruhig bleiben, klare Grenzen setzen. Vorgesetzte:n informieren, Vorfall dokumentieren. "
        f"{p['incident']}. Vorfall: Empfehlung {ABUSE_STEP[p['step']]}.{legal}"
    )


def _matter(p: dict[str, Any]) -> str:
    verdict = _verdict(p["outcome"], p["alternative"], p["escalate_to"])
    return f"Zum Anliegen erst nach Rücksprache: laut Regel {verdict} ({', '.join(p['clauses'])})."


def question_text(kind: str, address: str = "du") -> str:
    """The German question of that kind, in the customer's form of address."""
    return QUESTIONS[(kind, address if address in ("du", "sie") else "du")]


def _question(p: dict[str, Any]) -> str:
    return f"Frage an Kund:in: „{e(question_text(p['kind'], p.get('address', 'du')))}“"


def _ask_document(p: dict[str, Any]) -> str:
    return f"{DOCUMENT[p['kind']][0].upper()}{DOCUMENT[p['kind']][1:]} anfordern."


# A document the text says is attached ("Attest anbei") although the ticket has no such attachment (§4).
CLAIMED_DOCUMENT = {
    "attest": "Das Attest",
    "unemployment_certificate": "Die Arbeitslosenbescheinigung",
    "unspecified": "Der Nachweis",
}


def _document_claimed_missing(p: dict[str, Any]) -> str:
    return f"{CLAIMED_DOCUMENT[p['kind']]} ist laut Text angehängt, im Ticket ist aber kein Anhang – bitte nachfordern."


TEXTS: dict[str, Callable[[dict[str, Any]], str]] = {
    # -- why: facts looked at ------------------------------------------------------------
    "prior_none": lambda p: "Keine frühere Kulanz (Verlauf und Tags geprüft).",
    "prior_found": lambda p: f"Frühere Kulanz: {_history(p['entries'], p['tags'], p.get('claimed'))}.",
    "timing_not_right": lambda p: (
        "„Zeitpunkt passte nicht“: Priorität liegt wohl noch nicht bei ihr/ihm selbst. Ansprechen."
    ),
    "program_end": lambda p: (
        f"Programm-Ende laut AC: {d(p['end'])}" + (" (schon abgelaufen)." if p["end"] < p["today"] else ".")
    ),
    "pause_impossible": lambda p: "Programm-Pause ist technisch nicht möglich.",
    "reason": _reason,
    "purchase_unknown": lambda p: "Kaufdatum unbekannt (nicht in AC).",
    "return_days": _return_days,
    "return_special": lambda p: (
        "Sonderfall: "
        + " und ".join(
            x
            for x in (REASON.get(p["reason"] or "", ""), "sehr große Unzufriedenheit" if p["dissatisfied"] else "")
            if x
        )
        + "."
    ),
    "pause_length": _pause_length,
    "longer_span_named": lambda p: (
        f"Im Text steht auch „{e(p['text'])}“: "
        + ("ohne festes Ende, womöglich länger als erlaubt" if p.get("open") else "länger als erlaubt")
        + " – Dauer bitte prüfen."
    ),
    "exit_not_explicit": lambda p: "Ein vorzeitiger Austritt ist nicht ausdrücklich verlangt.",
    "document_present": lambda p: f"Nachweis da: {DOCUMENT[p['kind']]}. Bitte kurz prüfen.",
    "club_exit_at": _club_exit_at,
    "exit_reason_not_listed": lambda p: "Ernster Grund, aber keiner der Austrittsgründe (Arbeitslosigkeit, Krankheit).",
    "coach_no_guarantee": lambda p: "Die Coach-Ausbildung hat keine Rückgabegarantie.",
    "coach_access": lambda p: "Coach: 1,5 Jahre Zugang, 11 Monate bis zur Prüfung.",
    "coach_already_extended": lambda p: f"Schon verlängert: {_history(p['entries'], p['tags'], p.get('claimed'))}.",
    "coach_asked_longer": lambda p: (
        (
            f"Gewünscht: bis {d(p['until'])}, {p['days']} Tage nach dem jetzigen Ende"
            if p.get("until")
            else f"Gewünscht: {e(p['text']) if p.get('text') else str(p['days']) + ' Tage'}"
        )
        + f", mehr als {p['limit'] // 7} Wochen."
    ),
    "coach_round": _coach_round,
    "request_unclear": lambda p: "Der Wunsch ist nicht eindeutig.",
    "no_club_on_file": lambda p: (
        "In ActiveCampaign ist keine Club-Mitgliedschaft hinterlegt – gemeint ist vielleicht etwas anderes "
        "(Newsletter, Programm, ein anderer Anbieter): erst nachfragen (K-1)."
    ),
    "product_unclear": lambda p: (
        ("Der Wunsch sagt nur „Mitgliedschaft“" if p.get("membership") else "Der Wunsch nennt kein Produkt")
        + ", und die Kund:in hat "
        + " und ".join(PRODUCT_NAME[x] for x in p["products"])
        + " – dafür gelten verschiedene Regeln (K-1): erst nachfragen."
    ),
    "product_unnamed": lambda p: (
        "Die Kund:in hat mehrere Produkte ("
        + ", ".join(e(t) for t in p["tags"])
        + "), die Mail nennt keins davon beim Namen, und der Snapshot hat nur ein Kaufdatum: vor der Zusage prüfen, "
        "welches gemeint ist (K-1)."
    ),
    "restart": lambda p: (
        "Gewünscht ist ein Kulanzneustart: ohne frühere Kulanz als erste Verlängerung zugesagt (K-EXT-1); ein "
        "Neustart ist aber eine Ausnahme (K-EXT-2) – bitte entscheiden, ob er wirklich die beste Hilfe ist."
    ),
    "prior_gesture": lambda p: (
        f"Frühere Kulanz: {_history(p['entries'], p['tags'], p.get('claimed'))}. In der Regel gibt es eine Kulanz pro "
        "Kund:in (K-3): vor der Zusage entscheiden, ob diese trotzdem die beste Hilfe ist."
    ),
    "not_goodwill": lambda p: "Kein Kulanzthema: normal beantworten.",
    "abuse": lambda p: (
        ("Drohung oder Hassrede" if p["severe"] else "Beleidigender Ton")
        + (f": {quote(p['evidence'], 6)}." if p.get("evidence") else ".")
    ),
    # -- todo: next steps ----------------------------------------------------------------
    "point_to_prior": lambda p: "Auf die frühere Kulanz verweisen.",
    "offer_coaching_call": lambda p: "Coaching-Gespräch anbieten: Was hält sie/ihn gerade auf?",
    "offer_coaching_call_exam": lambda p: "Coaching-Gespräch anbieten: Plan bis zur Prüfung machen.",
    "second_extension_option": lambda p: (
        "Ausnahme nach eigener Einschätzung: 2. Verlängerung/Kulanzneustart. "
        "Dann in Groove vermerken: weitere Verlängerung nur über den Club."
    ),
    "deny_extension_club": lambda p: "Freundlich ablehnen. Mehr Zeit gibt es nur über die Club-Mitgliedschaft.",
    "confirm_extension": lambda p: f"Verlängerung um {p['weeks']} Wochen bestätigen (neues Ende {d(p['new_end'])}).",
    "offer_extension_instead": lambda p: (
        f"Statt Pause {p['weeks']} Wochen Verlängerung anbieten"
        + (f" (neues Ende {d(p['new_end'])})." if p["new_end"] else ".")
    ),
    "confirm_return": lambda p: "Rückgabe bestätigen, Erstattung veranlassen (Garantie, keine Kulanz).",
    "deny_return_late": lambda p: (
        "Freundlich ablehnen: 30-Tage-Frist vorbei. Nach dem Grund fragen, Coaching-Gespräch anbieten."
    ),
    "escalate": lambda p: ESCALATE_STEPS[p["target"]] + " Kund:in sagen, dass wir die Anfrage weitergeben.",
    "deny_club_pause": lambda p: "Freundlich ablehnen: Club-Pause nur aus triftigem Grund (z. B. schwere Krankheit).",
    "confirm_club_pause": lambda p: f"Club-Pause bis {d(p['until'])} bestätigen.",
    "confidentiality_declaration": lambda p: "Erst Vertraulichkeitserklärung senden; Austritt erst nach Unterschrift.",
    "deny_club_exit": lambda p: "Einfühlsam ablehnen: kein schwerwiegender Grund. Unterstützung anbieten.",
    "suggest_pause_or_later_group": lambda p: "Zuerst Pause oder Wechsel in eine spätere Gruppe vorschlagen.",
    "ofd_with_proposal": lambda p: f"Ins OFD mit Vorschlag eintragen; {ESCALATION_TARGET[p['target']]} entscheiden.",
    "long_tags_after_approval": lambda p: (
        "Nur wenn 6 Monate freigegeben sind: Tags " + ", ".join(e(t) for t in p["tags"]) + "."
    ),
    "send_inserts": lambda p: f"Insert senden: {e(p['inserts'][0])}; danach {e(p['inserts'][1])}.",
    "abuse_handling": _abuse_handling,
    "matter_after_review": _matter,
    # -- ask: missing facts --------------------------------------------------------------
    "missing_crm": lambda p: f"{FIELD[p['field']]} fehlt in AC: bitte prüfen und eintragen.",
    "ask_purchase_date": lambda p: "Kaufdatum erfragen (Bestellbestätigung).",
    "purchase_after_wish": lambda p: "Kaufdatum liegt nach dem Rückgabewunsch: Daten prüfen.",
    "ask_reason_pause": lambda p: "Grund erfragen: bei triftigem Grund ist eine Verlängerung möglich.",
    "ask_reason_club_pause": lambda p: "Grund erfragen: mit triftigem Grund ist eine Pause möglich.",
    "ask_pause_length": lambda p: f"Dauer klären (längstens bis {d(p['latest'])}).",
    "ask_reason_club_exit": lambda p: "Grund für den Austritt erfragen.",
    "ask_document": _ask_document,
    "document_claimed_missing": _document_claimed_missing,
    "ask_reasons_and_attests": lambda p: "Genaue Gründe und ggf. Atteste erfragen.",
    "ask_reason_coach": lambda p: "Grund erfragen (z. B. Krankheit, Todesfall, unerwartetes Ereignis).",
    "question": _question,
    "unknown_contact": lambda p: "Kein Kontakt in AC gefunden: Daten fehlen, bitte Kund:in zuordnen.",
}


def text(line: Line) -> str:
    return TEXTS[line.code](line.params)


def _verdict(outcome: str, alternative: str | None, escalate_to: str | None) -> str:
    if outcome == Outcome.OFFER_ALTERNATIVE:
        return f"{OUTCOME[Outcome.OFFER_ALTERNATIVE]}: {ALTERNATIVE.get(alternative or '', alternative)}"
    if outcome == Outcome.ESCALATE:
        return f"{OUTCOME[Outcome.ESCALATE]} an {ESCALATION_TARGET.get(escalate_to or '', escalate_to)}"
    return OUTCOME.get(outcome, outcome)


def _action(a: Action, ctx: Context) -> str:
    if a.op == "add_tag":
        return f"AC-Tag setzen: {e(a.tag)}"
    if a.op == "set_field" and a.field:
        old = getattr(ctx.customer, a.field, None)
        new = date.fromisoformat(a.value) if a.value else None
        return f"AC {FIELD.get(a.field, a.field)}: {d(old)} → {d(new)}"
    return e(f"{a.system} {a.op} {a.tag or a.field or ''}")


def _ul(items: Sequence[str]) -> str:
    return "<ul>" + "".join(f"<li>{i}</li>" for i in items) + "</ul>"


def word_count(note_html: str) -> int:
    return len(re.sub(r"<[^>]+>", " ", note_html).split())


def _wants(ctx: Context, request_type: str, with_quote: bool) -> str:
    out = WANTS.get(request_type, "")
    quotes = []
    # The phrases that chose the type (the reason, documents and abuse have their own lines).
    for ev in ctx.classification.evidence:
        if ev.label != request_type:
            continue
        q = quote(ev.text, 7)
        if q and q not in quotes:
            quotes.append(q)
    if with_quote and quotes:
        out += " Text: " + ", ".join(quotes[:2]) + "."
    asked = next((ev.text for ev in ctx.classification.evidence if ev.label == OPEN_REQUEST), None)
    if asked:
        out += f" Antwort auf unsere Rückfrage vom {d(date.fromisoformat(asked))}: die Anfrage von damals läuft weiter."
    others = [REQUEST_TYPE.get(t, t) for t in ctx.classification.secondary_types if t != request_type]
    if others:
        out += " Außerdem: " + ", ".join(others) + "."
    return out


_HOLD_REASONS = frozenset({"longer_span_named", "product_unnamed", "prior_gesture", "restart"})


def render_note(ctx: Context, request_type: str, ruling: Ruling, banner: str = "", short_banner: str = "") -> str:
    """The note for one decision (the parts the agent needs, in reading order).

    `banner` (e.g. the agreement gate's "Unsicher erkannt") opens the note and counts towards MAX_WORDS,
    so the background lines make room for it rather than the note growing past the limit."""
    header = (
        f"<p><b>Kulanz-Check {REQUEST_TYPE.get(request_type, request_type)} – "
        f"{_verdict(ruling.outcome, ruling.alternative, ruling.escalate_to)}</b>"
        + (f" ({', '.join(ruling.clauses)})" if ruling.clauses else "")
        + "</p>"
    )
    # A line that says why a decided approval waits for a person explains the banner: it follows the deciding fact
    # (the first line) and is never cut.
    holds = [x for x in ruling.why[1:] if x.code in _HOLD_REASONS]
    why = [text(x) for x in (*ruling.why[:1], *holds, *(x for x in ruling.why[1:] if x not in holds))]
    keep = 1 + len(holds)
    todo = [text(x) for x in ruling.todo] + [_action(a, ctx) for a in ruling.actions]
    ask = ([text(Line("unknown_contact"))] if not ctx.customer.known else []) + [text(x) for x in ruling.ask]

    def build(with_quote: bool, why_lines: list[str]) -> str:
        parts = [*([banner] if banner else []), header, f"<p><b>Was:</b> {_wants(ctx, request_type, with_quote)}</p>"]
        if why_lines:
            parts.append("<p><b>Warum:</b></p>" + _ul(why_lines))
        if todo:
            parts.append("<p><b>Was jetzt:</b></p>" + _ul(todo))
        if ask:
            parts.append("<p><b>Fehlt / nachfragen:</b></p>" + _ul(ask))
        return "".join(parts)

    note = build(True, why)
    if word_count(note) > MAX_WORDS:
        note = build(False, why)
    # Background facts go last-first; the first (the deciding fact) and the hold lines stay.
    while word_count(note) > MAX_WORDS and len(why) > keep:
        why = why[:-1]
        note = build(False, why)
    if word_count(note) > MAX_WORDS and short_banner:
        banner = short_banner  # the readings are on the OFD page too
        note = build(False, why)
    return note


# -- follow-up note for a changed decision -------------------------------------------------
def _changes(previous: Decision, current: Decision) -> list[str]:
    pf, cf = previous.facts, current.facts
    out: list[str] = []
    if previous.request_type != current.request_type:
        out.append(f"Anliegen jetzt {REQUEST_TYPE.get(current.request_type, current.request_type)}")
    if pf.get("reason") != cf.get("reason"):
        now = REASON.get(cf.get("reason") or "", "keiner")
        out.append(f"Grund jetzt: {now}")
    if set(pf.get("documents") or ()) != set(cf.get("documents") or ()) and cf.get("documents"):
        out.append("Nachweis jetzt da: " + ", ".join(DOCUMENT.get(k, k) for k in cf["documents"]))
    if pf.get("duration_days") != cf.get("duration_days") and cf.get("duration_days") is not None:
        out.append(f"Dauer jetzt {e(cf.get('duration_text') or str(cf['duration_days']) + ' Tage')}")
    if pf.get("day_count") != cf.get("day_count") and cf.get("day_count") is not None:
        out.append(f"Tag {cf['day_count']} seit Kauf")
    prior_p = (pf.get("prior_goodwill") or {}).get("count")
    prior_c = (cf.get("prior_goodwill") or {}).get("count")
    if prior_p != prior_c and prior_c is not None:
        out.append(f"frühere Kulanzen jetzt {prior_c}")
    if previous.abusive != current.abusive:
        out.append("Ton jetzt beleidigend" if current.abusive else "Ton wieder sachlich")
    return out or ["neue Angaben in der Nachricht"]


def render_change_note(previous: Decision, current: Decision) -> str:
    """Follow-up note when a new customer message changes the decision: what changed and why.

    It repeats only the current next steps (the earlier note is already on the ticket).
    """
    before = _verdict(previous.outcome, previous.alternative, previous.escalate_to)
    now = _verdict(current.outcome, current.alternative, current.escalate_to)
    clauses = f" ({', '.join(current.clauses)})" if current.clauses else ""
    head = (
        f"<p><b>Neue Nachricht der Kund:in: Entscheidung geändert.</b> Vorher: {before}. "
        f"Jetzt: {now}{clauses}, weil: {'; '.join(_changes(previous, current))}.</p>"
    )
    cut = current.note.find("<p><b>Was jetzt:</b>")
    if cut < 0:
        cut = current.note.find("<p><b>Fehlt / nachfragen:</b>")
    rest = current.note[cut:] if cut >= 0 else ""
    return head + rest
