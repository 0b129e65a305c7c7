"""Facts: reason (with negation), documents, asked duration, dates, flags, language."""

from __future__ import annotations

from datetime import date

import pytest

from tests.policies.classify_kit import evidence_text, labels, read


def test_a_weighty_reason_is_found_and_quoted() -> None:
    c = read("Ich hatte im Februar eine Knie-OP und möchte das Programm verlängern.")
    assert (c.facts.reason, c.facts.reason_weighty) == ("surgery", True)
    assert "Knie-OP" in evidence_text(c, "reason_weighty")


def test_a_negated_illness_is_not_a_reason() -> None:
    c = read("Ich möchte mein Programm zurückgeben, ich bin nicht krank, habe aber einfach keine Zeit.")
    assert (c.facts.reason, c.facts.reason_weighty) == ("no_time", False)
    c = read("I'm not sick, I just don't have enough time. Can I pause the program?")
    assert c.facts.reason == "no_time"


def test_a_weighty_reason_wins_over_a_light_one() -> None:
    c = read("Ich habe keine Zeit, weil ich meine Mutter pflege. Kann ich das Programm verlängern?")
    assert c.facts.reason == "care"


def test_the_not_weighty_reasons_of_seed_000_are_recognised() -> None:
    assert read("Ich möchte den Club kündigen, ich habe zugenommen.").facts.reason == "weight_gain"
    assert read("Ich möchte den Club kündigen, ich habe keinen Erfolg.").facts.reason == "no_success"
    assert read("Ich möchte den Club kündigen, das ist nichts für mich.").facts.reason == "not_for_me"
    assert read("Ich will aus dem Club raus, das Geld kann ich mir sparen.").facts.reason == "money"
    assert read("Ich will aus dem Club raus, ich nutze das seit Monaten nicht mehr.").facts.reason == "not_for_me"


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("Ich möchte den Club kündigen, ich brauche ihn nicht mehr.", "not_for_me"),
        (
            "Genau deshalb möchte ich den Club kündigen: ich habe mein Ziel erreicht und brauche ihn nicht mehr.",
            "not_for_me",
        ),
        ("I want to cancel the Club, I no longer need it.", "not_for_me"),
        ("Ich habe mir vom Club deutlich mehr versprochen. Ich möchte die Mitgliedschaft kündigen.", "dissatisfied"),
        (
            "Ich will nicht mehr für etwas zahlen, das ich kaum nutze. Bitte beendet meine Club-Mitgliedschaft.",
            "not_for_me",
        ),
        (
            "Ich möchte den Club kündigen. Ich war lange krank, inzwischen bin ich wieder gesund, aber er ist nichts mehr "
            "für mich.",
            "not_for_me",
        ),
        (
            "Ich habe im Club vier Kilo zugenommen. Bitte beendet meine Mitgliedschaft.\n\nSandra Pfeiffer",
            "weight_gain",
        ),
    ],
)
def test_why_someone_leaves_the_club_is_read_from_what_they_say_of_it_now(body: str, reason: str) -> None:
    c = read(body)
    assert (c.request_type, c.facts.reason) == ("club_cancellation", reason), c.facts.reason_text


def test_an_illness_that_is_over_still_explains_the_time_lost() -> None:
    c = read("Ich war sechs Wochen krank und bin jetzt wieder fit. Kann ich die Prüfungsfrist verlängern?")
    assert c.facts.reason == "illness"
    assert read("Ich möchte den Club kündigen, ich bin krank und noch nicht wieder fit.").facts.reason == "illness"


def test_a_pregnancys_complication_is_an_illness_and_a_pregnancy_its_own_reason() -> None:
    c = read("Ich muss die Coach-Ausbildung abbrechen. Ich hatte eine Fehlgeburt und bin krankgeschrieben.")
    assert (c.facts.reason, c.facts.reason_weighty) == ("illness", True)
    assert read("Ich muss die Coach-Ausbildung abbrechen, ich bin schwanger.").facts.reason == "pregnancy"


def test_someone_being_laid_off_is_unemployment_not_a_cancellation() -> None:
    c = read("Mir wurde betriebsbedingt gekündigt. Kann ich den Club pausieren?")
    assert (c.request_type, c.facts.reason) == ("club_pause", "unemployment")


def test_a_named_attachment_is_a_document_of_its_kind() -> None:
    c = read("Ich bin arbeitslos und möchte den Club kündigen.", attachments=("ALG1_Bescheid.pdf",))
    assert c.facts.documents == ("unemployment_certificate",)
    assert "document" in labels(c)
    assert read("Bitte verlängern, ich war krank.", attachments=("AU-Bescheinigung.pdf",)).facts.documents == (
        "attest",
    )


def test_a_document_announced_in_the_text_without_an_attachment_is_missing() -> None:
    # docs/policy.md §4: only an attachment is a document; "Attest anbei" alone is a claimed, missing one.
    c = read("Ich war krank und möchte verlängern. Attest anbei.")
    assert (c.facts.documents, c.facts.documents_claimed) == ((), ("attest",))
    c = read("Ich bin arbeitslos, den Bescheid der Arbeitsagentur habe ich angehängt. Bitte Club kündigen.")
    assert (c.facts.documents, c.facts.documents_claimed) == ((), ("unemployment_certificate",))


def test_a_document_promised_for_later_does_not_count() -> None:
    assert read("Ich bin krank und möchte den Club kündigen. Ein Attest reiche ich nach.").facts.documents == ()
    assert (
        read("Ich bin krank. Ein Attest kann ich gern schicken, falls nötig. Club kündigen bitte.").facts.documents
        == ()
    )


def test_an_unnamed_attachment_is_proof_of_the_given_reason_or_unspecified() -> None:
    assert read("Ich bin arbeitslos, Club kündigen bitte.", attachments=("scan_0001.pdf",)).facts.documents == (
        "unemployment_certificate",
    )
    assert read("Club kündigen bitte.", attachments=("scan_0001.pdf",)).facts.documents == ("unspecified",)
    assert read("Club kündigen bitte.", attachments=("Screenshot 2026-03-01.png",)).facts.documents == ()


@pytest.mark.parametrize(
    ("body", "days"),
    [
        ("Kann ich das Programm 6 Wochen verlängern?", 42),
        ("Ich bitte um eine Verlängerung um vier Monate.", 120),
        ("Ich möchte den Club ein ganzes Jahr pausieren.", 365),
        ("Ich möchte den Club ein halbes Jahr pausieren.", 180),
        ("Could you extend my program by 2 months?", 60),
        ("Can I pause my club membership for half a year?", 180),
        ("Ich möchte die Ausbildung um 14 Tage verlängern.", 14),
        ("Ich brauche eine 6-wöchige Verlängerung für die Prüfung.", 42),
    ],
)
def test_the_asked_duration_is_read_in_days(body: str, days: int) -> None:
    assert read(body).facts.duration_days == days


def test_a_past_span_is_not_the_asked_duration() -> None:
    c = read("Ich war seit 6 Wochen krank und bitte um 4 Wochen Verlängerung.")
    assert (c.facts.duration_days, c.facts.duration_text) == (28, "4 Wochen")
    assert read("Ich war drei Wochen krank. Kann ich verlängern?").facts.duration_days is None


def test_absolute_dates_are_parsed_in_all_common_forms() -> None:
    c = read("Gekauft am 12.03.2026, Rückgabe bitte. Laut Mail vom 2026-03-14 und dem 3. März ging es los.")
    assert c.facts.dates_mentioned == (date(2026, 3, 12), date(2026, 3, 14), date(2026, 3, 3))


def test_a_date_without_year_takes_the_year_of_the_ticket() -> None:
    assert read("Gekauft am 3.2., ich möchte zurückgeben.").facts.dates_mentioned == (date(2026, 2, 3),)
    assert read("Gekauft am 3.2., ich möchte zurückgeben.", created_at=None).facts.dates_mentioned == ()


def test_numbers_that_are_not_dates_are_ignored() -> None:
    assert read("Ich habe 1.5 Jahre Zugriff und Version 2.0 der App.").facts.dates_mentioned == ()


def test_timing_not_right_is_flagged() -> None:
    c = read("Der Zeitpunkt war einfach nicht passend. Gibt es einen Kulanzneustart?")
    assert c.facts.timing_not_right
    assert "timing_not_right" in labels(c)


def test_strong_dissatisfaction_is_flagged_but_mild_is_not() -> None:
    assert read("Ich bin extrem unzufrieden und will das Programm zurückgeben.").facts.strong_dissatisfaction
    assert not read("Ich bin nicht ganz zufrieden und will das Programm zurückgeben.").facts.strong_dissatisfaction


def test_an_explicit_club_exit_is_flagged() -> None:
    c = read("Ich möchte meine Club-Mitgliedschaft vorzeitig kündigen.")
    assert c.facts.explicit_exit
    assert "explicit_exit" in labels(c)


def test_language_is_detected() -> None:
    assert read("Hallo, ich möchte pausieren.").facts.language == "de"
    assert read("Hello, I would like to pause my program please.").facts.language == "en"


@pytest.mark.parametrize(
    "body",
    [
        "Ich hatte eine schwere Lungenentzündung und war fast sieben Wochen außer Gefecht. Ich möchte Sie bitten, "
        "meine Frist für die Prüfung zu verlängern.",
        "My father passed away in March and I've lost almost two months of study time. Would it be possible to extend "
        "my exam deadline by a few weeks?",
        "Unser Sohn ist sieben Wochen zu früh auf die Welt gekommen. Könnte ich die Prüfung noch etwas hinausschieben?",
    ],
)
def test_the_time_lost_is_not_the_time_asked(body: str) -> None:
    c = read(body)
    assert c.request_type == "coach_extension"
    assert c.facts.duration_days is None, c.facts.duration_text


def test_more_time_had_by_buying_more_is_a_purchase_question() -> None:
    c = read("My 12 weeks finish on 18 April and I'd love to extend my journey by joining the Club. What does it cost?")
    assert c.request_type == "other", [(s.text, s.object_text, s.cues) for s in c.sentences]


@pytest.mark.parametrize(
    "body",
    [
        "Ich muss die Coach-Ausbildung leider abbrechen, ich habe eine schwere Erschöpfungsdepression. Bitte erstatten Sie mir "
        "die Gebühr.",
        "Ich bin seit Wochen wegen einer Schilddrüsenerkrankung kaum belastbar und möchte die Coach-Ausbildung abbrechen. "
        "Bekomme ich mein Geld zurück?",
        "For medical reasons I have to withdraw from the coach training and would like a refund.",
        "Geld zurück für die Ausbildung bitte, bin schwanger mit Komplikationen und darf nix.",
        "Mein Arbeitgeber hat mir gekündigt und zwei Wochen später wurde eine Autoimmunerkrankung festgestellt. "
        "Ich möchte die Ausbildung abbrechen und mein Geld zurück.",
    ],
)
def test_a_coach_refund_rests_on_an_illness_whatever_else_the_mail_tells(body: str) -> None:
    c = read(body)
    assert (c.request_type, c.facts.reason) == ("coach_refund", "illness"), c.facts.reason_text


def test_someone_elses_illness_told_with_caring_for_them_is_the_care() -> None:
    c = read(
        "Ich pflege meinen an Demenz erkrankten Vater. Ich möchte die Ausbildung stornieren und bitte um Erstattung."
    )
    assert (c.request_type, c.facts.reason) == ("coach_refund", "care")


@pytest.mark.parametrize(
    ("subject", "body"),
    [
        ("Can I extend my journey with the Club?", "My 12 weeks finish on Sunday. How much is the Club per month?"),
        ("", "How much is the Club per month, and do I keep access to my program audios if I join?"),
        ("", "Kann ich mein Programm mit dem Club verlängern? Was kostet er im Monat?"),
    ],
)
def test_more_time_had_through_the_club_is_a_purchase_question(subject: str, body: str) -> None:
    c = read(body, subject)
    assert c.request_type == "other", [(s.text, s.object_text, s.cues) for s in c.sentences]
