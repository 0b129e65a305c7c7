"""The classifier's vocabulary: cue patterns for intents, products, reasons, documents and abuse.

Patterns run on `policies.reading.text.fold`-ed text (lower case, ä→a, ö→o, ü→u; length kept).
They are written with real umlauts and compiled by `rx`, which turns "ü" into "(?:ue|u)" and
"ß" into "(?:ss|ß)", so "Rückgabe", "Rueckgabe" and "Ruckgabe" all match one cue.

Bump CLASSIFIER_VERSION on every change of a cue: decisions record it next to the pack version.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

CLASSIFIER_VERSION = "lex-2026.12.14"

_UMLAUT = {"ä": "(?:ae|a)", "ö": "(?:oe|o)", "ü": "(?:ue|u)", "ß": "(?:ss|ß)"}
_FOLDED_VARIANTS = {"ä": ("a", "ae"), "ö": ("o", "oe"), "ü": ("u", "ue"), "ß": ("ss", "ß")}
_LITERAL = re.compile(r"[a-zäöüß' ]*")
_LEAD = 5  # letters of a word start used to skip scans (index_text builds prefixes of 1..5)


def _expand(pattern: str) -> str:
    return "".join(_UMLAUT.get(c, c) for c in pattern)


def _split_top(inner: str) -> list[str]:
    parts, depth, cur = [], 0, ""
    for c in inner:
        if c == "|" and depth == 0:
            parts.append(cur)
            cur = ""
            continue
        depth += (c == "(") - (c == ")")
        cur += c
    return [*parts, cur]


def _leads(pattern: str) -> set[str] | None:
    """The literal starts (1-3 letters, folded spelling) a match of `pattern` can have, or None when it cannot tell.

    Used only to skip a scan: a pattern none of whose starts begins a word of the text cannot match.
    """
    if pattern.startswith("(?:"):
        depth, end = 0, len(pattern) - 1
        for i, c in enumerate(pattern):
            depth += (c == "(") - (c == ")")
            if depth == 0:
                end = i
                break
        inner, rest = pattern[3:end], pattern[end + 1 :]
        optional = rest[:1] == "?"
        if rest[:1] in ("*", "{"):
            return None
        if optional:
            rest = rest[1:]
        out: set[str] = set()
        for alt in _split_top(inner) + ([""] if optional else []):
            sub = _leads(alt + rest) if (alt + rest).strip() else None
            if sub is None:
                return None
            out |= sub
        return out
    lit = _LITERAL.match(pattern).group()  # type: ignore[union-attr]
    nxt = pattern[len(lit) : len(lit) + 1]
    if nxt in ("?", "*", "{"):
        lit = lit[:-1]  # the last letter is optional
    lit = lit.split(" ")[0] if " " in lit.strip() or nxt else lit.strip()
    lit = lit.lstrip()
    starts = [""]
    for c in lit[:_LEAD]:
        starts = [x + v for x in starts for v in _FOLDED_VARIANTS.get(c, (c,))]
    starts = [x[:_LEAD] for x in starts]
    if not lit or any(len(x) < 1 for x in starts):
        return None
    return set(starts)


# Word starts (1.._LEAD letters) of the ticket text being classified; set by `index_text`. Cues asked about
# any other string (a sentence, a clause) simply scan it.
_INDEX: tuple[str | None, frozenset[str]] = (None, frozenset())
_WORD = re.compile(r"\w+")


def index_text(text: str) -> list[str]:
    """Remember the word starts of `text` so cues can skip it cheaply (a cache: results never change).

    Returns the words of the text, for callers that need them anyway."""
    global _INDEX
    words = _WORD.findall(text)
    unique = set(words)
    _INDEX = (
        text,
        frozenset(
            {w[:1] for w in unique}
            | {w[:2] for w in unique}
            | {w[:3] for w in unique}
            | {w[:4] for w in unique}
            | {w[:5] for w in unique}
        ),
    )
    return words


class Cue:
    """A compiled alternation of word-bounded patterns that skips texts it cannot match (speed only)."""

    __slots__ = ("_leads", "pattern", "regex")

    def __init__(self, patterns: tuple[str, ...]) -> None:
        body = "|".join(f"(?:{_expand(p)})" for p in patterns)
        self.regex = re.compile(rf"(?<![\w])(?:{body})(?![\w])")
        self.pattern = self.regex.pattern
        leads = [_leads(p) for p in patterns]
        self._leads = frozenset(set().union(*leads)) if all(x is not None for x in leads) else None  # type: ignore[arg-type]

    def finditer(self, text: str) -> Iterable[re.Match[str]]:
        leads = self._leads
        if leads is not None:
            indexed, starts = _INDEX
            if indexed is text and leads.isdisjoint(starts):
                return ()  # no word of the ticket starts like any of this cue's patterns
        return self.regex.finditer(text)

    def search(self, text: str) -> re.Match[str] | None:
        leads = self._leads
        if leads is not None:
            indexed, starts = _INDEX
            if indexed is text and leads.isdisjoint(starts):
                return None
        return self.regex.search(text)


class Guarded:
    """A raw regex run only when the text contains one of some literals (a cheap C substring test first)."""

    __slots__ = ("needles", "pattern", "regex")

    def __init__(self, regex: str, *needles: str) -> None:
        self.regex = re.compile(regex)
        self.pattern = self.regex.pattern
        self.needles = needles

    def finditer(self, text: str) -> Iterable[re.Match[str]]:
        if not any(n in text for n in self.needles):
            return iter(())
        return self.regex.finditer(text)

    def search(self, text: str) -> re.Match[str] | None:
        return self.regex.search(text) if any(n in text for n in self.needles) else None


def rx(*patterns: str) -> Cue:
    """One word-bounded alternation of patterns (umlauts expanded)."""
    return Cue(patterns)


# A goodwill restart ("Kulanzneustart", "nochmal von vorne anfangen"): an extension wish (K-EXT-1) that K-EXT-2 calls
# exceptional, so a first one waits for a person (rules/program.py).
RESTART = rx(
    r"kulanz[- ]?neustart\w*",
    r"neustart\w*",
    r"neu (?:zu )?starten",
    r"neu (?:zu )?beginnen",
    r"(?:noch ?mal|nochmals|erneut) (?:von vorne?|neu) (?:zu )?(?:starten|beginnen|anfangen)",
    r"von vorne? (?:zu )?(?:starten|beginnen|anfangen)",
    r"restart\w*",
    r"start (?:over|again|fresh)",
)

# --- intents --------------------------------------------------------------------------
# (name, weight, pattern). The weight says how sure a cue is on its own.
INTENTS: dict[str, list[tuple[float, Cue | Guarded]]] = {
    "extend": [
        # compounds ("Programmverlängerung") need the unbounded start: kept apart so the rest can skip texts
        (1.0, Guarded(r"\b\w+verl(?:ae|a)nger(?:ung\w*|n|t|e|st)\b", "verl")),
        (
            0.9,
            Guarded(
                r"\b\d+ (?:wochen|monate) (?:langer|mehr|dran ?hangen|zusatzlich|dazu|obendrauf)\b", "wochen", "monate"
            ),
        ),
        # "verlängern" and its typos (verlaengern, verlengerung, verlägerung, verlängrung); not "verlangen"
        (1.0, rx(r"verl[äa]?e?nger\w*", r"verl(?:ä|e)n?ge?r\w*")),
        (1.2, RESTART),
        (
            0.9,
            rx(
                r"(?:mehr|etwas mehr|zusätzliche|ein bisschen mehr|noch etwas|noch ein wenig|extra) zeit",
                r"länger(?:en)? (?:zugang|zugriff|zeit)",
                r"(?:zugang|zugriff) (?:\w+ ){0,3}länger",
                r"länger (?:nutzen|behalten|haben|dabei bleiben|drin bleiben)",
                r"(?:ein paar|einige|paar|zwei|drei|vier|sechs) (?:wochen|monate) (?:länger|mehr|dran ?hängen|zusätzlich|dazu|obendrauf)",
                r"(?:more|extra|additional) time",
                r"weeks? (?:more|longer)",
                r"(?:few|couple of|some|\d+|two|three|four|five|six) (?:more|extra|additional) (?:weeks|months|days)",
                r"(?:one|a|another) (?:more|extra|additional|further) (?:week|month)",
                r"(?:a (?:bit|little)|a (?:few )?(?:weeks?|months?)|bit|little|somewhat) longer (?:on|with|for|in) (?:the|my|this)",
                r"(?:weeks?|months?) (?:\w+ )?on top",
                r"noch (?:einen|ein paar|zwei|drei|vier|sechs) (?:\w+ )?(?:monat|monate|wochen) (?:dazu|drauf|obendrauf|länger)",
                # "noch vier Wochen dranzuhängen": time added on (not "ich hänge das Attest an")
                r"dran ?(?:zu ?)?häng(?:en|t)",
                r"(?:wochen|monate|tage|zeit) (?:\w+ ){0,2}gut ?(?:schreiben|geschrieben|zuschreiben)",
                r"months? (?:more|longer)",
                r"extend\w*",
                r"extension",
                r"longer access",
                r"keep (?:my )?access",
                r"(?:frist|abgabe|deadline|prüfung|prüfungstermin|prüfungsfrist|exam) (?:\w+ ){0,3}(?:verschieben|hinausschieben|hinauszuschieben|rausschieben|nach hinten|später)",
                r"(?:verschieben|postpone) (?:\w+ ){0,3}(?:prüfung|exam)",
                r"(?:push|move|shift) (?:back )?(?:\w+ ){0,2}(?:deadline|exam|exam date|end date)",
                # the exam taken at a later time: "die Prüfung erst im Februar schreiben", "lieber im Herbst machen",
                # "zu den Prüfungsterminen im Frühjahr wechseln", "take the exam at the next date instead"
                r"prüfung (?:\w+ ){0,2}(?:erst|lieber|gern|gerne|später) (?:\w+ ){0,3}"
                r"(?:machen|schreiben|ablegen|nachholen|absolvieren|mitmachen)",
                r"(?:späteren|nächsten|kommenden|anderen) prüfungstermin\w* (?:\w+ ){0,3}"
                r"(?:wechseln|umbuchen|verschieben|antreten|mitmachen|machen|schreiben)",
                r"prüfungstermin\w* (?:im|in|ab) (?:\w+ )?(?:frühjahr|frühling|sommer|herbst|winter|januar|februar|märz|"
                r"april|mai|juni|juli|august|september|oktober|november|dezember) (?:\w+ ){0,2}"
                r"(?:wechseln|umbuchen|verschieben|antreten|mitmachen|machen|schreiben)",
                r"(?:take|sit|write|do|resit) (?:the |my )?(?:final )?exam (?:\w+ ){0,5}"
                r"(?:later|instead|next (?:date|round|session|sitting)|another date|a later date)",
                r"exam (?:\w+ ){0,2}(?:at|on|to|in) (?:the |a )?(?:next|later|following) (?:date|round|session|sitting)",
                r"zeitlich nicht (?:schaffe|schaffen|hinbekomme)\w*",
                # "ich brauch noch 4 Wochen", "Ich will einfach noch vier Wochen": more time asked without a verb for it
                r"(?:brauch\w*|bräucht\w*|will|möchte|hätte gerne?|wünsche mir) (?:\w+ ){0,2}noch "
                r"(?:\d+|eine?n?|zwei|drei|vier|fünf|sechs|acht|ein paar|einige) (?:wochen|monate?)\b",
            ),
        ),
    ],
    "pause": [
        (
            0.8,
            rx(
                r"stoppen",
                r"anhalten",
                r"anzuhalten",
                r"stop (?:it )?for",
                # the membership or its debits stopped for a while: the same words as an exit, with a span
                r"stop (?:my|the|our) (?:\w+ ){0,3}(?:membership|subscription) for (?:now|a while|the time being|some time|a few|\w+ (?:weeks|months))",
                r"(?:stoppt|stoppen sie|stellt|stellen sie) (?:\w+ ){0,2}(?:abbuchung|lastschrift|zahlung)\w*[^.!?\n]{0,40}\b(?:bis|vorübergehend|vorerst|erstmal)\b",
            ),
        ),
        (
            0.8,
            rx(
                r"verschieben",
                r"später(?:en|e)? (?:start|beginn|einstieg)",
                r"später (?:starten|beginnen|einsteigen|anfangen)",
                r"postpone\w*",
                r"later start",
                r"start later",
                r"spätere\w* (?:gruppe|runde|termin)",
            ),
        ),
        (
            1.0,
            rx(
                r"pausier\w*",
                r"pausen?",
                r"pause (?:einlegen|machen|einzulegen|zu machen)",
                r"ruhen (?:zu )?lassen",
                r"ruhend (?:zu )?stellen",
                r"auf eis (?:zu )?legen",
                r"stillzulegen",
                # "a break from the club": the object named, not a break in a call or an event
                r"(?:a|some) (?:\w+ )?break from (?:the|my|your) (?:\w+ )?(?:club|membership|program\w*|course|training|subscription)",
                r"einfrieren",
                r"(?:auszusetzen|aussetzen)",
                r"unterbrechen",
                r"unterbrechung",
                r"stilllegen",
                r"stillegen",
                r"freeze",
                r"on hold",
                r"put \w+ on hold",
                r"paused?",
                r"pausing",
                r"auf pause",
            ),
        ),
    ],
    "refund": [
        (
            1.2,
            rx(
                r"rückgabe\w*",
                r"zurück ?(?:zu)?geb\w*",
                r"zurückgegeben",
                r"gebe? (?:es|das|ihn|sie|den kurs|das programm)? ?zurück",
                r"geld zurück\w*",
                r"(?:mein|das|unser|meinem|dem) geld (?:[\w-]+ ){0,6}(?:zurück\w*|wieder\w*)",
                r"(?:will|möchte|verlange|fordere|brauche|want|need|demand) (?:(?!nicht |kein|not |no )\w+ ){0,2}(?:mein|meine|das|unser|my|our|the) (?:\w+ ){0,2}(?:geld|money|kohle)(?! (?:\w+ ){0,3}(?:wert|worth))",
                r"warte (?:\w+ ){0,3}auf (?:mein|das|my) (?:geld|money|erstattung|rückzahlung)",
                r"(?:mein|das) geld (?:\w+ ){0,3}(?:bekomme|bekommen|erhalte|kriege)",
                r"zurück ?(?:bekommen|bekomme|erhalten|zahlen|überweisen)",
                r"rückerstatt\w*",
                r"erstatt\w*",
                r"rückzahlung\w*",
                r"widerruf\w*",
                r"widerrufen",
                r"storn\w*",
                r"rücktritt\w*",
                r"zurücktreten",
                r"kaufpreis (?:\w+ ){0,3}zurück",
                r"refund\w*",
                r"money back",
                r"reimburs\w*",
                r"withdraw\w*",
                r"return it",
                r"send it back",
                r"return (?:the|my|this) (?:\w+ )?(?:program|programme|course|product|purchase)",
                r"return (?:the |my |this )?(?:intueat|intuslim)\b(?![- ]?coach)",
                r"rückbuch\w*",
                r"chargeback",
                r"geld (?:\w+ ){0,2}wieder ?haben",
            ),
        ),
    ],
    "cancel": [
        (
            1.1,
            rx(
                r"kündig\w*",
                r"kündung",
                r"künding\w*",
                r"sonderkündigung\w*",
                r"austr(?:e|i)t\w*",
                r"austreten",
                r"aussteigen",
                r"auszusteigen",
                r"ausstieg",
                r"beend(?:e|en|et|est|ige|igen|igt)",
                r"zu beenden",
                r"beendigung",
                r"(?:mitgliedschaft|abo|abonnement|club) (?:\w+ ){0,3}auf ?(?:lösen|zulösen|gelöst)",
                r"nicht (?:mehr )?(?:weiter )?(?:fortführen|fortsetzen|weiterführen|weitermachen)",
                r"abbrechen",
                r"abzubrechen",
                r"abbruch",
                r"nicht mehr (?:\w+ )?mitglied (?:sein|bleiben)",
                r"kein mitglied mehr",
                r"(?:kein geld|nichts|keine beiträge?) (?:\w+ ){0,3}mehr (?:\w+ ){0,3}ab ?(?:buchen|zubuchen)",
                r"bucht (?:\w+ ){0,5}mehr ab",
                r"(?:mitgliedschaft|abo|club) (?:\w+ ){0,3}(?:nicht mehr|nicht länger) (?:\w+ ){0,2}(?:verlängern|verlängert|weiterlaufen|fortführen|haben|zahlen|bezahlen)",
                r"nicht (?:mehr )?(?:automatisch )?verlängern",
                r"nicht (?:mehr )?(?:automatisch )?verlängert (?:werden|wird)",
                r"cancel\w*",
                r"terminat\w*",
                r"end (?:my|the|our) (?:\w+ ){0,3}(?:membership|subscription)",
                r"end to (?:my|the|our) (?:\w+ ){0,3}(?:membership|subscription)",
                r"stop (?:my|the|our) (?:\w+ ){0,3}(?:membership|subscription)"
                r"(?! for (?:now|a while|the time being|some time|a few|\w+ (?:weeks|months)))",
                # Swiss German "künden" for "kündigen"; folded it is "Kunden", so only with its object
                r"(?:club|mitgliedschaft|abo|abonnement) (?:\w+ ){0,4}künden",
                r"künde (?:hiermit |ich )?(?:den|die|das|meine|meinen|mein)",
                r"gekündet",
                # stopping the debits for good ("bitte stoppt die Abbuchung für den Club"), not a duplicate debit
                # and not for a while ("bis einschließlich September": a pause)
                r"(?<!doppelte )(?<!doppelten )(?:abbuchung|lastschrift|zahlung)\w* (?:\w+ ){0,3}(?:stoppen|einstellen)"
                r"(?![^.!?\n]{0,40}\b(?:bis|until|vorübergehend|vorerst|erstmal|für \w+ (?:wochen|monate)))",
                r"(?:stoppt|stoppen sie|stellt|stellen sie) (?:\w+ ){0,2}(?<!doppelte )(?:abbuchung|lastschrift|zahlung)\w*"
                r"(?![^.!?\n]{0,40}\b(?:bis|until|vorübergehend|vorerst|erstmal|für \w+ (?:wochen|monate)))",
                r"leave the club",
                r"quit",
                r"quitting",
                r"raus aus (?:dem|der|diesem|dieser|eurem|eurer|meinem|meiner) (?:\w+ )?(?:vertrag|mitgliedschaft|club|abo)",
                r"aus (?:dem|der|diesem|dieser|eurem|eurer|meinem|meiner) (?:\w+ )?(?:vertrag|club|abo|mitgliedschaft)\w* "
                r"(?:\w+ ){0,2}(?:raus|aus)(?:\w*)",
            ),
        ),
    ],
    "unsub": [
        (
            0.9,
            rx(
                r"ab ?melden",
                r"abmeldung",
                r"abzumelden",
                r"meldet? (?:\w+ ){0,6}ab",
                r"melden sie (?:\w+ ){0,6}ab",
                r"austragen",
                r"trag(?:t|en sie)? (?:\w+ ){0,5}aus",
                r"unsubscribe\w*",
                r"remove me",
                r"take me off",
                r"aus (?:dem|der|allen|eurem|ihrem) (?:\w+ )?(?:verteiler|liste|system) (?:nehmen|entfernen|löschen)",
            ),
        ),
    ],
}

# Cues that look like an intent but are not one.
NOT_INTENT = rx(
    r"(?:mir|uns|ihm|ihr) wurde (?:\w+ ){0,3}gekündigt",
    r"gekündigt worden",
    r"(?:job|stelle|arbeit|arbeitsplatz) (?:\w+ ){0,3}gekündigt",
    r"(?:danke|vielen dank|herzlichen dank|thanks|thank you) (?:\w+ ){0,3}(?:für|for) (?:die|the|eure|ihre|deine) (?:\w+ )?(?:verlängerung|extension|pause|rückerstattung|erstattung|refund)",
    r"(?:verlängerung|extension|rückerstattung|erstattung|refund) (?:ist|wurde|has been|was) (?:\w+ ){0,2}(?:angekommen|eingegangen|erhalten|eingerichtet|received|done|processed|granted)",
    r"zahlungspause",
    r"mittagspause",
    r"sommerpause",
    r"winterpause",
    r"pausenlos",
    r"ohne pause",
    r"cancelled my (?:appointment|call)",
    r"(?:angebot|vorschlag|offer|suggestion|idee) (?:\w+ ){0,3}(?:pause|verlängerung|extension|rückerstattung|refund|pausieren|verlängern)",
    r"stornierte? (?:mein(?:en)?|den) (?:termin|call|coaching)",
    # the customer paying money back ("Wohin soll ich die 119 € zurücküberweisen?") asks for no refund
    r"(?:soll|kann|muss|werde|will|darf|sollte) ich (?:\S+ ){0,5}(?:zurücküberweisen|zurückzahlen|zurückbuchen)",
    r"(?:should|shall|can|do|will|may) i (?:\w+ ){0,2}(?:pay|transfer|send) (?:\w+ ){0,3}back",
    # a contract that renews by itself is no wish for more time ("Verlängert sich die Mitgliedschaft automatisch?")
    r"verlänger\w* sich",
    # (not "soll sich nicht automatisch verlängern", "keine automatische Verlängerung": those end a membership)
    r"sich (?:(?!nicht\b)\w+ ){0,4}(?<!nicht )(?:automatisch|von selbst|stillschweigend) (?:\w+ )?verlänger\w*",
    r"(?<!nicht )(?<!keine )automatisch\w* verlänger\w*",
    r"(?:auto-?renew\w*|renew\w* (?:\w+ )?automatically|automatic(?:ally)? renew\w*)",
)

# Billing problems: a refund of a double charge is not a goodwill return.
BILLING = rx(
    r"doppelt (?:\w+ ){0,3}(?:abgebucht|belastet|berechnet|gezahlt|bezahlt)",
    r"zweimal (?:\w+ ){0,3}(?:abgebucht|belastet|berechnet)",
    r"(?:double|twice) (?:\w+ )?charged",
    r"charged (?:\w+ )?twice",
    r"falsch(?:er betrag| abgebucht|e rechnung)",
    r"fehlbuchung",
    r"zu viel (?:\w+ ){0,2}abgebucht",
    r"(?:duplicate|double|second) (?:payment|charge|debit)",
    r"(?:two|2) (?:payments|charges|debits)",
    r"doppelte\w* (?:zahlung|abbuchung|belastung)\w*",
    r"(?:zwei|2) (?:zahlungen|abbuchungen|belastungen)",
    r"(?:paid|bezahlt|gezahlt) (?:\w+ ){0,2}(?:twice|zweimal|doppelt)",
    r"(?:zweimal|doppelt) (?:\w+ ){0,3}(?:erstattet|gutgeschrieben|zurücküberwiesen)",
    r"(?:refunded|credited) (?:\w+ )?twice",
)

# --- products -----------------------------------------------------------------------
PRODUCTS: dict[str, Cue] = {
    "coach": rx(
        r"intueat[- ]?coach\w*",
        r"coach[- ]?ausbildung\w*",
        r"coachausbildung\w*",
        r"ausbildung\w*",
        r"azubi\w*",
        r"auszubildende\w*",
        r"prüfung\w*",
        r"prüfungs\w+",
        r"exam\w*",
        r"zertifizierung\w*",
        r"coach(?:in)?",
        r"coach mb",
        r"coach[- ]?training",
        r"coaches?",
        r"ausbildungsrunde\w*",
        r"abschlussprüfung\w*",
        r"coaching[- ]?(?:course|training|ausbildung|kurs)\w*",
    ),
    "club": rx(
        r"club\w*",
        r"klub\w*",
        r"mitgliedschaft\w*",
        r"mitglieds\w+",
        r"membership\w*",
        r"abo",
        r"abos",
        r"abonnement\w*",
        r"monatsbeitr\w+",
        r"mitglied",
        r"mitglieder\w*",
        r"monatliche\w* (?:beitr\w+|zahlung\w*|abbuchung\w*|kosten)",
        r"subscription\w*",
        r"member",
    ),
    "program": rx(
        r"programm\w*",
        r"program\w*",
        r"kurs\w*",
        r"onlinekurs\w*",
        r"course\w*",
        r"upsell\w*",
        # the intueat program; its coach training is named as such ("intueat Coach", "Ausbildung")
        r"intueat(?![- ]?coach)",
        r"challenge",
        r"lektion\w*",
        r"modul\w*",
        r"bundle",
    ),
    # purchase words: a program unless a product is named in the same sentence ("Kauf des Coach-Pakets")
    "purchase": rx(
        r"produkt\w*",
        r"bestellung",
        r"bestellt",
        r"kauf",
        r"kaufs",
        r"gekauft\w*",
        r"purchase\w*",
        r"bought",
        r"paket\w*",
        r"order",
    ),
    "newsletter": rx(
        r"newsletter\w*",
        r"verteiler\w*",
        r"mailingliste\w*",
        r"werbung\w*",
        r"werbemails?",
        r"marketing\w*",
        r"infomails?",
        r"mailing\w*",
        r"promo\w*",
        r"werbe-?e-?mails?",
    ),
    # mail in general: a newsletter only when nothing else is named
    "mail": rx(r"e-?mails?", r"mails?", r"emails?", r"benachrichtigung\w*", r"nachrichten", r"whatsapp"),
}
# Words for a part of any product: from another sentence they yield to a named product ("die Ausbildung ... die Module").
GENERIC_PRODUCT_WORDS = re.compile(r"(?:modul\w*|lektion\w*|kurs\w*|course\w*|challenge|bundle|video\w*|onlinekurs\w*)")
# "Coaching-Gespräch" / "coaching call" is an offer of the programs, not the coach training.
COACHING_CALL = rx(
    r"coaching(?![- ]?(?:course|training|ausbildung|kurs))\w*",
    r"coaching[- ]?(?:gespräch|call|termin)\w*",
    r"mein(?:e|em|en)? coach(?:in)?(?![- ]?(?:ausbildung|training|mb|prüfung))",
)

# --- other requests (not goodwill) --------------------------------------------------
OTHER: list[tuple[str, Cue]] = [
    (
        "login",
        rx(
            r"log ?in\w*",
            r"einlog\w*",
            r"anmelde?daten",
            r"passwort\w*",
            r"password\w*",
            r"zugangsdaten",
            r"(?:komme|kommst|komm) (?:\w+ ){0,4}nicht (?:mehr )?(?:rein|in)",
            r"can'?t (?:log|sign|get) in",
            r"sign in",
            r"nicht (?:mehr )?einloggen",
            r"account gesperrt",
            r"konto gesperrt",
            r"zugang (?:\w+ ){0,3}(?:funktioniert|geht) nicht",
        ),
    ),
    (
        "tech",
        rx(
            r"app\w*",
            r"video\w*",
            r"lädt nicht",
            r"laden nicht",
            r"fehlermeldung\w*",
            r"fehler",
            r"funktioniert (?:\w+ )?nicht",
            r"technisch\w*",
            r"browser",
            r"tablet",
            r"bug",
            r"error",
            r"doesn'?t work",
            r"not working",
            r"audio\w*",
            r"abspielen",
            r"stream\w*",
            r"link (?:\w+ ){0,3}(?:funktioniert|geht|kaputt)",
            r"broken link",
        ),
    ),
    (
        "download",
        rx(
            r"download\w*",
            r"herunterlad\w*",
            r"runterlad\w*",
            r"pdf",
            r"arbeitsbl[äa]tter",
            r"workbook\w*",
            r"ausdruck\w*",
        ),
    ),
    (
        "invoice",
        rx(
            r"rechnung\w*",
            r"invoice\w*",
            r"receipt\w*",
            r"quittung\w*",
            r"beleg\w*",
            r"ust\w*",
            r"mwst",
            r"steuer\w*",
            r"zahlungsbestätigung",
            r"rechnungsadresse",
            r"firmenrechnung",
        ),
    ),
    (
        "account",
        rx(
            r"(?:e-?mail|adresse|name|anschrift)(?:-?adresse)? (?:\w+ ){0,3}ändern",
            r"änder\w* (?:\w+ ){0,3}(?:e-?mail|adresse|namen|anschrift)",
            r"zahlungsmethode\w*",
            r"zahlungsart\w*",
            r"kreditkarte\w*",
            r"bankverbindung\w*",
            r"iban",
            r"lastschrift\w*",
            r"change (?:my )?(?:e-?mail|address|name|payment)",
            r"(?:lösche|löscht|löschen sie|löschen) (?:\w+ ){0,2}(?:meine daten|mein konto|meinen account|mein profil|meine e-?mail)",
            r"(?:konto|account|daten|profil)(?:s)? (?:\w+ ){0,2}löschen",
            r"delete my (?:account|data)",
            r"dsgvo",
            r"datenschutz\w*",
        ),
    ),
    (
        "content",
        rx(
            r"rezept\w*",
            r"frage zu",
            r"frage zur",
            r"fragen zu",
            r"question about",
            r"wann (?:startet|beginnt|geht)",
            r"community",
            r"gruppe",
            r"facebook",
            r"live-?call\w*",
            r"termin\w*",
            r"webinar\w*",
            r"zoom",
            r"wie lange (?:läuft|habe ich|geht)",
            r"wann (?:endet|läuft)",
            r"how long",
            r"when does",
            r"lieferung\w*",
            r"buch",
        ),
    ),
    ("billing", BILLING),
]

# Wishes that might be goodwill but name nothing clear.
VAGUE_WISH = rx(
    r"what (?:can|could) (?:you|i|we) do",
    r"cut back",
    r"(?:was|welche) (?:sind|habe ich|gibt es) (?:\w+ ){0,3}(?:optionen|möglichkeiten|alternativen)",
    r"was kann ich (?:jetzt |da |nun )?tun",
    r"wie (?:komme|kann) ich (?:\w+ ){0,3}(?:raus|aufhören|aussteigen)",
    r"ich (?:will|möchte|moechte) (?:nicht mehr|aufhören|raus)",
    r"ich (?:will|möchte) (?:das |es )?(?:\w+ )?nicht mehr",
    r"ich kann nicht mehr",
    r"(?:will|möchte|moechte) (?:da |hier )?raus",
    r"aufhören",
    r"what are my options",
    r"i (?:want|would like) (?:to )?(?:stop|out)",
    r"get out of",
    r"nicht mehr (?:dabei sein|teilnehmen|mitmachen)",
    r"(?:loswerden|los werden)",
    r"vertrag",
    r"(?:welche|was für) (?:\w+ )?(?:optionen|möglichkeiten|alternativen)",
    r"weiß nicht,? (?:\w+ ){0,2}was ich (?:\w+ )?(?:tun|machen) soll",
    r"what should i do",
    r"what do you (?:suggest|recommend)",
    # an open plea with the hardship told around it: which gesture, for which product, is the agent's question
    r"was (?:können|könnt|kannst|koennen) (?:sie|ihr|du) (?:mir |uns )?(?:da )?(?:anbieten|vorschlagen|raten|empfehlen)",
    r"(?:kann|könnte|koennte) man (?:da |hier )?(?:irgend)?(?:et)?was (?:machen|tun)",
    r"lässt sich (?:da )?(?:irgend)?(?:et)?was machen",
    r"was mache ich (?:jetzt|nun|da)",
    r"was (?:würdet|würden|würdest) (?:ihr|sie|du) (?:mir )?(?:raten|empfehlen|vorschlagen)",
    r"(?:weiß|weiss) (?:\w+ )?nicht (?:mehr )?weiter",
    r"ob ich (?:\w+ )?(?:weitermachen|weiter machen|dabei bleiben) (?:kann|soll)",
    r"schlussstrich",
    r"nehmt mich (?:da |überall |ueberall )?raus",
    r"löscht alles",
    r"rückgängig machen",
    r"anything (?:that )?(?:can|could) be done",
    r"is there anything you can do",
    r"change my mind",
    r"undo (?:my|the|this) (?:purchase|order|sign-?up)",
    r"(?:just )?stop paying",
    r"what would you (?:suggest|recommend|advise)",
)

# --- reasons -----------------------------------------------------------------------
# Order = precedence when several are given (the weightier, more specific one first).
REASONS: list[tuple[str, Cue | Guarded]] = [
    (
        "bereavement",
        rx(
            r"verstorben\w*",
            r"gestorben",
            r"verstarb",
            r"tod",
            r"todes\w*",
            r"trauerfall\w*",
            r"trauer\w*",
            r"verloren (?:habe|hab)",
            r"beerdigung\w*",
            r"beisetzung\w*",
            r"ist von uns gegangen",
            r"passed away",
            r"died",
            r"death",
            r"funeral",
            r"bereave\w*",
            r"lost my (?:mother|father|mum|mom|dad|husband|wife|son|daughter|brother|sister)",
            r"ums leben gekommen",
            r"tödlich verunglückt",
            r"killed",
        ),
    ),
    (
        "accident",
        rx(
            r"unfall\w*",
            r"unfällen",
            r"gehirnerschütterung\w*",
            r"concussion",
            r"verunglückt",
            r"gestürzt",
            r"sturz",
            r"(?:bein|arm|fuß|hand|hüft|knöchel|rippen|wirbel|handgelenk|schulter|knie|ober|unter|schenkelhals|becken)(?:schenkel)?bruch\w*",
            r"gebrochen\w*",
            r"accident\w*",
            r"broke my \w+",
            r"broken (?:leg|arm|foot|wrist|ankle)",
            r"crash",
        ),
    ),
    # compounds ("Motorradunfall", "Skiunfall") need the unbounded start: a guarded scan, so that the cue above can
    # still skip a text with none of its word starts
    ("accident", Guarded(r"\b\w+unfall\w*", "unfall")),
    (
        "surgery",
        rx(r"operation\w*", r"op", r"operiert\w*", r"eingriff\w*", r"surgery", r"surgical", r"operated", r"operation"),
    ),
    (
        "hospital",
        rx(
            r"krankenhaus\w*",
            r"klinik\w*",
            r"spital",
            r"reha\w*",
            r"stationär\w*",
            r"intensivstation",
            r"hospital\w*",
            r"rehab\w*",
            r"kur",
        ),
    ),
    (
        "pregnancy",
        rx(
            r"schwanger\w*",
            r"entbindung\w*",
            r"geburt",
            r"mutterschutz",
            r"elternzeit",
            r"baby",
            r"pregnan\w*",
            r"maternity",
            r"gave birth",
            r"entbunden",
            r"wochenbett",
            r"sternenkind\w*",
            r"frühchen",
            r"frühgeburt\w*",
            r"zu früh (?:\w+ ){0,3}(?:zur|auf die) welt",
            r"neonat\w*",
            r"premature\w*",
        ),
    ),
    (
        "care",
        rx(
            r"pflege\w*",
            r"pflegt?",
            r"pflegen",
            r"pflegefall\w*",
            r"pflegebedürftig\w*",
            r"caring for",
            r"carer",
            r"caregiver",
            r"look(?:ing)? after my (?:mother|father|mum|mom|dad|husband|wife|parents)",
        ),
    ),
    (
        "unemployment",
        rx(
            r"arbeitslos\w*",
            r"arbeitssuchend\w*",
            r"arbeitsuchend\w*",
            r"erwerbslos\w*",
            r"job (?:\w+ ){0,2}verloren",
            r"(?:stelle|arbeit|arbeitsplatz) (?:\w+ ){0,2}verloren",
            r"(?:mir|uns) wurde (?:\w+ ){0,3}gekündigt",
            r"gekündigt worden",
            r"betriebsbedingt\w*",
            r"alg ?(?:i|1|ii|2)?",
            r"bürgergeld",
            r"hartz",
            r"jobcenter",
            r"arbeitsamt",
            r"arbeitsagentur",
            r"unemploy\w*",
            r"lost my job",
            r"laid off",
            r"made redundant",
            r"ohne (?:job|arbeit)",
        ),
    ),
    (
        "illness",
        rx(
            # a pregnancy's complications are an illness (a pregnancy itself is its own reason, above)
            r"risikoschwangerschaft",
            r"vorzeitige\w* wehen",
            r"bettruhe",
            r"bed rest",
            r"fehlgeburt\w*",
            r"miscarriage",
            r"krank(?!enkasse|enversicherung|enkassen|enversicherer)\w*",
            r"erkrank\w*",
            r"diagnos\w*",
            r"chemo\w*",
            r"krebs\w*",
            r"nierenstein\w*",
            r"kidney stones?",
            r"heart attack",
            r"stroke",
            r"migraine\w*",
            r"leuk(?:a|ae)emia",
            r"onkolog\w*",
            r"oncolog\w*",
            r"nachsorge",
            r"gürtelrose",
            r"hospiz\w*",
            r"hospice",
            r"palliativ\w*",
            r"palliative",
            r"im sterben",
            r"dying",
            r"multiple sklerose",
            r"multiple sclerosis",
            r"ms-?schub\w*",
            r"epilep\w*",
            r"dialys\w*",
            r"nieren\w*",
            r"kidneys? (?:failed|failure|disease)",
            r"essstörung\w*",
            r"eating disorder",
            r"angststörung\w*",
            r"panikattacke\w*",
            r"panic attacks?",
            r"anxiety",
            r"herzinfakt",
            r"rheuma\w*",
            r"hip replacement",
            r"knee replacement",
            r"shingles",
            r"pfeiffersch\w*",  # "Pfeiffersches Drüsenfieber"; "Pfeiffer" alone is a surname
            r"drüsenfieber",
            r"glandular fever",
            r"mononucleosis",
            r"tumor\w*",
            r"burn-?out",
            r"depressi\w*",
            r"bandscheibe\w*",
            r"grippe",
            r"corona",
            r"covid\w*",
            r"infekt\w*",
            r"infektion\w*",
            r"migräne\w*",
            r"herzinfarkt\w*",
            r"schlaganfall\w*",
            r"lungenentzündung",
            r"psychisch\w*",
            r"sick\w*",
            r"ill",
            r"illness\w*",
            r"disease",
            r"cancer",
            r"diagnosed",
            r"gesundheitlich\w*",
            r"health (?:issues?|problems?)",
            r"arbeitsunfähig\w*",
            r"therapie\w*",
            r"therapy",
            r"relapse\w*",
            r"neurolog\w*",
            r"schmerzen",
            r"long covid",
            r"au-?bescheinigung",
            # compounds and the names customers give ("Autoimmunerkrankung", "Erschöpfungsdepression")
            r"\w+erkrankung\w*",
            r"\w+depression\w*",
            r"autoimmun\w*",
            r"lupus",
            r"\w*embolie\w*",
            r"embolism",
            r"thrombose\w*",
            r"crohn\w*",
            r"colitis",
            r"chronic fatigue",
            r"fatigue syndrome",
            r"schilddrüse\w*",
            r"thyroid",
            r"bandschiibe\w*",
            r"psychiatr\w*",
            r"(?:ärztlicher|psychiatrischer|medizinischer|onkologischer) behandlung",
            r"(?:medical|health) reasons?",
            r"medizinische\w* gründe\w*",
            r"komplikation\w*",
            r"complications?",
        ),
    ),
    # clinical compounds that name a serious illness or its treatment ("Darmkrebs", "Leukämie", "Pankreatitis",
    # "Stammzelltransplantation", "Polyneuropathie", "mastectomy"); the folded text has no umlauts
    (
        "illness",
        Guarded(
            r"\b(?:\w+krebs\w*|\w+amie|\w+itis|\w*transplant\w*|\w+ektomie|\w+ectomy"
            r"|\w*(?:neuro|myo|kardio|cardio|nephro|retino|enzephalo|encephalo|arthro|osteo)path\w*)\b",
            "krebs",
            "amie",
            "itis",
            "transplant",
            "ektomie",
            "ectomy",
            "path",
        ),
    ),
    (
        "unexpected_event",
        rx(
            r"unerwartet\w*",
            r"unvorhergesehen\w*",
            r"schicksalsschlag\w*",
            r"hochwasser",
            r"wasserschaden",
            r"rohrbruch\w*",
            r"überschwemm\w*",
            r"einbruch",
            r"eingebrochen",
            r"burglar\w*",
            r"break-in",
            r"burst pipe",
            r"flooded",
            r"house fire",
            r"(?:house|flat|home|apartment) (?:\w+ ){0,2}(?:burned|burnt) down",
            r"fire",
            r"pipe burst",
            r"floods?",
            r"uninhabitable",
            r"evacuated",
            r"aufgebrochen",
            r"unter wasser",
            r"vollgelaufen",
            r"geplatzt",
            r"dichtgemacht",
            r"(?:uns|sich|mich) (?:\w+ ){0,3}getrennt",
            r"hausbrand",
            r"brand in \w+",
            r"wohnungsbrand",
            r"trennung",
            r"scheidung",
            r"familiäre\w* (?:notfall|notlage|gründe)",
            r"notfall",
            r"unexpected\w*",
            r"emergency",
            r"divorce",
            r"family emergency",
            r"(?:uns|sich|mich) getrennt",
            r"getrennt (?:haben|hat)",
            r"separated",
            r"scheidungs\w*",
        ),
    ),
    (
        "timing",
        rx(
            r"zeitpunkt (?:\w+ ){0,3}(?:nicht|un)?(?:passend|richtig|günstig|ideal|gut)\w*",
            r"falsche\w* zeitpunkt",
            r"ungünstige\w* zeitpunkt",
            r"timing",
            r"(?:not|wasn'?t) the right time",
            r"wrong time",
            r"bad time",
        ),
    ),
    (
        "weight_gain",
        rx(
            r"zugenommen",
            r"mehr auf der waage",
            r"schwerer geworden",
            r"gained weight",
            r"put on weight",
            r"(?:kg|kilo|kilos) mehr",
        ),
    ),
    (
        "no_success",
        rx(
            r"kein(?:en)? erfolg\w*",
            r"keine ergebnisse",
            r"keine fortschritte",
            r"nicht? (?:\w+ ){0,2}abgenommen",
            r"nichts abgenommen",
            r"keinerlei (?:erfolg\w*|ergebnis\w*|fortschritt\w*)",
            r"null (?:erfolg\w*|ergebnis\w*|fortschritt\w*)",
            r"gewicht (?:\w+ ){0,2}unverändert",
            r"wiege (?:\w+ ){0,2}(?:genauso viel|gleich viel|immer noch)",
            r"nichts erreicht",
            r"kein (?:einziges )?(?:kilo|gramm|pfund)",
            r"(?:not|haven'?t|have not|hasn'?t) lost (?:a single|any|one) (?:\w+ )?(?:kilo|pound|weight)\w*",
            r"no change (?:on|in) (?:the|my) (?:scales?|weight)",
            r"(?:nichts|kaum etwas) (?:hat sich )?(?:verändert|getan)",
            r"exactly where i started",
            r"(?:dasselbe|das gleiche|gleiche) wie vorher",
            r"(?:isn'?t|is not|not) working",
            r"(?:does|did) nothing for me",
            r"bringt (?:\w+ ){0,2}(?:nichts|nix)",
            r"(?:keinen|kein) sinn",
            r"(?:no|don'?t see the) point",
            r"(?:gained|put on) (?:\w+ ){0,2}(?:kilos?|pounds|weight)",
            r"waste of money",
            r"kein gramm",
            r"bringt (?:mir )?nichts",
            r"hat (?:mir )?nichts gebracht",
            r"wirkt nicht",
            r"(?:hat|bringt|brachte) (?:mir )?(?:null|gar nichts|überhaupt nichts|rein gar nichts)(?: gebracht)?",
            r"no (?:results|success|progress)",
            r"(?:didn'?t|haven'?t|did not|have not) lose",
            r"doesn'?t work for me",
            r"not working for me",
            r"erfolglos",
        ),
    ),
    (
        "not_for_me",
        rx(
            r"nichts für mich",
            r"(?:nüt|nüüt|nix) für mich",
            r"nicht (?:das )?richtige für mich",
            r"passt (?:\w+ ){0,2}nicht zu mir",
            r"nicht mein ding",
            r"not for me",
            r"(?:isn'?t|is not) (?:really )?for me",
            r"(?:format|konzept|angebot) (?:\w+ ){0,3}nicht (?:das )?richtige",
            r"brauche (?:ihn|sie|es|den club|die mitgliedschaft) (?:\w+ ){0,2}nicht mehr",
            r"(?:don'?t|do not|no longer) need (?:it|the club|the membership)",
            r"ziel erreicht",
            r"reached my goal",
            r"not really for me",
            r"not right for me",
            r"not my thing",
            r"nicht meins",
            r"nicht (?:zu mir|für mich) passt",
            r"not what i (?:expected|wanted)",
            r"nicht (?:das|so),? (?:was|wie) ich (?:mir )?(?:erwartet|vorgestellt)\w*",
            r"anders erwartet",
            # not using it any more: no weighty reason either
            r"nutze (?:\w+ ){0,4}(?:nicht mehr|kaum|nie)",
            r"(?:kaum|selten|nie) (?:noch )?(?:nutze|benutze)",
            r"nichts mehr für mich",
            r"(?:kaum|nie) (?:noch )?(?:genutzt|benutzt)",
            r"(?:don'?t|do not|never|hardly|barely) (?:really )?use (?:it|the club|the membership)",
            r"entspricht nicht meinen? (?:erwartungen|vorstellungen)",
            r"(?:anders|was anderes) vorgestellt",
        ),
    ),
    (
        "no_motivation",
        rx(
            r"keine (?:motivation|lust)",
            r"motivation\w* (?:\w+ ){0,3}(?:fehlt|verloren|weg|gesunken)",
            r"unmotiviert",
            r"demotiviert",
            r"nicht (?:mehr )?motiviert",
            r"(?:lack of|no|lost (?:my|all)) motivation",
            r"not motivated",
            r"aufraffen",
            r"schweinehund",
        ),
    ),
    (
        "no_time",
        rx(
            r"keine zeit",
            r"zeitmangel",
            r"kaum zeit",
            r"zu wenig zeit",
            r"wenig zeit",
            r"zeitlich (?:\w+ ){0,2}(?:eingespannt|nicht)",
            r"viel um die ohren",
            r"komme (?:\w+ ){0,3}nicht (?:mehr )?dazu",
            r"(?:nutze|nutzt|nutzen) (?:\w+ ){0,3}(?:kaum|nie|selten)",
            r"(?:hardly|rarely|never) use",
            r"haven'?t logged in",
            r"(?:don'?t|do not) have the time",
            r"beruflich (?:\w+ ){0,2}(?:eingespannt|stark|sehr)",
            r"stress\w*",
            r"no time",
            r"too busy",
            r"(?:not|don'?t have) (?:enough )?time",
            r"busy",
            r"neue\w* job\w*",
            r"umzug\w*",
            r"hektisch",
            r"overwhelmed",
        ),
    ),
    (
        "money",
        rx(
            r"zu teuer",
            r"finanziell\w*",
            r"geld (?:ist )?knapp",
            r"kann (?:es |das |mir das )?(?:mir )?nicht (?:mehr )?leisten",
            r"schulden",
            r"can'?t afford",
            r"cannot afford",
            r"(?:habe|hab|haben|hätte) (?:\w+ )?(?:kein|wenig) geld",
            r"geldsorgen",
            r"too expensive",
            r"money (?:is )?tight",
            r"financial\w*",
            r"(?:beitrag|beiträge|preis\w*) (?:\w+ ){0,4}(?:zu (?:viel|hoch|teuer)|gestiegen|erhöht|nicht mehr leisten)",
            r"preiserhöhung\w*",
            r"lohnt (?:sich )?(?:\w+ ){0,3}nicht",
            r"(?:not|isn'?t) worth",
            r"(?:für|for) nichts zahle\w*",
            r"(?:zahle|paying) (?:\w+ ){0,3}(?:für|for) nothing",
            r"(?:zahle|paying) (?:\w+ ){0,3}(?:quasi |praktisch )?für nichts",
            r"cheaper",
            r"günstiger\w*",
            r"(?:das |mein |the )?geld (?:\w+ ){0,3}sparen",
            r"(?:spare|sparen|sparn) (?:\w+ ){0,3}geld",
            r"save (?:\w+ ){0,2}money",
            r"budget (?:\w+ ){0,3}(?:knapp|tight|eng)",
        ),
    ),
    (
        # The customer's life has other priorities: another course or coaching first, a trip, retirement, a spouse
        # who wants the money spent elsewhere. Not weighty (seed 000 names unemployment and illness).
        "priorities",
        rx(
            r"(?:anderes|neues) (?:\w+ )?(?:coaching|programm|angebot|kurs)",
            r"(?:another|a different|a new) (?:\w+ )?(?:coaching|program|programme|app|provider|course)",
            r"in rente",
            r"ruhestand",
            r"rentner\w*",
            r"retire\w*",
            r"(?:reise|urlaub) (?:\w+ ){0,4}(?:gebucht|geplant)",
            r"(?:gebuchte|geplante) (?:reise|urlaub)",
            r"(?:booked|planned) (?:\w+ ){0,2}(?:trip|holiday|vacation)",
            r"(?:trip|holiday|vacation) (?:\w+ ){0,3}(?:booked|planned)",
            r"mein (?:mann|partner|freund) (?:\w+ ){0,4}nicht (?:mehr )?(?:will|möchte)",
            r"my (?:husband|partner|wife) (?:\w+ ){0,3}(?:doesn'?t|does not) want",
            r"focus on (?:that|the other|another)",
            r"priorit\w*",
            r"personal trainer",
            r"weight watchers",
            r"(?:anderen|neuen) anbieter",
            r"auswander\w*",
            r"wandern (?:\w+ ){0,5}aus",
            r"emigrat\w*",
            r"moving (?:abroad|to \w+ for work)",
        ),
    ),
    (
        "dissatisfied",
        rx(
            r"unzufrieden\w*",
            r"nicht zufrieden",
            r"enttäusch\w*",
            r"schlechte\w* qualität",
            r"dissatisf\w*",
            r"disappoint\w*",
            r"unhappy",
            r"not happy",
            r"not satisfied",
            r"(?:hat|haben) (?:mir )?(?:\w+ ){0,2}nicht gefallen",
            r"gefällt (?:mir )?(?:\w+ )?nicht",
            r"didn'?t like",
            r"wiederholen sich",
            r"repeat\w*",
            r"recycled",
            r"nichts neues",
            r"nothing new",
            r"immer (?:nur )?(?:dieselben|die gleichen)",
            # what it was worth to them: no reason of weight either
            r"(?:deutlich |viel )?mehr (?:davon )?(?:versprochen|erhofft|erwartet)",
            r"heiße luft",
            r"abzock\w*",
            r"bringt (?:mir )?(?:\w+ ){0,2}nichts",
            r"(?:viel )?zu dünn",
            r"wucher\w*",
            r"(?:eine )?frechheit",
            r"sehe ich (?:\w+ )?nicht ein",
            r"waste of (?:money|time)",
            r"rip-?off",
        ),
    ),
]

# A reason the customer names only to set it aside ("letztes Jahr war ich krank, das hat mit meiner Frage
# nichts zu tun"): it is not what the request rests on. Matched after the reason, in the same sentence.
REASON_DISOWNED = rx(
    r"(?:damit|mit(?: \w+){1,4}) nichts (?:\w+ ){0,2}zu tun",
    r"nichts (?:\w+ ){0,2}(?:damit|mit(?: \w+){1,4}) zu tun",
    r"(?:ist|war|sind|waren) (?:\w+ ){0,2}nicht (?:der|mein|meine) (?:\w+ )?grund\w*",
    r"(?:ist|war) (?:\w+ ){0,2}kein grund",
    r"darum geht es (?:\w+ ){0,2}nicht",
    r"spielt (?:\w+ ){0,3}keine rolle",
    r"(?:has|had|have) (?:\w+ ){0,2}nothing to do with",
    r"nothing to do with (?:this|that|it|my|the)",
    r"(?:is|was|are|were)(?:n'?t| not) (?:\w+ ){0,2}(?:the|my) reason",
    r"not (?:the reason|why i'?m (?:asking|writing))",
    r"(?:is|was) unrelated",
    r"unrelated to",
)
# A weighty reason that is over ("Mir geht es seit der Reha wieder richtig gut"): no ground to leave the Club now,
# while it still explains time lost in a program or the coach training (policies/reading/extract.py).
REASON_OVER = rx(
    r"(?<!nicht )(?<!noch nicht )wieder (?:\w+ ){0,2}(?:gut|gesund|fit|genesen)\b(?! (?:werden|zu werden|bin|sein))",
    r"(?:inzwischen|mittlerweile) (?:\w+ ){0,3}(?:gesund|genesen|erholt)",
    r"(?<!not )(?<!not yet )(?:fully )?recovered",
)

NEGATORS = frozenset(
    {
        "nicht",
        "kein",
        "keine",
        "keinen",
        "keiner",
        "keinem",
        "nie",
        "niemals",
        "not",
        "no",
        "never",
        "ohne",
        "weder",
        "isn't",
        "wasn't",
        "aren't",
        "weren't",
        "didn't",
        "don't",
        "doesn't",
        "nor",
        "kaum",
    }
)

STRONG_DISSATISFACTION = rx(
    r"(?:sehr|extrem|zutiefst|maßlos|total|absolut|äußerst|wirklich sehr|mega|so|unglaublich|völlig) (?:\w+ )?(?:unzufrieden|enttäuscht|verärgert|wütend|frustriert)",
    r"katastroph\w*",
    r"unverschämt\w*",
    r"(?:eine )?frechheit",
    r"skandal\w*",
    r"zumutung",
    r"abzocke\w*",
    r"betrug",
    r"nie wieder",
    r"schlechteste\w*",
    r"furchtbar\w*",
    r"(?:extremely|very|deeply|utterly|completely|totally) (?:dissatisfied|disappointed|unhappy|angry)",
    r"worst",
    r"never again",
    r"rip-?off",
    r"scam",
    r"unacceptable",
    r"inakzeptabel",
    r"unterirdisch",
    r"zutiefst",
)

TIMING_NOT_RIGHT = rx(
    r"zeitpunkt (?:\w+ ){0,3}(?:nicht (?:\w+ )?(?:passend|richtig|ideal|gut)|unpassend|ungünstig|falsch|schlecht)\w*",
    r"(?:falsche|falschen|ungünstige|ungünstigen|unpassende|unpassenden) zeitpunkt",
    r"timing (?:\w+ ){0,2}(?:off|wrong|bad|not right)",
    r"(?:not|wasn'?t|isn'?t) the right time",
    r"wrong time",
    r"(?:nicht|kein) (?:der )?richtige zeitpunkt",
    r"(?:war|ist) (?:einfach )?nicht (?:die )?richtige zeit",
)

# --- duration cues (policies/reading/extract.py `extract_duration`) -----------------
# Said of a span right after it, in its clause: the customer turns it down as too short ("6 Wochen reichen mir
# nicht", "sind viel zu wenig", "isn't enough"), so the ask is longer than that span.
DURATION_REJECTED_AFTER = rx(
    r"(?:reicht|reichen|reichte|reichten|genügt|genügen|langt|langen)(?: \w+){0,3} nicht",
    r"nicht (?:\w+ ){0,2}(?:reichen|reicht|ausreichen|ausreicht|ausreichend|genug|genügend)",
    r"(?:\w+ )?zu (?:wenig|kurz|knapp)",
    r"(?:not|isn'?t|aren'?t|wasn'?t|won'?t be|wouldn'?t be|will not be|would not be) (?:\w+ ){0,2}(?:enough|sufficient)",
    r"too (?:short|little)",
    r"insufficient",
    r"won'?t (?:\w+ )?(?:do|suffice)",
    # "Sechs Wochen Verlängerung bringen mir da nichts": the span offered is turned down as too little
    r"(?:bringen|bringt|helfen|hilft|nützen|nützt|nutzen|nutzt)(?: \w+){0,3} (?:nichts|nix|wenig|kaum)",
    r"(?:won'?t|doesn'?t|don'?t|wouldn'?t|will not|does not|do not) (?:\w+ ){0,2}help",
    # "mindestens sechs Wochen, eher mehr", "six weeks or more": the span is the least the customer asks for
    r"(?:oder|eher|lieber|vielleicht|wahrscheinlich|eventuell|besser|or|maybe|probably|perhaps|likely) (?:\w+ )?(?:mehr|länger|more|longer)",
)

# --- an earlier gesture the customer speaks of (policies/rules/clauses.py `_held`) ---------
# The customer writes that they were extended (or shown goodwill) before: "ich wurde ja schon einmal verlängert",
# "die letzte Verlängerung hat nicht gereicht", "another extension". When the snapshot shows none, the history may be
# incomplete (a gesture granted by hand, under another address): an approval then waits for a person (K-3).
# "noch einmal verlängern" alone is no such claim: customers write it of a first extension too.
PRIOR_GESTURE_CLAIMED = rx(
    r"(?:schon|bereits) (?:\w+ ){0,4}verlängert",
    r"(?:schon|bereits) (?:\w+ ){0,3}(?:eine|die) (?:\w+ )?verlängerung (?:\w+ ){0,3}(?:bekommen|erhalten|gewährt|gegeben|geschenkt)",
    r"(?:schon|bereits) (?:\w+ ){0,4}kulanz\w* (?:\w+ ){0,2}(?:bekommen|erhalten|gewährt|gezeigt|gegeben)",
    r"(?:weitere|zweite|erneute|nochmalige|letzte|vorige|vorherige|bisherige|damalige|frühere) (?:\w+ )?verlängerung\w*",
    # "ihr hattet mir im Herbst schon mal ein paar Wochen geschenkt", "den Club schon einmal pausiert"
    r"(?:schon|bereits) (?:\w+ ){0,5}(?:geschenkt|gutgeschrieben|draufgelegt|drangehängt)",
    r"(?:schon|bereits) (?:\w+ ){0,3}(?:den club|die mitgliedschaft|meine mitgliedschaft|meinen club) (?:\w+ ){0,5}pausiert",
    r"erneut (?:\w+ ){0,3}verlänger\w*",
    r"(?:damals|letztes mal|beim letzten mal|letztes jahr|voriges jahr) (?:\w+ ){0,5}(?:verlängert|entgegengekommen)",
    r"(?:another|a second|a further|one more) extension",
    r"extend(?:ed)? (?:\w+ ){0,3}again",
    r"(?:already|previously) (?:\w+ ){0,3}(?:extended|an extension)",
    r"(?:last|previous|earlier) extension",
    r"(?:gave|given|granted|allowed) me (?:\w+ ){0,3}(?:extra|more|additional|further) (?:weeks|months|time)",
    r"extend(?:ed)? (?:\w+ ){0,3}once more",
    r"already (?:\w+ ){0,2}paused (?:my|the) (?:club|membership)",
    r"extended (?:\w+ ){0,2}(?:before|last (?:time|year)|once already)",
    r"the extension you (?:gave|granted)",
)

# --- documents ---------------------------------------------------------------------
DOC_ATTEST = rx(
    r"attest\w*",
    r"krankheitsattest\w*",
    r"arztattest\w*",
    r"ärzteattest\w*",
    r"au-?bescheinigung\w*",
    r"au",
    r"arbeitsunfähigkeit\w*",
    r"krankmeldung\w*",
    r"krankschreibung\w*",
    r"arztbrief\w*",
    r"ärztliche\w* (?:bescheinigung|bestätigung|nachweis)\w*",
    r"befund\w*",
    r"entlassungsbericht\w*",
    r"entlassbrief\w*",
    r"medical certificate",
    r"doctor'?s note",
    r"sick note",
    r"arztbescheinigung\w*",
    r"krankenhausbericht\w*",
    r"gelber schein",
    r"gelben schein",
    r"ärztliche\w* attest",
)
DOC_UNEMPLOYMENT = rx(
    r"arbeitslosen ?bescheid\w*",
    r"arbeitslosenbescheinigung\w*",
    r"alg[- ]?bescheid\w*",
    r"bescheid (?:\w+ ){0,3}(?:arbeitsagentur|arbeitsamt|jobcenter)",
    r"bewilligungsbescheid\w*",
    r"(?:arbeitsagentur|arbeitsamt|jobcenter)\w*",
    r"unemployment (?:certificate|letter|notice)",
)
DOC_GENERIC = rx(
    r"bescheinigung\w*",
    r"nachweis\w*",
    r"bestätigung\w*",
    r"bescheid\w*",
    r"dokument\w*",
    r"unterlagen",
    r"beleg\w*",
    r"certificate",
    r"proof",
    r"document\w*",
    r"scan\w*",
    r"foto",
    r"photo",
)
DOC_PRESENT = rx(
    r"anbei\w*",
    r"im anhang",
    r"in der anlage",
    r"als anhang",
    r"als anlage",
    r"angehängt\w*",
    r"anhängend",
    r"hänge (?:\w+ ){0,4}an",
    r"beigefügt\w*",
    r"füge (?:\w+ ){0,4}bei",
    r"mitgeschickt\w*",
    r"schicke (?:\w+ ){0,5}mit",
    r"sende (?:\w+ ){0,5}mit",
    r"habe (?:\w+ ){0,5}(?:angehängt|beigefügt|mitgeschickt|hochgeladen)",
    r"attached",
    r"enclosed",
    r"attaching",
    r"find attached",
    r"anhang",
    r"hier (?:ist|sind) (?:\w+ ){0,2}(?:attest|bescheinigung|nachweis)",
)
DOC_ABSENT = rx(
    r"nachreichen",
    r"nachgereicht",
    r"reiche (?:\w+ ){0,4}nach",
    r"kann (?:\w+ ){0,4}(?:schicken|senden|besorgen|nachreichen)",
    r"könnte (?:\w+ ){0,4}(?:schicken|senden|besorgen)",
    r"falls (?:nötig|notwendig|gewünscht|erforderlich)",
    r"wenn (?:nötig|notwendig|gewünscht)",
    r"(?:kein|keine|keinen) (?:\w+ )?(?:attest|bescheinigung|nachweis)",
    r"if needed",
    r"can send",
    r"will send",
    r"could send",
    r"brauchen sie",
    r"braucht ihr",
    r"soll ich",
    r"muss ich",
    r"noch nicht",
    r"habe ich nicht",
    r"besorge",
)
# The text saying a certificate is an old one: from an earlier spell, expired, or the new one not there yet
# ("der ist noch von meiner letzten Arbeitslosigkeit", "den neuen habe ich noch nicht"). Read per sentence.
DOC_OUTDATED = rx(
    r"noch (?:von|aus) (?:\w+ ){0,2}(?:letzten|früheren|vorherigen|damaligen|alten|ersten|vorletzten)",
    r"(?:von|aus) (?:meiner|der|dem|meinem) (?:letzten|früheren|vorherigen|damaligen|ersten) (?:arbeitslosigkeit|krankheit|erkrankung|zeit|job\w*|stelle)",
    r"(?:der|die|das|den|dem|ein|einen|eine|mein|meinen|meine) alte\w* (?:\w+ )?(?:bescheid|bescheinigung|nachweis|attest|schein)\w*",
    r"abgelaufen\w*",
    r"veraltet\w*",
    r"nicht mehr (?:gültig|aktuell)",
    r"(?:neuen|neue|aktuellen|aktuelle) (?:\w+ ){0,2}(?:habe|hab|hätte|bekomme|kriege) ich (?:\w+ ){0,2}(?:noch nicht|erst)",
    r"(?:from|of) (?:my|the) (?:last|previous|earlier|first) (?:unemployment|illness|job|spell|time|period)",
    r"(?:the |an |my )?old (?:one|certificate|letter|notice|note)",
    r"out of date",
    r"expired",
    r"no longer valid",
    r"(?:new|current) one (?:\w+ ){0,3}(?:yet|still)",
)
# The text saying the proof is not there yet ("Einen Bescheid habe ich noch nicht"): read per clause, with a
# document word in the same clause; it wins over a loose attachment.
DOC_NOT_YET = rx(
    r"(?:habe|hab|haben|hätte) (?:ich |wir )?(?:\w+ ){0,2}noch (?:nicht|kein\w*)",
    r"noch nicht (?:\w+ ){0,2}(?:bekommen|erhalten|da|vorliegen|zugeschickt|ausgestellt|gekommen)",
    r"noch (?:kein|keine|keinen) (?:\w+ )?(?:bescheid|bescheinigung|nachweis|attest)\w*",
    r"liegt (?:\w+ ){0,2}noch nicht vor",
    r"steht (?:\w+ ){0,2}noch aus",
    r"(?:haven'?t|have not|didn'?t|did not) (?:\w+ ){0,2}(?:received|got|gotten)",
    r"(?:don'?t|do not) have (?:\w+ ){0,3}yet",
    r"not (?:\w+ )?yet",
)
ATTACHMENT_ATTEST = re.compile(
    r"attest|op[-_ ]?bericht|arztbericht|au[-_ ]?bescheinigung|^au[-_ .]|arbeitsunf|krankmeld|krankschreib|arztbrief|befund|entlass|medical|doctor|sick[-_ ]?note|aerztlich|arzt|klinik|krankenhaus|diagnose"
    r"|neurolog|psychiat|therapeut|hospital|discharge|fit[-_ ]?note|physician",
    re.I,
)
ATTACHMENT_UNEMPLOYMENT = re.compile(
    r"arbeitslos|alg[-_ ]?\d|alg[-_ ]?bescheid|arbeitsagentur|arbeitsamt|jobcenter|bewilligung|unemploy|(?<![a-z])alv(?![a-z])"
    # the offices and benefits of other countries and their short names: RAV (CH), AMS (AT), UWV (NL), Jobcentre,
    # JSA and Universal Credit (UK), Bürgergeld, Agentur für Arbeit (AfA)
    r"|(?<![a-z])(?:rav|ams|uwv|jsa|afa)(?![a-z])|jobcentre|job[-_ ]centre|b(?:ue|ü|u)rgergeld|universal[-_ ]?credit"
    r"|agentur[-_ ]?f(?:ue|ü|u)r[-_ ]?arbeit|taggeld",
    re.I,
)
# A file whose name says it is some other paper (a bank statement, a signed declaration, a notice of dismissal,
# a contract) is a document, but not the proof a reason needs: it never stands in for an attest or a certificate.
# Checked after the proof kinds above, so "Arztzeugnis" or "Bescheid_Arbeitsagentur" still name their kind.
ATTACHMENT_OTHER_DOCUMENT = re.compile(
    r"erkl(?:ae|ä|a)rung|declaration|vertraulichkeit|datenschutz|kontoauszug|auszug|statement|"
    r"k(?:ue|ü|u)ndigung|arbeitgeber|employer|termination|"
    r"vertrag|contract|abrechnung|payslip|pay[-_ ]?slip|lohn|gehalt|salary|lebenslauf|(?<![a-z])cv(?![a-z])|"
    r"bewerbung|zeugnis|vollmacht|ausweis|passport|formular|(?<![a-z])form(?![a-z])|antrag|bestellung|"
    r"(?<![a-z])order(?![a-z])|ticket|booking|buchung|reservierung|mahnung|lastschrift|sepa|kassenbon|"
    r"zertifikat|teilnahme",
    re.I,
)
# A year in a file name ("ALG_Bescheid_2024.pdf", "scan_20240311.pdf"): the newest one dates the document.
ATTACHMENT_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)(?:[-_.]?[01]\d(?:[-_.]?[0-3]\d)?)?(?!\d)")
ATTACHMENT_IGNORED = re.compile(
    r"screenshot|bildschirmfoto|screen[-_ ]?shot|rechnung|invoice|receipt|quittung|logo|signature|image0\d\d\.(?:png|gif)|outlook",
    re.I,
)

# --- abuse -------------------------------------------------------------------------
# Insults aimed at a person or the team.
INSULTS = rx(
    r"idiot\w*",
    r"vollidiot\w*",
    r"trottel\w*",
    r"depp\w*",
    r"arschl[öo]ch\w*",
    r"arsch",
    r"ärsche",
    r"wichser\w*",
    r"penner\w*",
    r"versager\w*",
    r"dummk[öo]pf\w*",
    r"dumme\w* (?:kuh|sau|gans|ziege|schlampe|nuss|pute)",
    r"blöde\w* (?:kuh|sau|gans|ziege|schlampe|pute)",
    r"schlampe\w*",
    r"hure\w*",
    r"hurensohn\w*",
    r"missgeburt\w*",
    r"spast\w*",
    r"mongo\w*",
    r"bastard\w*",
    r"pisser\w*",
    r"vollpfosten\w*",
    r"hohlbirne\w*",
    r"hirnamputiert\w*",
    r"hirnlos\w*",
    r"hirntot\w*",
    r"dreckspack",
    r"(?:ihr|so ein|dieses|elendes|verlogenes|mieses) pack",
    r"gesindel",
    r"lumpen\w*",
    r"(?:ihr|diese|so eine|elende) (?:\w+ )?bande",
    r"verbrecher\w*",
    r"betrüger\w*",
    r"abzocker\w*",
    r"betrügerbande",
    r"verbrecherbande",
    r"saftladen",
    r"drecksladen",
    r"scheißladen",
    r"scheissladen",
    r"scheiß ?firma",
    r"scheiss ?firma",
    r"drecksfirma",
    r"scheiß ?verein",
    r"scheiss ?verein",
    r"sauhaufen",
    r"inkompetente\w* (?:\w+ )?(?:idioten|vollidioten|deppen|trottel|haufen|pfeifen|affen)",
    r"ihr (?:\w+ )?(?:pfeifen|affen|clowns|nieten|luschen)",
    r"affenbande",
    r"dumm wie brot",
    r"zu dumm",
    r"zu blöd",
    r"seid ihr (?:\w+ )?(?:dumm|blöd|bescheuert|behindert|bekloppt)",
    r"(?:sie|du|ihr) (?:seid|sind|bist) (?:\w+ ){0,2}(?:dumm|blöd|bescheuert|bekloppt|unfähig|lächerlich|erbärmlich)",
    r"(?:halt|haltet|halten sie) (?:die|eure|ihre|deine) (?:fresse|klappe|schnauze)",
    r"fresse",
    r"verpisst euch",
    r"verpiss dich",
    r"leck mich",
    r"leckt mich",
    r"fick\w*",
    r"scheiß drauf",
    r"kotzt mich an",
    r"ihr kotzt",
    r"moron\w*",
    r"idiots?",
    r"(?:you|you're|you are|your|ur|u) (?:\w+ ){0,2}(?:stupid|dumb|useless|pathetic)",
    r"asshole\w*",
    r"arsehole\w*",
    r"bitch\w*",
    r"scum\w*",
    r"bastards?",
    # an intensifier before a thing is swearing at a situation ("this fucking app crashes"), not at a person
    r"(?:fuck\w*|f\*+k\w*)(?! (?:app|apps|thing|things|program\w*|course|website|site|page|login|internet|computer|laptop"
    r"|phone|day|week|month|year|bug|video\w*|audio\w*|system|update|link|password|wifi|traffic|weather|job|work"
    r"|situation|time|download|player|button|screen|form)\b)",
    r"shit (?:company|service|support|program|course|club)",
    r"bullshit",
    r"crooks?",
    r"thie(?:f|ves)",
    r"(?:you|bunch of) (?:\w+ )?(?:clowns|fools|losers|idiots|morons)",
    r"incompetent (?:\w+ )?(?:idiots|morons|clowns|fools|people)",
    r"piece of shit",
    r"shut up",
    r"go to hell",
    r"screw you",
)
# Swear words that count only when aimed at us ("Scheiß Service"), not as a sigh ("so ein Mist").
PROFANITY_AIMED = rx(
    r"schei(?:ß|ss)e?[- ]?(?:service|support|programm|kurs|club|firma|laden|verein|team|app|mitarbeiter\w*)",
    r"dreck(?:s)?[- ]?(?:service|support|programm|firma|laden|verein|team)",
    r"scheiß euch",
    r"ihr (?:seid|macht) (?:\w+ )?scheiße",
    r"eure scheiße",
    r"euer scheiß",
    r"euren scheiß",
    r"ihr scheiß",
    r"dieser scheiß",
    r"diese scheiße",
)
# Threats of violence: always severe.
THREATS = rx(
    r"umbringen",
    r"umzubringen",
    r"bring (?:\w+ ){0,3}um",
    r"bringe (?:\w+ ){0,3}um",
    r"töten",
    r"abstechen",
    r"abknallen",
    r"erschießen",
    r"erschlagen",
    r"totschlagen",
    r"kaputt ?(?:schlagen|hauen|machen)",
    r"zusammenschlagen",
    r"zusammen ?schlagen",
    r"(?:eine|eins|was|paar) (?:\w+ )?(?:auf die|in die) (?:fresse|schnauze|nase|maul|zwölf)",
    r"aufs maul",
    r"in die fresse",
    r"(?:weiß|weiss|finde (?:raus|heraus)), wo (?:ihr|sie|du) wohn\w*",
    r"weiß wo (?:ihr|sie|du) wohn\w*",
    r"weiss wo (?:ihr|sie|du) wohn\w*",
    r"komme? (?:\w+ ){0,4}vorbei und (?:\w+ ){0,6}(?:schlag\w*|hau\w*|zeig\w*|mach\w*|zerleg\w*|reiß\w*)",
    r"(?:bude|laden|büro|firma|haus) (?:\w+ ){0,3}(?:anzünden|abfackeln|niederbrennen|in die luft jagen)",
    # "dem zünde ich das Auto an, während er drinsitzt", "I'll set your car on fire"
    r"zünde\w* (?:\w+ ){0,4}(?:auto|wagen|haus|wohnung|büro|bude|laden|firma|euch|dich|ihn|sie) (?:\w+ ){0,2}an\b",
    r"(?:auto|wagen|wohnung|car|house|office) (?:\w+ ){0,3}(?:anzünden|abfackeln|anstecken)",
    r"set (?:\w+ ){0,3}(?:on fire|alight|ablaze)",
    r"torch (?:your|her|his|their|the) (?:car|house|office|place)",
    r"bombe\w*",
    r"gewalt antun",
    r"ihr werdet (?:\w+ ){0,3}(?:bluten|leiden)",
    r"wird (?:\w+ ){0,3}bluten",
    r"(?:euch|dir|ihnen) (?:\w+ ){0,3}(?:wehtun|weh tun)",
    r"kill (?:you|u|them|him|her|everyone)",
    r"(?:i'?ll|i will|gonna|going to) (?:\w+ ){0,3}(?:kill|hurt|beat|stab|shoot|burn)",
    r"know where you live",
    r"beat (?:you|u) up",
    r"burn (?:\w+ ){0,2}down",
    r"you(?:'ll| will) (?:\w+ ){0,2}(?:bleed|regret it physically)",
    r"mess you up",
    r"watch your back",
)
# Hate speech and discrimination: always severe.
HATE = rx(
    r"kanake\w*",
    r"kanacke\w*",
    r"neger\w*",
    r"nigger\w*",
    r"nigga\w*",
    r"schwuchtel\w*",
    r"kopftuch ?mädchen",
    r"kopftuchmädel\w*",
    r"judenpack",
    r"drecksjude\w*",
    r"jude\w* (?:sind|seid|ist) (?:\w+ )?(?:schuld|dreck)",
    r"(?:scheiß|drecks|scheiss)ausländer\w*",
    r"ausländerpack",
    r"(?:zigeuner|asylant)\w*",
    r"untermensch\w*",
    r"behinderte\w* (?:pack|gesindel|idioten)",
    r"(?:typisch|dumme) (?:frau|frauen|weiber)",
    r"weiber",
    r"weibsvolk",
    r"frauen (?:\w+ ){0,3}(?:können|kapieren|verstehen) (?:\w+ ){0,3}nichts",
    r"(?:ihr|diese) (?:scheiß |drecks |scheiss )?(?:ausländer|moslems|muslime|türken|polen|juden|schwulen|lesben|transen)\b(?: (?:sind|seid|gehören|sollten|raus))?",
    r"geht (?:zurück )?(?:in euer|nach) (?:land|hause)",
    r"transe\w*",
    r"faggot\w*",
    r"dyke",
    r"tranny",
    r"go back to your country",
    r"(?:stupid|dumb) (?:women|woman|foreigners|immigrants)",
    r"women (?:\w+ ){0,3}(?:can'?t|cannot) (?:\w+ ){0,2}anything",
    r"retards?",
    r"heil hitler",
    r"sieg heil",
    r"ins gas",
    r"vergasen",
)
# Phrases that report or quote an insult rather than hurl one: a reporting verb anywhere in the clause before it ...
REPORTED = re.compile(
    "|".join(
        r"(?<!\w)" + _expand(p) + r"(?!\w)"
        for p in (
            r"nannte\w*",
            r"genannt",
            r"nennt",
            r"nennen",
            r"bezeichnet\w*",
            r"bezeichnete\w*",
            r"beschimpft\w*",
            r"beleidigt\w*",
            r"sagte\w*",
            r"gesagt",
            r"meinte\w*",
            r"schrieb\w*",
            r"geschrieben",
            r"hieß es",
            r"zitat",
            r"zitiere",
            r"zitiert",
            r"called",
            r"calling",
            r"said",
            r"says",
            r"told me",
            r"wrote",
            r"accused",
            r"quote",
        )
    )
)
# ... or, right before it, the writer speaking of themselves or denying it ("ich bin doch kein Idiot", "ich Depp").
SELF_OR_DENIED = re.compile(
    "(?:"
    + "|".join(
        _expand(p)
        for p in (
            r"\bich bin (?:doch |ja |auch |schließlich )?(?:kein|keine|keinen|nicht)",
            r"\bich (?:bin|war|fühle mich|fühlte mich|komme mir|kam mir|wirke|stehe) (?:\w+ ){0,3}(?:wie|so|ein|eine|einen|als)(?: \w+)?",
            r"\bals (?:wäre|sei) ich (?:ein|eine)(?: \w+)?",
            r"\bals ob ich (?:\w+ ){0,2}(?:ein|eine)(?: \w+)?",
            r"\bich(?: \w+)?",
            r"\b(?:i am|i'm|i was|i feel|i felt) (?:\w+ ){0,3}(?:like|an?|such)(?: \w+)?",
            r"\b(?:i'm|i am) not an?",
            r"\bnot an?",
            r"\bwie (?:ein|eine|einen)(?: \w+)?",
            r"\bkein(?:e|en)?(?: \w+)?",
        )
    )
    + r")\s*$"
)
# After the insult: "... als dumme Kuh bezeichnet" (the English "called me" comes before and is caught there).
# An insult aimed at someone outside the company ("mein Chef, dieser cholerische Idiot", "die Idioten von meiner
# Bank", "my idiot of a landlord"): the customer's anger at a third party is no abuse of the team.
_THIRD_PARTY = (
    r"(?:chef\w*|bank|sparkasse|versicherung\w*|krankenkasse|ex\w*|nachbar\w*|vermieter\w*|arbeitgeber\w*|kolleg\w*|"
    r"mann|frau|freund\w*|schwieger\w*|vater|mutter|bruder|schwester|schwager|arzt|ärztin|anwalt|firma|"
    r"boss|landlord|neighbou?rs?|husband|wife|employer|coworkers?|co-workers?|colleagues?|manager|bank|insurer|"
    r"ex-\w+|father|mother|brother|sister|doctor|lawyer|company)"
)
THIRD_PARTY_BEFORE = rx(
    r"(?:mein|meine|meinem|meinen|meiner|unser|unsere|my|our) (?:\w+ ){0,1}" + _THIRD_PARTY + r",? (?:\S+ ){0,3}",
    # a whole trade or the public ("die ganze Diätindustrie ist für mich ein Haufen Verbrecher")
    r"(?:die|der|das|the) (?:ganze |gesamte |whole |entire )?\w*(?:industrie|branche|politik|politiker|regierung|"
    r"influencer|medien|industry|politicians|government|media|influencers)\w* (?:\S+ ){0,6}",
)
THIRD_PARTY_AFTER = rx(r"(?:von|bei|of|at|in) (?:meiner|meinem|meinen|my|our|a|an) (?:\w+ ){0,1}" + _THIRD_PARTY)
REPORTED_AFTER = rx(
    r"genannt",
    r"bezeichnet\w*",
    r"beschimpft\w*",
    r"geschimpft",
    r"gesagt",
    r"gerufen",
    r"geschrieben",
    r"tituliert",
    r"hingestellt",
    r"nennt",
    r"nannte",
)
# A run of shouted words: five or more all-caps words in a row.
SHOUT_RUN = re.compile(r"(?:\b[A-ZÄÖÜ]{2,}[A-ZÄÖÜß]*\b[\s,.!?:;-]*){5,}")

# --- sentence reading (policies/reading/wishes.py) ----------------------------------
# A wish counts only in a sentence of the new text that is not negated or retracted, a present wish
# rather than a report of an earlier one, and about our products or no other object.

# Retracting a wish: the cues of its sentence (and of the sentence before) no longer count.
RETRACTED = rx(
    r"(?:hat|haben) sich (?:\w+ ){0,2}(?:erledigt|erübrigt)",
    r"(?:ist|sind) (?:\w+ ){0,2}erledigt",
    r"(?:nicht|nicht mehr|doch nicht|keine?) (?:mehr )?(?:nötig|notwendig|erforderlich|gebraucht|gewünscht|aktuell)",
    r"brauche? (?:ich )?(?:\w+ ){0,3}(?:doch )?nicht mehr",
    r"brauche? (?:ich )?(?:\w+ ){0,2}(?:doch )?keine?n? (?:\w+ )?mehr",
    r"brauche (?:ich )?(?:\w+ ){0,2}(?:also |jetzt |doch |dann )+nicht\b(?! nur| lange| mehr)",
    r"(?:nehme|ziehe) (?:ich )?(?:\w+ ){0,4}zurück",
    r"vergesst (?:es|das|meine \w+|die \w+)",
    r"vergiss (?:es|das)",
    r"kann ich mir (?:\w+ )?schenken",
    r"(?:davon|von der idee|von dem gedanken) (?:bin ich )?(?:\w+ )?(?:weg|ab)(?:gekommen)?",
    r"sehe ich (?:\w+ )?ab",
    r"never ?mind",
    r"no longer (?:need|needed|necessary|required|want|wanted|relevant)",
    r"(?:don'?t|do not) need (?:\w+ ){0,3}(?:anymore|any more|after all)",
    r"not (?:needed|necessary|required) (?:anymore|any more)",
    r"(?:is|are) not (?:needed|necessary|required)",
    r"no \w+ (?:needed|necessary|required)",
    r"disregard",
    r"ignore my (?:\w+ )?(?:mail|email|e-mail|message|request)",
    r"ignoriert? (?:das|es|meine (?:\w+ )?(?:mail|nachricht|anfrage))",
    r"bitte ignorieren",
    r"(?:please )?ignore (?:that|it|this)",
    r"forget (?:about )?(?:my|it|that|the)",
    r"withdraw (?:my|the) (?:\w+ )?(?:request|cancellation|refund request|application)",
    # a wish someone else suggested, turned down ("Eine Bekannte meinte, ich solle pausieren – das möchte ich nicht")
    r"(?:das|dies|es) (?:möchte|will|wollte|mochte) ich (?:aber |jedoch |ausdrücklich |auf keinen fall |ganz sicher )*nicht\b",
    r"(?:that|this|it) (?:is|'s) (?:\w+ )?not what i want",
    r"i (?:really |definitely |certainly )?(?:don'?t|do not) want (?:that|this)\b",
)
# Retractions that count only for a cue in their own clause ("Ich habe es mir anders überlegt, mit der
# Kündigung"); on their own they are as often the reason for a return ("I've changed my mind, it's not for me").
RETRACTED_LOCAL = rx(
    r"abstand (?:\w+ ){0,2}genommen",
    r"verzichte\w*",
    r"(?:es|das) (?:mir )?(?:\w+ ){0,2}(?:anders|nochmal|noch einmal|nochmals) überlegt",
    r"changed my mind",
)
# Keeping what a leave wish would end: retracts a refund or a cancellation ("den Club behalte ich").
KEEP = rx(
    r"behalte\w*",
    r"behalten (?:möchte|will|werde)",
    r"(?:möchte|will|werde|würde) (?:\w+ ){0,4}(?:behalten|bleiben|dabei bleiben|weitermachen)",
    r"(?:doch|lieber|gerne?) (?:\w+ ){0,3}bleiben",
    r"bleibe (?:ich )?(?:\w+ ){0,2}(?:doch|dabei|lieber|drin)",
    r"(?:want|like|prefer|decided|going) to (?:keep|stay)",
    r"i(?:'ll| will) (?:keep|stay)",
    r"keep (?:it|my|the|using)",
    r"stay(?:ing)? (?:in|with|on)",
)
# After a retraction, a contrast word starts the wish that counts ("..., aber pausieren möchte ich").
CONTRAST = rx(
    r"aber", r"sondern", r"stattdessen", r"statt dessen", r"dafür", r"jedoch", r"but", r"instead", r"rather", r"however"
)
# A negated wish drawn as a conclusion withdraws the same wish asked before it ("Ich brauche also keine Verlängerung").
CONCLUSION = rx(
    r"(?:also|somit|daher|deshalb|deswegen|dann|doch) (?:\w+ ){0,2}(?:kein\w*|nicht)",
    r"(?:so|therefore|thus) i (?:\w+ ){0,2}(?:don'?t|do not|no longer|won'?t)",
    r"(?:don'?t|do not) (?:\w+ ){0,4}after all",
)
# The wish is still open although it was written before ("ich warte noch auf eine Antwort").
FOLLOW_UP = rx(
    r"(?:noch )?keine antwort",
    r"nichts (?:mehr )?(?:von euch|von ihnen)? ?gehört",
    r"warte (?:\w+ ){0,3}(?:noch|immer noch|seit)",
    r"(?:noch|immer noch) nicht (?:\w+ ){0,2}(?:bearbeitet|beantwortet|erledigt|geantwortet|reagiert)",
    r"(?:niemand|keiner) (?:hat )?(?:\w+ )?(?:antwortet|geantwortet|reagiert|meldet)",
    r"frage (?:\w+ ){0,2}(?:noch ?mal|nochmals|erneut) nach",
    r"(?:wie ist der|wie sieht es mit dem) stand",
    r"no (?:reply|response|answer)",
    r"(?:haven'?t|have not|hasn'?t|has not) (?:\w+ )?(?:heard|replied|answered|responded|received a reply)",
    r"still (?:waiting|no|haven'?t|not)",
    r"following up",
    r"follow up on",
    r"any (?:news|update)",
    r"(?:schon|jetzt|bereits) (?:\w+ ){0,2}(?:zweimal|dreimal|mehrmals|mehrfach|x-mal|oft genug|so oft|zum \w+ mal) (?:\w+ ){0,3}(?:geschrieben|gefragt|gebeten|gemeldet|angerufen)",
    r"(?:asked|written|emailed|told you) (?:\w+ ){0,2}(?:twice|three times|several times|many times|\w+ times)",
    r"(?:i'?m|i am) not asking twice",
    r"zum (?:zweiten|dritten|letzten) mal",
    r"(?:noch nicht|immer noch nicht|still not|not yet) (?:\w+ )?(?:da|angekommen|eingegangen|here|arrived|received|on my account|auf meinem konto)",
)
# Past markers: the auxiliaries of a report, request and grant participles, and time adverbs of the past.
PAST_AUX = rx(
    r"hatte",
    r"hatten",
    r"hattest",
    r"hattet",
    r"wurde",
    r"wurden",
    r"wurdest",
    r"wurdet",
    r"war",
    r"waren",
    r"warst",
    r"wart",
    r"worden",
    r"wollte",
    r"wollten",
    r"wolltet",
    r"had",
    r"was",
    r"were",
    r"did",
    r"asked",
    r"requested",
    r"wrote",
    r"got",
    r"received",
    r"applied",
    r"used to",
    r"wanted",
)
PAST_TIME = rx(
    r"damals",
    r"seinerzeit",
    r"früher",
    r"zuletzt",
    r"(?:letzte[nsmr]?|vergangene[nsmr]?) (?:jahr|woche|monat|mal|sommer|herbst|winter|frühjahr|frühling)",
    r"im (?:letzten|vergangenen|vorigen) \w+",
    r"vor (?:\w+ ){0,2}(?:tagen|wochen|monaten|jahren|jahr)",
    r"back (?:then|in)",
    r"last (?:year|month|week|time|spring|summer|autumn|fall|winter)",
    r"\w+ ago",
    r"previously",
    r"earlier this year",
    r"in the past",
    r"once before",
)
# Participles of a past request or of what was granted ("habe ... gefragt", "wurde verlängert").
PAST_PARTICIPLE = rx(
    r"gefragt",
    r"nachgefragt",
    r"angefragt",
    r"geschrieben",
    r"gebeten",
    r"beantragt",
    r"bekommen",
    r"erhalten",
    r"gehabt",
    r"gewährt",
    r"eingerichtet",
    r"genehmigt",
    r"bestätigt",
    r"angeboten",
    r"vorgeschlagen",
    r"gemeldet",
    r"verlängert",
    r"pausiert",
    r"gekündigt",
    r"erstattet",
    r"zurückerstattet",
    r"zurückgegeben",
    r"storniert",
    r"widerrufen",
    r"unterbrochen",
    r"eingefroren",
    r"ausgesetzt",
    r"abgemeldet",
    r"beendet",
    r"abgebrochen",
    r"zurückbekommen",
    r"gestoppt",
    r"angehalten",
    r"verschoben",
    r"genutzt",
    r"gemacht",
    r"eingegangen",
    r"angekommen",
    r"bearbeitet",
    r"gutgeschrieben",
    r"überwiesen",
    r"ausgezahlt",
    r"veranlasst",
    r"processed",
    r"issued",
    r"approved",
    r"completed",
    r"sorted",
    r"arrived",
    r"confirmed",
    r"done",
    r"extended",
    r"paused",
    r"refunded",
    r"cancell?ed",
    r"returned",
    r"frozen",
    r"postponed",
    r"granted",
)
PERFECT_AUX = rx(
    r"habe",
    r"hab",
    r"haben",
    r"habt",
    r"hat",
    r"hast",
    r"ist",
    r"sind",
    r"bin",
    r"have",
    r"has",
    r"(?:i|we|you|they)'ve",
)
# Markers of a present wish in a clause ("möchte", "bitte", "could you", "I need").
PRESENT_WISH = rx(
    r"möchte\w*",
    r"will",
    r"wollen",
    r"willst",
    r"wünsche\w*",
    r"bitte",
    r"bitten",
    r"bräuchte\w*",
    r"brauche",
    r"brauchen",
    r"benötige\w*",
    r"beantrage\w*",
    r"(?:kann|darf|könnte) ich",
    r"können (?:wir|sie|ihr)",
    r"könnt ihr",
    r"könnten (?:sie|ihr|wir)",
    r"könntet",
    r"kannst du",
    r"ist (?:es|das) möglich",
    r"gibt es (?:die |eine )?möglichkeit",
    r"geht (?:das|es)",
    r"jetzt",
    r"nun",
    r"diesmal",
    r"dieses mal",
    r"stattdessen",
    r"hiermit",
    r"ab sofort",
    r"gerne?",
    r"ginge",
    r"would",
    r"(?:i|we)'d like",
    r"(?:i|we)'d love",
    r"want",
    r"wish",
    r"please",
    r"(?:can|could|may) (?:i|you|we)",
    r"need",
    r"is it possible",
    r"now",
    r"this time",
    r"instead",
    r"hereby",
    r"i(?:'m| am) asking",
    r"asking (?:you )?(?:for|to)",
    r"i ask",
)
# Nouns that make a sentence a request ("meine Bitte um Erstattung", "Antrag auf Verlängerung").
REQUEST_NOUN = rx(
    r"bitte",
    r"anfrage\w*",
    r"ersuche\w*",
    r"antrag\w*",
    r"wunsch",
    r"anliegen",
    r"request\w*",
    r"application",
    r"hiermit",
    r"hereby",
    r"ich kündige",
    r"kündige ich",
    r"widerrufe",
    r"i (?:would|'d) like",
    r"ask\w*",
    r"frage\w*",
    r"grateful",
    r"dankbar",
    r"erwarte\w*",
    r"expect\w*",
    r"warte\w*",
    r"waiting",
    r"nehme",
    r"accept\w*",
    r"hoffe\w*",
    r"hope\w*",
    r"appreciate\w*",
    r"freuen",
    r"freue",
    r"verlange\w*",
    r"fordere\w*",
    r"demand\w*",
    r"insist\w*",
    r"(?:i|we)'d be",
    r"wäre",
    r"würde\w*",
    r"hätte\w*",
    r"brauch\w*",
    r"benötig\w*",
    r"need\w*",
    r"want\w*",
    r"wish\w*",
    r"möglich\w*",
    r"possible",
    r"option\w*",
)
# A second clause that asks again for the wish just reported ("..., hätte aber gerne noch eine").
AGAIN = rx(
    r"noch (?:ein|eine|einen|einmal|mal)",
    r"eine weitere",
    r"einen weiteren",
    r"weitere",
    # not thanks said again ("danke nochmal dafür", "thanks again") nor being well again ("wieder richtig fit")
    r"(?<!danke )(?<!dank )nochmal(?! (?:danke|vielen dank|dafür))",
    r"(?<!danke )nochmals(?! (?:danke|vielen dank|dafür))",
    r"erneut",
    r"wieder(?! (?:\w+ )?(?:fit|gesund|da|zuhause|zu hause|besser|gut|arbeitsfähig|belastbar|auf den beinen|voll dabei|dabei|einsteigen|reinkommen|mitmachen))",
    r"another",
    r"(?<!thanks )(?<!thank you )again",
    r"one more",
    r"a second",
)
# A question about what happens to anybody ("if someone returns the program, ..."), not a wish.
HYPOTHETICAL = rx(
    r"(?:wenn|falls|if|when) (?:jemand|man|someone|somebody|anyone|one|a customer|ein kunde|eine kundin|people)",
    r"(?:can|could) (?:someone|somebody|anyone)",
)
# The customer says they ask only to know ("rein interessehalber", "ich brauch aktuell keine", "just curious"):
# a wish asked as a question in such a mail is a question about the rules, not a request.
INFO_ONLY = rx(
    r"rein interessehalber",
    r"aus (?:reiner )?neugier",
    r"(?:wollte?|wollts?)(?:'s| es| das)? (?:\w+ ){0,2}nur (?:mal )?wissen",
    r"(?:brauch|brauche|benötige) (?:\w+ ){0,2}(?:aktuell|gerade|jetzt|momentan|im moment|derzeit) kein\w*",
    r"(?:just|only|purely) (?:curious|wondering|asking for (?:future )?reference)",
    r"out of (?:pure )?curiosity",
    r"(?:don'?t|do not) need (?:one|it|any|an? \w+) (?:\w+ )?(?:right now|at the moment|currently|yet|now)",
    r"not asking for (?:anything|one|it|an? \w+) (?:right )?now",
    r"(?:nur|just) (?:so )?(?:zur|for) info(?:rmation)?\b(?! (?:anbei|attached))",
    r"(?:nur |rein |ganz )?(?:mal )?theoretisch",
    r"(?:möchte|will|wollte|würde gern|würde gerne) (?:\w+ ){0,2}nur (?:mal )?wissen",
    # a question about the rules before buying: nothing to return yet
    r"bevor ich (?:\w+ ){0,3}(?:bestelle|kaufe|zahle|abschließe)",
    r"vor dem kauf",
    r"überlege\w*,? (?:\w+ ){0,5}(?:zu )?(?:kaufen|bestellen|buchen|dazuzukaufen|dazu zu kaufen)",
    r"before (?:i|we) (?:\w+ ){0,2}(?:buy|purchase|order|sign up|commit)",
    r"(?:thinking|considering) (?:about|of) (?:buying|purchasing|ordering|signing up|joining)",
    r"(?:just |purely )?(?:hypothetically|in theory)",
    r"noch ist nichts entschieden",
)
# Words that start a new clause inside a sentence (the clause of a cue ends there).
CLAUSE_STARTS = rx(
    r"und",
    r"oder",
    r"aber",
    r"sondern",
    r"denn",
    r"weil",
    r"da",
    r"dass",
    r"damit",
    r"obwohl",
    r"ohne dass",
    r"sodass",
    r"so dass",
    r"bevor",
    r"nachdem",
    # "während meiner Reha" / "after my surgery" are prepositions: the clause goes on ("letztes Frühjahr habt ihr den
    # Club während meiner Reha pausiert")
    r"während(?! (?:des|der|dem|den|meiner|meines|meinem|seiner|seines|ihrer|ihres|unserer|unseres|eurer|eures|dieser|dieses|einer|eines)\b)",
    r"bitte",
    r"and",
    r"or",
    r"but",
    r"because",
    r"since",
    r"so that",
    r"although",
    r"while",
    r"before(?! (?:the|my|your|his|her|our|their|a|an|this|that|next|last)\b)",
    r"after(?! (?:the|my|your|his|her|our|their|a|an|this|that|next|last)\b)",
    r"please",
    r"as",
)
# Complementisers: a clause they open depends on the clause before it ("..., dass ich kündigen will").
SUBORDINATE = rx(r"dass", r"weil", r"da", r"ob", r"that", r"because", r"since", r"why", r"warum", r"wieso", r"um")
# A cue's object that is not one of our products (a phone contract, the gym, a hotel booking, a book).
# "strong": never ours. "weak": ours when a product of ours is named in the same sentence ("die Frist der Prüfung").
OTHER_OBJECTS_STRONG = rx(
    r"\w+vertr(?:ag|äge|ages|ags|ägen)",
    r"\w*versicherung\w*",
    r"versicherer",
    r"krankenkasse\w*",
    r"handy\w*",
    r"mobilfunk\w*",
    r"smartphone\w*",
    r"\w*tarif\w*",
    r"stromanbieter\w*",
    r"fitness\w*",
    r"gym\w*",
    r"\w*studio\w*",
    r"sportverein\w*",
    r"hotel\w*",
    r"(?:hotel|flug|zimmer|reise|bahn|platz|tisch)buchung\w*",
    r"booking\w*",
    r"reservierung\w*",
    r"reservation\w*",
    r"flug\w*",
    r"flight\w*",
    r"buch",
    r"buches",
    r"bücher\w*",
    r"books?",
    r"\w*waage\w*",  # "die Küchenwaage", "Körperfettwaage"
    r"\w*gerät\w*",
    r"yogamatte\w*",
    # kitchen and sports things bought elsewhere ("den Mixer bei Amazon bestellt")
    r"\w*mixer\w*",
    r"blender\w*",
    r"thermomix\w*",
    r"küchenmaschine\w*",
    r"entsafter\w*",
    r"juicer\w*",
    r"hantel\w*",
    r"dumbbells?",
    r"smartwatch\w*",
    r"fitness ?tracker\w*",
    # a library loan ("die Leihfrist verlängern") and a promotion ("die Frühbucher-Aktion verlängern") are not ours
    r"\w*bibliothek\w*",
    r"bücherei\w*",
    r"library",
    r"leihfrist\w*",
    r"ausleih\w*",
    r"(?:rabatt|frühbucher|sonder|sommer|winter|oster|weihnachts|neujahrs|preis|spar|black[- ]friday)?-?aktion\w*",
    r"rabatt\w*",
    r"frühbucher\w*",
    r"gutschein\w*",
    r"discount\w*",
    r"promo(?:tion)?s?",
    r"promo ?codes?",
    r"coupons?",
    r"early[- ]bird\w*",
    # a browser add-on is no extension of anything ("is there a Chrome extension for intueat?")
    r"(?:chrome|browser|firefox|safari|edge)[- ]?(?:extensions?|erweiterung\w*|add-?ons?|plug-?ins?)",
    # an invitation passed on ("can I extend the invitation to my sister?")
    r"einladung\w*",
    r"invitations?",
    r"invites?",
    r"matte",
    r"hochzeit\w*",
    r"wedding\w*",
    r"zeitung\w*",
    r"zeitschrift\w*",
    r"magazin\w*",
    r"netflix",
    r"spotify",
    r"amazon",
    r"arbeitgeber\w*",
    r"visum",
    r"visa",
    r"miete\w*",
    r"lease",
    r"kredit\w*",
    r"loan",
    r"insurance\w*",
    r"contract\w*",
    r"phone (?:plan|contract)",
    r"mobile (?:plan|contract)",
    r"landlord",
    r"vermieter\w*",
    r"vertragsverlängerung",
    r"leihgerät\w*",
    r"mappe",
    r"\w*formular\w*",
    r"\w*(?:quittung|beleg|gutschrift)\w*",
    r"zahlungsfrist\w*",
    r"payment (?:deadline|date|plan)",
    # stretching the instalments or cancelling a duplicate charge is billing, not the program's time or a return
    r"ratenzahlung\w*",
    r"raten",
    r"(?!be)\w+raten",  # "die restlichen Raten", "Monatsraten"; not "beraten"
    r"zahlungsplan\w*",
    r"instal?lment plan\w*",
    r"duplicates?",
    r"doppel(?:zahlung|buchung|abbuchung|belastung)\w*",
    r"(?:residence |work )?permit",
    r"aufenthalts\w*",
    r"\w*rechnung\w*",
    r"invoice\w*",
    r"bill",
    r"\w*mails?",
    r"newsletter\w*",
    r"benachrichtigung\w*",
    r"notifications?",
    r"erinnerung\w*",
    r"reminders?",
    r"push\w*",
    r"live-?calls?",
    r"calls?",
    r"webinar\w*",
    r"workshop\w*",
    r"retreat\w*",
    r"event\w*",
    r"veranstaltung\w*",
    r"\w*treffen",
    r"meeting\w*",
    r"sessions?",
    r"ticket\w*",
    r"garantie\w*",
    r"warranty",
    r"laptop\w*",
    r"computer\w*",
    # a consent withdrawn ("widerrufe meine Einwilligung") is data protection, not a return
    r"einwilligung\w*",
    r"einverständnis\w*",
    r"consent",
)
OTHER_OBJECTS_WEAK = rx(
    r"vertr(?:ag|äge|ages|ags|ägen)",
    # a compound only ("Zahlungsfrist", "Kündigungsfrist"): a bare "meine Frist" / "my deadline" is mostly the exam's
    # or the access's, ours ("Prüfungsfrist" is a product mention and never reaches this cue)
    r"\w+frist\w*",
    r"\w*termin\w*",
    r"appointment\w*",
    r"\w*rate",
    r"instal?lments?",
    r"paket\w*",
    r"parcel\w*",
    r"package\w*",
    r"lieferung\w*",
    r"delivery",
)
# After a cue in its clause: the time is had by buying more, a purchase question ("extend my journey by joining the
# Club", "verlängern, indem ich den Club buche").
BY_BUYING = re.compile(
    r"\b(?:by (?:joining|buying|booking|purchasing|upgrading to|signing up for)|indem ich (?:\w+ ){0,3}(?:beitrete|"
    r"buche|kaufe|dazubuche|abschließe|abschliesse)|(?:with|through|via) (?:the |a )?club|(?:mit|uber|über) (?:dem|den) club|"
    # what stays when buying more: "do I keep access to my audios if I join?"
    r"(?:if|when|once) (?:i|we) (?:join|sign up|buy|upgrade|book)|(?:wenn|falls|sobald) ich (?:\w+ ){0,3}(?:beitrete|"
    r"buche|kaufe|dazubuche|abschließe|abschliesse))\b"
)
# Before an object word: a reason or a time, not the object ("wegen des Urlaubs", "nach der Hochzeit").
NOT_AN_OBJECT_BEFORE = re.compile(
    r"\b(?:wegen|aufgrund|durch|nach|während|wahrend|seit|vor|bei|trotz|in|im|auf|am|an|über|uber|because of|due to|"
    r"after|during|since|before|for my|on|at|while|mit|aus|per|via|with|by|about|zu meiner|zu meinem|zur|zum)"
    r"\s+(?:\S+\s+){0,2}\S*$"
)
# Pronouns that carry the object over from the sentence before ("Ich habe ein Buch geliehen. Kann ich es zurückgeben?").
PRONOUN_OBJECT = rx(
    r"es", r"die", r"den", r"das", r"ihn", r"sie", r"diese", r"diesen", r"dieses", r"it", r"them", r"this", r"that"
)
# A tentative wish: the reader is less sure of it ("ich überlege, den Club zu kündigen", "maybe pause?").
HEDGE = rx(
    r"überlege\w*",
    r"vielleicht",
    r"eventuell",
    r"evtl",
    r"unter umständen",
    r"bin (?:mir )?(?:\w+ )?(?:nicht sicher|unsicher)",
    r"weiß (?:\w+ )?nicht,? ob",
    r"maybe",
    r"perhaps",
    r"(?:thinking|thought) (?:about|of)",
    r"considering",
    r"(?:not|un)sure (?:if|whether)",
    r"wondering (?:if|whether)",
)

# --- veiled threats and hate without a slur (policies/reading/abuse.py `menace`) -----
# A veiled threat is read from signals that mean little alone but are a threat together: knowing where a
# person of the team lives or goes, an announced visit, a vague harm, an ultimatum. Each signal has points;
# two points from at least one signal that is not an ultimatum make the message severe.
# What happens to someone: vague harm, aimed at the team ("wäre schade, wenn da was passiert").
MENACE_STRONG = rx(
    r"(?:wäre|wär|es wäre) (?:doch |echt |wirklich |ja |schon )?(?:sehr |echt )?schade,? wenn (?:\w+ ){0,5}(?:was|etwas) (?:passiert|passieren|zustößt)",
    r"(?:would|it'?d|it would) be (?:a |such a |a real |a shame )?(?:real |such a )?(?:shame|pity) if (?:\w+ ){0,3}(?:something|anything) (?:happened|happens|were to happen)",
    r"(?:dann )?passiert (?:ihr|ihm|euch|dir|ihnen|was|etwas)(?: (?:was|etwas))?",
    r"(?:sonst|dann|oder) passiert (?:\w+ )?(?:einem|einer|jemandem) (?:\w+ ){0,4}(?:was|etwas)",
    r"passiert (?:einem|einer|jemandem) (?:von euch|von ihnen|aus eurem team|eurer|eurem|euren) (?:\w+ ){0,3}(?:was|etwas)",
    r"(?:something|anything) (?:bad )?(?:might|could|will|would) happen to (?:you|her|him|them|your|one of)",
    r"(?:nie|nicht) mehr (?:\w+ ){0,2}sicher (?:fühlt|fühlen|fühlst|sein|ist)",
    r"never (?:\w+ ){0,2}(?:feels?|be|feel) safe",
    r"(?:wer|who(?:'s| is)?) (?:\w+ ){0,3}(?:folgt|following|follows) (?:\w+ ){0,3}(?:nach hause|home)",
    r"(?:abends|nachts|at night|after dark|im dunkeln) (?:\w+ ){0,5}(?:nicht|nie|not|never|better not) (?:mehr )?allein (?:\w+ ){0,2}(?:zum auto|nach hause|gehen|heim)",
    r"(?:walk|go|going|walking) (?:\w+ ){0,3}(?:alone|to (?:her|his|your|their) car) (?:\w+ ){0,3}(?:at night|after dark|after the)",
    r"(?:sollte|sollten|should|better|lieber|besser) (?:\w+ ){0,4}(?:careful|vorsichtig|aufpassen) (?:\w+ ){0,5}(?:walking|gehen|heimweg|way home|nach hause|home|zum auto|to (?:her|his|your|their) car|parkplatz)",
    r"(?:auf (?:dem|ihrem|seinem|deinem|eurem) (?:heimweg|weg nach hause|weg zum auto)|on (?:the|her|his|your|their) way (?:home|to (?:her|his|the) car)) (?:\w+ ){0,4}(?:aufpassen|careful|vorsichtig)",
    r"(?:gut|genau) zielen",
    r"treffe (?:\w+ ){0,3}auf (?:\w+ ){0,2}(?:meter|metern)",
    r"(?:don'?t|never) miss (?:\w+ ){0,3}(?:at|from) (?:\w+ ){0,2}(?:metres|meters|yards)",
    r"jagdschein\w*",
    r"waffenschein\w*",
    r"(?:meine|eine|my|a) (?:waffe|pistole|gun|rifle)",
    r"nicht mehr mit worten",
    r"watch (?:your|her|his|their) back",
    r"(?:sollte|sollten|soll|should|better) (?:\w+ ){0,3}(?:sich )?(?:umschauen|umsehen|look over (?:her|his|your|their) shoulder)",
    r"not (?:with|by) words",
    r"make (?:you|them|her|him) (?:all )?pay",
    r"you(?:'ll| will| are going to) (?:all )?pay",
    r"körperlich,? (?:und )?nicht (?:vor gericht|juristisch|rechtlich|mit anwalt)",
    r"physically,? not (?:in court|legally)",
    r"pray (?:\w+ ){0,5}(?:never meet|we never)",
    r"(?:mach|machen) (?:euch|dich|sie|ihn) (?:\w+ ){0,2}fertig",
    r"(?:erfährt|erfahren|erfährst|wirst|werdet|wird) (?:\w+ ){0,3}wie sich (?:\w+ ){0,3}anfühlt",
    r"(?:find out|learn|know) what (?:\w+ ){0,3}feels like",
)
MENACE = rx(
    r"(?:werdet|werden|wirst|will|you'?ll|you will) (?:\w+ ){0,2}(?:schon |noch |dann )?sehen,? was (?:dann )?passiert",
    r"(?:see|find out) what happens",
    r"(?:wirst|werdet|werden|wird) (?:\w+ ){0,4}bereuen",
    r"(?:you'?ll|you will|will) (?:\w+ ){0,2}regret",
    r"(?:wird|werden) (?:\w+ ){0,5}ungemütlich",
    r"in acht nehmen",
    r"(?:sie|er|ihr|du) (?:sollte|sollten|soll|solltest) (?:\w+ ){0,4}aufpassen",
    r"watch (?:who|yourself|yourselves)",
    r"better be careful",
    r"should be careful",
    r"(?:euch|sich) (?:noch )?wundern",
    r"nichts (?:mehr )?zu verlieren",
    r"nothing (?:left )?to lose",
    r"tun (?:manchmal|dann) dinge",
    r"do things",
    r"wir sehen uns\.? (?:früher|schon|noch)",
    r"wir sehen uns$",
    r"(?:vergebe|verzeihe) (?:\w+ )?nicht",
    r"i (?:won'?t|will never|never) forgive",
    r"gegenüber(?:stehen|steht|stehst)",
    r"steht ihr mir gegenüber",
    r"ich finde (?:sie|dich|euch|ihn) schon",
    r"(?:werde|will) (?:sie|dich|euch|ihn) (?:\w+ )?finden",
    r"(?:i'?ll|i will|we'?ll) find (?:you|her|him|every)",
    r"(?:freunde|kumpels|leute|jungs),? die (?:\w+ ){0,5}(?:lösen|regeln|kümmern|erledigen)",
    r"(?:friends|people|guys) who (?:\w+ ){0,4}(?:take care of|deal with|handle|sort out)",
    r"(?:ich kenne|i know) (?:leute|people|guys),? (?:die|who) (?:sich )?(?:\w+ ){0,4}(?:kümmern|deal|handle|take care|sort)",
    r"(?:komme|kommen|komm) (?:\w+ ){0,3}nicht allein",
    r"(?:won'?t|will not|not) (?:come|be coming) alone",
    r"(?:in einem )?anderen ton",
    r"anders (?:miteinander )?reden",
    r"nicht zum kaffee\w*",
    r"ich kann auch anders",
    r"unvergesslich",
    r"not known for my patience",
    r"make of (?:that|this) what you will",
    r"afraid to use it",
    r"überlegt euch (?:\w+ ){0,2}gut",
    r"überlegen sie sich (?:\w+ ){0,2}gut",
    r"(?:gut gemeinter|freundlicher) (?:rat|hinweis)",
    r"(?:friendly|well-meant) (?:advice|warning|reminder)",
    r"just looking out for",
    r"damit (?:ihr|sie|du) (?:es |das )?(?:wisst|wissen|weißt),? dass ich",
    r"aufmerksam bin",
    r"(?:hört|hören sie|hör) (?:mal )?gut zu",
    r"keine ahnung,? mit wem",
    r"who you(?:'re| are) dealing with",
    r"man weiß (?:ja )?nie,? wer",
    r"you never know who",
    r"(?:daran )?erinnern (?:wird|werden)",
    r"wird sich (?:\w+ ){0,3}erinnern",
    r"sag(?:e)? es nur einmal",
    r"not asking twice",
    r"passiert etwas anderes",
    r"something else (?:will )?happens?",
    r"mal sehen,? ob (?:sie|er|ihr|du) (?:\w+ ){0,3}(?:noch|lächelt|lacht)",
    r"she'?d better",
    r"he'?d better",
    r"(?:sie|er) soll(?:te)? sich (?:\w+ ){0,3}(?:überlegen|vorsehen|hüten)",
    r"(?:wird|werden) (?:\w+ ){0,3}leid tun",
    r"don'?t make me come",
    r"(?:sagt|sagen sie|sag) (?:\w+ ){0,3}nicht,? ich (?:hätte|hab|habe) (?:euch|sie|dich) nicht gewarnt",
    r"(?:don'?t|do not) say (?:\w+ ){0,2}i didn'?t warn",
    r"(?:ich bin|bin) (?:\w+ ){0,2}(?:jäger|sportschütze|scharfschütze)\b",
    r"(?:i'?m|i am) (?:a |an )?(?:\w+ )?(?:hunter|marksman|sharpshooter|sniper)\b",
)
# Knowing a team member's private life: where they live, their children, their car, their way home.
SURVEIL_PRIVATE = rx(
    r"(?:weiß|weiss|kenne|know|knows|herausgefunden|rausgefunden|found out|ausfindig gemacht),? (?:\w+ ){0,8}(?:wohnt|wohnen|wohnst|lebt|lives|zur schule|to school|parkt|parken|parks)",
    r"(?:habe|hab|got|have|found) (?:\w+ ){0,3}(?:wo|where) (?:\w+ ){0,4}(?:wohnt|wohnen|wohnst|lebt|lives|parkt|parks)",
    r"privat-?adresse\w*",
    r"home address\w*",
    r"wohnadresse\w*",
    r"(?:seine|ihre|eure|deine|your|his|her|their) (?:\w+ )?(?:kinder|children|kids|tochter|sohn|daughter|son|kleine) (?:\w+ ){0,6}(?:schule|grundschule|school|kita|kindergarten)",
    r"(?:weiß|weiss|know|kenne) (?:\w+ ){0,5}(?:schule|school|kita|kindergarten)",
    r"schöne kinder (?:hat|haben|hast)",
    r"kennzeichen",
    r"(?:license|number) plate",
    r"(?:parken|parkt|parkst) (?:\w+ ){0,2}immer",
    r"parks? (?:\w+ ){0,3}(?:always|every)",
    r"(?:steigt|steigen) (?:\w+ ){0,2}immer (?:\w+ ){0,3}aus",
    r"(?:which|what) gym",
    r"welche\w* (?:fitnessstudio|gym)",
    r"(?:auto|car) in (?:the|der) (?:einfahrt|driveway)",
    r"(?:sie fahren|du fährst|er fährt|sie fährt|you drive|she drives|he drives) (?:\w+ ){0,2}(?:einen|eine|a) (?:\w+ ){0,3}\w+",
    r"(?:know|weiß|weiss|kenne) (?:\w+ ){0,2}(?:what|wie) (?:\w+ ){0,2}(?:looks like|aussieht)",
)
# Knowing where the team works or having been there, waiting ("ich war gestern vor eurem Haus").
SURVEIL = rx(
    r"(?:photo|foto|bild|bilder) (?:\w+ ){0,5}(?:linkedin|instagram|teamseite|facebook)",
    r"(?:weiß|weiss|kenne|know),? (?:\w+ ){0,3}(?:wo|where|which|welche\w*|in welchem) (?:\w+ ){0,4}(?:büro|office|building|gebäude|studio|team|sitzt|sits|arbeitet|works)",
    r"(?:weiß|weiss|kenne|know) (?:genau |ja |jetzt )?,? ?wo (?:\w+ ){0,2}(?:büro|firma|haus) (?:ist|sitzt|liegt)",
    r"(?:euer|eure|ihr|ihre|your) büro (?:ist|liegt) in",
    r"(?:know|knows) (?:that )?your office is",
    r"(?:habe|hab|got|have) (?:\w+ ){0,2}(?:eure|ihre|your) (?:\w+ )?(?:büroadresse|adresse|address)",
    r"(?:adresse|address) (?:war|was) (?:\w+ ){0,3}(?:nicht schwer|easy|leicht)",
    r"ich war (?:\w+ ){0,4}(?:vor (?:dem|eurem|ihrem|dem) (?:haus|büro|gebäude|tür)|unten im hof|im hof|draußen)",
    r"(?:i'?ve|i have) been outside",
    r"wann (?:\w+ ){0,4}feierabend",
    r"(?:weiß|weiss|know),? (?:\w+ ){0,2}(?:welche|wer|who|which) (?:\w+ ){0,3}(?:mit dem auto|mit dem rad|by car|drives?|parkt|parks)",
    r"(?:mitarbeiter\w*|kolleg\w*|team|leute|staff|employees|people) (?:\w+ ){0,5}(?:jeden abend|jeden morgen|abends|nach feierabend|every (?:evening|night|morning)) (?:\w+ ){0,5}(?:parkplatz|heimweg|nach hause|zum auto|car ?park|parking|home)",
    r"(?:gesehen|saw) (?:\w+ ){0,4}(?:s-bahn|u-bahn|bahn|bus|train|street|supermarkt)",
    r"we know who you are",
    r"(?:wir wissen|ich weiß),? wer (?:sie|du|ihr) (?:seid|sind|bist)",
    r"where your team sits",
    r"gewartet,? (?:\w+ ){0,4}(?:keiner|niemand)",
    r"warte ich länger",
)
# An announced visit ("ich komme persönlich vorbei", "I'll be at your office") — not one to an event.
VISIT = rx(
    r"(?:komme|komm|kommen) (?:\w+ ){0,5}(?:vorbei|persönlich|zu euch|zu ihnen|ins büro|in die firma)",
    r"(?:stehe|stehen) (?:\w+ ){0,6}(?:vor der tür|auf der matte|bei euch|in der firma|im büro|vor eurem|vor ihrem|vor eurer|vor ihrer|vor deiner)",
    r"(?:warte|warten|waiting|wait) (?:\w+ ){0,4}(?:vor|outside|in front of) (?:\w+ ){0,2}(?:büro|office|tür|door|haus|house|building|gebäude)",
    r"(?:werde|will) (?:\w+ ){0,6}(?:erscheinen|vorbeischauen|vorbeikommen|besuchen)",
    r"besuche (?:\w+ ){0,4}(?:mal|zu hause|persönlich)",
    r"(?:kommen|kommt) (?:\w+ ){0,4}(?:zu hause|nach hause) vorbei",
    r"(?:i'?ll|i will|we'?ll|we will|i'?m going to) (?:\w+ ){0,3}(?:be at|come (?:to|down|over|round|by)|visit|show up|turn up|pay (?:you )?a visit)",
    r"paying you a visit",
    r"come over there",
    r"in person",
    r"werde ich (?:auch )?da sein",
    r"nicht online",
)
# An ultimatum: a deadline or a condition ("bis Freitag", "sonst", "letzte Warnung").
ULTIMATUM = rx(
    r"bis (?:spätestens )?(?:montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag|morgen|heute|ende der woche|zum \d+|\d+\.)",
    r"by (?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|tomorrow|tonight|the end of (?:the|this) week)",
    r"(?:ihr habt|you have) (?:\w+ ){0,2}(?:bis|until)",
    r"letzte (?:chance|warnung|aufforderung)",
    r"(?:final|last) (?:notice|warning|chance)",
    r"(?:oder|sonst|otherwise|or else) (?:ich|wir|i|we|komm|komme)",
    r"(?:entweder|either) (?:\w+ ){0,8}(?:oder|or) ich",
)
# Visits to an event are no threat ("ich komme zum Live-Event vorbei", "I'll drop by your booth").
EVENT_VISIT = rx(
    r"(?:zum|zur|beim|bei dem|bei der|auf dem|auf die|at the|at your|to the|to your) (?:\w+[- ]?){0,2}(?:event|live-event|workshop|seminar|treffen|club-treffen|meetup|messe|expo|booth|stand|retreat|konferenz|conference|vortrag|talk|kurs|session|feier|party)\w*",
)
# Hate without a slur: a group of origin or religion, and contempt or exclusion aimed at it.
GROUP = rx(
    r"türk\w*",
    r"turk\w*",
    r"polnisch\w*",
    r"polen",
    r"polin",
    r"syr\w*",
    r"arab\w*",
    r"afrikan\w*",
    r"afrika",
    r"pakistan\w*",
    r"indian\w*",
    r"inder\w*",
    r"indisch\w*",
    r"rumän\w*",
    r"bulgar\w*",
    r"ausländer\w*",
    r"foreigner\w*",
    r"immigrant\w*",
    r"migrant\w*",
    r"migrationshintergrund",
    r"flüchtling\w*",
    r"refugee\w*",
    r"asyl\w*",
    r"muslim\w*",
    r"moslem\w*",
    r"islam\w*",
    r"koran",
    r"kopftuch\w*",
    r"headscarf\w*",
    r"hijab\w*",
    r"jude\w*",
    r"juden",
    r"jüdisch\w*",
    r"jew\w*",
    r"schwarze\w*",
    r"dunkelhäutig\w*",
    r"ausländisch\w*",
    r"(?:muslim|arabic|turkish|foreign) name",
    r"akzent",
    r"accent",
    # origin named by region or nation (the contempt is a separate cue: a demonym alone is no hate)
    r"\w*europäer\w*",
    r"(?:eastern |east |south |southern )?europeans?",
    r"osteurop\w*",
    r"russ(?:e|en|in|innen|isch\w*|ians?)",
    r"ukrain\w*",
    r"albaner\w*",
    r"albanians?",
    r"kosovar\w*",
    r"serb(?:e|en|in|isch\w*|ians?)",
    r"tschech\w*",
    r"chines\w*",
    r"asiat\w*",
    r"asians?",
    r"afghan\w*",
    r"kurd\w*",
    r"poles",
    r"romanians?",
    r"bulgarians?",
    r"africans?",
    r"mexicans?",
)
# Contempt or exclusion ("solche Leute haben hier nichts verloren", "go back to your country").
CONTEMPT = rx(
    r"solche\w* (?:leuten?|menschen|typen|frauen|männern?)",
    r"(?:leute|menschen|people) wie (?:sie|du|ihr|die|er|ihn|ihr|him|her|you|them|that)",
    r"people like (?:you|him|her|them|that)",
    r"(?:these|those) people",
    r"diese\w* (?:leuten?|menschen|typen)",
    r"(?:sind|seid|are) (?:doch |eh |halt |ja )?(?:alle|all) (?:gleich|the same)",
    r"(?:all|alle) (?:the same|gleich),? (?:lazy|dishonest|faul|verlogen|kriminell|criminal|dreckig|dirty)",
    r"(?:someone|somebody|jemand\w*) (?:\w+ )?(?:from here|von hier|aus deutschland|einheimisch\w*)",
    r"dieses (?:volk|pack|gesindel)",
    r"von denen",
    r"(?:von|mit) so (?:einer|einem|jemandem)",
    r"(?:gehört|gehören|gehörst|belongs?) (?:\w+ ){0,3}(?:nicht|not) (?:hierher|hierhin|hier|in|nach|here)",
    r"(?:hat|haben|hast|habt) (?:\w+ ){0,6}nichts (?:zu suchen|verloren)",
    r"(?:dahin|dorthin|dort|there) (?:\w+ ){0,2}(?:zurück|back),? (?:wo|where) (?:\w+ ){0,2}(?:herkomm\w*|come from|came from)",
    r"zurück (?:in|nach) (?:die |den |das )?(?:türkei|heimat|\w+land)",
    r"go back (?:to|where|home)",
    r"(?:send|sent) (?:\w+ )?back",
    r"raus aus (?:deutschland|unserem land|dem land)",
    r"(?:sollten|sollen|müssen) (?:\w+ ){0,2}raus",
    r"(?:is|ist|sind|are) (?:a |ein |eine )?(?:cancer|krebs|seuche|plague|pest)",
    r"can'?t do anything (?:except|but)",
    r"(?:stellt|stellen sie) (?:endlich |lieber )?(?:deutsche|echte deutsche|germans)",
    r"(?:einen |eine )?(?:deutsche[nr]?|german) (?:mitarbeiter\w*|agent\w*|person|kollegin|kollegen|ansprechpartner\w*)",
    r"(?:der|die|jemand\w*),? (?:der|die) (?:richtig )?deutsch (?:kann|spricht)",
    r"stealing (?:\w+ )?jobs",
    r"(?:going|goes|gone) down the drain",
    r"lieber döner",
    r"unsere kultur",
    r"(?:deutschen|deutsches) unternehmen",
    r"breed",
    r"blow things up",
    r"klauen",
    r"typisch (?:\w+ )?(?:türk|pol|ausländ|moslem|muslim|arab)\w*",
    r"barely (?:\w+ ){0,2}(?:sentence|speak)",
    r"kaum deutsch",
    r"nicht (?:mal |einmal )?(?:richtig )?deutsch",
    r"(?:should|sollten) (?:all )?(?:be )?ashamed",
)
# More explicit violence without the classic threat words ("ich hau dir eine rein", "break every bone").
THREATS_MORE = rx(
    r"(?:eine|eins|paar) (?:\w+ ){0,2}rein ?hauen",
    r"reinhauen",
    r"nase platt",
    # "dann haue ich Ihnen das Zeugnis so um die Ohren, dass Sie es nicht vergessen"
    r"(?:um die ohren|ins gesicht) (?:\w+ ){0,2}(?:hauen|haue|schlagen|schlage|klatschen|werfen)",
    r"(?:hau|haue|hauen|schlag|schlage|schlagen) (?:\w+ ){0,6}um die ohren",
    r"verprügel\w*",
    r"(?:slap|punch|smack|hit) (?:you|her|him|them)\b",
    r"(?:break|brech\w*) (?:\w+ ){0,4}(?:bones?|knochen|kiefer|nase|beine?|arme?)",
    r"gebrochene\w* (?:kiefer|nase)",
    r"fackel\w* (?:\w+ ){0,4}ab",
    r"(?:räumen|räume) (?:\w+ ){0,3}(?:laden|büro|bude) auf",
    r"euch gleich mit",
)
# Slurs missing from HATE.
HATE_MORE = rx(
    r"towelhead\w*", r"kümmeltürk\w*", r"pakis?", r"sandnigger\w*", r"moslem-?schlampe\w*", r"kopftuchfrauen"
)

# --- insults without an insult word (policies/reading/abuse.py) ----------------------
# Saying what the team *is* with a contemptuous noun phrase: "ihr seid eine Bande von ...", "Sie sind
# allesamt Amateure", "you're vultures". The predicate must carry contempt: a group noun, a negative
# adjective or a superlative of one, or a noun of contempt.
_YOU_ARE = (
    r"(?:ihr seid|ihr seit|seid ihr|sie sind|sind sie|du bist|bist du|you are|you're|youre|you lot are|you people are)"
)
CONTEMPT_ADJECTIVE = (
    r"(?:inkompetent|unfähig|arrogant|eingebildet|verlogen|feige|schmierig|hohl|heuchlerisch|geldgeil|dämlich|dumm|"
    r"blöd|verblödet|strohdoof|ahnungslos|widerlich|ekelhaft|erbärmlich|armselig|lächerlich|jämmerlich|lahm|"
    r"hinterhältig|dreist|scheinheilig|unterbelichtet|minderbemittelt|nutzlos|überheblich|"
    r"useless|incompetent|pathetic|clueless|hopeless|stupid|idiotic|brainless|spineless|greedy|shameless|"
    r"condescending|arrogant|airheaded|disgusting|worthless|lazy|dishonest|deceitful)\w*"
)
# Group nouns that carry contempt by themselves ("eine Bande", "ein Witz", "a disgrace"); "Haufen",
# "bunch" or "lot" only with a contemptuous word ("ein Haufen hohler ...", "a bunch of amateurs").
GROUP_NOUN = (
    r"(?:bande|horde|klitsche|sauhaufen|witz|schande|lachnummer|zumutung|das letzte|witztruppe|amateurtruppe|"
    r"shambles|joke|disgrace|embarrassment|the worst)"
)
CONTEMPT_NOUN = (
    r"(?:scharlatane|quacksalber|amateure|dilettanten|heuchler|lügner|schmarotzer|nichtsnutze|versager|geier|"
    r"armleuchter|vultures|amateurs|charlatans|hypocrites|liars|parasites|leeches|frauds|muppets|clowns|wasters|"
    r"thickos|idiots|morons|fools|losers|tussis|gurus|roboter|robot)"
)
YOU_ARE_CONTEMPT = rx(
    _YOU_ARE + r" (?:\w+ ){0,3}" + GROUP_NOUN + r"\b",
    _YOU_ARE + r" (?:\w+ ){0,2}(?:die |der |das |the |a |an |so |such )?(?:\w+,? ){0,2}" + CONTEMPT_ADJECTIVE,
    _YOU_ARE + r" (?:\w+ ){0,2}(?:die|the) (?:\w+,? ){0,1}(?:" + CONTEMPT_ADJECTIVE[3:-4] + r")\w*ste\w*",
    _YOU_ARE + r" (?:\w+ ){0,2}(?:the )?(?:most|least) " + CONTEMPT_ADJECTIVE,
    r"(?:\w+,? ){0,2}" + GROUP_NOUN + r" (?:\w+ ){0,2}(?:seid ihr|sind sie|bist du)",
    CONTEMPT_NOUN + r" (?:\w+ ){0,2}(?:seid ihr|sind sie|allesamt|alle miteinander|the lot of you|all of you)",
    _YOU_ARE + r" (?:\w+ ){0,3}" + CONTEMPT_NOUN,
    r"(?:ein|einen) (?:haufen|truppe|verein) (?:\w+ ){0,2}(?:" + CONTEMPT_ADJECTIVE[3:-4] + r"|hohl)\w*",
    r"(?:a|what a|such a|you) (?:\w+ ){0,2}(?:bunch|pack|load|gang|horde) of (?:\w+ ){0,1}(?:"
    + CONTEMPT_ADJECTIVE[3:-4]
    + r"|"
    + CONTEMPT_NOUN[3:-1]
    + r")\w*",
    r"(?:useless|clueless|incompetent|muppets|idiots|amateurs),? (?:\w+ ){0,2}the (?:whole )?lot of you",
    r"you lot (?:\w+ ){0,3}(?:take the biscuit|are useless|are a joke|are pathetic)",
    # one of the company's people called names in the third person ("Ihr Gründer ist ein Scharlatan")
    r"(?:euer|eure|ihr|ihre|your|der|die|the) (?:\w+ )?(?:gründer\w*|chef\w*|ceo|geschäftsführer\w*|coach\w*|"
    r"mitarbeiter\w*|kolleg\w*|berater\w*|founder|boss|owner|agent|rep|representative) (?:ist|sind|is|are) "
    r"(?:\w+ ){0,2}(?:scharlatan\w*|quacksalber\w*|lügner\w*|betrüger\w*|heuchler\w*|versager\w*|idiot\w*|"
    r"schwätzer\w*|witzfigur\w*|liar|fraud|charlatan|crook|idiot|moron|clown|con ?man|snake oil)",
)
# Contempt for the team's minds and worth ("kauft euch Hirn", "two brain cells", "Brett vorm Kopf").
CONTEMPT_PHRASES = rx(
    r"(?:kauft|kaufen sie) (?:euch|sich) (?:\w+ ){0,2}hirn",
    r"hirnzellen",
    r"hirnschaden",
    r"brain cells?",
    r"functioning brain",
    r"brett vorm kopf",
    r"nicht (?:mal |einmal )?(?:besonders )?helle",
    r"(?:ich )?verachte (?:euch|sie|dich)",
    r"despise you",
    r"(?:ihr )?widert mich an",
    r"schämen sie sich",
    r"schämt euch",
    r"shame on you",
    r"ashamed of yourselves",
    r"(?:wie|like) (?:mit )?einer horde (?:\w+ )?affen",
    r"auf drogen",
    r"snake-?oil",
    r"(?:sesselpupser|schwachköpfe?|dumpfbacke\w*|nulpen|erbsenzähler|spießer|halsabschneider|armleuchter|"
    r"korinthenkacker|paragraphenhengst\w*|bürohengst\w*|blindfische?|tussi\w*|plaudertasche\w*|bauernfänger|"
    r"wichtigtuer\w*|möchtegern-?\w+|witztruppe|amateurtruppe|dilettanten|thickos?|muppets|halfwit\w*|nitwits?)",
    # sexual harassment and condescension aimed at an agent ("schick mir ein Foto ohne viel an", "Na, Schätzchen")
    r"(?:foto|bild|photo|pic|picture|selfie)\w*,? (?:\w+ ){0,5}(?:ohne (?:viel )?an|nackt|oben ohne|in unterwäsche|im bikini|naked|nude|without (?:much )?(?:on|clothes))",
    r"(?:na|hallo|hi|hey|ok|okay|also|danke),? (?:schätzchen|mäuschen|püppchen|babe)\b",
)
# "..., ihr Schwachköpfe!" / "Hallo ihr Armleuchter," — the team addressed with a noun, not a kind one.
VOCATIVE_KIND = frozenset(
    {
        "lieben",
        "liebe",
        "lieber",
        "süßen",
        "susen",
        "suessen",
        "guten",
        "besten",
        "engel",
        "schätze",
        "schatze",
        "helden",
        "zwei",
        "beiden",
        "alle",
        "allen",
        "leute",
        "mädels",
        "madels",
        "jungs",
        "team",
        "fleißigen",
        "tollen",
        "wundervollen",
        "wunderbaren",
        "herzen",
        "goldstücke",
        "lieblinge",
        "zauberer",
        "profis",
        "experten",
        "coaches",
        "damen",
        "herren",
        "drei",
        "anderen",
        "beide",
        "selbst",
        "auch",
        "alles",
        "doch",
        "mal",
        "ja",
        "nicht",
        "dort",
        "hier",
        "da",
        "noch",
        "schon",
        "wirklich",
        "einfach",
        "euch",
    }
)
