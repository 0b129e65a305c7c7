"""Turn a raw Groove message body into the customer's NEW text, and fold it for matching.

Groove hands us HTML or plain text that often still carries the quoted earlier mails
("Am ... schrieb ...:", "> " lines, Outlook headers), a signature and device or legal footers.
Only the new text may decide the classification: a quoted support reply says "Verlängerung" as well.

`read_reply(body)` reads one body in a single pass over its lines (`Reply`: the new text, the quoted
part, the signature, why the new text ended, whether the reading was capped); `customer_text(body)`
is its new text. Every step is linear in the body: HTML is walked tag by tag with a pattern that
cannot run past the next '<' (and `str.find` for the end of a comment or <style>); each line is
matched by anchored patterns on lines of at most `_MAX_HEADER_LINE` characters; a quote header
broken over lines looks at most a few lines ahead; the sign-off search looks only at the last lines.
The reading is bounded too: lines are taken from the body only as the scan gets there, at most
`TEXT_SCAN_CAP` characters of text are scanned and at most `NEW_TEXT_CAP` characters of new text
kept (`Reply.capped` says so).
"""

from __future__ import annotations

import html
import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace

# Bounds. No real customer mail comes near them (the longest corpus ticket is ~3 KB of new text);
# a body that does is read up to here and `Reply.capped` is set so the note can say so.
NEW_TEXT_CAP = 64 * 1024  # characters of new text kept
TEXT_SCAN_CAP = 1024 * 1024  # characters of (HTML-converted) text scanned for new text
MAX_TAGS = 200_000  # HTML tags walked (a long Outlook thread has ~20,000)
QUOTED_CAP = 64 * 1024  # characters of quoted text / signature kept for display
_MAX_HEADER_LINE = 300  # longer lines are never quote headers

# Private-use marks the HTML step leaves on lines of their own; stripped from plain-text bodies.
_MARK = "\ue000"
_BOUNDARY = _MARK + "quote"  # a mail client's quote container starts (gmail_quote, divRplyFwdMsg, ...)
_SIG_MARK = _MARK + "sig"  # a mail client's signature container starts
_HR_MARK = _MARK + "hr"  # a horizontal rule: introduces an Outlook "From:" block


@dataclass(frozen=True)
class Reply:
    """One message body, read.

    new_text     the customer's own words (quotes, signature and footers removed; "" when the body is
                 only a quote). For a forward without a comment: the forwarded mail, `forwarded` set.
    quoted_text  what was cut as quoted earlier mails (at most QUOTED_CAP characters).
    signature    what was cut as sign-off, signature, device or legal footer (at most QUOTED_CAP).
    cut_reason   what ended the new text: "quote_header", "outlook_header", "separator", "forward",
                 "html_quote", "signature", "sign_off", "delimiter", "device_footer", "legal_footer",
                 "only_quote", or None when nothing was cut at the end.
    removed      every kind of thing removed, in order (also "quote_marks" for '>' lines in between).
    forwarded    the body forwards a mail; `forwarded_text` is that mail's text (headers removed),
                 `forwarded_from` the address its header names as the sender ("" when none), lower case.
    capped       the reading stopped at NEW_TEXT_CAP / TEXT_SCAN_CAP: the new text may go on.
    """

    new_text: str
    quoted_text: str = ""
    signature: str = ""
    cut_reason: str | None = None
    removed: tuple[str, ...] = ()
    forwarded: bool = False
    forwarded_text: str = ""
    forwarded_from: str = ""
    capped: bool = False
    html: bool = False


# --- HTML → text ---------------------------------------------------------------------------------
# A linear walk: one token pattern from tag to tag, `str.find` for the end of a comment or a <style>
# (answers remembered, so many unclosed "<!--" stay linear); quoting blockquotes become "> " lines,
# quote and signature containers of mail clients leave a mark line. No HTMLParser: it is not linear
# on broken input.
_VOID = frozenset(
    {
        "br",
        "hr",
        "img",
        "meta",
        "input",
        "wbr",
        "link",
        "area",
        "base",
        "col",
        "embed",
        "param",
        "source",
        "track",
        "o:p",
    }
)
_BLOCK = frozenset(
    {
        "div",
        "li",
        "ul",
        "ol",
        "tr",
        "table",
        "tbody",
        "thead",
        "section",
        "article",
        "header",
        "footer",
        "center",
        "address",
        "dl",
        "dt",
        "dd",
        "form",
        "aside",
        "nav",
        "main",
        "body",
        "html",
        "caption",
        "figure",
        "figcaption",
        "fieldset",
        "details",
        "summary",
    }
)
_PARAGRAPH = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "blockquote"})
_SKIP_CONTENT = frozenset({"style", "script", "title", "template", "textarea", "noscript", "svg", "object"})
_CELL = frozenset({"td", "th"})
# A tag ends at the first '>' and cannot contain '<': every character is looked at at most twice.
_TOKEN = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9:_.-]*)([^<>]*)>|<!--|<[!?][^<>]*>")
_ATTR_TAGS = frozenset({"div", "blockquote", "span", "section", "table", "td", "p", "font", "article"})
# The <br> tags (and white space) right after a <br>: 80 KB of them is a real body (a broken signature).
_BR_RUN = re.compile(r"(?:[ \t\r\n]*<br\s*/?>)*", re.I)
_ATTR = re.compile(r"""\b(class|id|name|type|style)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""", re.I)
# Containers mail clients put around the quoted mail (Gmail, Yahoo, Thunderbird, Outlook web and
# desktop, Apple, Proton, Zoho, GMX/web.de name="quote"); what follows them is an earlier mail.
_QUOTE_CONTAINER = re.compile(
    r"gmail_quote|gmail_attr|yahoo_quoted|moz-cite-prefix|divRplyFwdMsg|OutlookMessageHeader|AppleOriginalContents|"
    r"OLK_SRC_BODY_SECTION|appendonsend|protonmail_quote|zmail_extra|mail_android_quote|reference-message|"
    r"\bquote\b|quoted-content|replyforward|stopSpelling",
    re.I,
)
_SIGNATURE_CONTAINER = re.compile(
    r"gmail_signature|moz-signature|AppleMailSignature|ms-outlook-mobile-signature|(?:^|\s)x?_?signature(?:\s|$)", re.I
)
_BORDER_NONE = re.compile(r"border\s*:\s*none", re.I)
_OUTLOOK_TOP_BORDER = re.compile(r"border-top\s*:\s*solid[^;]{0,40};\s*padding\s*:\s*3\.0pt", re.I)
_HTML_SPACE = re.compile(r"[ \t\n\r\f\v]+")


class _Finder:
    """`str.find` / `pattern.search` that remembers its last answer per needle: scanning forward
    for the same needle again costs nothing until the remembered position is passed."""

    def __init__(self, s: str) -> None:
        self.s = s
        self.memo: dict[object, tuple[int, int]] = {}

    def find(self, needle: str | re.Pattern[str], start: int) -> int:
        memo = self.memo.get(needle)
        if memo is not None and memo[0] <= start and (memo[1] < 0 or memo[1] >= start):
            return memo[1]
        if isinstance(needle, str):
            pos = self.s.find(needle, start)
        else:
            m = needle.search(self.s, start)
            pos = m.start() if m else -1
        self.memo[needle] = (start, pos)
        return pos


def _marks(depth: int) -> str:
    """Quote marks for a depth; deep nesting is cut to a few marks (only "quoted or not" matters, and a
    body of 40,000 nested blockquotes must not become 40,000 lines of 40,000 marks)."""
    return "> " * min(depth, 8)


class _TextOut:
    """Lines of text as they come out of the HTML walk, "> " times the quote depth in front. Finished
    lines wait in `pending` until the walk hands them on."""

    def __init__(self) -> None:
        self.pending: list[str] = []
        self.cur: list[str] = []
        self.cur_depth = 0
        self.depth = 0
        self.size = 0
        self.blank_wanted = False
        self.last_depth = 0  # quote depth of the last line
        self.blanks = -1  # blank lines at the end so far (-1: no line yet)

    def _emit(self, line: str, blank: bool) -> None:
        self.pending.append(line)
        self.size += len(line) + 1
        self.blanks = self.blanks + 1 if blank and self.blanks >= 0 else (0 if not blank else self.blanks)

    def data(self, t: str) -> None:
        if "&" in t:
            t = html.unescape(t)
        if not t.isascii():
            t = _INVISIBLE.sub("", t).replace(_MARK, "")
        t = _HTML_SPACE.sub(" ", t)
        if not self.cur:
            t = t.lstrip(" ")
            if not t:
                return
            if self.blank_wanted and self.blanks == 0:
                self._emit(_marks(min(self.depth, self.last_depth)), True)
            self.blank_wanted = False
            self.cur_depth = self.depth
        self.cur.append(t)

    def newline(self, hard: bool = False) -> None:
        if self.cur:
            self._emit(_marks(self.cur_depth) + "".join(self.cur).rstrip(), False)
            self.cur = []
            self.last_depth = self.cur_depth
        elif hard:
            self.blank_wanted = False
            if self.blanks < 2:  # two blank lines in a row are enough
                self._emit(_marks(self.depth), True)

    def paragraph(self) -> None:
        self.newline()
        self.blank_wanted = True

    def mark(self, mark: str) -> None:
        self.newline()
        if self.depth == 0:
            self.pending.append(mark)


def _attrs(tag_text: str) -> tuple[str, str, str]:
    """(class + id + name, type, style) of a start tag's attribute text."""
    names, typ, style = [], "", ""
    for m in _ATTR.finditer(tag_text, 0, 4000):  # the attributes that matter come first
        key, value = m.group(1).lower(), m.group(2) or m.group(3) or m.group(4) or ""
        if key == "style":
            style = value
        elif key == "type":
            typ = value
        else:
            names.append(value)
    return " ".join(names), typ, style


class _HtmlSource:
    """The text lines of an HTML body, walked as they are asked for: the walk stops where the reading
    stops. `truncated`: it stopped at TEXT_SCAN_CAP characters of text or MAX_TAGS tags."""

    def __init__(self, body: str) -> None:
        self.body = body
        self.truncated = False

    def __iter__(self) -> Iterator[str]:
        body = self.body
        out = _TextOut()
        finder = _Finder(body)
        stack: list[tuple[str, bool]] = []  # open elements: (name, is a quoting blockquote)
        open_count: dict[str, int] = {}
        search = _TOKEN.search
        n, i, tags = len(body), 0, 0
        while True:
            if out.pending:
                lines, out.pending = out.pending, []
                yield from lines
            if out.size >= TEXT_SCAN_CAP or tags >= MAX_TAGS:
                self.truncated = True
                out.newline()
                yield from out.pending
                return
            m = search(body, i)
            if m is None:
                if i < n:
                    out.data(body[i:])
                break
            tags += 1
            j = m.start()
            if j > i:
                out.data(body[i:j])
            i = m.end()
            name = m.group(2)
            if name is None:  # <!-- ... -->, <!DOCTYPE>, <![endif]>, <?xml?>
                if m.group() == "<!--":
                    k = finder.find("-->", i)
                    i = n if k < 0 else k + 3
                continue
            name = name.lower()
            attr_text = m.group(3)
            if m.group(1):  # an end tag
                if open_count.get(name):
                    while stack:
                        top, quoting = stack.pop()
                        open_count[top] -= 1
                        if quoting:
                            out.newline()
                            out.depth -= 1
                        if top == name:
                            break
                if name in _PARAGRAPH:
                    out.paragraph()
                elif name in _BLOCK or name == "br":
                    out.newline(hard=name == "br")
                elif name in _CELL:
                    out.data(" ")
                continue
            if name == "br":
                out.newline(hard=True)
                more = _BR_RUN.match(body, i)  # a run of <br> is one blank line, skipped in one C-level match
                if more is not None and more.end() > i:
                    out.newline(hard=True)
                    i = more.end()
                continue
            if name in _SKIP_CONTENT:
                end = finder.find(_closing_tag(name), i)
                if end < 0:
                    break
                k = finder.find(">", end)
                i = n if k < 0 else k + 1
                continue
            if name == "hr":
                names = _attrs(attr_text)[0] if attr_text else ""
                out.mark(_BOUNDARY if names and _QUOTE_CONTAINER.search(names) else _HR_MARK)
                continue
            if name in _CELL:
                out.data(" ")
            quoting = False
            if name in _ATTR_TAGS and attr_text.strip():
                names, typ, style = _attrs(attr_text)
                if names and _SIGNATURE_CONTAINER.search(names):
                    out.mark(_SIG_MARK)
                elif (names and _QUOTE_CONTAINER.search(names)) or (style and _OUTLOOK_TOP_BORDER.search(style)):
                    out.mark(_BOUNDARY)
                if name == "blockquote":
                    quoting = typ.lower() == "cite" or not _BORDER_NONE.search(style)
            elif name == "blockquote":
                quoting = True
            if name in _VOID or attr_text.endswith("/"):
                if name in _BLOCK or name in _PARAGRAPH:
                    out.newline()
                continue
            if name in _PARAGRAPH:
                out.paragraph()
            elif name in _BLOCK:
                out.newline()
            stack.append((name, quoting))
            open_count[name] = open_count.get(name, 0) + 1
            if quoting:
                out.newline()
                out.depth += 1
        out.newline()
        yield from out.pending


_CLOSING_TAGS: dict[str, re.Pattern[str]] = {}


def _closing_tag(name: str) -> re.Pattern[str]:
    pat = _CLOSING_TAGS.get(name)
    if pat is None:
        pat = _CLOSING_TAGS[name] = re.compile(r"</" + re.escape(name) + r"\b", re.I)
    return pat


_HTML_HINT = re.compile(
    r"<(?:p|div|br|html|body|span|blockquote|table|tr|td|b|i|u|strong|em|ul|ol|li|font|head|meta|img|hr|h[1-6])"
    r"(?:\s[^<>]{0,500})?/?>|<a\s[^<>]{0,500}>|<!doctype\s+html",
    re.I,
)


def looks_like_html(body: str) -> bool:
    """A tag of a mail client's HTML in the first 100 KB (HTML mails start with tags)."""
    return "<" in body and bool(_HTML_HINT.search(body, 0, 100_000))


def html_to_text(body: str) -> str:
    """The readable text of an HTML body: quoting blockquotes as "> " lines, nothing else cut."""
    return "\n".join(ln for ln in _HtmlSource(body) if not ln.startswith(_MARK)).strip()


class _PlainSource:
    """The lines of a plain-text body, split as they are asked for; a run of blank lines comes out as
    one blank line (skipped with one C-level match, so 10 MB of newlines cost nothing). `truncated`:
    it stopped at TEXT_SCAN_CAP characters."""

    def __init__(self, body: str) -> None:
        self.body = body
        self.truncated = False

    def __iter__(self) -> Iterator[str]:
        body, n, pos, budget = self.body, len(self.body), 0, TEXT_SCAN_CAP
        find, blank_run = body.find, _SPACE_RUN.match
        while pos < n:
            j = find("\n", pos)
            if j < 0:
                j = n
            line = body[pos:j]
            budget -= len(line) + 1
            if budget < 0:  # the cap: the part of the line that fits, and no more
                self.truncated = True
                line = line[: max(0, len(line) + budget)]
                if line:
                    yield line
                return
            if not line.isascii():
                line = _INVISIBLE.sub("", line).replace(_MARK, "")
            if "\r" in line:  # "\r\n", or a lone "\r" as a line end
                parts = line.rstrip("\r").split("\r")
                yield from parts[:-1]
                line = parts[-1]
            yield line
            pos = j + 1
            if pos < n and body[pos] in _SPACE_CHARS:
                run = blank_run(body, pos)  # always matches (possibly empty)
                last = body.rfind("\n", pos, run.end()) if run is not None else -1
                if last >= 0:  # blank lines follow: one of them, then the next line with text
                    yield ""
                    pos = last + 1


# --- per-line patterns ---------------------------------------------------------------------------
# All are used with .match on one (stripped, whitespace-collapsed) line of at most _MAX_HEADER_LINE
# characters, or on a few such lines joined: each costs at most a constant times the line length.
_QUOTE_MARKS = re.compile(r"[ \t]*>[ \t>]*")
_SPACE_CHARS = " \t\n\u00a0"
_SPACE_RUN = re.compile("[ \t\n\u00a0]*")  # one character class repeated: a fast C loop, no backtracking
_WS = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u1427\u00ad]+")
_TRAILING_LINK = re.compile(r"\s*(?:<[^<>\s]{1,300}>|\[[^\[\]]{0,80}\]\([^()\s]{1,300}\))$")

# Words that end an "On ... wrote:" line, in the languages we see. A cheap filter before the patterns.
_VERBS = (
    "wrote",
    "writes",
    "schrieb",
    "geschrieben",
    "écrit",
    "ecrit",
    "escribió",
    "escribio",
    "schreef",
    "skrev",
    "scritto",
    "escreveu",
    "napisa",
)


def _has_verb(text: str) -> bool:
    low = text.lower()
    return any(v in low for v in _VERBS)


_EMAIL = r"(?:<\s?[^<>\s]{1,100}@[^<>\s]{1,100}\s?>|\[mailto:[^\[\]\s]{1,100}\]|[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,8})"
# A real client's header has a time, a year or an address in it ("On Monday my doctor wrote:" is no header).
_STAMP = r"(?=.{0,250}(?:\d{1,2}[:.]\d{2}|\d{4}|@))"
_NOT_PRONOUN = r"(?!\s+(?:mir|uns|mich|ich|du|er|sie|wir|ihr|man|mein|meine|meiner|unser|unsere)\b)"
_REPLY_HEADER = re.compile(
    r"""(?:
        (?:-+\s*)?on\s"""
    + _STAMP
    + r""".{2,280}?\b(?:wrote|writes)\s*:\s*-*      # On Tue, May 16, 2017 at 10:20 AM Name <a@x> wrote:
      | (?:-+\s*)?on\s(?=.{0,280}@).{2,280}?\bwrote\s*-*                         # On Wed, 14 Nov 2018 08:14 Name <a@x> wrote
      | -+\s*on\s.{2,280}?\bwrote\s*-+                                            # ------On 12/29/1987 17:32 PM, Name wrote-----
      | -{2,}\s*.{1,150}?\bwrote\s*-{2,}                                          # ---- John Smith wrote ----
      | at\s"""
    + _STAMP
    + r""".{2,120}?\bwrote\s*:                                 # At 6/16/2016 08:32 PM, you wrote:
      | (?:-+\s*)?am\s"""
    + _STAMP
    + r""".{2,280}?\bschrieb\b"""
    + _NOT_PRONOUN
    + r"""(?:.{0,200}:|\s*:?)   # Am 16.05.2017 um 10:20 schrieb Name <a@x>:
      | .{1,200}?\sschrieb\s+am\s"""
    + _STAMP
    + r""".{2,150}:                       # Name <a@x> schrieb am Di., 16. Mai 2017 um 10:20:
      | (?=.{0,200}[@<]).{1,200}?\s(?:hat\s+am\s.{2,100}\s)?(?:schrieb|geschrieben)\s*:   # Name <a@x> schrieb:
      | zitat\s+von\s(?=.{0,200}@).{2,200}:                                       # Zitat von Name <a@x>:
      | (?:-+\s*)?le\s"""
    + _STAMP
    + r""".{2,280}?\ba\s+[ée]crit\s*:?               # Le 15 janv. 2024 à 14:30, Name <a@x> a écrit :
      | (?:-+\s*)?el\s"""
    + _STAMP
    + r""".{2,280}?\bescribi[óo]\s*:?                # El 16 may 2017, a las 10:20, Name escribió:
      | (?:-+\s*)?op\s"""
    + _STAMP
    + r""".{2,280}?\bschreef\b(?:.{0,200}:|\s*:?)    # Op 16 mei 2017 om 10:20 schreef Name <a@x>:
      | (?:-+\s*)?den\s"""
    + _STAMP
    + r""".{2,280}?\bskrev\b(?:.{0,200}:|\s*:?)     # Den 16. maj 2017 kl. 10.20 skrev Name <a@x>:
      | .{2,200}?\bkl\.\s?\d{1,2}[.:]\d{2}\s+skrev\b.{0,200}:                     # tir. 16. maj 2017 kl. 10.20 skrev Name:
      | (?:-+\s*)?il\s"""
    + _STAMP
    + r""".{2,280}?\bha\s+scritto\s*:?               # Il giorno ... ha scritto:
      | (?:-+\s*)?em\s"""
    + _STAMP
    + r""".{2,280}?\bescreveu\s*:?                   # Em ... escreveu:
      | (?:w\s+dniu|dnia)\s"""
    + _STAMP
    + r""".{2,280}?\bnapisa[łl]\w{0,4}(?:\s*\(a\))?\s*:?   # W dniu ... napisał(a):
    )$""",
    re.I | re.X,
)
_NAME_EMAIL_WROTE = re.compile(
    r".{0,200}?"
    + _EMAIL
    + r"\)?\s*(?:wrote|schrieb|a\s+[ée]crit|escribi[óo]|schreef|skrev|ha\s+scritto|escreveu)\s*:$",
    re.I,
)
# Date first, sender last: "30.09.2017, 18.30, X <a@x>:", "2017-11-24 16:32 GMT+01:00 X <a@x>:", "2011/4/7 X <a@x>".
_DATE_FIRST = re.compile(
    r"(?:\d{1,4}[./-]\d{1,2}[./-]\d{1,4}|\d{1,2}\.\s?[a-zäöü]{3,9}\.?\s\d{4})\b.{0,200}?" + _EMAIL + r"\)?\s*:?$", re.I
)
# A line that may start an "On ... wrote:" header broken over several lines (a date in it).
_HEADER_START = re.compile(
    r"(?:-+\s*)?(?:(?:on|am|le|el|op|den|il|em)\s(?=.{0,60}\d)|\d{1,4}[./-]\d{1,2}[./-]\d{1,4}\b)|.{1,200}?\sschrieb\s+am\s|.{1,200}<$",
    re.I,
)
_SEPARATOR = re.compile(
    r"""[-=_*\s]{0,40}(?:
        original(?:\s+|-)?message | original(?:-|\s)?nachricht | original | urspr(?:ü|ue|u)ngliche\s+nachricht
      | urspr\.\s*nachricht | antwort\s+nachricht | message\s+d'origine | message\s+original | mensaje\s+original
      | oorspronkelijk\s+bericht | origineel\s+bericht | oprindelig\s+meddelelse | opprinnelig\s+melding
      | ursprungligt\s+meddelande | messaggio\s+originale | mensagem\s+original | reply\s+message
    )[-=_*\s]{0,40}(?:(?:from|von|de|date|datum|sent|gesendet|subject|betreff)\s*:.*)?$""",
    re.I | re.X,
)
_FORWARD_SEP = re.compile(
    r"""[-=_*\s]{0,40}(?:forwarded\s+message|weitergeleitete\s+(?:nachricht|e-?mail)|message\s+transf[ée]r[ée]
          | mensaje\s+reenviado|doorgestuurd\s+bericht|videresendt\s+(?:meddelelse|melding)
          | vidarebefordrat\s+meddelande|messaggio\s+inoltrato|mensagem\s+encaminhada|forwarded\s+by\s.{1,100}?)[-=_*\s]{0,40}
        (?:(?:from|von|de|date|datum|sent|gesendet|subject|betreff)\s*:.*)?$""",
    re.I | re.X,
)
_FORWARD_INTRO = re.compile(
    r"""(?:begin\s+forwarded\s+message|anfang\s+der\s+weitergeleiteten\s+(?:nachricht|e-?mail)|d[ée]but\s+du\s+message\s+r[ée]exp[ée]di[ée]
      | inicio\s+del\s+mensaje\s+reenviado|begin\s+doorgestuurd\s+bericht|forwarded\s+message|weitergeleitete\s+nachricht)\s*:?$""",
    re.I | re.X,
)
# Separator dashes need two on one side at least ("--- Original ---"), checked separately.
_SEP_DASHES = re.compile(r"[-=_*]{2}|.*[-=_*]{2}\s*$")
# Outlook / Apple / Thunderbird header fields ("Von:", "*From:*", "Gesendet:", ...).
_FIELD = re.compile(
    r"""\*{0,2}(from|von|de|da|van|fra|från|od|sent|gesendet|envoy[ée]|enviado|verzonden|verstuurd|sendt|skickat|inviato
        |date|datum|fecha|data|dato|to|an|à|a|para|aan|til|till|cc|bcc|kopie|subject|betreff|objet|asunto|onderwerp
        |emne|ämne|oggetto|assunto|reply-to|antwort\s+an|importance|wichtigkeit|priorität)\*{0,2}\s*:\s*\*{0,2}\s*(.*)$""",
    re.I | re.X,
)
_FIELD_KIND = {
    **dict.fromkeys(("from", "von", "de", "da", "van", "fra", "från", "od"), "from"),
    **dict.fromkeys(
        (
            "sent",
            "gesendet",
            "envoyé",
            "envoye",
            "enviado",
            "verzonden",
            "verstuurd",
            "sendt",
            "skickat",
            "inviato",
            "date",
            "datum",
            "fecha",
            "data",
            "dato",
        ),
        "date",
    ),
    **dict.fromkeys(("to", "an", "à", "a", "para", "aan", "til", "till"), "to"),
    **dict.fromkeys(("cc", "bcc", "kopie"), "cc"),
    **dict.fromkeys(
        ("subject", "betreff", "objet", "asunto", "onderwerp", "emne", "ämne", "oggetto", "assunto"), "subject"
    ),
}
_INLINE_FIELD = re.compile(r"\b(?:date|sent|to|subject|datum|gesendet|betreff|an)\*{0,2}\s*:", re.I)
_FORWARD_SUBJECT = re.compile(r"(?:wg|fw|fwd|tr|rv|vs|vb|doorst|wtr|enc)\s*:", re.I)

_DEVICE_FOOTER = re.compile(
    r"""(?:
        sent\s+(?:from|with|via|using|on)\s+(?:my\s+|an?\s+|the\s+)?[^,;]{1,60}
      | sent\s+wirelessly\s+from\s.{1,80}
      | (?:get|download)\s+\[?outlook\s+for\s.{1,80}
      | outlook\s+f(?:ü|ue|u)r\s+\S{1,20}\s+(?:beziehen|herunterladen).{0,40}
      | von\s+mein(?:em|er)\s+[^,;]{1,60}?\s+(?:gesendet|verschickt)
      | gesendet\s+(?:von|mit|vom|über|ueber|aus|via)\s+[^,;]{1,60}
      | diese\s+(?:nachricht|e-?mail)\s+wurde\s+(?:von|mit|auf|über|ueber|vom)\s.{1,100}?\s(?:gesendet|versendet|verschickt|geschrieben)
      | envoy[ée]\s+(?:de|depuis|à\s+partir\s+d[e']|avec|par|from)\s.{1,60}
      | enviado\s+(?:desde|de|con)\s.{1,60}
      | (?:verzonden|verstuurd)\s+(?:vanaf|met|van|via)\s.{1,60}
      | sendt\s+fra\s.{1,60} | skickat\s+fr[åa]n\s.{1,60} | inviato\s+da\s.{1,60}
    )(?:[,.;]?\s+(?:please\s+|bitte\s+)?(?:excuse|sorry|pardon|forgive|entschuldig)\w{0,6}\b.{0,60})?[.!]?""",
    re.I | re.X,
)
_LEGAL_FOOTER = re.compile(
    r"""(?:
        this\s+(?:e-?mail|message|communication|transmission)\b.{0,80}?\b(?:confidential|privileged|intended\s+(?:only|solely|for))
      | the\s+(?:information|content|contents)\s+(?:of|in|contained\s+in)\s+this\s+(?:e-?mail|message|communication)
      | if\s+you\s+(?:are\s+not|have\s+received\s+this)\s.{0,40}?(?:intended\s+recipient|in\s+error)
      | (?:confidentiality|legal|privacy)\s+(?:notice|disclaimer|statement|note|warning)\b
      | disclaimer\s*:
      | please\s+consider\s+the\s+environment\s+before\s+printing
      | diese\s+(?:e-?mail|nachricht)\b.{0,80}?\bvertraulich
      | der\s+inhalt\s+dieser\s+(?:e-?mail|nachricht)\b.{0,40}?\bvertraulich
      | (?:wenn|falls|sollten)\s+sie\s+nicht\s+der\s+(?:richtige|beabsichtigte|vorgesehene|bestimmungsgem(?:ä|ae)(?:ß|ss)e)\s+(?:adressat|empf(?:ä|ae)nger)
      | (?:vertraulichkeitshinweis|haftungsausschluss|datenschutzhinweis)\b
      | bitte\s+denken\s+sie\s+an\s+die\s+umwelt
      | (?:sitz\s+der\s+gesellschaft|registergericht|handelsregister|gesch(?:ä|ae)ftsf(?:ü|ue)hr(?:er|erin|ung|ende)|vorstand
          |aufsichtsrat\w{0,12}|ust\.?-?id\.?(?:-?nr\.?)?|steuernummer|steuer-nr\.?)\s*:
      | amtsgericht\s+\S{1,40}.{0,30}?\bhr[ab]\b
    )""",
    re.I | re.X,
)
# Sign-offs: the rest of the new text is the signature. Must stand on a short line of their own
# (a name may follow on the same line).
_SIGNOFF = re.compile(
    r"""[ \t]*(?:
        (?:ganz\s+)?(?:liebe|viele|beste|herzliche|freundliche|sonnige|schöne|schoene|liebste|allerliebste|lieben|vielen|besten|herzlichen)\s+gr(?:ü|ue|u)(?:ß|ss)(?:e|en)?
      | mit\s+(?:freundlichen|besten|lieben|herzlichen|sonnigen|vielen)\s+gr(?:ü|ue|u)(?:ß|ss)(?:e|en)?
      | mit\s+freundlichem\s+gru(?:ß|ss)
      | gr(?:ü|ue|u)(?:ß|ss)(?:e)?(?:\s+\w+)?
      | mfg | lg | vg | bg | glg | herzlichst
      | (?:best|kind|warm|kindest|warmest)\s+regards | regards | best\s+wishes | cheers | best | thanks(?:\s+in\s+advance)?|many\s+thanks|thank\s+you
      | danke(?:\s+und\s+gr(?:ü|ue|u)(?:ß|ss)e)?(?:\s+im\s+voraus)?
      | vielen\s+dank(?:\s+und\s+(?:liebe|viele)\s+gr(?:ü|ue|u)(?:ß|ss)e)?(?:\s+im\s+voraus)?
    )[ \t,.!:]*(?-i:[A-ZÄÖÜ][\w'.-]*(?:[ \t]+[A-ZÄÖÜ][\w'.-]*){0,3})?[ \t,.!]*$""",
    re.I | re.X,
)
_DASH_NAME = re.compile(r"-[A-ZÄÖÜ][\w'.]*(?:\s[A-ZÄÖÜ][\w'.]*)?\.?$")  # "-Abhishek Kona" (not "—Ryan")
_DELIMITER = re.compile(r"[-_=*#~+—–•·]{3,}$")
_PS_LINE = re.compile(r"^\s*p\.?\s?s\.?\b", re.I)


# --- the line scan -------------------------------------------------------------------------------
class _Lines:
    """The lines of a body: the raw line, its quote depth ('>' marks; -1 for a mark line) and its
    text without marks, whitespace collapsed. Taken from the source as the scan gets there (`has`),
    so nothing after the point where the reading stops is split, walked or parsed."""

    __slots__ = ("_lines", "_more", "_source", "depth", "fields", "raw", "text")

    def __init__(self, source: Iterable[str]) -> None:
        self._source = source
        self._lines = iter(source)
        self._more = True
        self.raw: list[str] = []
        self.depth: list[int] = []
        self.text: list[str] = []
        self.fields: dict[int, tuple[str, str] | None] = {}

    @property
    def truncated(self) -> bool:
        """The source stopped at its cap (only known once it is used up)."""
        return bool(getattr(self._source, "truncated", False))

    def has(self, k: int) -> bool:
        """Line k exists; it and the lines before it are parsed."""
        if k < len(self.raw):
            return True
        if self._more:
            self._pull(k + 64)
        return k < len(self.raw)

    def _pull(self, upto: int) -> None:
        raw, depth, text = self.raw, self.depth, self.text
        for line in self._lines:
            raw.append(line)
            if line.startswith(_MARK):
                depth.append(-1)
                text.append(line)
            else:
                d, rest = 0, line
                m = _QUOTE_MARKS.match(line)
                if m:
                    rest = line[m.end() :]
                    d = m.group().count(">")
                    if d and rest.rstrip().endswith("<<"):  # ">>> http://x <<<" is decoration, not a quote
                        d, rest = 0, line
                depth.append(d)
                text.append(_WS.sub(" ", rest).strip())
            if len(raw) >= upto:
                return
        self._more = False

    def field(self, k: int) -> tuple[str, str] | None:
        if k not in self.fields:
            self.fields[k] = _field(self.text[k]) if self.depth[k] >= 0 else None
        return self.fields[k]

    def next_content(self, i: int, limit: int = 12) -> int | None:
        """Index of the next line at or after i with text or a quote/signature mark (blank lines and
        rules skipped), looking at most `limit` lines ahead."""
        for k in range(i, i + limit):
            if not self.has(k):
                return None
            t = self.text[k]
            if t and t != _HR_MARK:
                return k
        return None


def _field(text: str) -> tuple[str, str] | None:
    """(kind, value) of an Outlook-style header field line ("Von: x", "*Sent:* y"), else None."""
    if len(text) > _MAX_HEADER_LINE or ":" not in text[:40]:
        return None
    m = _FIELD.match(text)
    if not m:
        return None
    return _FIELD_KIND.get(m.group(1).lower(), m.group(1).lower()), m.group(2)


def _field_block(lines: _Lines, i: int, after_rule: bool) -> tuple[int, bool] | None:
    """An Outlook/Apple header block starting at line i: (its last line, is a forward), else None.

    Two different fields within a few lines, one of them the sender or the date ("Von:" + "Gesendet:",
    "Date:" + "To:"); a single "From:" line right after a rule or with a second field on the same line."""
    first = lines.field(i)
    if first is None:
        return None
    kinds = {first[0]}
    forward = first[0] == "subject" and bool(_FORWARD_SUBJECT.match(first[1]))
    if first[0] in ("from", "date") and (after_rule or _INLINE_FIELD.search(first[1])):
        kinds.add("second")
    last, blanks, others, depth = i, 0, 0, lines.depth[i]
    for k in range(i + 1, i + 10):
        if not lines.has(k) or lines.depth[k] != depth:
            break
        text = lines.text[k]
        if not text:
            blanks += 1
            if blanks > 2:
                break
            continue
        f = lines.field(k)
        if f is None:
            others += 1
            if others > 2:
                break
            continue
        kinds.add(f[0])
        if f[0] == "subject" and _FORWARD_SUBJECT.match(f[1]):
            forward = True
        last, others, blanks = k, 0, 0
    if len(kinds) >= 2 and kinds & {"from", "date"}:
        return last, forward
    return None


def _reply_header(text: str) -> bool:
    """One (joined) line is an "On ... wrote:" / "Am ... schrieb ...:" / date-first quote header."""
    if len(text) > 2 * _MAX_HEADER_LINE:
        return False
    if _has_verb(text) and (_REPLY_HEADER.match(text) or _NAME_EMAIL_WROTE.match(text)):
        return True
    return text[:1].isdigit() and bool(_DATE_FIRST.match(text))


def _header_at(lines: _Lines, i: int, after_rule: bool) -> tuple[str, int] | None:
    """The quote header starting at line i (depth 0): (kind, its last line), else None.
    Kinds: "separator", "forward", "forward_header" (an Outlook block with a WG:/Fwd: subject),
    "outlook_header", "quote_header"."""
    text = lines.text[i]
    if not text or text.startswith(_MARK):
        return None
    if _SEP_DASHES.match(text):
        head = text[:_MAX_HEADER_LINE]  # a separator may carry the header fields on its line (Yahoo)
        if _SEPARATOR.match(head):
            return "separator", i
        if _FORWARD_SEP.match(head):
            return "forward", i
    if len(text) > _MAX_HEADER_LINE:
        return None
    if _FORWARD_INTRO.match(text):
        return "forward", i
    block = _field_block(lines, i, after_rule)
    if block is not None:
        return ("forward_header" if block[1] else "outlook_header"), block[0]
    if _reply_header(text):
        return "quote_header", i
    if _HEADER_START.match(text):
        # A header broken over lines: join up to four more lines (raw: "> wrote:" and ">:" occur).
        parts, blanks = [text], 0
        for k in range(i + 1, i + 8):
            if not lines.has(k):
                break
            raw = lines.text[k] if lines.depth[k] == 0 else _WS.sub(" ", lines.raw[k]).strip()
            if not raw:
                blanks += 1
                if blanks > 2:
                    break
                continue
            if len(raw) > 200 or raw.startswith(_MARK):
                break
            parts.append(raw)
            if _reply_header(" ".join(parts)):
                return "quote_header", k
            if len(parts) >= 5:
                break
    return None


_MIDLINE_START = re.compile(r"(?:-+\s*)?\b(?:on|am)\s(?=.{0,40}\d)", re.I)


def _midline_header(text: str) -> int | None:
    """Where an "On ... wrote:" header starts in the middle of a line ("reply On ... wrote:")."""
    if len(text) > _MAX_HEADER_LINE or not text.endswith(":") or not _has_verb(text) or _REPLY_HEADER.match(text):
        return None
    for n, m in enumerate(_MIDLINE_START.finditer(text, 1)):
        if n >= 3:
            break
        if _REPLY_HEADER.match(text, m.start()):
            return m.start()
    return None


class _Capped:
    """Collects lines up to a number of characters."""

    def __init__(self, cap: int) -> None:
        self.parts: list[str] = []
        self.left = cap

    def add(self, line: str) -> None:
        if self.left > 0:
            self.parts.append(line[: self.left])
            self.left -= len(line) + 1

    def extend(self, lines: _Lines, start: int, end: int | None = None) -> None:
        """The raw lines from `start` (to `end`, else to the end of the body) while there is room."""
        k = start
        while self.left > 0 and (end is None or k < end) and lines.has(k):
            self.add(lines.raw[k])
            k += 1

    def text(self) -> str:
        return _join_lines(self.parts)


def _join_lines(parts: list[str]) -> str:
    """Lines joined, runs of blank lines as one, marks dropped, stripped."""
    out: list[str] = []
    blank = True
    for p in parts:
        p = p.rstrip()
        if p.startswith(_MARK):
            continue
        if not p.strip("> "):
            if not blank:
                out.append("")
            blank = True
            continue
        out.append(p)
        blank = False
    while out and not out[-1]:
        out.pop()
    return "\n".join(out)


def _is_sig_delimiter(text: str) -> bool:
    return text == "--"


def _soft_cut(kept: list[tuple[int, str]]) -> tuple[int, str] | None:
    """Where the signature starts in the kept lines: (index into `kept`, reason), else None.

    Only the last lines can start it (a sign-off needs at most 8 lines after it, a rule at most 6), so
    only they are looked at: the first sign-off or rule there that is not the first line of the text."""
    nonblank = [k for k, (_, t) in enumerate(kept) if t]
    if len(nonblank) < 2:
        return None
    in_fence = set()
    fence = False
    for k in nonblank:
        t = kept[k][1]
        if t.startswith("```"):
            fence = not fence
            in_fence.add(k)
        elif fence:
            in_fence.add(k)
    window = nonblank[max(1, len(nonblank) - 9) :]
    for pos, k in enumerate(window):
        if k in in_fence:
            continue
        t = kept[k][1]
        rest = len(window) - pos - 1
        if rest <= 8 and len(t) <= 80 and (_SIGNOFF.match(t) or _DASH_NAME.match(t)):
            return k, "sign_off"
        if rest <= 6 and _DELIMITER.match(t):
            after = [kept[x][1] for x in window[pos + 1 :]]
            prev_blank = k > 0 and not kept[k - 1][1]
            if all(len(a) <= 100 for a in after) and (prev_blank or rest <= 2):
                return k, "delimiter"
    return None


def _device_footer(text: str) -> bool:
    if len(text) > 200:
        return False
    text = _TRAILING_LINK.sub("", text)
    m = _DEVICE_FOOTER.match(text)
    return m is not None and m.end() == len(text)


def _scan(lines: _Lines, nested: int = 0) -> Reply:
    """Read the lines top to bottom once: '>' lines are quotes; a quote header followed by a '>'
    quote is dropped with it and the reading goes on (interleaved and bottom-posted replies); a
    header followed by unmarked text, a quote container, "--", a device or legal footer end the new
    text once the customer has written something; the sign-off at the end goes with the signature."""
    kept: list[tuple[int, str]] = []  # (line, text) of the new text; "" for blank lines
    quoted, signature, forwarded_text = _Capped(QUOTED_CAP), _Capped(QUOTED_CAP), _Capped(QUOTED_CAP)
    removed: list[str] = []
    cut_reason: str | None = None  # a hard end of the new text
    tail_reason: str | None = None  # what was removed after the last own line
    forwarded = own = capped = after_rule = fence = False
    forwarded_from = ""
    provisional = False  # the own text so far came after a header at the top: it may be the quoted mail
    size = 0
    first_quote: int | None = None
    i = 0
    while lines.has(i):
        d, text = lines.depth[i], lines.text[i]
        if d > 0 or (d == 0 and text and _sandwiched(lines, i)):
            if first_quote is None:
                first_quote = i
            quoted.add(lines.raw[i])
            if not removed or removed[-1] != "quote_marks":
                removed.append("quote_marks")
            if own and tail_reason is None:
                tail_reason = "quote_marks"
            i += 1
            continue
        if d < 0:  # a mark of the HTML step
            if text == _HR_MARK:
                after_rule = True
                kept.append((i, ""))
            elif own:
                cut_reason = "html_quote" if text == _BOUNDARY else "signature"
                removed.append(cut_reason)
                (quoted if text == _BOUNDARY else signature).extend(lines, i)
                break
            i += 1
            continue
        if not text:
            kept.append((i, ""))
            i += 1
            continue
        if text.startswith("```"):
            fence = not fence
        prefix, hdr = None, None
        if not fence:
            at = _midline_header(text)
            if at is not None:
                prefix, hdr = text[:at].rstrip(" -"), ("quote_header", i)
            else:
                hdr = _header_at(lines, i, after_rule)
        after_rule = False
        if hdr is not None:
            kind, end = hdr
            if prefix:
                kept.append((i, prefix))
                own, tail_reason = True, None
            # Header blocks in a row ("-----Original Message-----" + "From:/Sent:" lines).
            for _ in range(2):
                j = lines.next_content(end + 1)
                if j is None or lines.depth[j] != 0:
                    break
                more = _header_at(lines, j, False)
                if more is None:
                    break
                end = more[1]
                if more[0].startswith("forward") and not kind.startswith("forward"):
                    kind = more[0]
            is_forward = kind.startswith("forward")
            reason = "forward" if is_forward else kind
            # A rule right above the header ("________", "-----") belongs to it.
            while kept and (not kept[-1][1] or _DELIMITER.match(kept[-1][1])):
                kept.pop()
            j = lines.next_content(end + 1)
            quote_follows = j is not None and lines.depth[j] > 0
            if is_forward:
                forwarded = True
                forwarded_from = forwarded_from or _sender(lines, i, end)
                _collect_forward(lines, end + 1, quote_follows, forwarded_text)
            removed.append(reason)
            if quote_follows:
                # The header introduces a '>' quote: drop both, read on (interleaved/bottom-posted replies).
                quoted.extend(lines, i, end + 1)
                if own and tail_reason in (None, "quote_marks"):
                    tail_reason = reason
                i = end + 1
                continue
            if own:
                cut_reason = reason
                quoted.extend(lines, i)
                break
            # A header before any own text: a forward without a comment or a reply written below the
            # header: what follows is what the customer sends us.
            quoted.extend(lines, i, end + 1)
            provisional = True
            i = end + 1
            continue
        if not fence:
            if (
                provisional
                and own
                and (_is_sig_delimiter(text) or _DELIMITER.match(text))
                and _text_follows(lines, i + 1)
            ):
                # Header, quoted mail, "--", then the customer's own lines: written below the quote.
                for _, t in kept:
                    quoted.add(t)
                kept, own, provisional, tail_reason = [], False, False, None
                removed.append("quote_above")
                i += 1
                continue
            footer = None
            if _is_sig_delimiter(text):
                footer = "signature"
            elif _device_footer(text):
                footer = "device_footer"
            elif own and len(text) <= 400 and _LEGAL_FOOTER.match(text):
                footer = "legal_footer"
            if footer is not None:
                removed.append(footer)
                if own:
                    cut_reason = footer
                    signature.extend(lines, i)
                    break
                signature.add(lines.raw[i])  # a footer before any own text: drop just that line
                i += 1
                continue
        kept.append((i, text))
        if not _DELIMITER.match(text):  # a rule alone is nobody's text yet
            own, tail_reason = True, None
        size += len(text) + 1
        if size > NEW_TEXT_CAP:
            kept[-1] = (i, text[: len(text) - (size - NEW_TEXT_CAP)])
            capped = True
            break
        i += 1
    else:
        capped = lines.truncated  # the text ran on past TEXT_SCAN_CAP

    soft = None if capped else _soft_cut(kept)
    if soft is not None:
        k, reason = soft
        tail = kept[k:]
        ps = next((x for x, (_, t) in enumerate(tail) if _PS_LINE.match(t)), None)
        for _, t in tail[:ps]:
            signature.add(t)
        kept = kept[:k] + (tail[ps:] if ps is not None else [])
        removed.append(reason)
        if ps is None:
            cut_reason = reason
    new_text = _join_lines([t for _, t in kept])
    if not new_text and first_quote is not None:
        fwd = _quoted_forward(lines, first_quote) if nested < 2 else None
        if fwd is not None:  # a forward without a comment, all of it quoted (Apple Mail)
            inner = _scan(fwd, nested + 1)
            return Reply(
                inner.new_text,
                quoted_text=quoted.text(),
                signature=inner.signature,
                cut_reason="forward",
                removed=tuple(dict.fromkeys(("forward", *inner.removed))),
                forwarded=True,
                forwarded_text=inner.new_text,
                capped=inner.capped,
            )
        cut_reason = cut_reason or "only_quote"
        removed.append("only_quote")
    return Reply(
        new_text,
        quoted_text=quoted.text(),
        signature=signature.text(),
        cut_reason=cut_reason or tail_reason,
        removed=tuple(dict.fromkeys(removed)),
        forwarded=forwarded,
        forwarded_text=forwarded_text.text() if forwarded else "",
        forwarded_from=forwarded_from,
        capped=capped,
    )


def _text_follows(lines: _Lines, i: int) -> bool:
    """The next line with text is a long line of prose (not a footer): the customer writes on."""
    j = lines.next_content(i, 4)
    if j is None or lines.depth[j] != 0:
        return False
    t = lines.text[j]
    return len(t) > 60 and not t.startswith(_MARK) and not _LEGAL_FOOTER.match(t) and lines.field(j) is None


_ADDRESS = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def _sender(lines: _Lines, start: int, end: int) -> str:
    """The address of the "From:"/"Von:" field among the header lines start..end, lower case ("" when none)."""
    for k in range(start, end + 1):
        f = lines.field(k)
        if f is not None and f[0] == "from":
            m = _ADDRESS.search(f[1])
            if m:
                return m.group(0).lower()
    return ""


def _collect_forward(lines: _Lines, start: int, quoted: bool, out: _Capped) -> None:
    """The forwarded mail's lines from `start`: the '>' block (marks removed) or the rest."""
    k = start
    while out.left > 0 and lines.has(k):
        if quoted and lines.depth[k] == 0 and lines.text[k]:
            break
        out.add(_strip_marks(lines.raw[k]) if quoted else lines.raw[k])
        k += 1


def _strip_marks(raw: str) -> str:
    m = _QUOTE_MARKS.match(raw)
    return raw[m.end() :] if m else raw


def _sandwiched(lines: _Lines, i: int) -> bool:
    """A text line between two quoted lines that looks like a quoted line broken by the wrap
    (indented, a link, or ending in '>'): part of the quote."""
    if i == 0 or not lines.has(i + 1) or lines.depth[i - 1] <= 0 or lines.depth[i + 1] <= 0:
        return False
    raw = lines.raw[i]
    return raw[:1] in (" ", "\t") or "://" in raw or raw.rstrip().endswith(">")


_ONE_MARK = re.compile(r"[ \t]*>[ \t]?")


def _quoted_forward(lines: _Lines, start: int) -> _Lines | None:
    """The quoted part from `start`, one '>' level removed, if it is a forwarded mail."""
    j = lines.next_content(start)
    if j is None or lines.depth[j] <= 0:
        return None
    text = lines.text[j]
    if not (_FORWARD_INTRO.match(text) or (_SEP_DASHES.match(text) and _FORWARD_SEP.match(text))):
        return None
    raw = []
    k = start
    while lines.has(k):
        if lines.depth[k] <= 0 and lines.text[k]:
            break
        r = lines.raw[k]
        m = _ONE_MARK.match(r)
        raw.append(r[m.end() :] if m else r)
        k += 1
    return _Lines(raw)


def read_reply(body: str, html: bool | None = None) -> Reply:
    """Read one message body (HTML or plain text; `html=None`: decide from the body)."""
    if not body:
        return Reply("")
    is_html = looks_like_html(body) if html is None else html
    if is_html:
        return replace(_scan(_Lines(_HtmlSource(body))), html=True)
    if "\n" not in body and "\r" in body:  # old Mac line ends
        body = body.replace("\r", "\n")
    return _scan(_Lines(_PlainSource(body)))


def customer_text(body: str) -> str:
    """The customer's new text of one message body (HTML or plain)."""
    return read_reply(body).new_text


# A comment that only points at the mail below; longer, it says something of its own and the mail below is history.
OWN_MAIL_COMMENT_MAX = 300


def own_mail_below(reply: Reply, sender: str) -> str:
    """The new text of the customer's own earlier mail below the comment (forwarded or quoted), else "".

    Only for a comment of at most OWN_MAIL_COMMENT_MAX characters: a short note on a mail resent is a pointer to it;
    a longer one tells what is wanted now ("statt der Rückgabe lieber …"), and the mail below is an earlier wish."""
    if len(reply.new_text) > OWN_MAIL_COMMENT_MAX:
        return ""
    address = sender.strip().lower()
    if reply.forwarded:
        if reply.forwarded_from != address or not reply.forwarded_text:
            return ""
        return read_reply(reply.forwarded_text).new_text
    below = reply.quoted_text.split("\n", 12)
    head = "\n".join(below[:12])
    m = _ADDRESS.search(head)
    if m is None or m.group(0).lower() != address:
        return ""
    # one level of quote marks off: the mail below read as a mail of its own (its header first)
    unquoted = "\n".join(_strip_one_mark(line) for line in reply.quoted_text.splitlines())
    return read_reply(unquoted).new_text


def _strip_one_mark(line: str) -> str:
    m = _ONE_MARK.match(line)
    return line[m.end() :] if m else line


def sentences(text: str) -> list[str]:
    """The sentences of a text (as `sentence_bounds` sees them), stripped, empty ones left out."""
    _, ends = _sentence_marks(text)
    out, start = [], 0
    for e in [*ends, len(text)]:
        s = text[start:e].strip()
        if s:
            out.append(s)
        start = e
    return out


# --- folding for matching ------------------------------------------------------------
# Length-preserving: offsets in the folded text are offsets in the original, so evidence
# can quote the customer's own spelling. Patterns spell umlauts as (ue|u) etc. (see lexicon).
_FOLD = str.maketrans(
    {
        "ä": "a",
        "ö": "o",
        "ü": "u",
        "Ä": "a",
        "Ö": "o",
        "Ü": "u",
        "’": "'",
        "‘": "'",
        "´": "'",
        "`": "'",
        "“": '"',
        "”": '"',
        "„": '"',
        "«": '"',
        "»": '"',
        "‚": "'",
        "é": "e",
        "è": "e",
        "á": "a",
        "à": "a",
    }
)


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
# Short month names a dot follows ("Mitte Jan.", "ab Sept."): the sentence goes on; policies/reading/extract.py
# reads them as months too.
MONTH_ABBREVIATIONS = frozenset(
    {"jan", "feb", "mär", "mar", "mrz", "apr", "jun", "jul", "aug", "sep", "sept", "okt", "oct", "nov", "dez", "dec"}
)
_ABBREV = MONTH_ABBREVIATIONS | frozenset(
    {
        "ca",
        "bzw",
        "z.b",
        "zb",
        "dr",
        "nr",
        "u.a",
        "usw",
        "evtl",
        "ggf",
        "inkl",
        "bspw",
        "vs",
        "etc",
        "mr",
        "mrs",
        "ms",
        "st",
        "str",
        "tel",
        "d.h",
        "o.ä",
        "u.u",
        "e.g",
        "i.e",
        "prof",
        "frau",
        "hr",
        "fr",
    }
)
_WORD_BEFORE = re.compile(r"([\w.]+)$")


def _is_sentence_end(text: str, m: re.Match[str]) -> bool:
    if m.group() != ".":
        return True
    w = _WORD_BEFORE.search(text, max(0, m.start() - 12), m.start())
    if not w:
        return True
    word = w.group(1).lower().rstrip(".")
    return not ((word.isdigit() and len(word) <= 2) or word in _ABBREV)


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
    after = _CLAUSE_END.search(text, end, e)
    return s, (after.start() if after else e)


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
