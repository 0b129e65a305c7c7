"""Reading a mail: the customer's new words, without quoted mails, signatures and footers, in linear time.

Each file under tests/fixtures/mail/<group>/ is one shape of mail that real clients write (Outlook DE/EN/CH,
Gmail, Apple Mail, Thunderbird, date-first and other languages' headers, '>' quotes, forwards, HTML quote
containers, signatures, legal and mobile footers, and lines that must stay). Its file name says what it shows.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import policies.reading.text as text_module
from policies.reading.text import NEW_TEXT_CAP, Reply, customer_text, html_to_text, read_reply, sentences

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "mail"
SHAPES = sorted(FIXTURES.rglob("*.json"))


def _id(path: Path) -> str:
    return str(path.relative_to(FIXTURES).with_suffix(""))


def test_there_is_a_fixture_for_every_group_of_mail_shapes() -> None:
    groups = {p.parent.name for p in SHAPES}
    assert groups >= {
        "outlook",
        "gmail",
        "apple",
        "thunderbird",
        "headers",
        "quotes",
        "forwards",
        "html",
        "signatures",
        "footers",
        "mobile",
        "kept",
    }


@pytest.mark.parametrize("path", SHAPES, ids=_id)
def test_each_mail_shape_is_read_as_the_customers_new_text(path: Path) -> None:
    shape = json.loads(path.read_text(encoding="utf-8"))
    reply = read_reply(shape["body"], shape["html"])
    assert reply.new_text == shape["new_text"], shape["description"]
    for cut in shape.get("not_in", []):
        assert cut not in reply.new_text
    if "cut_reason" in shape:
        assert reply.cut_reason == shape["cut_reason"]
    for kind in shape.get("removed_has", []):
        assert kind in reply.removed
    if "forwarded" in shape:
        assert reply.forwarded is shape["forwarded"]
    if "forwarded_text_has" in shape:
        assert shape["forwarded_text_has"] in reply.forwarded_text
    assert reply.html is shape["html"]
    assert not reply.capped


@pytest.mark.parametrize("path", SHAPES, ids=_id)
def test_customer_text_is_the_new_text_and_reading_it_again_changes_nothing(path: Path) -> None:
    # The worker reads each customer message, joins them and the classifier reads the joined text again.
    shape = json.loads(path.read_text(encoding="utf-8"))
    once = customer_text(shape["body"])
    assert once == read_reply(shape["body"]).new_text
    assert customer_text(once) == once


def test_the_reply_keeps_what_was_cut_apart_from_the_new_text() -> None:
    body = (
        "Bitte verlängern.\n\nViele Grüße\nAnna\n\nAm 03.03.2026 um 09:14 schrieb intumind Support <s@intumind.example>:\n"
        "> Möchtest du zurückgeben?\n"
    )
    reply = read_reply(body)
    assert reply == Reply(
        "Bitte verlängern.",
        quoted_text=reply.quoted_text,
        signature="Viele Grüße\nAnna",
        cut_reason="sign_off",
        removed=("quote_header", "quote_marks", "sign_off"),
    )
    assert "> Möchtest du zurückgeben?" in reply.quoted_text


def test_html_is_detected_unless_the_caller_says_what_the_body_is() -> None:
    assert read_reply("<p>Hallo <b>Team</b></p><p>bitte pausieren</p>").new_text == "Hallo Team\n\nbitte pausieren"
    assert read_reply("Hallo <b>Team</b>", html=False).new_text == "Hallo <b>Team</b>"
    assert read_reply("Hallo&nbsp;Team", html=True).new_text == "Hallo Team"


def test_a_blockquote_used_for_indenting_is_not_a_quote() -> None:
    body = '<div>Meine Gründe:</div><blockquote style="margin:0 0 0 40px;border:none;padding:0px">ich bin krank</blockquote>'
    assert read_reply(body).new_text == "Meine Gründe:\n\nich bin krank"


def test_html_to_text_marks_quoted_blockquotes_and_keeps_everything_else() -> None:
    assert (
        html_to_text("<p>Ja</p><blockquote type=cite>Willst du?<br>Gruß</blockquote>") == "Ja\n\n> Willst du?\n> Gruß"
    )


def test_the_sentences_of_the_new_text_are_split_as_the_classifier_sees_them() -> None:
    assert sentences("Hallo Team,\nich bin ca. 3 Wochen krank. Geht das? Danke!") == [
        "Hallo Team,",
        "ich bin ca. 3 Wochen krank.",
        "Geht das?",
        "Danke!",
    ]


# --- bounded ------------------------------------------------------------------------------------------------------------
def test_a_body_longer_than_the_cap_is_read_up_to_the_cap_and_says_so() -> None:
    line = "Ich möchte mein Programm verlängern, weil ich lange krank war.\n"
    reply = read_reply(line * (2 * NEW_TEXT_CAP // len(line)))
    assert reply.capped
    assert NEW_TEXT_CAP - len(line) <= len(reply.new_text) <= NEW_TEXT_CAP
    assert not read_reply(line * 100).capped


def test_a_quote_after_a_long_new_text_is_still_cut_when_the_text_is_under_the_cap() -> None:
    body = (
        "Bitte verlängern.\n" * 2000
        + "\nAm 03.03.2026 um 09:14 schrieb intumind <s@intumind.example>:\n> Zurückgeben?\n"
    )
    reply = read_reply(body)
    assert not reply.capped and "Zurückgeben" not in reply.new_text and reply.cut_reason == "quote_header"


# --- linear (guards, not measurements: the old reader needed 7.5 s and 29 s for the first two) -------------------------
@pytest.mark.timeout(10)
def test_ten_thousand_newlines_are_read() -> None:
    assert read_reply("Hallo\n" + "\n" * 10_000 + "Bitte pausieren.").new_text == "Hallo\n\nBitte pausieren."


@pytest.mark.timeout(10)
def test_eighty_kilobytes_of_br_are_read() -> None:
    assert read_reply("Hallo" + "<br>" * 20_000 + "Bitte pausieren.").new_text == "Hallo\n\nBitte pausieren."


@pytest.mark.timeout(10)
def test_bodies_of_a_megabyte_are_read() -> None:
    plain = read_reply(("Ich möchte pausieren. " * 4 + "\n") * 11_000)
    assert plain.capped and len(plain.new_text) <= NEW_TEXT_CAP
    quoted = read_reply("Ja.\n" + ("> " * 20 + "alt\n") * 20_000)
    assert quoted.new_text == "Ja."
    html = read_reply("<div>Ja.</div>" + "<blockquote type=cite><p>alt</p>" * 40_000)
    assert html.new_text == "Ja."


@pytest.mark.timeout(10)
@pytest.mark.parametrize(
    "junk",
    [
        pytest.param("<a" * 300_000, id="tags that never close"),
        pytest.param("<!--" * 250_000, id="comments that never end"),
        pytest.param("<style>" * 150_000, id="style elements that never end"),
        pytest.param("<div>" * 200_000 + "</span>" * 200_000, id="deep nesting closed by the wrong tags"),
        pytest.param("On 1 May 2020 X\n" * 60_000, id="lines that all start like a quote header"),
        pytest.param("Von: a\n" * 150_000, id="lines that all look like an Outlook field"),
        pytest.param("&amp;&#1234;&nbsp;" * 60_000, id="entities only"),
        pytest.param("x" * 1_000_000, id="one line of a megabyte"),
        pytest.param(("on 1 " + "a" * 200 + " wrote ") * 4_000, id="a megabyte line full of wrote"),
    ],
)
def test_broken_or_hostile_bodies_of_a_megabyte_are_read(junk: str) -> None:
    reply = read_reply("Hallo.\n" + junk)
    assert reply.new_text.startswith("Hallo")


class _Counting:
    """A compiled pattern that counts its calls and remembers the longest text it was given."""

    def __init__(self, pattern: re.Pattern[str]) -> None:
        self.pattern, self.calls, self.longest = pattern, 0, 0

    def _count(self, s: str, pos: int = 0) -> None:
        self.calls += 1
        self.longest = max(self.longest, len(s) - pos)

    def match(self, s: str, pos: int = 0, *args: int) -> re.Match[str] | None:
        self._count(s, pos)
        return self.pattern.match(s, pos, *args)

    def search(self, s: str, pos: int = 0, *args: int) -> re.Match[str] | None:
        self._count(s, pos)
        return self.pattern.search(s, pos, *args)

    def finditer(self, s: str, pos: int = 0, *args: int):  # type: ignore[no-untyped-def]
        self._count(s, pos)
        return self.pattern.finditer(s, pos, *args)

    def sub(self, repl: str, s: str, count: int = 0) -> str:
        self._count(s)
        return self.pattern.sub(repl, s, count)


# The patterns the line scan applies to single lines (or a few lines joined).
LINE_PATTERNS = (
    "_REPLY_HEADER",
    "_NAME_EMAIL_WROTE",
    "_DATE_FIRST",
    "_HEADER_START",
    "_SEPARATOR",
    "_SEP_DASHES",
    "_FORWARD_SEP",
    "_FORWARD_INTRO",
    "_FIELD",
    "_INLINE_FIELD",
    "_DEVICE_FOOTER",
    "_TRAILING_LINK",
    "_LEGAL_FOOTER",
    "_SIGNOFF",
    "_DASH_NAME",
    "_DELIMITER",
    "_QUOTE_MARKS",
    "_WS",
    "_MIDLINE_START",
)


def _work(body: str, monkeypatch: pytest.MonkeyPatch) -> tuple[int, int]:
    """(calls of the line patterns, longest text one call was given) while reading `body`."""
    counters = {name: _Counting(getattr(text_module, name)) for name in LINE_PATTERNS}
    with monkeypatch.context() as m:
        for name, counter in counters.items():
            m.setattr(text_module, name, counter)
        read_reply(body)
    return sum(c.calls for c in counters.values()), max(c.longest for c in counters.values())


def test_the_line_patterns_see_each_line_a_bounded_number_of_times_on_bounded_text(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Work per line is bounded (each call gets at most two header lines), and doubling the mail doubles the calls:
    # nothing is looked at again as the mail grows, which is what made the old multi-line regexes quadratic.
    unit = (
        "Hallo Team,\nOn 3 May I wrote about it.\nVon: mir\n\n> Am 1.1.2026 schrieb X:\n> alt\n"
        "Antwort darunter, bitte verlängern.\n" + "\n" * 5 + "—\n"
    )
    small, longest = _work(unit * 200, monkeypatch)
    large, _ = _work(unit * 400, monkeypatch)
    assert longest <= 2 * text_module._MAX_HEADER_LINE
    assert 1.8 * small <= large <= 2.2 * small
