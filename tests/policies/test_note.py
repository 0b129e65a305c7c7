"""The German internal note: structure, brevity, safety, and the follow-up for a changed decision."""

from __future__ import annotations

import re
from datetime import date

from policies.model import Customer, Evidence, HistoryEntry
from policies.render.note import MAX_WORDS, render_change_note, word_count
from tests.policies.rules_kit import approved, run

ALLOWED_TAGS = {"p", "b", "ul", "li"}


def tags_in(note: str) -> set[str]:
    return set(re.findall(r"</?([a-z]+)", note))


def test_the_note_is_structured_what_why_what_now_with_simple_html() -> None:
    d = run(
        "program_extension",
        Customer(program_end_date=date(2026, 12, 31)),
        evidence=(Evidence("program_extension", "könnt ihr mein Programm verlängern"),),
    )
    assert d.note.index("Was:") < d.note.index("Warum:") < d.note.index("Was jetzt:")
    assert tags_in(d.note) <= ALLOWED_TAGS
    assert "K-EXT-1" in d.note and "„könnt ihr mein Programm verlängern“" in d.note


def test_the_note_says_what_is_missing_and_what_to_ask() -> None:
    d = run("club_cancellation", Customer(), explicit_exit=True, reason="illness")
    assert "Fehlt / nachfragen:" in d.note and "Attest anfordern" in d.note


def test_an_unknown_contact_is_named_in_the_note() -> None:
    assert "Kein Kontakt in AC" in run("program_return", Customer(known=False)).note


def test_side_requests_are_mentioned() -> None:
    d = run("program_return", Customer(program_purchase_date=date(2026, 11, 1)), secondary=("club_cancellation",))
    assert "Außerdem: Club-Austritt" in d.note


def test_even_a_crowded_case_stays_within_the_word_limit() -> None:
    long_quote = "ich schreibe euch jetzt zum fünften Mal und langsam reicht es mir wirklich " * 3
    customer = Customer(
        program_end_date=date(2026, 12, 31),
        tags=("kulanz_verlaengerung", "kulanz_gewaehrt"),
        history=(
            approved("program_extension", date(2025, 5, 2)),
            HistoryEntry(date(2026, 1, 1), "abuse", "escalate", False),
        ),
        known=False,
    )
    d = run(
        "program_extension",
        customer,
        abusive=True,
        timing_not_right=True,
        reason="no_time",
        reason_text=long_quote,
        secondary=("club_cancellation", "program_return"),
        evidence=(Evidence("program_extension", long_quote), Evidence("abusive", long_quote)),
    )
    assert word_count(d.note) <= MAX_WORDS
    assert "Coaching-Gespräch" in d.note and "Ruhig bleiben" in d.note  # decision and next steps survive


def test_a_changed_decision_gets_a_short_follow_up_naming_before_now_and_why() -> None:
    before = run("club_cancellation", Customer(club_start_date=date(2026, 3, 1)), explicit_exit=True, reason="illness")
    after = run(
        "club_cancellation",
        Customer(club_start_date=date(2026, 3, 1)),
        explicit_exit=True,
        reason="illness",
        documents=("attest",),
    )
    note = render_change_note(before, after)
    assert note.startswith("<p><b>Neue Nachricht der Kund:in: Entscheidung geändert.</b>")
    assert "Vorher: Info fehlt" in note and "Jetzt: genehmigen (K-CLUB-EXIT)" in note
    assert "Nachweis jetzt da: ärztliches Attest" in note
    assert "Vertraulichkeitserklärung" in note and "Warum:" not in note
    assert tags_in(note) <= ALLOWED_TAGS and word_count(note) <= MAX_WORDS


def test_a_change_of_request_type_is_named() -> None:
    before = run("unclear")
    after = run("club_cancellation", Customer(), explicit_exit=True, reason="weight_gain")
    assert "Anliegen jetzt Club-Austritt" in render_change_note(before, after)
