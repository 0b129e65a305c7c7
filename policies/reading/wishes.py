"""Sentence-level reading of wishes: does a cue found in the text count as the customer's present wish?

A cue ("kündigen", "refund", "pausieren") counts only in a sentence of the new text where it is

- not negated or retracted: "Kündigen möchte ich nicht", "die Rückgabe hat sich erledigt", "I want to keep it";
- a present wish, not a report of an earlier one: "letztes Jahr hatte ich pausiert", "I had asked for a refund
  back then" (unless the customer is following up on a wish still open);
- about one of our products, or about nothing named: "meinen Handyvertrag kündigen", "die Versicherung
  verlängern", "das Buch zurückgeben" are about another object;
- not a question about anybody ("if someone returns the program, ...") nor inside quote marks.

`WishText` holds what a ticket's text offers once (sentences, product and object mentions, retractions);
`WishText.judge` gives the verdict on one cue. Pure and deterministic, like the rest of the reader.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from policies.reading import lexicon as lx
from policies.reading.extract import negated
from policies.reading.text import clause_bounds, fold, own_mail_below, read_reply, sentence_bounds

LEAVE_INTENTS = frozenset({"refund", "cancel", "unsub"})
PRODUCTS_OF_OURS = frozenset({"program", "club", "coach", "purchase"})

# A negator after the cue in its clause, with only modal verbs, pronouns and particles between
# ("Kündigen möchte ich eigentlich nicht", "Eine Pause will ich NICHT", "an extension won't help").
_NEG_AFTER = re.compile(
    r"^[\s\"'“”„)]*(?:(?:möchte|mochte|möchten|mochten|will|wollen|wollte|muss|brauche|brauch|kann|werde|würde|wurde|"
    r"ich|wir|es|das|den|die|eigentlich|doch|auch|jetzt|ja|gar|wirklich|definitiv|auf|ganz|bestimmt|sicher|is|was|"
    r"would|it|be|really|that|this|ihr|sie|du|mir|mich|uns|lieber|mehr|so|musst|mussen|braucht|brauchst|ubrigens|"
    r"brauchen|sollt|sollst|sollen)\s+){0,4}"
    r"(?P<neg>nicht|nichts|nie|niemals|keine?[nmrs]?|not|never|no longer|won't|wouldn't|isn't|wasn't|don't|doesn't|"
    r"aren't|weren't|no)\b(?P<rest>[^,.;:!?]{0,30})"
)
# German verb-final negation: the clause ends in the negator ("eine Pause löst mein Problem leider nicht").
_NEG_CLAUSE_END = re.compile(r"^(?P<between>(?:\s+[\w'-]+){0,5}?)\s+(?:nicht|nie|not)(?:\s+(?:mehr|so|wirklich))?\s*$")
_NEW_SUBJECT = re.compile(r"\b(?:ich|wir|i|we)\b")
_MODAL_BEFORE_SUBJECT = re.compile(
    r"\b(?:möchte|mochte|will|wollte|kann|werde|brauche|muss|würde|wurde)\s+(?:ich|wir)\b"
)
# What a negator after the cue may be about instead: a possibility ("Kündigung nicht möglich?") or a particle.
_NEG_AFTER_NOT = re.compile(
    r"^\s*(?:mehr\s+)?(?:möglich|moglich|machbar|erlaubt|geht|gehen|klappt|klappen|funktioniert|einfach|nur|so|"
    r"sicher|ganz|genau|allowed|possible|only|just|sure|able)\b"
)
# A (subject) line that is a reply or a forward: "AW:", "Re:", "WG:", "Fwd:", "Antw:", "SV:", "[Extern] RE:" ...
REPLY_PREFIX = re.compile(
    r"^\s*(?:\[[^\]]{0,40}\]\s*)*(?:re|aw|wg|fw|fwd|antw|antwort|sv|vs|tr|rv|wtr|vb|doorst|enc|odp|ynt|ref|r)"
    r"(?:\s*\[\d+\]|\s*\^\d+|\s*\(\d+\))?\s*:",
    re.I,
)


@dataclass(frozen=True)
class Verdict:
    """Whether a cue counts, and what was found about its sentence."""

    counts: bool
    why_not: str | None
    negated: bool
    tense: str
    obj: str | None  # a product of ours, "other", or None (nothing named)
    obj_text: str | None


@dataclass(frozen=True)
class _Mention:
    start: int
    end: int
    kind: str  # product name, or "other_strong" / "other_weak"


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every non-empty sentence of `text`, as `sentence_bounds` cuts it."""
    spans: list[tuple[int, int]] = []
    pos, n = 0, len(text)
    while pos < n:
        s, e = sentence_bounds(text, pos, pos)
        e = max(e, pos)
        if text[s:e].strip():
            spans.append((s, e))
        pos = e
        while pos < n and text[pos] in ".!?;\n":
            pos += 1
        if pos == e:
            pos += 1
    return spans


def subject_counts(subject: str, earlier_messages: int) -> bool:
    """The subject is read only for the first message of a ticket and never for a reply or a forward."""
    return bool(subject.strip()) and earlier_messages == 0 and not REPLY_PREFIX.match(subject)


def customer_words(body: str, sender: str | None) -> str:
    """What both readers read of one message body: the customer's new text, and before it their own earlier mail
    below (forwarded again or quoted, `own_mail_below`) when the comment on it asks and retracts nothing by itself:
    "kam als unzustellbar zurück, ich schicke sie noch einmal", "sent it to the wrong address", "bitte um Bearbeitung".
    A comment with a wish or a retraction of its own ("never mind my mail below, no extra time needed") is read alone.
    """
    reply = read_reply(body)
    if sender:
        resent = own_mail_below(reply, sender)
        if resent and not _says_something(fold(reply.new_text)):
            return f"{resent}\n\n{reply.new_text}" if reply.new_text else resent
    return reply.new_text


def _says_something(folded: str) -> bool:
    """The text has a wish cue, a retraction or a keep of its own (read without the lexicon's word index)."""
    if any(cue.regex.search(folded) for cues in lx.INTENTS.values() for _, cue in cues):
        return True
    return retracts_or_keeps(folded)


def retracts_or_keeps(folded: str) -> bool:
    """The (folded) text withdraws a wish or keeps what it has: "hat sich erledigt", "ich bleibe doch", "keep it"."""
    return any(c.regex.search(folded) for c in (lx.RETRACTED, lx.RETRACTED_LOCAL, lx.KEEP))


class WishText:
    """The text a ticket is read from (folded, with the original spelling), prepared for `judge`."""

    def __init__(self, folded: str, original: str, products: list[tuple[int, int, str]]) -> None:
        self.folded = folded
        self.original = original
        self.spans = sentence_spans(folded)
        self._span_starts = [s for s, _ in self.spans]
        self.follow_up = lx.FOLLOW_UP.search(folded) is not None
        self.info_only = lx.INFO_ONLY.search(folded) is not None
        self.products = [
            _Mention(a, b, p) for a, b, p in products if p in PRODUCTS_OF_OURS and not self._modified(a, folded)
        ]
        product_spans = [(a, b) for a, b, p in products if p in PRODUCTS_OF_OURS]
        others: list[_Mention] = []
        for kind, cue in (("other_strong", lx.OTHER_OBJECTS_STRONG), ("other_weak", lx.OTHER_OBJECTS_WEAK)):
            for m in cue.finditer(folded):
                a, b = m.start(), m.end()
                if any(x < b and a < y for x, y in product_spans) or any(o.start < b and a < o.end for o in others):
                    continue
                if lx.NOT_AN_OBJECT_BEFORE.search(folded[max(0, a - 40) : a]):
                    continue  # "wegen des Urlaubs", "nach der Hochzeit": a reason or a time
                others.append(_Mention(a, b, kind))
        # a product named right after another object is that object's ("Fitnessstudio-Mitgliedschaft", "gym membership")
        self.others = sorted(others, key=lambda o: o.start)
        self.retractions = [(m.start(), m.end()) for m in lx.RETRACTED.finditer(folded)]
        self.local_retractions = [(m.start(), m.end()) for m in lx.RETRACTED_LOCAL.finditer(folded)]
        self.keeps = [(m.start(), m.end()) for m in lx.KEEP.finditer(folded)]
        self.cue_positions: list[int] = []  # starts of every wish cue found (set by the caller)
        self.context: str | None = None  # the product a reply's subject names (set by the caller)
        self.body_start = 0  # where the new text starts (after a subject that counts; set by the caller)

    def _modified(self, start: int, folded: str) -> bool:
        before = folded[max(0, start - 25) : start]
        m = re.search(r"([\w]+)[- ]$", before)
        if not m:
            return False
        word = m.group(1)
        return bool(lx.OTHER_OBJECTS_STRONG.regex.fullmatch(word)) and not lx.PRODUCTS["club"].regex.fullmatch(word)

    # -- spans -------------------------------------------------------------------------------
    def sentence_of(self, pos: int) -> int:
        return max(0, bisect_right(self._span_starts, pos) - 1)

    def clause(self, start: int, end: int) -> tuple[int, int]:
        """The clause of a cue: cut at punctuation and at words that open a new clause ("und", "weil", "dass")."""
        cs, ce = clause_bounds(self.folded, start, end)
        opened = [cs + m.start() for m in lx.CLAUSE_STARTS.finditer(self.folded[cs:start])]
        if opened:
            cs = opened[-1]
        m = lx.CLAUSE_STARTS.search(self.folded[end:ce])
        if m:
            ce = end + m.start()
        return cs, ce

    # -- the verdict -------------------------------------------------------------------------
    def judge(self, intent: str, start: int, end: int, product: str | None, cue_starts: list[int]) -> Verdict:
        folded = self.folded
        cs, ce = self.clause(start, end)
        neg = self._negated(start, end, cs, ce, cue_starts)
        retracted = self._retracted(intent, start, end, product)
        tense = self._tense(start, end, cs)
        obj, obj_text = self._object(intent, start, end, cs, ce, product)
        why_not: str | None = None
        if neg:
            why_not = "negated"
        elif retracted:
            why_not = "retracted"
        elif tense == "past":
            why_not = "past"
        elif obj == "other":
            why_not = "other_object"
        elif (
            lx.HYPOTHETICAL.search(folded[cs:start])
            or _THIRD_PARTY.match(folded[cs:start])
            or (
                self.info_only
                and (
                    self._asked_as_question(start)
                    or start < self.body_start
                    or _NOUN_CUE.fullmatch(folded[start:end]) is not None  # "I'd like to understand your refund policy"
                )
            )
        ):
            why_not = "hypothetical"
        elif self._mention_only(start, end) or _TOPIC_BEFORE.search(folded[max(0, start - 25) : start]):
            why_not = "mention"
        elif _inside_quotes(folded, start, end):
            why_not = "quoted"
        return Verdict(why_not is None, why_not, neg or retracted, tense, obj, obj_text)

    def _negated(self, start: int, end: int, cs: int, clause_end: int, cue_starts: list[int]) -> bool:
        if negated(self.folded, start, conditional_ok=True) or self._negated_before(cs, start):
            return True
        after = self.folded[end : max(clause_end, end)]
        # "Verlängern oder pausieren müsst ihr nichts": two cues joined share the negator after the second
        co = _COORDINATED.match(self.folded, end, end + 12)
        if co and co.end() in cue_starts:
            word = _WORDS.match(self.folded, co.end())
            if word:
                after = self.folded[word.end() : max(self.clause(co.end(), word.end())[1], word.end())]
        # "Die Pause, um die ich gebeten hatte, brauche ich doch nicht": the clause goes on after a relative clause
        rel = _RELATIVE_AFTER.match(self.folded, max(clause_end, end))
        if rel and not after.strip():
            after = self.folded[rel.end() : self.clause(rel.end(), rel.end())[1]]
        m = _NEG_AFTER.match(after)
        if not m:
            v = _NEG_CLAUSE_END.match(after)
            if v is None:
                return False
            between = v.group("between")
            if _NOT_ENOUGH.search(between):
                return False  # "sechs Wochen Verlängerung reichen mir nicht": the customer wants more
            return not (_NEW_SUBJECT.search(between) and not _MODAL_BEFORE_SUBJECT.search(between))
        rest = m.group("rest")
        if _NEG_AFTER_NOT.match(rest):
            return False
        # "pausieren, nicht kündigen" / "pause not cancel": the negator belongs to the next cue
        neg_end = end + m.end("neg")
        return not any(neg_end <= c <= neg_end + 25 for c in cue_starts)

    def _negated_before(self, cs: int, start: int) -> bool:
        """A negator among the last four words of the cue's own clause ("NOT asking for a refund")."""
        words = _WORDS.findall(self.folded[cs:start])[-4:]
        if _CONDITIONAL.search(self.folded[cs:start]):
            return False  # "wenn ihr nicht verlängert, ..." still asks
        for i, w in enumerate(words):
            if w in lx.NEGATORS or w in _MORE_NEGATORS or w.endswith("n't"):
                nxt = words[i + 1] if i + 1 < len(words) else ""
                if nxt in _PARTICLES or (w in ("nicht", "not") and nxt in ("nur", "only", "just")):
                    continue
                return True
        return False

    def _mention_only(self, start: int, end: int) -> bool:
        """A noun naming a wish in a sentence that asks for nothing ("Die Rückgabefrist läuft bald ab")."""
        cue = self.original[start:end]
        if not _NOUN_CUE.fullmatch(self.folded[start:end]):
            return False
        # a German noun is written with a capital; an English one has a determiner ("a refund", not "refund me")
        if not cue[:1].isupper() and not _DETERMINER_BEFORE.search(self.folded[max(0, start - 12) : start]):
            return False
        i = self.sentence_of(start)
        s, e = self.spans[i] if self.spans else (0, len(self.folded))
        if s < self.body_start:
            return False  # a subject names its request with a noun ("Austritt aus dem Club")
        sentence = self.folded[s:e]
        if len(_WORDS.findall(sentence)) <= 4 or self._asked_as_question(start):
            return False  # a subject line, "Verlängerung bitte", a question
        return not (self._present_in(s, e) or lx.REQUEST_NOUN.search(sentence))

    def _retracted(self, intent: str, start: int, end: int, product: str | None) -> bool:
        """A retraction in the cue's clause, or one that points back at it ("Das hat sich erledigt.")."""
        i = self.sentence_of(start)
        for marks, kind in ((self.retractions, "any"), (self.local_retractions, "local"), (self.keeps, "keep")):
            keep = kind == "keep"
            if keep and intent not in LEAVE_INTENTS:
                continue
            for a, b in marks:
                j = self.sentence_of(a)
                if j not in (i, i + 1):
                    continue
                cs, ce = self.clause(a, b)
                own = [c for c in self.cue_positions if cs <= c < ce and not (a <= c < b)]
                if own:
                    if cs <= start < ce and not (a <= start < b):
                        return True  # "die Rückgabe hat sich erledigt", "Kündigen will ich doch nicht mehr"
                    continue
                if kind == "local":
                    continue
                named = {p.kind for p in self.products if cs <= p.start < ce}
                if named and not keep:
                    continue  # "Den Club brauche ich nicht mehr": a reason to leave, not a retraction
                if (
                    intent in LEAVE_INTENTS
                    and start < a
                    and _NEED.search(self.folded, a, b)
                    and not lx.CONTRAST.search(self.folded[end:a])
                ):
                    continue  # "den Club kündigen, ich brauche ihn nicht mehr": not needing it is why they leave
                if keep and named and product not in named:
                    continue  # "Das Programm behalte ich" does not keep the Club
                if a <= start < b:
                    return True  # the retraction is the cue itself ("withdraw my cancellation")
                if j == i:
                    if start < a and (
                        not lx.CONTRAST.search(self.folded[end:a])
                        or _POINTS_BACK.search(self.folded[max(0, a - 12) : a])
                    ):
                        return True  # "..., das hat sich erledigt", "…, aber ehrlich: die brauche ich nicht mehr"
                    continue
                # the next sentence points back when it has no wish of its own before the retraction
                ns = self.spans[j][0]
                if any(ns <= c < a for c in self.cue_positions):
                    continue
                if keep and self._own_object(start, end):
                    continue  # "Kann ich nur das Rezeptpaket zurückgeben? Das Programm behalte ich."
                return True
        return False

    def _asked_as_question(self, start: int) -> bool:
        """The cue's sentence ends with a question mark."""
        _, e = self.spans[self.sentence_of(start)] if self.spans else (0, len(self.folded))
        return self.original[e : e + 1] == "?"

    def _owner_of_other(self, p: _Mention) -> bool:
        """A product named as the owner of another object ("die Ratenzahlung für mein Programm", "the invoice for the
        program"): the object is the other thing."""
        before = self.folded[max(0, p.start - 30) : p.start]
        m = _OWNER_BEFORE.search(before)
        if not m:
            return False
        head = max(0, p.start - 30) + m.start()
        return any(o.kind == "other_strong" and o.end == head + len(m.group("obj")) for o in self.others)

    def _own_object(self, start: int, end: int) -> bool:
        """The cue's clause names what it is about: a product or an object, or a German noun."""
        cs, ce = self.clause(start, end)
        if any(cs <= m.start < ce for m in (*self.products, *self.others)):
            return True
        s, _ = self.spans[self.sentence_of(start)] if self.spans else (0, 0)
        for m in _NOUN.finditer(self.original, max(cs, s), ce):
            if m.start() == s or start <= m.start() < end or m.group() in _NOT_NOUNS:
                continue
            if not self.original[s : m.start()].strip():
                continue  # the first word of a sentence is capitalised anyway
            return True
        return False

    def _tense(self, start: int, end: int, cs: int) -> str:
        folded = self.folded
        i = self.sentence_of(start)
        s, e = self.spans[i] if self.spans else (0, len(folded))
        clause = folded[cs:start]
        cue_text = folded[start:end]
        clause_after = folded[end : self.clause(start, end)[1]]
        present = self._present_in(cs, start) or self._present_in(end, end + len(clause_after))
        past = self._past_in(cs, start, cue_text) or bool(lx.PAST_TIME.search(clause_after))
        if (lx.PAST_AUX.search(clause_after) or lx.PERFECT_AUX.search(clause_after)) and not self._present_in(
            end, end + len(clause_after)
        ):
            # "deine Rückgabe ist eingegangen", "the refund has been processed": a report of its state
            past = past or bool(lx.PAST_PARTICIPLE.search(cue_text) or lx.PAST_PARTICIPLE.search(clause_after))
        # a clause opened by "dass"/"weil" or a zu-infinitive ("..., das Programm zurückzugeben") hangs on the one before
        subordinate = _SUBORDINATE_START.match(clause) is not None or (
            _ZU_INFINITIVE.search(cue_text) is not None and cs > s and folded[cs - 1 : cs + 1].strip(" ") in (",", "")
        )
        if subordinate and self._past_in(s, cs, ""):
            past = True
            present = False  # "ich hatte geschrieben, dass ich kündigen will": the wish is reported
        if past and not present:
            if self.follow_up:
                return "present"  # written before and still open: "ich warte noch auf eine Antwort"
            # "..., hätte aber gerne noch eine" / "Ginge das nochmal?": a later clause or sentence asks again
            rest = folded[end:e]
            if lx.AGAIN.search(rest) and self._present_in(end, e):
                return "present"
            for j in range(i + 1, min(i + 3, len(self.spans))):
                ns, ne = self.spans[j]
                if any(ns <= c < ne for c in self.cue_positions):
                    break
                asks = self._present_in(ns, ne) or self.original[ne : ne + 1] == "?"
                if lx.AGAIN.search(folded[ns:ne]) and asks:
                    return "present"
            return "past"
        return "present"

    def _present_in(self, a: int, b: int) -> bool:
        if a >= b:
            return False
        if lx.PRESENT_WISH.search(self.folded[a:b]):
            return True
        # Konjunktiv II spelled with an umlaut reads as a wish ("hätte gern", "würde gern", "wäre möglich")
        for m in re.finditer(r"\b(?:hatte|hatten|wurde|wurden|ware|waren)\b", self.folded[a:b]):
            if self._umlaut_at(a + m.start() + 1):
                return True
        return False

    def _past_in(self, a: int, b: int, cue_text: str) -> bool:
        if a >= b and not cue_text:
            return False
        seg = self.folded[a:b]
        if cue_text and lx.PAST_PARTICIPLE.search(cue_text) and _AUX_RIGHT_BEFORE.search(seg):
            return True  # "my permit was extended", "mein Club wurde pausiert"
        for m in lx.PAST_AUX.finditer(seg):
            pos = a + m.start()
            word = m.group()
            if word in (
                "hatte",
                "hatten",
                "hattest",
                "hattet",
                "wurde",
                "wurden",
                "wurdest",
                "wurdet",
                "waren",
                "war",
                "warst",
                "wart",
            ) and self._umlaut_at(pos + 1):
                continue  # "hätte", "würde", "wären": a wish, not the past
            if word in ("wollte", "wollten", "wolltet") and re.match(
                r"\w+\s+(?:\w+\s+){0,2}(?:fragen|nachfragen|bitten|wissen|erkundigen|mitteilen|ask)", self.folded[pos:]
            ):
                continue  # "ich wollte fragen, ob ...": polite present
            if word == "wanted" and re.match(r"wanted\s+to\s+(?:ask|know|check)", self.folded[pos:]):
                continue
            if word == "was" and not re.search(
                r"\b(?:i|we|it|my|this|that|he|she)\s+was\b", self.folded[max(0, pos - 8) : pos + 3]
            ):
                continue
            if word in ("was", "war", "were", "waren") and not (
                lx.PAST_PARTICIPLE.search(seg) or lx.PAST_PARTICIPLE.search(cue_text)
            ):
                continue  # "ich war krank und ...": a state, not a report of a wish
            return True
        if lx.PAST_TIME.search(seg):
            return True
        if lx.PERFECT_AUX.search(seg) and (lx.PAST_PARTICIPLE.search(seg) or lx.PAST_PARTICIPLE.search(cue_text)):
            # "habe ... gefragt", "hat ... verlängert" (not "kann ... verlängert werden")
            tail = self.folded[b : b + 20]
            if not re.match(r"\s*(?:werden|wird|to be|be)\b", tail):
                return True
        return False

    def _pronoun_in(self, cs: int, ce: int) -> bool:
        """A pronoun standing for a thing in the clause; a German article before its noun is none ("die verlorene
        Zeit", "das Programm": a capitalised word right after it, or after one word in between)."""
        for m in lx.PRONOUN_OBJECT.finditer(self.folded[cs:ce]):
            if m.group(0) in ("die", "den", "das", "diese", "diesen", "dieses") and _NOUN_AFTER.match(
                self.original, cs + m.end()
            ):
                continue
            return True
        return False

    def _pronoun_at(self, start: int, end: int) -> bool:
        """A pronoun right at the cue, its object ("Kann ich den zurückgeben?", "return it"), not an "it" of "is it
        possible"."""
        before = _WORDS.findall(self.folded[max(0, start - 32) : start])[-4:]
        after = _WORDS.findall(self.folded[end : end + 8])[:1]
        german = {"es", "die", "den", "das", "ihn", "sie", "diese", "diesen", "dieses"}
        return bool(german & set(before)) or bool({"it", "them", "this", "that"} & set(after))

    def _umlaut_at(self, pos: int) -> bool:
        return 0 <= pos < len(self.original) and self.original[pos] in "äÄüÜ"

    def _object(
        self, intent: str, start: int, end: int, cs: int, ce: int, product: str | None
    ) -> tuple[str | None, str | None]:
        i = self.sentence_of(start)
        s, e = self.spans[i] if self.spans else (0, len(self.folded))
        means = lx.BY_BUYING.search(self.folded, cs, ce)
        if means:
            return "other", self.original[means.start() : means.end()]
        head = [o for o in self.others if o.kind == "other_strong" and o.start <= start and end <= o.end]
        if head:
            return "other", self.original[head[0].start : head[0].end]  # "Stornorechnung", "Vertragsverlängerung"
        in_clause = [p for p in self.products if cs <= p.start < ce and not self._owner_of_other(p)]
        in_sentence = [p for p in self.products if s <= p.start < e]
        strong_here = [x for x in self.others if x.kind == "other_strong" and s <= x.start < e]
        if in_clause:
            nearest = min(in_clause, key=lambda p: abs(p.start - start))
            if nearest.kind == "purchase" and strong_here and all(p.kind == "purchase" for p in in_sentence):
                # "das Paket zurückgeben, die Küchenwaage ist mit einem Sprung angekommen": a parcel of another
                # shop's; a bare parcel or order is ours only when nothing else is named with it
                return "other", self.original[strong_here[0].start : strong_here[0].end]
            return _product(nearest.kind), None
        others = [o for o in self.others if cs <= o.start < ce and not (o.start < end and start < o.end)]
        ps = self.spans[i - 1][0] if i > 0 else s
        near_products = [p for p in self.products if ps <= p.start < e]
        for o in sorted(others, key=lambda o: abs(o.start - start)):
            # a weak object is ours when a product of ours is named, unless its sentence names a thing of another
            # and none of ours ("die Lieferung zurückschicken, der Mixer ist kaputt")
            if (
                o.kind == "other_strong"
                or (strong_here and not in_sentence)
                or not (near_products or self.products or self.context)
            ):
                return "other", self.original[o.start : o.end]
        if intent in ("extend", "pause", "refund") and product == "newsletter":
            return "other", None  # e-mails are not paused, extended or refunded as a goodwill gesture
        pronoun = self._pronoun_in(cs, ce)
        if not others and (not in_sentence or pronoun):
            # nothing named in the clause: the nearest thing named before, in this sentence or the one before
            before = [m for m in (*self.products, *self.others) if ps <= m.start < start and not (cs <= m.start < ce)]
            if not before and i > 1 and (self._pronoun_at(start, end) or (intent == "refund" and not near_products)):
                # the sentence before names nothing ("Leider ist er zu laut."): a thing bought or borrowed elsewhere
                # one further back is what goes back ("den Mixer bei Amazon bestellt … Kann ich den zurückgeben?")
                pps = self.spans[i - 2][0]
                if _ACQUIRED.search(self.folded, pps, ps):
                    before = [m for m in self.others if pps <= m.start < ps and m.kind == "other_strong"]
            if not before and (pronoun or self._pronoun_at(start, end)) and not in_sentence and i + 1 < len(self.spans):
                # nothing named before the pronoun: the thing the next sentence names, if it is another's and no
                # product of ours is named there ("Kannst du das bitte verlängern? Ich hab den Bibliotheksausweis
                # nicht dabei.")
                ns, ne = self.spans[i + 1]
                after = [m for m in self.others if ns <= m.start < ne and m.kind == "other_strong"]
                if after and not any(ns <= p.start < ne for p in self.products):
                    return "other", self.original[after[0].start : after[0].end]
            if before:
                last = max(before, key=lambda m: m.start)
                # "das Buch … bei Thalia bestellt": the buying of the thing named right before it
                prior = [m for m in before if m.start < last.start]
                bought = max(prior, key=lambda m: m.start) if prior else None
                if (
                    last.kind == "purchase"
                    and bought is not None
                    and bought.kind == "other_strong"
                    and self.sentence_of(bought.start) == self.sentence_of(last.start)
                ):
                    last = bought
                if pronoun and (last.kind == "other_strong" or (last.kind == "other_weak" and not near_products)):
                    return "other", self.original[last.start : last.end]
                if (
                    intent == "refund"
                    and last.kind == "other_strong"
                    and not near_products
                    and not _PAPER.search(self.folded[last.start : last.end])
                ):
                    # "Wie kann ich das Buch zurückgeben? Ich möchte mein Geld zurück.": the money of that thing
                    return "other", self.original[last.start : last.end]
        return (_product(product) if product and product in PRODUCTS_OF_OURS else None), None


def _product(kind: str) -> str:
    return "program" if kind == "purchase" else kind


_WORDS = re.compile(r"[\w']+")
# A pronoun right before a retraction points it back at the wish, across a contrast ("aber die brauche ich nicht mehr").
_POINTS_BACK = re.compile(r"(?:^|[\s:,])(?:die|den|das|diese|diesen|dieses|it|that|this)\s+$")
_OWNER_BEFORE = re.compile(r"(?P<obj>\w+)\s+(?:fur|furs|for|of|zum|zur)\s+(?:\w+\s+)?$")  # folded: "für" is "fur"
_ACQUIRED = re.compile(r"\b(?:bestellt|gekauft|geliehen|ausgeliehen|bought|ordered|borrowed|purchased)\b")
_NOUN_AFTER = re.compile(r" (?:[a-zäöüß][\w-]* )?[A-ZÄÖÜ]")
_COORDINATED = re.compile(r"\s*(?:oder|und|bzw\.?|or|and)\s+")
_MORE_NEGATORS = frozenset({"nichts", "nix", "nothing", "keinesfalls"})
_PARTICLES = frozenset(
    {"einfach", "auch", "vielleicht", "eventuell", "irgendwie", "mal", "bitte", "etwa", "evtl", "doch", "just"}
)
_CONDITIONAL = re.compile(r"\b(?:wenn|falls|sofern|sonst|if|unless|otherwise)\b")
# A relative clause right after the cue's clause: ", um die ich gebeten hatte," / ", die ich hatte,".
_RELATIVE_AFTER = re.compile(
    r"\s*,\s*(?:um |von |mit |für )?(?:die|den|das|der|dem|welche\w*|which|that|who)\b[^,.;!?\n]{0,80},"
)
# Papers and messages: nothing bought, so no money of theirs to refund ("das Formular … Bitte endlich erstatten.").
_PAPER = re.compile(
    r"formular|rechnung|invoice|bill|mail|quittung|beleg|gutschrift|newsletter|benachrichtigung|notification|"
    r"erinnerung|reminder|push|einwilligung|einverst|consent|ticket|call|termin|appointment"
)
# A retraction that says the thing is not needed: after a wish to leave it, the reason for leaving.
_NEED = re.compile(r"brauch|\bneed|gebraucht")
# A relative clause about someone else: "my employer, who is reimbursing the cost".
_THIRD_PARTY = re.compile(
    r"^\s*(?:who|which|whom|der|die)\s+(?:is|are|was|were|has|have|hat|haben|ist|sind|will|wird)\b"
)
# A cue that is a noun: it names a wish; in a sentence asking for nothing it is only a mention.
_NOUN_CUE = re.compile(
    r"\w*(?:ung|gabe|pause|start|tritt|bruch|stieg|zahlung|stattung|buchung)\w*|\w*ruf"
    r"|refunds?|extensions?|cancell?ations?|withdrawals?|restart|returns?|chargeback"
)
_DETERMINER_BEFORE = re.compile(
    r"\b(?:a|an|the|my|your|our|this|that|any|first|further|second|another|for|of)\s+(?:\w+\s+)?$"
)
_TOPIC_BEFORE = re.compile(
    r"\b(?:frage|fragen|question|questions|info|infos|information)\s+(?:zu[rm]?|about|on|regarding|wegen)\s+(?:\w+\s+)?$"
)
_NOT_ENOUGH = re.compile(r"\b(?:reich\w*|genüg\w*|genug|enough|suffice\w*)\b")
_AUX_RIGHT_BEFORE = re.compile(
    r"\b(?:was|were|has been|have been|had been|wurde|wurden|ist|sind|war|waren|worden|hat|haben|habt|hattet)\s+"
    r"(?:\w+\s+){0,4}$"
)
_ZU_INFINITIVE = re.compile(r"\w+zu\w+en\b|^zu ")
_NOUN = re.compile(r"\b[A-ZÄÖÜ][a-zäöüß]{2,}[\w-]*")
_NOT_NOUNS = frozenset(
    {"Sie", "Ihr", "Ihre", "Ihren", "Ihnen", "Ihrem", "Ihrer", "Euch", "Eure", "Euer", "Dich", "Dir", "Dein", "Deine"}
)
_SUBORDINATE_START = re.compile(r"[\s,]*" + lx.SUBORDINATE.regex.pattern)
_QUOTE_MARKS = re.compile(r"[\"“”„«»]")


def _inside_quotes(folded: str, start: int, end: int) -> bool:
    """The cue sits between double quote marks in its sentence: someone else's words, a title."""
    s, e = sentence_bounds(folded, start, end)
    before = len(_QUOTE_MARKS.findall(folded[s:start]))
    after = len(_QUOTE_MARKS.findall(folded[end:e]))
    return before % 2 == 1 and after >= 1
