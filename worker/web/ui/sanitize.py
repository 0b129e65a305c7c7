"""Allow-list HTML cleaner for the notes shown in the UI.

The notes are our own HTML (policies/render/note.py), but they quote customer text: anything outside a
small set of formatting tags is escaped, and links keep only an http(s) href.
"""

from __future__ import annotations

from html import escape
from html.parser import HTMLParser

from markupsafe import Markup

ALLOWED = frozenset({"p", "b", "strong", "i", "em", "u", "ul", "ol", "li", "br", "small", "a", "blockquote", "code"})
VOID = frozenset({"br"})
DROP_CONTENT = frozenset({"script", "style", "iframe", "object", "template"})


class _Cleaner(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.open: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in DROP_CONTENT:
            self.skipping += 1
            return
        if self.skipping or tag not in ALLOWED:
            return
        if tag == "a":
            href = dict(attrs).get("href") or ""
            if href.startswith(("http://", "https://")):
                self.out.append(f'<a href="{escape(href, quote=True)}" rel="noopener noreferrer" target="_blank">')
            else:
                self.out.append("<a>")
        else:
            self.out.append(f"<{tag}>")
        if tag not in VOID:
            self.open.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VOID and not self.skipping:
            self.out.append(f"<{tag}>")

    def handle_endtag(self, tag: str) -> None:
        if tag in DROP_CONTENT:
            self.skipping = max(0, self.skipping - 1)
            return
        if self.skipping or tag not in self.open:
            return
        while self.open:  # close what was left open inside it
            top = self.open.pop()
            self.out.append(f"</{top}>")
            if top == tag:
                break

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.out.append(escape(data, quote=False))


def clean_html(html: str | None) -> Markup:
    cleaner = _Cleaner()
    cleaner.feed(html or "")
    cleaner.close()
    cleaner.out.extend(f"</{t}>" for t in reversed(cleaner.open))
    return Markup("".join(cleaner.out))
