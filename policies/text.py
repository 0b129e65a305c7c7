"""Turn a raw Groove message body into the customer's NEW text, and fold it for matching.

Groove hands us HTML or plain text that often still carries the quoted earlier mails
("Am ... schrieb ...:", "> " lines, Outlook headers) and a signature. Only the new text
may decide the classification: a quoted support reply says "Verlängerung" as well.
"""
from __future__ import annotations

import html
import re
from bisect import bisect_left, bisect_right
from html.parser import HTMLParser

# Block-level tags end a line; everything else is inline.
_BLOCK_TAGS = frozenset(
    {"p", "div", "br", "li", "ul", "ol", "tr", "table", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "section", "pre"}
)
_SKIP_TAGS = frozenset({"style", "script", "head", "title", "blockquote"})
# Mail clients mark the quoted part with these classes (Gmail, Yahoo, Thunderbird, Outlook web, Apple).
_QUOTE_CLASS = re.compile(r"gmail_quote|yahoo_quoted|moz-cite-prefix|divRplyFwdMsg|OutlookMessageHeader|AppleOriginalContents|gmail_signature|x_gmail_quote", re.I)


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip_stack: list[str] = []  # open tags whose content we drop

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._skip_stack:
            if tag not in ("br", "hr", "img", "meta", "input", "wbr"):
                self._skip_stack.append(tag)
            return
        cls = " ".join(v or "" for k, v in attrs if k in ("class", "id"))
        if tag in _SKIP_TAGS or (cls and _QUOTE_CLASS.search(cls)):
            self._skip_stack.append(tag)
            return
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if not self._skip_stack and tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if self._skip_stack:
            # Pop up to the matching tag; tolerate sloppy HTML.
            if tag in self._skip_stack:
                while self._skip_stack and self._skip_stack.pop() != tag:
                    pass
            return
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip_stack:
            self.parts.append(data)


_HTML_HINT = re.compile(r"<\s*(?:p|div|br|html|body|span|blockquote|table|b|i|strong|em|a|ul|li|font)\b[^>]*>", re.I)


def looks_like_html(body: str) -> bool:
    return bool(_HTML_HINT.search(body))


def html_to_text(body: str) -> str:
    parser = _TextExtractor()
    try:
        parser.feed(body)
        parser.close()
    except Exception:  # malformed HTML: fall back to a tag strip rather than failing the ticket
        return html.unescape(re.sub(r"<[^>]+>", " ", body))
    return "".join(parts for parts in parser.parts)


# --- quoted earlier mails ------------------------------------------------------------
# A line that starts the quoted part: everything from it on is an earlier mail.
_QUOTE_START = re.compile(
    r"""^\s*(?:
        -{2,}\s*(?:original\s+message|urspr(?:ü|ue|u)ngliche\s+nachricht|weitergeleitete\s+nachricht|forwarded\s+message)\s*-{2,}
      | _{10,}
      | (?:von|from)\s*:\s*.+\n\s*(?:gesendet|sent|datum|date|an|to)\s*:
      | (?:am|on)\s[^\n]{4,160}?(?:schrieb|wrote|geschrieben)[^\n]{0,80}:?\s*$
      | (?:am|on)\s[^\n]{4,120}\n[^\n]{0,120}(?:schrieb|wrote)[^\n]{0,80}:\s*$
      | begin\s+forwarded\s+message
      | anfang\s+der\s+weitergeleiteten\s+nachricht
    )""",
    re.I | re.M | re.X,
)

# Sign-offs: the rest of the mail is the signature. Must stand on a short line of their own.
_SIGNOFF = re.compile(
    r"""^[ \t]*(?:
        (?:liebe|viele|beste|herzliche|freundliche|sonnige|schöne|schoene|liebste|allerliebste|lieben|vielen)\s+gr(?:ü|ue|u)(?:ß|ss)(?:e|en)?
      | mit\s+(?:freundlichen|besten|lieben|herzlichen)\s+gr(?:ü|ue|u)(?:ß|ss)(?:e|en)?
      | gr(?:ü|ue|u)(?:ß|ss)(?:e)?(?:\s+\w+)?
      | mfg | lg | vg | bg | glg
      | (?:best|kind|warm)\s+regards | regards | best\s+wishes | cheers | best | thanks(?:\s+in\s+advance)?|many\s+thanks|thank\s+you
      | danke(?:\s+und\s+gr(?:ü|ue|u)(?:ß|ss)e)?(?:\s+im\s+voraus)?
      | vielen\s+dank(?:\s+und\s+(?:liebe|viele)\s+gr(?:ü|ue|u)(?:ß|ss)e)?(?:\s+im\s+voraus)?
      | gesendet\s+(?:von|mit)\s+.+ | von\s+meinem\s+\w+\s+gesendet | sent\s+from\s+my\s+.+ | get\s+outlook\s+for\s+.+
      | --\s?
    )[ \t,.!:]*(?-i:[A-ZÄÖÜ][\w'.-]*(?:[ \t]+[A-ZÄÖÜ][\w'.-]*){0,3})?[ \t,.!]*$""",
    re.I | re.M | re.X,
)
# Device footers are cut wherever they stand.
_DEVICE_FOOTER = re.compile(
    r"^\s*(?:gesendet\s+(?:von|mit)\s+(?:meinem|der|dem)\b.*|von\s+meinem\s+\S+\s+gesendet.*|sent\s+from\s+my\s+.*|get\s+outlook\s+for\s+.*)$",
    re.I | re.M,
)
_PS_LINE = re.compile(r"^\s*p\.?\s?s\.?\b", re.I)


def strip_quotes(text: str) -> str:
    """Drop quoted earlier mails: everything from the first quote header, and '>' lines."""
    m = _QUOTE_START.search(text)
    if m and text[: m.start()].strip():
        text = text[: m.start()]
    lines = [ln for ln in text.split("\n") if not ln.lstrip().startswith(">")]
    return "\n".join(lines)


def strip_signature(text: str) -> str:
    """Cut the sign-off and what follows it (name, phone, device footer); keep a 'PS:' line."""
    text = _DEVICE_FOOTER.sub("", text)
    for m in _SIGNOFF.finditer(text):
        before = text[: m.start()]
        if not before.strip():
            continue  # a sign-off as the very first line is not a signature
        rest = text[m.end():]
        # A sign-off followed by a long paragraph is a phrase inside the text ("Danke euch ..."), not the end.
        rest_lines = [ln for ln in rest.split("\n") if ln.strip()]
        if len(rest_lines) > 8:
            continue
        ps = [ln for ln in rest.split("\n") if _PS_LINE.match(ln)]
        # keep PS lines (and what follows a PS line in the same paragraph)
        keep = ""
        if ps:
            idx = rest.find(ps[0])
            keep = "\n" + rest[idx:]
        return before.rstrip() + keep
    return text


_WS = re.compile(r"[ \t\u00a0\u200b]+")
_BLANKS = re.compile(r"\n\s*\n+")


def customer_text(body: str) -> str:
    """The customer's new text of one message body (HTML or plain)."""
    if not body:
        return ""
    text = body.replace("\r\n", "\n").replace("\r", "\n")
    if looks_like_html(text):
        text = html_to_text(text)
    else:
        text = html.unescape(text) if "&" in text else text
    text = _WS.sub(" ", text)
    text = strip_quotes(text)
    text = strip_signature(text)
    text = _BLANKS.sub("\n\n", text)
    return text.strip()


# --- folding for matching ------------------------------------------------------------
# Length-preserving: offsets in the folded text are offsets in the original, so evidence
# can quote the customer's own spelling. Patterns spell umlauts as (ue|u) etc. (see lexicon).
_FOLD = str.maketrans({"ä": "a", "ö": "o", "ü": "u", "Ä": "a", "Ö": "o", "Ü": "u", "’": "'", "‘": "'", "´": "'", "`": "'",
                       "“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "‚": "'", "é": "e", "è": "e", "á": "a", "à": "a"})


def fold(text: str) -> str:
    """Lower-case and drop umlaut dots without changing the length."""
    low = text.lower()
    if len(low) != len(text):  # rare characters whose lower case is longer (e.g. 'İ')
        low = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    return low.translate(_FOLD)


# --- spans --------------------------------------------------------------------------
_SENTENCE_END = re.compile(r"[.!?;]+(?=\s|$)|\n")
_CLAUSE_END = re.compile(r"[.!?;:,()\n\u2013\u2014]|\s-\s")
# A dot after these does not end a sentence ("ca. 6 Wochen", "z.B.", "3. März").
_ABBREV = frozenset({"ca", "bzw", "z.b", "zb", "dr", "nr", "u.a", "usw", "evtl", "ggf", "inkl", "bspw", "vs", "etc", "mr", "mrs",
                     "ms", "st", "str", "tel", "d.h", "o.ä", "u.u", "jan", "feb", "mär", "apr", "jun", "jul", "aug", "sep", "sept",
                     "okt", "oct", "nov", "dez", "dec", "e.g", "i.e", "prof", "frau", "hr", "fr"})
_WORD_BEFORE = re.compile(r"([\w.]+)$")


def _is_sentence_end(text: str, m: re.Match[str]) -> bool:
    if m.group() != "." :
        return True
    w = _WORD_BEFORE.search(text, max(0, m.start() - 12), m.start())
    if not w:
        return True
    word = w.group(1).lower().rstrip(".")
    return not (word.isdigit() and len(word) <= 2 or word in _ABBREV)


# Sentence marks of the last few texts (the folded and the original text of the ticket being read).
_MARKS: dict[int, tuple[str, list[int], list[int]]] = {}


def _sentence_marks(text: str) -> tuple[list[int], list[int]]:
    """(starts, ends) of the sentence-ending marks of `text`, computed once per text."""
    cached = _MARKS.get(id(text))
    if cached is None or cached[0] is not text:
        marks = [m for m in _SENTENCE_END.finditer(text) if _is_sentence_end(text, m)]
        if len(_MARKS) >= 4:
            _MARKS.clear()
        cached = _MARKS[id(text)] = (text, [m.start() for m in marks], [m.end() for m in marks])
    return cached[1], cached[2]


def sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """Start and end offsets of the sentence around [start, end)."""
    starts, ends = _sentence_marks(text)
    # the last mark that ends at or before `start` opens the sentence
    i = bisect_right(ends, start) - 1
    s = ends[i] if i >= 0 else 0
    j = bisect_left(starts, end)
    return s, (starts[j] if j < len(starts) else len(text))


def clause_before(text: str, start: int, limit: int = 80) -> str:
    """The text of the clause before `start` (back to the last comma / sentence end), at most `limit` chars."""
    lo = max(0, start - limit)
    chunk = text[lo:start]
    cut = 0
    for m in _CLAUSE_END.finditer(chunk):
        cut = m.end()
    return chunk[cut:]


def clause_after(text: str, end: int, limit: int = 60) -> str:
    chunk = text[end : end + limit]
    m = _CLAUSE_END.search(chunk)
    return chunk[: m.start()] if m else chunk


def clause_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    s, e = sentence_bounds(text, start, end)
    for m in _CLAUSE_END.finditer(text, s, start):
        s = m.end()
    m = _CLAUSE_END.search(text, end, e)
    return s, (m.start() if m else e)


def snippet(original: str, start: int, end: int, width: int = 110, clause: bool = False) -> str:
    """The sentence (or clause) around a match, in the customer's own spelling, for the note's evidence line."""
    s, e = clause_bounds(original, start, end) if clause else sentence_bounds(original, start, end)
    if not clause and e < len(original) and original[e] in "?!":
        e += 1  # a question mark tells the agent it was asked
    text = original[s:e].strip()
    if len(text) <= width:
        return text
    pad = max(20, (width - (end - start)) // 2)
    a, b = max(s, start - pad), min(e, end + pad)
    while a > s and not original[a - 1].isspace():
        a -= 1
    while b < e and not original[b].isspace():
        b += 1
    return ("…" if a > s else "") + original[a:b].strip() + ("…" if b < e else "")
