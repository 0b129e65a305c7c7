"""Is a customer's message a machine's answer (out-of-office, "automatische Antwort")?

An auto-reply asks for nothing: it must not decide (or re-decide) a ticket. Signals, strongest first:

1. a header the help desk passes on (`Auto-Submitted: auto-replied` per RFC 3834, `X-Autoreply`, …;
   Groove's v1 messages document none, so this only counts when the payload shows one);
2. the text opens with the label mail clients put there ("Automatische Antwort:", "Abwesenheitsnotiz",
   "Out of Office", "Automatic reply");
3. an absence sentence ("Ich bin bis zum 12.01. nicht im Büro", "I am out of the office until …")
   together with a second out-of-office cue (urgent matters, a deputy, "wieder erreichbar", mails not
   forwarded …) — in a short text that asks for none of the goodwill things (extension, pause,
   return, cancellation, refund): "Ich bin bis Ende Oktober im Krankenhaus und nicht erreichbar,
   bitte verlängert mein Programm" is a request, not an auto-reply.

Pure: text in, reason out (None: a person wrote it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from policies.reading.text import customer_text

MAX_WORDS = 150  # out-of-office texts are short; a long text is a person writing

_LABEL = re.compile(
    r"^\W*(automatische antwort|automatische abwesenheitsnotiz|abwesenheitsnotiz|abwesenheitsmeldung|"
    r"out of (the )?office|automatic reply|auto[- ]?reply|autoreply)\b",
    re.IGNORECASE,
)
_AWAY = r"(nicht im büro|nicht im buero|außer haus|ausser haus|nicht erreichbar|abwesend|im urlaub|nicht am arbeitsplatz|ohne (e-?mail-?|mail-?)?zugriff)"
# Dates are written with dots ("bis 12.01."), so the gaps may hold them; they stop at ! ? and line ends.
_ABSENCE = (
    re.compile(r"\b(ich bin|bin ich)\b[^!?\n]{0,80}?\b(bis|vom|ab|zwischen)\b[^!?\n]{0,60}?" + _AWAY, re.IGNORECASE),
    re.compile(r"\b(ich bin|bin ich)\b[^!?\n]{0,40}?" + _AWAY + r"[^!?\n]{0,60}?\b(bis|ab|wieder)\b", re.IGNORECASE),
    re.compile(
        r"\b(ich bin|bin ich)\b[^!?\n]{0,60}?\bwieder\b[^!?\n]{0,40}?\b(im büro|im buero|erreichbar|da)\b",
        re.IGNORECASE,
    ),
    re.compile(
        r"\b(i am|i'm|i will be)\b[^!?\n]{0,40}?\b(out of (the )?office|away|on (annual )?leave|on vacation|on holiday)\b",
        re.IGNORECASE,
    ),
)
_SECOND = re.compile(
    r"\b(wieder (erreichbar|im büro|im buero|da|zurück|für sie da|für dich da)|in dringenden fällen|"
    r"bei dringenden (anliegen|fragen|angelegenheiten|fällen)|vertretung|vertritt mich|vertreten|"
    r"(e-?mails?|nachrichten?) (werden|wird) (nicht |erst )?(weitergeleitet|gelesen|bearbeitet|beantwortet)|"
    r"nach meiner rückkehr|automatisch (erstellt|generiert|versandt|versendet|verschickt)|"
    r"vielen dank für ihre (nachricht|e-?mail)|danke für ihre (nachricht|e-?mail)|"
    r"(eingeschränkten?|begrenzten?|keinen) zugriff auf (meine )?e-?mails?|"
    r"urgent|back in the office|limited access to (my )?e-?mail|will (respond|reply|get back))",
    re.IGNORECASE,
)
# What a goodwill request says; an out-of-office text says none of it.
_REQUEST = re.compile(
    r"(verlänger|verlaenger|pausier|zurückgeb|zurueckgeb|rückgabe|kündig|kuendig|erstatt|geld zurück|"
    r"stornier|widerruf|austreten|austritt|refund|cancel|extend|extension)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class AutoReply:
    cue: str  # "header" | "label" | "absence"
    evidence: str  # the header, or the words that gave it away

    @property
    def reason(self) -> str:
        """One line for the inbox row (`ignore_reason`)."""
        if self.cue == "header":
            return f"auto-reply (header {self.evidence})"
        what = "label" if self.cue == "label" else "out of office"
        return f'auto-reply ({what}: "{self.evidence}")'


def _sentence(text: str, start: int, end: int) -> str:
    left = max(text.rfind(c, 0, start) for c in ".!?\n") + 1
    rights = [i for i in (text.find(c, end) for c in ".!?\n") if i != -1]
    right = min(rights) if rights else len(text)
    return " ".join(text[left:right].split())[:160]


def auto_reply(body: str, *, header: str | None = None) -> AutoReply | None:
    """Why the message with this body (HTML or text) is an automatic reply; None when a person wrote it."""
    if header:
        return AutoReply("header", header)
    text = customer_text(body or "").strip()
    if not text:
        return None
    label = _LABEL.search(text[:200])
    if label:
        return AutoReply("label", label.group(0).strip(" :-"))
    if len(text.split()) > MAX_WORDS or _REQUEST.search(text):
        return None
    for pattern in _ABSENCE:
        found = pattern.search(text)
        if found and _SECOND.search(text):
            return AutoReply("absence", _sentence(text, found.start(), found.end()))
    return None
