"""Documents count from attachments only (docs/policy.md §4), and the reader's confidence means something:
lower for a guess, and below the pack's `classifier.min_confidence` the type becomes `unclear` (K-1).

The examples are made up for these tests; none is taken from the labelled corpus.
"""

from __future__ import annotations

from datetime import date

import pytest

from policies.decide import decide
from policies.model import Customer, Ticket
from policies.pack.loader import load_pack
from policies.pack.params import param, validate_pack
from policies.pack.schema import PackError
from policies.reading.classify import classify
from policies.render.note import QUESTIONS, text
from policies.rules.common import Line
from tests.policies.classify_kit import read

TODAY = date(2026, 11, 23)


def _decide(body: str, attachments: tuple[str, ...] = (), customer: Customer | None = None):  # type: ignore[no-untyped-def]
    ticket = Ticket(number=9, subject="", body=body, attachments=attachments)
    return decide(ticket, customer or Customer(club_start_date=date(2025, 1, 1)), TODAY)


# -- family 4: documents -----------------------------------------------------------------------------------


def test_a_document_the_text_claims_without_an_attachment_is_missing() -> None:
    c = read("Ich bin arbeitslos und möchte den Club beenden. Die Bescheinigung der Arbeitsagentur habe ich angehängt.")
    assert c.facts.documents == ()
    assert c.facts.documents_claimed == ("unemployment_certificate",)


def test_a_claimed_document_that_is_missing_asks_for_it_and_says_the_attachment_is_missing() -> None:
    d = _decide(
        "Wegen meiner Chemotherapie möchte ich den Club vorzeitig kündigen. Mein ärztliches Attest ist beigefügt."
    )
    assert (d.request_type, d.outcome) == ("club_cancellation", "needs_info")
    assert "laut Text angehängt" in d.note and "kein Anhang" in d.note


def test_the_coach_refund_with_a_claimed_but_missing_attest_asks_for_it() -> None:
    d = _decide("Ich bin schwer erkrankt und möchte die Coach-Ausbildung abbrechen und mein Geld zurück. Attest anbei.")
    assert (d.request_type, d.outcome) == ("coach_refund", "needs_info")
    assert "laut Text angehängt" in d.note


def test_an_unnamed_attachment_is_the_document_the_text_names() -> None:
    c = read("Ich möchte den Club wegen meiner Krankheit kündigen. Attest anbei.", attachments=("scan_0042.pdf",))
    assert c.facts.documents == ("attest",)
    assert c.facts.documents_claimed == ()
    d = _decide("Ich möchte den Club wegen meiner Krankheit kündigen. Attest anbei.", attachments=("scan_0042.pdf",))
    assert d.outcome == "approve"


def test_a_screenshot_is_no_document_even_when_the_text_says_attest() -> None:
    c = read("Club kündigen bitte, ich bin krank. Attest anbei.", attachments=("Bildschirmfoto 2026-11-02.png",))
    assert c.facts.documents == () and c.facts.documents_claimed == ("attest",)


def test_the_note_line_for_a_claimed_document_names_its_kind() -> None:
    assert text(Line("document_claimed_missing", {"kind": "attest"})) == (
        "Das Attest ist laut Text angehängt, im Ticket ist aber kein Anhang – bitte nachfordern."
    )
    assert text(Line("document_claimed_missing", {"kind": "unemployment_certificate"})).startswith(
        "Die Arbeitslosenbescheinigung ist laut Text angehängt"
    )


# -- family 5: confidence ----------------------------------------------------------------------------------


def test_a_reading_is_less_sure_when_two_request_types_compete() -> None:
    one = read("Ich möchte meine Club-Mitgliedschaft für zwei Monate pausieren.")
    two = read("Ich möchte meine Club-Mitgliedschaft für zwei Monate pausieren und mein Programm zurückgeben.")
    assert two.confidence < one.confidence


def test_a_reading_is_less_sure_when_the_only_cue_is_weak() -> None:
    weak = read("Kann ich den Start verschieben?")
    strong = read("Kann ich das Programm pausieren?")
    assert weak.confidence < strong.confidence


def test_a_hedged_wish_is_less_sure() -> None:
    hedged = read("Ich überlege, ob ich den Club kündige.")
    plain = read("Ich kündige den Club.")
    assert hedged.confidence < plain.confidence


def test_a_reading_only_the_subject_supports_is_less_sure() -> None:
    subject_only = read("Hallo, ich war drei Wochen krank.", subject="Programm pausieren")
    body = read("Hallo, ich war drei Wochen krank. Bitte mein Programm pausieren.")
    assert subject_only.confidence < body.confidence


_GUESS = "Vielleicht könnte ich den Start verschieben, oder eher etwas mehr Zeit bekommen?"


def test_a_hedged_wish_between_two_request_types_becomes_unclear() -> None:
    c = read(_GUESS)
    assert c.request_type == "unclear"
    assert c.confidence < param(load_pack("goodwill"), "classifier.min_confidence")
    assert c.clarify in {kind for kind, _ in QUESTIONS}


def test_the_pack_threshold_decides_what_is_still_a_guess() -> None:
    pack = load_pack("goodwill")
    raw = {**pack.raw, "classifier": {"min_confidence": 0.3}}
    lenient = type(pack)(id=pack.id, version=pack.version, tenant=pack.tenant, raw=raw)
    assert classify(Ticket(number=1, subject="", body=_GUESS), lenient).request_type == "program_extension"


def test_the_shipped_pack_sets_the_classifier_threshold() -> None:
    assert load_pack("goodwill").raw["classifier"]["min_confidence"] == param(
        load_pack("goodwill"), "classifier.min_confidence"
    )


@pytest.mark.parametrize("value", [1.5, -0.1, "0.5", True])
def test_a_threshold_outside_zero_to_one_is_refused(value: object) -> None:
    raw = {**load_pack("goodwill").raw, "classifier": {"min_confidence": value}}
    with pytest.raises(PackError, match=r"classifier\.min_confidence"):
        validate_pack(raw, "test.toml")


def test_a_misspelt_classifier_key_is_refused() -> None:
    raw = {**load_pack("goodwill").raw, "classifier": {"min_confidense": 0.5}}
    with pytest.raises(PackError, match=r"classifier\.min_confidense"):
        validate_pack(raw, "test.toml")
