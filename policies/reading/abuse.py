"""Abusive-message detection (seed 002): insults, aimed profanity, shouting, threats, hate speech.

Only hurled abuse counts. A customer who reports an insult ("Ihre Kollegin nannte mich
'dumme Kuh'") or speaks of themselves ("ich bin doch kein Idiot") is not abusive, and
frustration in polite words is not abuse either.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from policies.model import Evidence
from policies.reading import lexicon as lx
from policies.reading.text import clause_after, clause_before, fold, sentence_bounds, snippet
from policies.vocab import Severity


@dataclass(frozen=True)
class AbuseFinding:
    abusive: bool
    severity: Severity | None  # "severe" for threats of violence and hate speech
    evidence: tuple[Evidence, ...]


_QUOTES = re.compile(r"[\"']")


def _inside_quotes(folded: str, start: int) -> bool:
    """True when the match sits between quote marks within its sentence ('er sagte "Idiot"')."""
    s, _ = sentence_bounds(folded, start, start)
    before = folded[s:start]
    # apostrophes inside words ("geht's", "don't") are not quote marks
    marks = [
        m
        for m in _QUOTES.finditer(before)
        if not (
            m.group() == "'"
            and 0 < m.start() < len(before) - 1
            and before[m.start() - 1].isalpha()
            and before[m.start() + 1].isalpha()
        )
    ]
    return len(marks) % 2 == 1


def _reported(folded: str, start: int, end: int, self_check: bool = True) -> bool:
    before = clause_before(folded, start)
    if lx.REPORTED.search(before) or (self_check and lx.SELF_OR_DENIED.search(before)):
        return True
    if lx.REPORTED_AFTER.search(clause_after(folded, end)):
        return True
    return _inside_quotes(folded, start)


_SECOND_PERSON = re.compile(r"\b(?:ihr|euch|euer|eure|du|dich|dir|you|your)\b")


def _aimed_elsewhere(folded: str, start: int, end: int) -> bool:
    """An insult at a third party: one named right before it ("mein Chef, dieser Idiot") or right after it ("die
    Idioten von meiner Bank"), with no "ihr"/"you" in between that would turn it on the team."""
    s, e = sentence_bounds(folded, start, end)
    before = folded[max(s, start - 70) : start]
    m = lx.THIRD_PARTY_BEFORE.search(before)
    if m and m.end() == len(before) and not _SECOND_PERSON.search(before[m.start() :]):
        return True
    after = folded[end : min(e, end + 30)]
    m = lx.THIRD_PARTY_AFTER.search(after)
    # "ihr Idioten von der Firma", "you idiots of a company" stay aimed at the team
    return m is not None and m.start() <= 1 and not _SECOND_PERSON.search(folded[max(s, start - 12) : start])


def _hits(pattern: lx.Cue, folded: str, self_check: bool = True) -> list[re.Match[str]]:
    """Matches that are hurled, not reported. `self_check` off for threats: 'ich bringe euch um' is not about oneself."""
    return [m for m in pattern.finditer(folded) if not _reported(folded, m.start(), m.end(), self_check)]


def _shouting(original: str) -> re.Match[str] | None:
    """A long run of capitals: six words, or four with '!!' right after them."""
    for m in lx.SHOUT_RUN.finditer(original):
        words = re.findall(r"[A-ZÄÖÜß]{2,}", m.group())
        if len(words) >= 6 or (len(words) >= 4 and "!!" in original[m.start() : m.end() + 3]):
            return m
    return None


# Points of the signals of a veiled threat (lexicon: MENACE_STRONG ... ULTIMATUM); two make it severe.
_SIGNALS: tuple[tuple[str, lx.Cue, int, int], ...] = (
    # (kind, cue, points per match, most points of this kind)
    ("menace", lx.MENACE_STRONG, 2, 4),
    ("menace", lx.MENACE, 1, 3),
    ("surveil", lx.SURVEIL_PRIVATE, 2, 4),
    ("surveil", lx.SURVEIL, 1, 2),
    ("visit", lx.VISIT, 1, 1),
    ("ultimatum", lx.ULTIMATUM, 1, 1),
)
_AT_ONESELF = re.compile(r"\bmich (?:\w+ )?(?:selbst|selber) $")
_ABOUT_SELF = re.compile(r"\b(?:f(?:ü|ue|u)r mich|for me|mir selbst|myself|mich selbst)\b")


def menace(folded: str) -> list[tuple[int, int]]:
    """The spans of a veiled threat: signals that add up to two points, not all of them an ultimatum.

    "Ich weiß, wo euer Büro ist" alone is a customer who was there; with "ich komme am Montag vorbei, und
    dann reden wir anders" it is a threat. A visit to an event ("zum Live-Event vorbei") is no signal.
    """
    points: dict[str, int] = {}
    spans: list[tuple[int, int]] = []
    seen: set[str] = set()
    for kind, cue, pts, cap in _SIGNALS:
        for m in cue.finditer(folded):
            a, b = m.start(), m.end()
            if _reported(folded, a, b, self_check=False) or any(x < b and a < y for x, y in spans):
                continue
            if m.group() in seen:
                continue  # the same words twice (subject and body) are one signal
            seen.add(m.group())
            s, e = sentence_bounds(folded, a, b)
            if kind == "visit" and lx.EVENT_VISIT.search(folded[s:e]):
                continue
            if kind == "menace" and _ABOUT_SELF.search(folded[s:e]):
                continue  # "sonst wird es für mich finanziell ungemütlich"
            got = points.get(kind, 0)
            if got >= cap:
                continue
            points[kind] = min(cap, got + pts)
            spans.append((a, b))
    total = sum(points.values())
    if total >= 2 and total - points.get("ultimatum", 0) >= 1:
        return sorted(spans)
    return []


def hate_without_slur(folded: str) -> tuple[int, int] | None:
    """Contempt or exclusion aimed at a group of origin or religion, in one sentence or the next."""
    groups = [(m.start(), m.end()) for m in lx.GROUP.finditer(folded) if not _self_group(folded, m.start())]
    if not groups:
        return None
    for m in lx.CONTEMPT.finditer(folded):
        a, b = m.start(), m.end()
        if _reported(folded, a, b, self_check=False):
            continue
        s, e = sentence_bounds(folded, a, b)
        ps, _ = sentence_bounds(folded, max(0, s - 2), max(0, s - 2))
        _, ne = sentence_bounds(folded, min(len(folded), e + 2), min(len(folded), e + 2))
        if any(ps <= g < ne for g, _ in groups):
            return a, b
    return None


_SELF_GROUP = re.compile(r"(?:ich bin|i am|i'm|als|as a|bin selbst|myself)\s+(?:\w+\s+){0,2}$")


def _self_group(folded: str, start: int) -> bool:
    """The writer naming their own origin or religion ("ich bin Muslimin") is no hate."""
    return _SELF_GROUP.search(folded[max(0, start - 30) : start]) is not None


# "..., ihr Schwachköpfe." / "Hallo ihr Armleuchter," / "Sie inkompetente Kuh.": the team addressed as a noun.
_VOCATIVE = re.compile(
    r"(?:^|[,;:!?.\n]\s*|\b(?:hallo|hi|hey|servus|moin|danke|gratulation|bravo|tschüss|also)\s+)"
    r"(?P<who>ihr|Sie)\s+(?P<adj>(?:[a-zäöüß]+(?:en|e)\s+){0,2})(?P<noun>[A-ZÄÖÜ][\wäöüß-]+)(?=\s*(?:[,.!?;]|$))",
    re.M,
)


def _vocatives(original: str, folded: str) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for m in _VOCATIVE.finditer(original):
        noun = fold(m.group("noun"))
        if noun in lx.VOCATIVE_KIND or noun.endswith(("lieben", "freunde")):
            continue
        if m.group("who") == "Sie" and not m.group("adj"):
            continue  # "..., Sie Frau Meier" is rare; "Sie + Adjektiv + Nomen" is the insult ("Sie inkompetente Kuh")
        if _reported(folded, m.start("who"), m.end()):
            continue
        out.append((m.start("who"), m.end()))
    return out


def detect_abuse(original: str, folded: str) -> AbuseFinding:
    evidence: list[Evidence] = []
    severe = False
    # Labels: "abusive_severe" (threat of violence, hate speech), "abusive" (insult, aimed profanity, shouting).
    for pattern in (lx.THREATS, lx.THREATS_MORE, lx.HATE, lx.HATE_MORE):
        for m in _hits(pattern, folded, self_check=False):
            if _AT_ONESELF.search(folded, max(0, m.start() - 25), m.start()):
                continue  # "ich könnte mich selbst erschlagen": vexed with oneself, no threat to anyone
            severe = True
            evidence.append(Evidence("abusive_severe", snippet(original, m.start(), m.end())))
            break
    veiled = menace(folded)
    if veiled:
        severe = True
        for a, b in veiled[:2]:
            evidence.append(Evidence("abusive_severe", snippet(original, a, b)))
    hate = hate_without_slur(folded)
    if hate:
        severe = True
        evidence.append(Evidence("abusive_severe", snippet(original, hate[0], hate[1])))
    for pattern in (lx.INSULTS, lx.PROFANITY_AIMED, lx.YOU_ARE_CONTEMPT, lx.CONTEMPT_PHRASES):
        hurled = [m for m in _hits(pattern, folded) if not _aimed_elsewhere(folded, m.start(), m.end())]
        for m in hurled[:2]:  # two quotes show the agent the tone
            evidence.append(Evidence("abusive", snippet(original, m.start(), m.end())))
    for a, b in _vocatives(original, folded)[:2]:
        evidence.append(Evidence("abusive", snippet(original, a, b)))
    shout = _shouting(original)
    if shout:
        evidence.append(Evidence("abusive", snippet(original, shout.start(), shout.end())))
    # one line per phrase is enough for the note
    first_by_text: dict[str, Evidence] = {}
    for e in evidence:
        first_by_text.setdefault(e.text, e)
    unique = tuple(first_by_text.values())
    return AbuseFinding(abusive=bool(unique), severity=Severity.SEVERE if severe else None, evidence=unique)
