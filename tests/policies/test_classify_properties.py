"""Properties over arbitrary input: the classifier never fails and always returns a well-formed reading."""

from __future__ import annotations

import time

from hypothesis import given, settings
from hypothesis import strategies as st

from policies.model import REQUEST_TYPES
from policies.reading.classification import DOCUMENT_KINDS, NOT_WEIGHTY_REASONS, WEIGHTY_REASONS
from tests.policies.classify_kit import read

WORDS = [
    "Hallo",
    "ich",
    "möchte",
    "nicht",
    "krank",
    "kündigen",
    "Club",
    "Programm",
    "verlängern",
    "pausieren",
    "Rückgabe",
    "Ausbildung",
    "Prüfung",
    "Idiot",
    "ihr",
    "!!!",
    "KEINER",
    "ANTWORTET",
    "6",
    "Wochen",
    "12.03.2026",
    "Attest",
    "anbei",
    "<p>",
    "</p>",
    "<br>",
    "&amp;",
    ">",
    "Am",
    "schrieb",
    ":",
    "Liebe",
    "Grüße",
    "\n",
    ",",
    ".",
    "?",
    "refund",
    "please",
    "Geld",
    "zurück",
    "oder",
    "wenn",
    "meldet",
    "mich",
    "ab",
    "Newsletter",
    "Mitgliedschaft",
    '"',
    "'",
    "-",
    "ß",
    "…",
]
texts = st.lists(st.sampled_from(WORDS), max_size=60).map(" ".join) | st.text(max_size=300)


@settings(max_examples=300, deadline=None)
@given(subject=st.text(max_size=40), body=texts, attachments=st.lists(st.text(max_size=20), max_size=3))
def test_any_ticket_gets_a_well_formed_reading(subject: str, body: str, attachments: list[str]) -> None:
    c = read(body, subject=subject, attachments=tuple(attachments))
    assert c.request_type in REQUEST_TYPES and c.request_type != "fair_use"
    assert 0.0 <= c.confidence <= 1.0
    assert c.severity in (None, "severe") and (c.severity is None or c.abusive)
    assert c.facts.reason is None or c.facts.reason in WEIGHTY_REASONS | NOT_WEIGHTY_REASONS
    assert set(c.facts.documents) <= set(DOCUMENT_KINDS)
    assert c.facts.language in ("de", "en")
    assert c.facts.duration_days is None or c.facts.duration_days > 0
    assert (c.clarify is not None) == (
        c.request_type == "unclear" or (c.request_type == "club_cancellation" and not c.facts.explicit_exit)
    )
    assert c.request_type not in c.secondary_types
    assert all(e.text for e in c.evidence)


def test_an_empty_ticket_is_other_without_evidence() -> None:
    c = read("", subject="")
    assert (c.request_type, c.abusive, c.evidence) == ("other", False, ())


def test_a_very_long_mail_is_still_read_quickly() -> None:
    body = (
        "Ich möchte mein Programm um 4 Wochen verlängern, ich war krank. " * 3
        + "\n\nAm 01.03.2026 schrieb intumind:\n"
        + "> Lorem ipsum dolor sit amet, Rückgabe Kündigung.\n" * 2000
    )
    started = time.perf_counter()
    c = read(body)
    assert c.request_type == "program_extension"
    assert time.perf_counter() - started < 1.0
