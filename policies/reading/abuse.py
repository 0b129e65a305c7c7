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
from policies.reading.text import clause_after, clause_before, sentence_bounds, snippet
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


def detect_abuse(original: str, folded: str) -> AbuseFinding:
    evidence: list[Evidence] = []
    severe = False
    # Labels: "abusive_severe" (threat of violence, hate speech), "abusive" (insult, aimed profanity, shouting).
    for pattern in (lx.THREATS, lx.HATE):
        for m in _hits(pattern, folded, self_check=False):
            severe = True
            evidence.append(Evidence("abusive_severe", snippet(original, m.start(), m.end())))
            break
    for pattern in (lx.INSULTS, lx.PROFANITY_AIMED):
        for m in _hits(pattern, folded)[:2]:  # two quotes show the agent the tone
            evidence.append(Evidence("abusive", snippet(original, m.start(), m.end())))
    shout = _shouting(original)
    if shout:
        evidence.append(Evidence("abusive", snippet(original, shout.start(), shout.end())))
    # one line per phrase is enough for the note
    first_by_text: dict[str, Evidence] = {}
    for e in evidence:
        first_by_text.setdefault(e.text, e)
    unique = tuple(first_by_text.values())
    return AbuseFinding(abusive=bool(unique), severity=Severity.SEVERE if severe else None, evidence=unique)
