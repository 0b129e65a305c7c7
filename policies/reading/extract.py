"""Fact extraction from the customer's new text: language, dates, asked duration, reason, documents.

Each extractor returns the value and the Evidence that shows where it came from. All work on
the folded text (see `policies.reading.text.fold`) and quote the original spelling in evidence.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from datetime import date

from policies.dates import end_of_month
from policies.model import Evidence
from policies.reading import lexicon as lx
from policies.reading.classification import OPEN_SPAN_DAYS, WEIGHTY_REASONS
from policies.reading.text import (
    MONTH_ABBREVIATIONS,
    clause_after,
    clause_before,
    clause_bounds,
    sentence_bounds,
    snippet,
)

# --- language -----------------------------------------------------------------------
_DE_WORDS = frozenset(
    [
        "und",
        "ich",
        "nicht",
        "die",
        "der",
        "das",
        "ist",
        "mein",
        "meine",
        "bitte",
        "ein",
        "eine",
        "zu",
        "mit",
        "für",
        "fur",
        "habe",
        "hallo",
        "ihr",
        "euch",
        "sie",
        "wir",
        "auch",
        "noch",
        "mich",
        "mir",
        "dass",
        "dem",
        "den",
        "von",
        "auf",
        "wie",
        "kann",
        "möchte",
        "mochte",
        "gerne",
        "liebe",
        "leider",
        "danke",
    ]
)
_EN_WORDS = frozenset(
    [
        "the",
        "and",
        "i",
        "my",
        "to",
        "is",
        "not",
        "please",
        "you",
        "have",
        "for",
        "with",
        "it",
        "this",
        "that",
        "am",
        "was",
        "would",
        "like",
        "can",
        "me",
        "hello",
        "hi",
        "thanks",
        "thank",
        "your",
        "are",
        "be",
        "of",
        "an",
        "unsubscribe",
        "refund",
        "cancel",
        "membership",
        "subscription",
    ]
)
_WORD = re.compile(r"[a-zäöüß']+")


def detect_language(folded: str, words: list[str] | None = None) -> str:
    """ "en" when English function words outnumber German ones; German otherwise (the usual case)."""
    de = en = 0
    for w in words if words is not None else _WORD.findall(folded):
        if w in _DE_WORDS:
            de += 1
        if w in _EN_WORDS:
            en += 1
    return "en" if en > de else "de"


# --- negation -----------------------------------------------------------------------
_TOKEN = re.compile(r"[\w']+|[^\w\s]")
_PARTICLES = frozenset(
    {"einfach", "auch", "vielleicht", "eventuell", "irgendwie", "mal", "bitte", "etwa", "evtl", "doch", "just"}
)


_CONDITIONAL = re.compile(r"\b(?:wenn|falls|sofern|sonst|if|unless|otherwise)\b")


def negated(folded: str, start: int, window: int = 3, conditional_ok: bool = False) -> bool:
    """A negator among the last `window` words of the same clause ('nicht krank', "I'm not sick").

    'Kann ich nicht einfach pausieren?' is a question, not a refusal: a modal particle right after
    the negator cancels it.
    """
    before = folded[max(0, start - 60) : start]
    tokens = _TOKEN.findall(before)
    words: list[str] = []
    for tok in reversed(tokens):
        if not (tok[0].isalnum() or tok[0] == "'"):
            break  # punctuation ends the clause
        words.append(tok)
        if len(words) == window:
            break
    words.reverse()  # oldest first
    if conditional_ok and _CONDITIONAL.search(" ".join(words[:1]) + " " + _clause_text(before)):
        return False  # "wenn ihr mein Programm nicht verlängert, ..." still asks for the extension
    for i, w in enumerate(words):
        if w in lx.NEGATORS or w.endswith("n't"):
            nxt = words[i + 1] if i + 1 < len(words) else ""
            if nxt in _PARTICLES:
                continue
            return True
    return False


# The German order that puts the negation after the word: "Arbeitslos bin ich nicht", "krank war ich zum Glück nie".
_NEGATED_AFTER = re.compile(
    r"\s*(?:bin|ist|sind|war|waren|bist|seid|wurde|wurden)\s+(?:ich|er|sie|wir|du|ihr|es|man)\s+"
    r"(?:(?:auch|ja|aber|zum gluck|gott sei dank|eigentlich|momentan|gerade|derzeit|noch|ubrigens|ja auch)\s+){0,2}"
    r"(?:nicht|nie|niemals|keine?)\b"
)


def negated_after(folded: str, end: int) -> bool:
    """The word at `end` negated by what follows it in the same clause ("Arbeitslos bin ich nicht")."""
    return _NEGATED_AFTER.match(folded, end) is not None


def _clause_text(before: str) -> str:
    cut = max(before.rfind(c) for c in ",.;:!?\n")
    return before[cut + 1 :]


# --- dates --------------------------------------------------------------------------
_MONTHS = {
    "januar": 1,
    "jan": 1,
    "jänner": 1,
    "janner": 1,
    "februar": 2,
    "feb": 2,
    "märz": 3,
    "marz": 3,
    "maerz": 3,
    "mär": 3,
    "mrz": 3,
    "april": 4,
    "apr": 4,
    "mai": 5,
    "juni": 6,
    "jun": 6,
    "juli": 7,
    "jul": 7,
    "august": 8,
    "aug": 8,
    "september": 9,
    "sept": 9,
    "sep": 9,
    "oktober": 10,
    "okt": 10,
    "november": 11,
    "nov": 11,
    "dezember": 12,
    "dez": 12,
    "january": 1,
    "february": 2,
    "march": 3,
    "mar": 3,
    "may": 5,
    "june": 6,
    "july": 7,
    "october": 10,
    "oct": 10,
    "december": 12,
    "dec": 12,
}
_MONTH_RX = "|".join(sorted((re.escape(k.replace("ä", "a")) for k in _MONTHS), key=len, reverse=True))
_DIGIT = re.compile(r"\d")
_ISO = re.compile(r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)")
_DOTTED = re.compile(r"(?<![\d.])(\d{1,2})\.(\d{1,2})\.(?:(\d{4}|\d{2})(?!\d))?(?!\d)")
_SLASHED = re.compile(r"(?<![\d/])(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})(?![\d/])")
_DAY_MONTH = re.compile(rf"(?<![\w.])(\d{{1,2}})(?:\.|st|nd|rd|th)?\s*(?:of\s+)?({_MONTH_RX})\b\.?(?:,?\s*(\d{{4}}))?")
_MONTH_DAY = re.compile(rf"\b({_MONTH_RX})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s*(\d{{4}}))?")


def _year(raw: str | None, default_year: int | None) -> int | None:
    if raw is None:
        return default_year
    y = int(raw)
    return y + 2000 if y < 100 else y


def _make(y: int | None, m: int, d: int) -> date | None:
    if y is None:
        return None
    try:
        return date(y, m, d)
    except ValueError:
        return None


def dated(folded: str, default_year: int | None, language: str) -> list[tuple[int, date]]:
    """(start, date) of every absolute date in the text, in text order (absolute dates only: a missing year is taken
    from the ticket's creation date)."""
    if not _DIGIT.search(folded):
        return []  # every date form has a digit
    found: list[tuple[int, date]] = []
    taken: list[tuple[int, int]] = []

    def add(m: re.Match[str], dt: date | None) -> None:
        if dt is None or any(a < m.end() and m.start() < b for a, b in taken):
            return
        taken.append((m.start(), m.end()))
        found.append((m.start(), dt))

    for m in _ISO.finditer(folded):
        add(m, _make(int(m.group(1)), int(m.group(2)), int(m.group(3))))
    for m in _DOTTED.finditer(folded):
        add(m, _make(_year(m.group(3), default_year), int(m.group(2)), int(m.group(1))))
    for m in _SLASHED.finditer(folded):
        a, b = int(m.group(1)), int(m.group(2))
        d, mo = (b, a) if language == "en" else (a, b)
        add(m, _make(_year(m.group(3), default_year), mo, d))
    for m in _DAY_MONTH.finditer(folded):
        add(m, _make(_year(m.group(3), default_year), _MONTHS[m.group(2)], int(m.group(1))))
    for m in _MONTH_DAY.finditer(folded):
        if m.group(1) in ("mai", "may") and language == "de":
            continue
        add(m, _make(_year(m.group(3), default_year), _MONTHS[m.group(1)], int(m.group(2))))
    return sorted(found)


# "bis zum 10. Juli", "until around 20 July", "auf den 15.06. verschieben": a day the customer asks time until
_UNTIL_BEFORE = re.compile(
    r"(?:bis|until|till|til|through|thru|auf|to|by)\s+(?:(?:zum|zur|den|dem|the|around|about|etwa|ca\.?|circa|ungefähr|"
    r"ungefahr|spätestens|spatestens|mitte|ende|anfang)\s+){0,2}$"
)


def asked_dates(folded: str, found: list[tuple[int, date]]) -> tuple[date, ...]:
    """The dates among `found` (`dated(folded, ...)`) the text asks time until ("bis zum 10. Juli"), not those it
    only tells ("am 2. Dezember")."""
    return unique_dates(dt for start, dt in found if _UNTIL_BEFORE.search(folded, max(0, start - 40), start))


# A month or season aimed at without "bis" ("die Prüfung erst im Dezember", "lieber im Herbst", "at the next date in
# November", "März wäre realistisch") or with "bis" outside the wish's sentence ("ich bräuchte eher bis Dezember").
_SEASON_RX = "fruhjahr|fruhling|sommer|herbst|winter|spring|summer|autumn|fall"
# A quarter ("bis Ende Q1", "end of Q2", "Ende des ersten Quartals"): its first month, or its last after "Ende".
_QUARTER_RX = r"q[1-4]|(?:des |of the |the )?(?:ersten|zweiten|dritten|vierten|first|second|third|fourth|[1-4]\.) (?:quartals?|quarter)"
_QUARTER_NUMBER = {"1": 1, "2": 2, "3": 3, "4": 4, "erste": 1, "zweit": 2, "dritt": 3, "viert": 4}
_QUARTER_NUMBER |= {"first": 1, "second": 2, "third": 3, "fourth": 4}


def _quarter(name: str, ends: bool) -> int | None:
    """The month a quarter's name points at: its last after "Ende"/"end of", else its first."""
    if not ("q" in name[:1] or "quart" in name):
        return None
    n = next((v for k, v in _QUARTER_NUMBER.items() if k in name), None)
    return None if n is None else 3 * n if ends else 3 * n - 2


_TARGET_MONTH = re.compile(
    rf"(?<![\w])(?P<pre>im|in|ab|zum|zur|bis|until|till|for|at|on|by|to|into)\s+"
    r"(?:(?:the|den|dem|der|die|das)\s+)?(?:(?P<next>nachste[nmrs]?|kommende[nmrs]?|next|coming)\s+)?"
    r"(?:(?:date|exam date|exam|exams|termin|termine[n]?|prufungstermin\w*|prufung|runde|round|session)\s+(?:in|im)\s+)?"
    r"(?:(?P<lead>anfang|mitte|ende|beginning of|start of|middle of|end of|mid|early|late)\s+)?"
    rf"(?P<m>{_MONTH_RX}|{_SEASON_RX}|{_QUARTER_RX})\b"
    rf"|(?<![\w])(?P<m2>{_MONTH_RX}|{_SEASON_RX})\s+(?:ware|wurde|would be|is|sounds|klingt|passt|ginge)\s+(?:\w+\s+)?"
    r"(?:realistisch|realistic|machbar|feasible|besser|better|ideal|gut|good|moglich|possible|schaffbar|doable)\b"
)
# The sentence aims at a time: a wish, a question, a move ("statt", "verschieben", "instead"). Read in the original
# spelling: folded, "würde" would be the past "wurde".
_AIMS = re.compile(
    r"\?|\b(?:könnte|könnten|kann ich|darf ich|dürfte|würde|würden|möchte|möchten|gern|gerne|lieber|erst|eher|statt"
    r"|stattdessen|verschieben|verlegen|wechseln|machbar|möglich|realistisch|brauche|bräuchte|would|could|can i|may i"
    r"|instead|rather|postpone|move|switch|possible|realistic|prefer|need)\b"
)
_PERFECT_AFTER = re.compile(r"\bge\w{2,}(?:t|en)\s+(?:hat|habe|haben|hatte|ist|bin|war|sind)\b")
_NOT_AIMED_BEFORE = re.compile(
    r"(?:seit|since|letzten|vergangenen|vorigen|last|statt|instead of|rather than)\s+(?:\w+\s+){0,2}$"
    r"|(?:wegen|aufgrund|because of|due to)\s+(?:\S+\s+){0,3}$"
)
# A noun right before the month's preposition says what happens then ("die Operation im Herbst", "der Umzug im
# April"): the month dates an event, unless the noun is the exam's ("die Prüfung im Dezember").
_EVENT_NOUN_BEFORE = re.compile(r"\b([A-ZÄÖÜ][\w-]+)\s+$")
_EXAM_NOUN = re.compile(r"(?i)(?:\w*prüfung\w*|\w*termin\w*|\w*frist|runde\w*|date|exam\w*|ausbildung|abschluss)$")
# A month named without a preposition counts only when written out ("März wäre realistisch"; "may" is a verb too).
_ABBREVIATED = MONTH_ABBREVIATIONS | {"may", "mai"}
_SEASON_START = {
    "fruhjahr": 3,
    "fruhling": 3,
    "spring": 3,
    "sommer": 6,
    "summer": 6,
    "herbst": 9,
    "autumn": 9,
    "fall": 9,
    "winter": 12,
}


def aimed_months(folded: str, original: str, written: date | None) -> tuple[date, ...]:
    """The days a month or season the text aims at begins (its end after "Ende", its middle after "Mitte"), counted
    from the month the mail was written in: "die Prüfung erst im Dezember" is a deadline asked for, not told.

    Only in a sentence that aims at a time and names no span of its own ("sechs Wochen" says how long), not after
    "seit"/"statt" (time lost, the month given up), not in a clause told in the past tense."""
    if written is None or not any(k in folded for k in (*_MONTHS, *_SEASON_START, "quart", "q1", "q2", "q3", "q4")):
        return ()
    out: list[date] = []
    for m in _TARGET_MONTH.finditer(folded):
        name = m.group("m") or m.group("m2")
        if m.group("m2") and name in _ABBREVIATED:
            continue  # "may would be" is the verb
        if name in ("fall", "may", "mar") and m.group("pre") not in ("im", "in", "bis", "until", "till"):
            continue
        s, e = sentence_bounds(folded, m.start(), m.end())
        if not _AIMS.search(original[s:e].lower()) and m.group("pre") not in ("bis", "until", "till"):
            continue
        if _DURATION.search(folded[s:e]) or _NOT_AIMED_BEFORE.search(folded, max(0, m.start() - 30), m.start()):
            continue
        noun = _EVENT_NOUN_BEFORE.search(original, max(0, m.start() - 40), m.start())
        if noun and m.group("m") and not _EXAM_NOUN.match(noun.group(1)):
            continue
        cs, ce = clause_bounds(folded, m.start(), m.end())
        clause = original[cs:ce].lower()
        if lx.PAST_AUX.search(clause) or _PERFECT_AFTER.search(clause):
            continue  # "im März hatte ich die OP", "die sich bis Mitte Dezember gezogen hat"
        lead = m.group("lead")
        month = _SEASON_START.get(name) or _MONTHS.get(name) or _quarter(name, lead in ("ende", "end of", "late"))
        if month is None:
            continue
        year = written.year + (1 if month < written.month or (m.group("next") and month == written.month) else 0)
        day = 15 if lead in ("mitte", "middle of", "mid") else 1
        first = date(year, month, day)
        out.append(end_of_month(first) if lead in ("ende", "end of", "late") else first)
    return unique_dates(out)


def unique_dates(dates: Iterable[date]) -> tuple[date, ...]:
    out: list[date] = []
    for dt in dates:
        if dt not in out:
            out.append(dt)
    return tuple(out)


# --- duration -----------------------------------------------------------------------
_NUMBERS = {
    "ein": 1,
    "eine": 1,
    "einen": 1,
    "einem": 1,
    "einer": 1,
    "zwei": 2,
    "drei": 3,
    "vier": 4,
    "funf": 5,
    "fuenf": 5,
    "sechs": 6,
    "sieben": 7,
    "acht": 8,
    "neun": 9,
    "zehn": 10,
    "elf": 11,
    "zwolf": 12,
    "zwoelf": 12,
    "anderthalb": 1.5,
    "eineinhalb": 1.5,
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "couple of": 2,
    "nen": 1,
    "paar": None,
    "few": None,
}
_NUM_RX = "|".join(sorted((re.escape(k) for k in _NUMBERS if _NUMBERS[k] is not None), key=len, reverse=True))
_UNIT_DAYS = {
    "tag": 1,
    "day": 1,
    "woch": 7,
    "week": 7,
    "monat": 30,
    "month": 30,
    "quartal": 90,
    "quarter": 90,
    "semester": 180,
    "jahr": 365,
    "year": 365,
}
_DURATION = re.compile(
    rf"(?<![\w.,])(?P<num>\d+(?:[.,]5)?|{_NUM_RX})\s*-?\s*(?:(?:ganze[nsm]?|weitere[nm]?|zusatzliche[nm]?|more|extra|additional|further|whole|full|halbe[ns]?)\s+)?"
    r"(?P<unit>tag(?:e|en)?|woche(?:n)?|monat(?:e|en)?|quartal(?:e|en)?|semester|jahr(?:e|en)?|days?|weeks?|months?|"
    r"quarters?(?! of an? hour| past| to)|years?)\b"
    r"|(?P<num2>\d+)\s*-?\s*(?P<unit2>wochig|monatig|tagig)\w*"
    r"|(?P<half>(?:ein(?:e[mn]?)?\s+)?halbe[ns]?\s+jahr\w*|half\s+a\s+year|six\s+months\s*/\s*half\s+a\s+year)"
    r"|(?P<qy>(?:ein(?:e[mn]?)?\s+)?(?P<three>drei)?viertel\s?jahr\w*|(?:a\s+)?quarter\s+of\s+a\s+year)"
)
# A duration that describes the past ("seit 6 Wochen krank") is not what the customer asks for.
_PAST_BEFORE = re.compile(
    r"(?:seit|vor|since|for the past|past|last|letzten|vergangenen|schon|bereits|already|nach|after|innerhalb|within|"
    r"insgesamt|nur|only|noch|erst)\s+(?:\w+\s+)?$"
    # the time lost ("I've lost almost two months", "mir fehlen fast sieben Wochen Lernzeit" is asked, not this)
    r"|(?:lost|verloren|verpasst|missed)\s+(?:\w+\s+){0,2}$"
)
_PAST_AFTER = re.compile(
    r"^\s*(?:lang\s+)?(?:\w+\s+){0,2}(?:krank\w*|ago|her|im krankenhaus|in der klinik|in reha|ausgefallen|weg|"
    r"zugriff|zugang|zeit, um|access|gebraucht|vorbei|laufzeit|"
    # a state that took the time ("sieben Wochen außer Gefecht", "sieben Wochen zu früh", "auf der Neonatologie")
    r"au(?:ss|ß)er gefecht|zu fruh|too early|premature\w*|flach|auf der neo\w*|auf der intensiv\w*|im (?:kinder)?spital|"
    r"in hospital)\b"
)
_ASK_BEFORE = re.compile(
    r"(?:um|fur|for|another|weitere\w*|zusatzlich\w*|noch(?: mal)?|extra|additional|by|ca\.?|etwa|circa|about|gerne|"
    r"mindestens|wenigstens|at least|ungefahr|rund|around|roughly|approximately)\s+$"
)


def _days(m: re.Match[str]) -> int | None:
    if m.group("half"):
        return 180
    if m.group("qy"):
        return 270 if m.group("three") else 90  # "ein Vierteljahr", "ein Dreivierteljahr"
    if m.group("num2"):
        days_per_unit = {"wochig": 7, "monatig": 30, "tagig": 1}[m.group("unit2")]
        return int(m.group("num2")) * days_per_unit
    raw = m.group("num")
    num = float(raw.replace(",", ".")) if raw[0].isdigit() else _NUMBERS.get(raw)
    if num is None:
        return None
    unit = m.group("unit")
    per = next(v for k, v in _UNIT_DAYS.items() if unit.startswith(k))
    if re.search(r"halbe", m.group(0)):
        return 180 if per == 365 else None  # "ein halbes Jahr" = 6 months
    if per == 365 and num == 0.5:
        return 180
    return round(num * per)


# A span given as months ("von Mai bis einschließlich Dezember", "from September until the end of April next year",
# "Mai–Dezember"): read as the number of calendar months it covers, both ends included unless the end is the
# start of a month ("bis Anfang Dezember") or the start is the end of one ("ab Ende Mai").
_MONTH_START = r"(?:(?P<lead>anfang|mitte|ende|beginning of|start of|middle of|end of|mid|early|late)\s+)?"
_MONTH_END = (
    r"(?:(?:einschließlich|einschliesslich|inklusive|inkl\.?|zum|zur|in den|the)\s+)*"
    r"(?:(?P<tail>anfang|mitte|ende|beginning of|start of|middle of|end of|mid|early|late)\s+)?"
)
_MONTH_RANGE = re.compile(
    rf"(?<![\w])(?:(?:von|vom|ab|from|between|zwischen|starting(?: in| from)?)\s+{_MONTH_START}(?P<a>{_MONTH_RX})\b\.?"
    rf"(?:\s+(?P<ya>\d{{4}}))?\s*(?:[-–—]|\s(?:bis|until|till|til|to|through|thru|und|and))\s*{_MONTH_END}"
    rf"|(?P<a2>{_MONTH_RX})\s*[-–—]\s*)"
    rf"(?P<b>{_MONTH_RX})\b\.?(?:\s+(?P<yb>\d{{4}}))?"
    r"(?P<next>\s+(?:next year|the following year|nächsten jahres|nachsten jahres|des nächsten jahres|"
    r"des nachsten jahres|kommenden jahres|im nächsten jahr|im nachsten jahr))?"
)


def _range_days(m: re.Match[str]) -> int | None:
    a = _MONTHS[m.group("a") or m.group("a2")]
    b = _MONTHS[m.group("b")]
    ya, yb = m.group("ya"), m.group("yb")
    if ya and yb:
        months = (int(yb) * 12 + b) - (int(ya) * 12 + a) + 1
    else:
        months = (b - a) % 12 + 1
        if m.group("next") and b >= a:
            months += 12  # "from May until May next year"
    if m.group("lead") in ("ende", "end of", "late"):
        months -= 1
    if m.group("tail") in ("anfang", "beginning of", "start of", "early"):
        months -= 1
    return months * 30 if 1 <= months <= 36 else None


# A span given by its end month alone ("bis Ende Dezember pausieren", "until September"), counted from the month the
# mail was written in, as a month range is. "von Mai bis Juli" is a range (above) and not read again here.
# "Juli bis Dezember" (a start month without "von") is a range of its own.
_UNTIL_MONTH = re.compile(
    rf"(?<![\w])(?:(?P<a>{_MONTH_RX})\.?\s+)?(?:bis|until|till|til|through|thru)\s+{_MONTH_END}(?P<b>{_MONTH_RX})\b\.?"
    r"(?:\s+(?P<yb>\d{4}))?"
)


def _until_days(m: re.Match[str], written: date) -> int | None:
    b = _MONTHS[m.group("b")]
    yb = m.group("yb")
    if m.group("a"):
        months = (b - _MONTHS[m.group("a")]) % 12 + 1
    elif yb:
        months = (int(yb) * 12 + b) - (written.year * 12 + written.month) + 1
    else:
        months = (b - written.month) % 12 + 1
    if m.group("tail") in ("anfang", "beginning of", "start of", "early"):
        months -= 1
    return months * 30 if 1 <= months <= 36 else None


# "ein paar Monate", "several months": at least two months. ("ein paar Wochen" stays unnamed: it may be six or fewer.)
_SOME_MONTHS = re.compile(
    r"(?<![\w])(?:ein paar|paar|einige[nm]?|mehrere[nm]?|a few|a couple of|several|some)\s+"
    r"(?:(?:weitere[nm]?|zusatzliche[nm]?|more|extra|additional|further)\s+)?(?:monat(?:e|en)?|months)\b"
)
SOME_MONTHS_DAYS = 60

# A span given by a season or a year it runs to ("bis zum Frühjahr", "until next summer", "bis Ende 2027", "bis zum
# Jahresende"), counted in months from the month the mail was written in, as "bis Ende Dezember" is: "bis zum
# Sommer" runs to the start of summer, "bis Ende des Sommers" to its end.
_SEASONS = {
    "fruhjahr": (3, 5),
    "fruhling": (3, 5),
    "spring": (3, 5),
    "sommer": (6, 8),
    "summer": (6, 8),
    "herbst": (9, 11),
    "autumn": (9, 11),
    "fall": (9, 11),
    "winter": (12, 2),
}
_UNTIL_SEASON = re.compile(
    r"(?<![\w])(?:bis|until|till|til|through|thru)\s+(?:(?:zum|zur|in den|ins|in|into|the)\s+)?"
    r"(?:(?P<tail>anfang|mitte|ende|beginning of|start of|middle of|end of|mid|early|late)\s+)?"
    r"(?:(?:des|dem|the)\s+)?(?:(?P<next>nachste[nmrs]?|kommende[nmrs]?|next|coming)\s+)?"
    r"(?P<season>fruhjahr|fruhling|sommer|herbst|winter|spring|summer|autumn|fall)s?\b"
    # a feast the time runs to or past ("auf die Zeit nach Ostern", "bis Weihnachten", "until after Christmas")
    r"|(?<![\w])(?:(?:bis|until|till|til)\s+(?:(?:zum|zur|dem|the|after|nach)\s+)?|(?:auf die zeit|erst) nach\s+|"
    r"(?:until|till|not before|only) after\s+)(?P<feast>ostern|pfingsten|weihnachten|easter|christmas|xmas)\b"
    # "for the rest of the year", "für den Rest des Jahres", "das restliche Jahr"
    r"|(?P<rest>rest (?:of )?(?:the|this|des|dieses) (?:year|jahres)|restliche[n]? jahr)\b"
    r"|(?<![\w])(?:bis|until|till|til|through|thru)\s+(?:(?:zum|zur|in|into|the)\s+)?"
    r"(?:(?P<ytail>anfang|mitte|ende|beginning of|start of|middle of|end of|mid|early|late)\s+)?"
    r"(?:(?:des|dem|the|of)\s+)?(?:(?P<ynext>nachste[nmrs]?|kommende[nmrs]?|next|coming|dieses|this)\s+)?"
    r"(?:(?P<year>20\d\d)(?!\d)(?!\s*(?:€|euro|eur\b|chf|fr\.|\$|km\b|kcal|schritte|steps))|jahr(?:es)?(?=\W|$)|year(?=\W|$)|(?P<yend>jahresende|year'?s end|year end))"
)


_FEASTS = {"ostern": 4, "easter": 4, "pfingsten": 6, "weihnachten": 12, "christmas": 12, "xmas": 12}


def _until_season_days(m: re.Match[str], written: date) -> int | None:
    if m.group("feast"):
        months = (_FEASTS[m.group("feast")] - written.month) % 12 + 1  # the feast's month counted, as "bis Mai" is
        return months * 30
    if m.group("rest"):
        return (12 - written.month + 1) * 30
    tail = m.group("tail") or m.group("ytail")
    ends = tail in ("ende", "end of", "late")
    mid = tail in ("mitte", "middle of", "mid")
    if m.group("season"):
        first, last = _SEASONS[m.group("season")]
        target = last if ends else (first % 12) + 1 if mid else first
        months = (target - written.month) % 12 + (1 if ends else 0)
        if months == 0:
            months = 12  # "bis zum Sommer" written in June: next summer
        return months * 30
    if m.group("year"):
        year = int(m.group("year"))
    elif m.group("ynext") in ("dieses", "this") or (not m.group("ynext") and (ends or m.group("yend"))):
        year = written.year  # "bis Ende des Jahres", "bis zum Jahresende"
    elif m.group("ynext"):
        year = written.year + 1
    else:
        return None  # "bis zum Jahr" names no year
    ends = ends or bool(m.group("yend"))
    month = 12 if ends else 6 if mid else 1
    months = (year * 12 + month) - (written.year * 12 + written.month) + (1 if ends else 0)
    return months * 30 if 1 <= months <= 36 else None


# A span with no end: until the customer is well again, for as long as it takes, until the next round. Its length is
# unknown, so it is no span asked for (`extract_duration` skips it), but an approval of a fixed length may fall short
# of it: `longest_span` counts it as longer than any limit, and the rules hold the approval (rules/common.py).
_OPEN_SPAN = re.compile(
    r"(?<![\w])(?:bis (?:ich|er|sie|wir|es) (?:\w+ ){0,3}(?:wieder|richtig) (?:\w+ ){0,2}"
    r"(?:gesund|fit|arbeitsfahig|belastbar|auf den beinen|auf dem damm|genesen|da|zuhause|zu hause)"
    r"|so ?lange?,? (?:wie|bis) (?:\w+ ){0,3}(?:notig|nötig|moglich|möglich|es (?:eben )?(?:geht|dauert)|gesund|fit|wieder)"
    r"|auf unbestimmte zeit|unbefristet\w*|bis auf weiteres|auf (?:lange|langere|unbestimmte) sicht"
    r"|bis zur (?:nachsten|kommenden) (?:prufungsrunde|runde|gruppe|kohorte|prufung)"
    r"|in (?:die|eine) (?:nachste|spatere|kommende) (?:runde|gruppe|kohorte)"
    r"|until (?:i|he|she|we) (?:am|'m|is|'s|are|'re|feel|get|can) (?:\w+ ){0,2}"
    r"(?:better|well|recovered|fit|back on (?:my|his|her|our) feet|healthy|home)"
    r"|(?:for )?as long as (?:it takes|(?:is |it is )?(?:needed|necessary|possible))|indefinitely|until further notice"
    r"|open-ended|(?:until|to|into) (?:the|a) (?:next|later|following) (?:round|cohort|group|intake)"
    # an end nobody can name yet, and leaves that run for months
    r"|(?:weiss|weiß|wissen) (?:\w+ ){0,2}nicht,? wie lange|wie lange (?:\w+,? ){0,4}(?:weiss|weiß) ich (?:\w+ ){0,2}nicht|(?:ist )?(?:noch )?nicht absehbar|ungewiss,? wie lange"
    r"|kein ende (?:\w+ )?(?:in sicht|absehbar)|(?:don'?t|do not|no idea) (?:\w+ ){0,2}(?:know )?how long"
    r"|no end in sight|mutterschutz|elternzeit|maternity leave|parental leave"
    # the time lost, asked back: as long as the illness was, which the mail may tell only as a report
    r"|(?:um )?die (?:verpasste|verlorene|fehlende|ausgefallene) zeit"
    r"|(?:um )?die zeit,? die (?:ich|mir|uns|wir) (?:\w+ ){0,3}(?:verpasst|verloren|gefehlt|ausgefallen)"
    r"|(?:by|for) the time (?:i|we) (?:lost|missed)|the (?:lost|missed) time|make up (?:for )?the time"
    r")"
)


# Literals one of which every match of _OPEN_SPAN / _UNTIL_SEASON contains (tests/policies check each pattern's
# examples; a pattern added without its literal here would never run).
_OPEN_NEEDLES = (
    "wieder",
    "lange",
    "unbestimmt",
    "unbefristet",
    "weiteres",
    "sicht",
    "nachste",
    "kommende",
    "spatere",
    "until",
    "as long",
    "indefinit",
    "notice",
    "open-ended",
    "next",
    "later",
    "following",
    "zeit",
    "time",
    "absehbar",
    "ungewiss",
    "end",
    "how long",
    "mutterschutz",
    "elternzeit",
    "maternity",
    "parental",
)
_SEASON_NEEDLES = (
    *_SEASONS,
    "ostern",
    "pfingsten",
    "weihnachten",
    "easter",
    "christmas",
    "xmas",
    "jahr",
    "year",
    "20",
    "rest",
)


def _overlaps(found: Spans, a: int, b: int) -> bool:
    # spans in `found` do not overlap and are in text order: a bisect finds the one [a, b) could overlap
    i = bisect_right([s for s, _, _, _ in found], b - 1) - 1  # the last span starting inside or before [a, b)
    return i >= 0 and found[i][1] > a


Spans = list[tuple[int, int, int | None, str]]


def durations(folded: str, written: date | None = None) -> Spans:
    """(start, end, days, kind) of every span of time named in the text, in text order; kind "span" ("6 Wochen"),
    "range" ("von Mai bis Juli") or, with `written` (the day the mail was written), "until" ("bis Ende Dezember")."""
    found = [(m.start(), m.end(), _days(m), "span") for m in _DURATION.finditer(folded)]
    # cheap substring tests first: most texts name no months in words, no season or year and no open end
    more: Spans = []
    if "monat" in folded or "month" in folded:
        more += [(m.start(), m.end(), SOME_MONTHS_DAYS, "span") for m in _SOME_MONTHS.finditer(folded)]
    if any(n in folded for n in _OPEN_NEEDLES):
        more += [(m.start(), m.end(), OPEN_SPAN_DAYS, "open") for m in _OPEN_SPAN.finditer(folded)]
    if written is not None and any(n in folded for n in _SEASON_NEEDLES):
        more += [(m.start(), m.end(), _until_season_days(m, written), "until") for m in _UNTIL_SEASON.finditer(folded)]
    if more:
        found = sorted(found + [x for x in more if not _overlaps(found, x[0], x[1])])
    if any(k in folded for k in _MONTHS):  # cheap test first: most texts name no month
        ranges = [
            (m.start(), m.end(), _range_days(m), "range")
            for m in _MONTH_RANGE.finditer(folded)
            if not _overlaps(found, m.start(), m.end())
        ]
        if ranges:
            found = sorted(found + ranges)
        if written is not None:
            until = [
                (m.start(), m.end(), _until_days(m, written), "until")
                for m in _UNTIL_MONTH.finditer(folded)
                if not _overlaps(found, m.start(), m.end())
            ]
            if until:
                found = sorted(found + until)
    return found


def longest_span(folded: str, original: str, found: Spans) -> tuple[int | None, str | None]:
    """The longest span of time still to come among `found` (`durations(folded)`), whatever it is said of, as
    (days, text).

    `extract_duration` keeps only a span asked for; a therapy "von neun Monaten" told as the reason is not one. But
    an approval that rests on "Dauer nicht genannt" while the mail names a longer span than the approval covers may
    rest on a misreading, so the rules hold it for a person (rules/club.py, rules/coach.py). A span that is over
    ("ich war 8 Wochen krank") is time lost, which a 6-week extension answers: it is not counted.
    """
    spans = [
        (days, start, end)
        for start, end, days, _ in found
        if days and days <= 3 * 365 and not _told_as_past(folded, original, start, end)
    ]
    if not spans:
        return None, None
    days, start, end = max(spans, key=lambda x: (x[0], -x[1]))
    return days, original[start:end].strip()


_SINCE_BEFORE = re.compile(r"(?:seit|since|vor|for the past|letzten|vergangenen)\s+(?:\w+\s+)?$")


def _told_as_past(folded: str, original: str, start: int, end: int) -> bool:
    """A span of time that is over ("ich war 8 Wochen krank", "seit drei Monaten", "vor zwei Jahren"): time already
    lost, not time the customer will be away."""
    before = folded[max(0, start - 30) : start]
    after = folded[end : end + 30]
    return bool(_SINCE_BEFORE.search(before) or _PAST_AFTER.search(after)) or _past_tense_before(original, start)


def _past_tense_before(original: str, start: int) -> bool:
    # read in the original spelling: folded, the subjunctive "wären" would be the past "waren"
    return lx.PAST_AUX.search(clause_before(original, start).lower()) is not None


def extract_duration(
    folded: str, original: str, intent_spans: list[tuple[int, int]], found: Spans
) -> tuple[int | None, str | None, Evidence | None, str | None]:
    """The span of time the customer asks for among `found` (`durations(folded)`), preferring one in the sentence
    of an extend/pause wish.

    A span the customer turns down ("6 Wochen reichen mir nicht", "mehr als 6 Wochen") says the ask is longer
    than it: it counts as one day more. When several spans are asked for (in the sentence of the wish, after an
    asking word, in a question, or turned down), the largest counts: an approval must never rest on less than
    the customer asked for. Without any such span, the best placed one counts. The last value is the kind of the
    span chosen (`durations`): an "until" span runs to a month, which a coach extension counts from its end date.
    """
    best: tuple[int, int, int, int, int] | None = None  # (days, start, end, score, end of the quoted text)
    asked_spans: list[tuple[int, int, int, int]] = []  # (days, start, end, end of the quoted text)
    for start, end, days, kind in found:
        if not days or days > 3 * 365:
            continue
        if kind == "open":
            continue  # no length to ask for: `longest_span` holds an approval that may fall short of it
        is_range = kind != "span"
        before = folded[max(0, start - 30) : start]
        after = folded[end : end + 30]
        text_end = end
        turned_down = lx.DURATION_REJECTED_AFTER.search(clause_after(folded, end))
        at_least = _MORE_AFTER.match(folded, end)
        rejected = turned_down or at_least
        more_than = _MORE_THAN_BEFORE.search(before) and not _NO_MORE_THAN_BEFORE.search(before)
        asked = bool(_ASK_BEFORE.search(before))
        s, e = sentence_bounds(folded, start, end)
        near = any(s <= a < e or s <= b <= e for a, b in intent_spans)
        if kind == "until" and (not near or rejected):
            # "bis Ende Dezember" asks for a span only in the sentence of the wish ("Darf ich bis Ende Dezember
            # pausieren?"); elsewhere it is mostly a deadline that runs ("meine Frist läuft bis Mai", "bis Anfang
            # Mai reicht es nicht") and says nothing of how long the customer asks for
            continue
        # a span told in the past tense away from the wish ("ich war von Mai bis Juli krank") is a report
        reported = not near and _past_tense_before(original, start)
        if rejected or more_than:
            days += 1  # the customer asks for more than this span
            asked = True
            if turned_down:
                text_end = end + turned_down.end()
            elif at_least:
                text_end = at_least.end()
        elif (not asked and (_PAST_BEFORE.search(before) or _PAST_AFTER.search(after) or reported)) or (
            is_range and reported
        ):
            # "war sieben Wochen außer Gefecht", "I've lost almost two months": the time lost, not the time asked
            continue
        score = (2 if near else 0) + (1 if asked else 0)
        if best is None or score > best[3]:
            best = (days, start, end, score, text_end)
        if (
            rejected
            or more_than
            or (
                not reported
                and not _PAST_AFTER.search(after)
                and (near or _STRONG_ASK_BEFORE.search(before) or _QUESTION_END.match(folded, end))
            )
        ):
            asked_spans.append((days, start, end, text_end))
    if asked_spans:
        days, start, end, text_end = max(asked_spans, key=lambda x: (x[0], -x[1]))
    elif best is not None:
        days, start, end, _, text_end = best
    else:
        return None, None, None, None
    text = original[start:text_end].strip()
    kind = next(k for s, _, _, k in found if s == start)
    return days, text, Evidence("duration", snippet(original, start, end)), kind


_MORE_THAN_BEFORE = re.compile(r"(?:mehr|langer)\s+als\s+$|(?:more|longer)\s+than\s+$")
_NO_MORE_THAN_BEFORE = re.compile(r"(?:nicht|kein\w*|no|not)\s+(?:mehr|langer|more|longer)\s+(?:als|than)\s+$")
# Words before a span that ask for it whatever the sentence ("um 6 Wochen", "weitere 3 Monate", "another month",
# "mindestens drei Monate"; a span told in the past tense is a report all the same);
# "für", "for" and "etwa" do so only in the sentence of the wish ("ich war für 8 Wochen in der Klinik").
_STRONG_ASK_BEFORE = re.compile(
    r"(?:um|another|weitere\w*|zusatzlich\w*|noch(?: mal)?|extra|additional|by|mindestens|wenigstens|at least)\s+$"
    # "ich bräuchte ungefähr drei Monate", "I'd need about two months"
    r"|(?:brauche|brauchte|benotige|benotigte|need|would need|'d need)\s+(?:(?:ungefahr|etwa|ca\.?|circa|rund|bestimmt|"
    r"sicher|wohl|noch|about|around|roughly|approximately|probably|at least|mindestens)\s+){0,2}$"
)
# After a span, in its sentence: the span is the least the customer asks for ("sechs Wochen mehr Zeit, eher mehr").
_MORE_AFTER = re.compile(
    r"[^.!?\n]{0,25}?\b(?:oder|eher|lieber|vielleicht|wahrscheinlich|or|maybe|probably|perhaps|likely) (?:\w+ )?"
    r"(?:mehr|langer|more|longer)\b"
)
# The rest of the sentence after a span is only a question about it ("Ginge ein halbes Jahr?").
_QUESTION_END = re.compile(r"[^.!?\n]{0,40}\?")


# --- reason -------------------------------------------------------------------------
def extract_reason(
    folded: str, original: str, *, now: bool = False, first: tuple[str, ...] = ()
) -> tuple[str | None, str | None, Evidence | None]:
    """The weightiest non-negated reason the customer gives (REASONS is in precedence order).

    A reason the customer sets aside later in its sentence ("letztes Jahr war ich krank, das hat mit meiner
    Frage nichts zu tun") is not the reason either; with `now` (a Club exit rests on the present), neither is one
    said to be over ("seit der Reha geht es mir wieder richtig gut"). Reasons named in `first` win over the others
    (a coach refund rests on an illness, whatever else the mail tells: "gekündigt, und dann wurde Lupus festgestellt").
    """
    hits: list[tuple[int, int, str, re.Match[str]]] = []
    disowned = [m.start() for m in lx.REASON_DISOWNED.finditer(folded)]
    if now:
        disowned += [m.start() for m in lx.REASON_OVER.finditer(folded)]
        disowned.sort()
    for rank, (name, pattern) in enumerate(lx.REASONS):
        for m in pattern.finditer(folded):
            if negated(folded, m.start()) or negated_after(folded, m.end()) or _disowned(folded, m.end(), disowned):
                continue
            hits.append((rank, m.start(), name, m))
            break
    if not hits:
        return None, None, None
    weighty = [h for h in hits if h[2] in WEIGHTY_REASONS]
    # someone else's illness told with caring for them ("pflege meinen an Demenz erkrankten Vater") is the care
    cared = [sentence_bounds(folded, h[1], h[1]) for h in hits if h[2] == "care"]
    preferred = [h for h in hits if h[2] in first and not any(a <= h[1] < b for a, b in cared)]
    rank, _, name, m = min(preferred or weighty or hits)
    text = snippet(original, m.start(), m.end(), clause=True)
    label = "reason_weighty" if name in WEIGHTY_REASONS else "reason"
    return name, text, Evidence(label, text)


def _disowned(folded: str, end: int, disowned: list[int]) -> bool:
    """Whether a disowning phrase follows position `end` in the same sentence."""
    i = bisect_left(disowned, end)  # the first disowning phrase at or after `end` (the list is in text order)
    if i == len(disowned):
        return False
    _, e = sentence_bounds(folded, end, end)
    return disowned[i] < e


# --- documents ----------------------------------------------------------------------
_ATTACHMENT_FILE = re.compile(r"\.(?:pdf|jpe?g|png|heic|tiff?|docx?|odt)$", re.I)


_PROOF_OF = {
    "unemployment": "unemployment_certificate",
    "illness": "attest",
    "surgery": "attest",
    "hospital": "attest",
    "accident": "attest",
    "pregnancy": "attest",
}


def _text_claims(folded: str, original: str) -> list[tuple[str, Evidence]]:
    """What the text says comes with this mail ("Attest anbei"), not what it offers for later ("reiche ich nach")."""
    claims: list[tuple[str, Evidence]] = []
    for m in lx.DOC_PRESENT.finditer(folded):
        s, e = sentence_bounds(folded, m.start(), m.end())
        sentence = folded[s:e]
        if lx.DOC_ABSENT.search(sentence) or negated(folded, m.start()):
            continue
        ev = Evidence("document_claimed", snippet(original, m.start(), m.end()))
        if lx.DOC_UNEMPLOYMENT.search(sentence):
            claims.append(("unemployment_certificate", ev))
        elif lx.DOC_ATTEST.search(sentence):
            claims.append(("attest", ev))
        elif lx.DOC_GENERIC.search(sentence):
            claims.append(("unspecified", ev))
    return claims


def _kinds_named(text: str, reason: str | None) -> set[str]:
    """The proof kinds a stretch of text speaks of: a named one, or a generic word meaning the reason's proof."""
    kinds: set[str] = set()
    if lx.DOC_UNEMPLOYMENT.search(text):
        kinds.add("unemployment_certificate")
    if lx.DOC_ATTEST.search(text):
        kinds.add("attest")
    if not kinds and lx.DOC_GENERIC.search(text) and reason in _PROOF_OF:
        kinds.add(_PROOF_OF[reason])
    return kinds


def _not_current(folded: str, reason: str | None) -> set[str]:
    """Proof kinds the text says are old or not there yet: then an attachment of that kind is not the proof.

    "Der Bescheid ist noch von meiner letzten Arbeitslosigkeit" marks its sentence's document as old;
    "Einen Bescheid habe ich noch nicht" says, in its clause, that the proof is still missing.
    """
    stale: set[str] = set()
    for m in lx.DOC_OUTDATED.finditer(folded):
        s, e = sentence_bounds(folded, m.start(), m.end())
        stale |= _kinds_named(folded[max(s, m.start() - _NEAR) : min(e, m.end() + _NEAR)], reason)
    for m in lx.DOC_NOT_YET.finditer(folded):
        s, e = clause_bounds(folded, m.start(), m.end())
        stale |= _kinds_named(folded[max(s, m.start() - _NEAR) : min(e, m.end() + _NEAR)], reason)
    return stale


# How far around a cue its sentence is read for a document word: bounds the work on a text without full stops.
_NEAR = 240


def _file_year(name: str) -> int:
    """The newest year a file name carries (0 without one): "ALG_Bescheid_2024.pdf" → 2024."""
    return max((int(m.group(1)) for m in lx.ATTACHMENT_YEAR.finditer(name)), default=0)


def extract_documents(
    folded: str, original: str, attachments: tuple[str, ...], reason: str | None = None
) -> tuple[tuple[str, ...], list[Evidence]]:
    """Document kinds attached to the customer's message (docs/policy.md §4): a text alone never makes one.

    A file whose name names no kind (scan.pdf, IMG_1234.jpg, Dokument.pdf, Nachweis.pdf, a person's name) is
    the document the text says it is ("Attest anbei" + scan.pdf), else the proof of the reason given
    ("arbeitslos" + scan.pdf → unemployment certificate), else unspecified. A file whose name says it is some
    other paper (Kontoauszug, Vertraulichkeitserklärung, Kündigungsschreiben des Arbeitgebers) is a document
    of unspecified kind, never the proof. A proof the text calls old or not there yet is unspecified too.
    Of several files of one kind, the newest (by the year in its name) is the one quoted.
    """
    kinds: list[str] = []
    evidence: list[Evidence] = []
    files: list[str] = []

    def add(kind: str, name: str) -> None:
        if kind not in kinds:
            kinds.append(kind)
            evidence.append(Evidence("document", f"Anhang: {name}"))
            files.append(name)
            return
        i = kinds.index(kind)
        if _file_year(name) > _file_year(files[i]):  # the newest file is the one that can be current
            evidence[i] = Evidence("document", f"Anhang: {name}")
            files[i] = name

    unnamed: list[str] = []
    for name in attachments:
        if lx.ATTACHMENT_IGNORED.search(name):
            continue
        if lx.ATTACHMENT_ATTEST.search(name):
            add("attest", name)
        elif lx.ATTACHMENT_UNEMPLOYMENT.search(name):
            add("unemployment_certificate", name)
        elif lx.ATTACHMENT_OTHER_DOCUMENT.search(name):
            add("unspecified", name)  # a paper of its own kind: the agent may look at it, it proves nothing
        elif _ATTACHMENT_FILE.search(name):
            unnamed.append(name)
    if unnamed:
        said = [k for k, _ in _text_claims(folded, original) if k != "unspecified" and k not in kinds]
        for name in unnamed:
            kind = said.pop(0) if said else _PROOF_OF.get(reason or "", "unspecified")
            add(kind, name)
    if kinds:
        stale = _not_current(folded, reason)
        for i, kind in enumerate(kinds):
            if kind in stale:
                kinds[i] = "unspecified"
        if kinds.count("unspecified") > 1:  # keep one entry per kind
            first = kinds.index("unspecified")
            keep = [i for i, k in enumerate(kinds) if k != "unspecified" or i == first]
            kinds, evidence = [kinds[i] for i in keep], [evidence[i] for i in keep]
    if "unspecified" in kinds and len(kinds) > 1:  # a named document makes the generic one redundant
        i = kinds.index("unspecified")
        kinds.pop(i)
        evidence.pop(i)
    return tuple(kinds), evidence


def claimed_documents(
    folded: str, original: str, present: tuple[str, ...], reason: str | None = None
) -> tuple[tuple[str, ...], list[Evidence]]:
    """Document kinds the text says are attached although no attachment is one ("Attest anbei", nothing attached)."""
    claimed: list[str] = []
    evidence: list[Evidence] = []
    for kind, ev in _text_claims(folded, original):
        if kind == "unspecified":
            if present:
                continue  # "die Unterlagen anbei" with a document attached
            kind = _PROOF_OF.get(reason or "", "unspecified")
        if kind in present or kind in claimed:
            continue
        claimed.append(kind)
        evidence.append(ev)
    return tuple(claimed), evidence


# --- flags --------------------------------------------------------------------------
def first_hit(pattern: lx.Cue, folded: str, check_negation: bool = True) -> re.Match[str] | None:
    for m in pattern.finditer(folded):
        if check_negation and negated(folded, m.start()):
            continue
        return m
    return None
