"""Request types: typos, English, Du/Sie, mixed requests, unclear wishes, look-alikes."""

from __future__ import annotations

import pytest

from policies.model import Ticket
from policies.pack.loader import load_pack
from policies.reading.classification import Classification
from policies.reading.classify import CLASSIFIER_VERSION, classify
from policies.render.note import QUESTIONS, question_text
from tests.policies.classify_kit import evidence_text, labels, read


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("Ich möchte mein Programm um 4 Wochen verlängern.", "program_extension"),
        ("Gibt es die Möglichkeit eines Kulanzneustarts?", "program_extension"),
        ("Kann ich das Programm pausieren?", "program_pause"),
        ("Ich möchte das Programm zurückgeben.", "program_return"),
        ("Hiermit widerrufe ich meinen Kauf.", "program_return"),
        ("Kann ich meine Club-Mitgliedschaft für 3 Monate pausieren?", "club_pause"),
        ("Ich möchte meine Mitgliedschaft beenden.", "club_cancellation"),
        ("Ich möchte die intueat Coach Ausbildung abbrechen und mein Geld zurück.", "coach_refund"),
        ("Kann ich für die Prüfung noch 6 Wochen mehr Zeit bekommen?", "coach_extension"),
        ("Ich kann mich nicht einloggen.", "other"),
    ],
)
def test_each_request_type_is_recognised_from_a_plain_wish(body: str, expected: str) -> None:
    assert read(body).request_type == expected


def asked(c: Classification) -> str:
    """The suggested question as the note words it (policies/render/note.py), in the customer's address."""
    return question_text(c.clarify, c.address) if c.clarify else ""


def test_typos_and_missing_umlauts_are_understood() -> None:
    assert read("hallo ich moechte das programm zurueck geben").request_type == "program_return"
    assert read("bitte kuendigt meinen club").request_type == "club_cancellation"
    assert read("Rueckgabe bitte, Programm gefaellt mir nicht").request_type == "program_return"
    assert read("kann ich mein programm verlaengern").request_type == "program_extension"
    assert read("ich hätte gern eine Verlengerung für meinen Kurs").request_type == "program_extension"
    assert read("ich verlange mein Geld zurück").request_type == "program_return"  # "verlangen" is not "verlängern"


def test_english_tickets_are_classified_and_marked_english() -> None:
    c = read("Hi, I'd like a refund for the program. It's not for me. Thanks, Jane")
    assert (c.request_type, c.facts.language, c.facts.reason) == ("program_return", "en", "not_for_me")
    assert read("Please cancel my club membership.").request_type == "club_cancellation"
    assert read("Could I get an extension for my coach exam?").request_type == "coach_extension"


def test_du_and_sie_give_the_same_type_and_a_matching_clarifying_question() -> None:
    du = read("Hallo, bitte meldet mich ab.")
    sie = read("Sehr geehrte Damen und Herren, bitte melden Sie mich ab.")
    assert du.request_type == sie.request_type == "unclear"
    assert "Möchtest du" in asked(du)
    assert "Möchten Sie" in asked(sie)


def test_an_ambiguous_unsubscribe_is_unclear_with_a_question() -> None:
    c = read("Bitte meldet mich ab. Danke")
    assert c.request_type == "unclear"
    assert "Newsletter" in asked(c)
    assert "unclear" in labels(c)


def test_a_cancellation_without_an_object_is_unclear() -> None:
    c = read("Hiermit kündige ich. Gruß P. Weber")
    assert c.request_type == "unclear"
    assert "kündigen" in asked(c)


def test_an_unsubscribe_from_the_newsletter_is_not_a_goodwill_case() -> None:
    assert read("Bitte meldet mich vom Newsletter ab, danke!").request_type == "other"


def test_the_goodwill_wish_wins_over_a_side_question() -> None:
    c = read("Zwei Dinge: Ich brauche eine Rechnung. Und ich möchte mein Programm um 2 Wochen verlängern.")
    assert c.request_type == "program_extension"
    assert c.secondary_types == ("other",)


def test_a_second_goodwill_wish_is_kept_as_secondary() -> None:
    c = read("Bitte meldet mich vom Newsletter ab und kündigt außerdem meine Mitgliedschaft im Club.")
    assert c.request_type == "club_cancellation"
    assert c.facts.explicit_exit


def test_torn_between_pausing_and_cancelling_is_unclear() -> None:
    c = read("I'm not sure if I should pause or cancel my club membership. What do you suggest?")
    assert c.request_type == "unclear"
    assert set(c.secondary_types) >= {"club_pause", "club_cancellation"}
    assert c.clarify in {kind for kind, _ in QUESTIONS}


def test_a_negated_wish_does_not_count() -> None:
    c = read("Ich möchte keine Rückgabe, sondern eine Verlängerung um 4 Wochen.")
    assert c.request_type == "program_extension"
    assert read("Ich will nicht kündigen, ich möchte den Club pausieren.").request_type == "club_pause"


def test_a_conditional_is_not_a_negation() -> None:
    assert read("Wenn ihr mein Programm nicht verlängert, beschwere ich mich.").request_type == "program_extension"


def test_not_renewing_the_membership_is_a_cancellation_not_an_extension() -> None:
    c = read("Meine Mitgliedschaft soll sich nicht automatisch verlängern.")
    assert c.request_type == "club_cancellation"


def test_a_coaching_call_is_not_the_coach_training() -> None:
    assert read("Ich hätte gern ein Coaching-Gespräch und möchte mein Programm verlängern.").request_type == (
        "program_extension"
    )


def test_a_refund_of_a_double_charge_is_billing_not_a_return() -> None:
    assert read("Ihr habt mir den Beitrag doppelt abgebucht, bitte erstattet das.").request_type == "other"


def test_thanks_for_an_extension_is_not_a_new_request() -> None:
    assert read("Danke für die Verlängerung, jetzt klappt alles!").request_type == "other"


def test_a_club_request_without_an_explicit_exit_asks_before_ending_anything() -> None:
    c = read("Bitte meldet mich aus dem Club ab.")
    assert c.request_type == "club_cancellation"
    assert not c.facts.explicit_exit
    assert "vorzeitig beenden" in asked(c)


def test_evidence_quotes_the_phrase_that_decided_the_type() -> None:
    c = read("Hallo! Ich habe eine Frage.\nKönnte ich den Club für zwei Monate pausieren?\nLG")
    assert evidence_text(c, "club_pause") == "Könnte ich den Club für zwei Monate pausieren?"


def test_confidence_is_a_probability_and_low_for_a_guess() -> None:
    clear = read("Ich möchte mein Programm zurückgeben.")
    vague = read("Hallo, ich weiß nicht, was ich tun soll. Welche Optionen gibt es?")
    nothing = read("Hallo!")
    for c in (clear, vague, nothing):
        assert 0.0 <= c.confidence <= 1.0
    assert clear.confidence > vague.confidence
    assert nothing.request_type == "other" and nothing.confidence < 0.6


def test_a_pack_can_raise_the_confidence_needed_for_a_goodwill_type() -> None:
    strict = load_pack("goodwill")
    raw = {**strict.raw, "classifier": {"min_confidence": 0.99}}
    pack = type(strict)(id=strict.id, version=strict.version, tenant=strict.tenant, raw=raw)
    c = classify(Ticket(number=1, subject="", body="Kann ich das Programm pausieren?"), pack)
    assert c.request_type == "unclear"
    assert c.secondary_types[0] == "program_pause"


def test_the_classifier_has_a_version_to_record() -> None:
    assert CLASSIFIER_VERSION.startswith("lex-")


def test_the_same_ticket_always_reads_the_same() -> None:
    body = "Ich war krank und möchte das Programm um 4 Wochen verlängern. Attest anbei."
    assert read(body) == read(body)
