"""Reading by sentence (policies/reading/wishes.py): only the new text counts, and in it only a sentence
with a present wish about our products that is not negated or retracted.

The examples are made up for these tests; none is taken from the labelled corpus.
"""

from __future__ import annotations

from datetime import datetime

import pytest

from policies.model import Message, Ticket
from policies.reading.classify import classify
from tests.policies.classify_kit import read


def _cue_verdicts(body: str, subject: str = "") -> list[tuple[str, bool, str | None]]:
    return [(cue.text, cue.counts, cue.why_not) for s in read(body, subject=subject).sentences for cue in s.cues]


# -- family 1: the subject and quoted mails --------------------------------------------------------------


@pytest.mark.parametrize(
    "prefix", ["AW:", "Re:", "WG:", "Fwd:", "Antw:", "SV:", "RE:", "FW:", "Re[2]:", "AW: AW:", "[Extern] Re:"]
)
def test_a_reply_or_forward_subject_never_makes_a_request(prefix: str) -> None:
    c = read(
        "Danke für die schnelle Antwort! Wo finde ich das Rezept für den Linsensalat?",
        subject=f"{prefix} Kündigung Club",
    )
    assert c.request_type == "other"
    assert all(s.source == "body" for s in c.sentences)


def test_the_subject_of_a_first_message_still_counts() -> None:
    c = read(
        "Hallo, ich lag drei Wochen mit einer Lungenentzündung im Bett. Liebe Grüße", subject="Programm verlängern"
    )
    assert c.request_type == "program_extension"
    assert c.sentences[0].source == "subject"


def test_the_subject_counts_only_for_the_first_message_of_a_ticket() -> None:
    answer = Message(body="Liebe Frau Roth, gern helfen wir weiter.", from_customer=False)
    ticket = Ticket(
        number=1,
        subject="Verlängerung",
        body="Alles klar, vielen Dank für die Erklärung!",
        created_at=datetime(2026, 3, 20, 9, 0),
        messages=(answer,),
    )
    assert classify(ticket).request_type == "other"


def test_a_quoted_earlier_mail_below_the_new_text_is_not_read() -> None:
    body = (
        "Passt so, danke euch!\n\n"
        "Am 02.03.2026 um 10:00 schrieb Team intumind <team@intumind.example>:\n"
        "> Liebe Carla, möchtest du dein Programm zurückgeben oder pausieren?\n"
    )
    assert read(body, subject="Re: Deine Anfrage").request_type == "other"


def test_a_subject_cue_weighs_less_than_the_new_text() -> None:
    c = read("Ich möchte mein Programm bitte für drei Wochen pausieren.", subject="Kündigung")
    assert c.request_type == "program_pause"


def test_a_reply_subject_may_name_what_a_wish_of_the_new_text_is_about_but_adds_none() -> None:
    # Project choice: "the cancellation" in the new text refers to what the customer answers; the wish is theirs.
    c = read("Bitte kündigt zum nächstmöglichen Zeitpunkt.", subject="Re: Deine Club-Mitgliedschaft")
    assert c.request_type == "club_cancellation"


# -- family 2a: negated and retracted wishes -------------------------------------------------------------


def test_a_wish_negated_after_the_verb_does_not_count() -> None:
    c = read("Eine Verlängerung brauche ich nicht. Kann ich aber den Club für zwei Monate ruhen lassen?")
    assert c.request_type == "club_pause"
    first = c.sentences[0]
    assert first.negated and not first.counts


@pytest.mark.parametrize(
    "body",
    [
        "Kündigen möchte ich auf keinen Fall, ich wollte nur wissen, wo die Einkaufsliste ist.",
        "Die Sache mit der Rückgabe hat sich erledigt. Wo finde ich die Einkaufsliste?",
        "I'd like to keep the program, so please do not process any refund. Where is the shopping list?",
        "Bitte nicht verlängern, ich wollte nur wissen, wo die Einkaufsliste ist.",
        "Ich will nichts zurückgeben. Wo finde ich die Einkaufsliste?",
    ],
)
def test_a_negated_or_retracted_wish_is_no_request(body: str) -> None:
    assert read(body).request_type == "other"


def test_a_retraction_in_the_next_sentence_points_back() -> None:
    c = read("Ich hatte um eine Pause gebeten. Die brauche ich jetzt doch nicht mehr. Danke!")
    assert c.request_type == "other"
    assert (
        _cue_verdicts("Ich hatte um eine Pause gebeten. Die brauche ich jetzt doch nicht mehr. Danke!")[0][1] is False
    )


def test_a_new_wish_after_a_retraction_counts() -> None:
    c = read(
        "Das mit der Kündigung hat sich erledigt, den Club behalte ich. Stattdessen möchte ich mein Programm pausieren."
    )
    assert c.request_type == "program_pause"


def test_keeping_one_product_does_not_retract_returning_another() -> None:
    c = read("Ich möchte nur das Zusatzmodul Achtsamkeit zurückgeben. Das Hauptprogramm behalte ich gern.")
    assert c.request_type == "program_return"


# -- family 2b: a present wish, not a report of an earlier one -------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        "Letzten Herbst hatte ich mein Programm pausiert. Heute habe ich nur eine Frage zum Einkaufszettel.",
        "Two years ago I asked for a refund, but this time I only need the link to the shopping list.",
        "Mein Programm wurde im Frühjahr schon verlängert, danke nochmal! Wo finde ich die Einkaufsliste?",
    ],
)
def test_a_report_of_an_earlier_wish_is_no_request(body: str) -> None:
    c = read(body)
    assert c.request_type == "other"
    assert any(s.tense == "past" for s in c.sentences)


def test_a_wish_asked_again_after_a_report_counts() -> None:
    c = read("Vor einem Jahr wurde mein Programm verlängert. Jetzt hätte ich gern noch einmal vier Wochen.")
    assert c.request_type == "program_extension"


def test_a_wish_written_before_and_still_open_counts() -> None:
    c = read(
        "Ich habe euch vor zwei Wochen geschrieben, dass ich mein Programm pausieren möchte, und warte noch auf eine Antwort."
    )
    assert c.request_type == "program_pause"


def test_a_reason_given_for_an_earlier_wish_is_not_the_reason_of_this_one() -> None:
    c = read(
        "Letztes Jahr hatte ich wegen eines Bandscheibenvorfalls um eine Club-Pause gebeten. "
        "Diesmal möchte ich den Club pausieren, weil ich ein Haus renoviere."
    )
    assert c.request_type == "club_pause"
    assert c.facts.reason != "illness"


# -- family 2c: about one of our products, or no other object --------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        "Ich habe meinen Stromvertrag gekündigt und brauche eine neue Rechnungsadresse bei euch.",
        "Wie kann ich mein Zeitschriften-Abo pausieren?",
        "Kann ich die Hotelbuchung für den Workshop um eine Nacht verlängern?",
        "Can I pause the reminder emails? The program itself is fine.",
        "Könnt ihr bitte die Zahlungsfrist für die letzte Rate um zwei Wochen verlängern?",
    ],
)
def test_a_wish_about_another_object_is_no_goodwill_request(body: str) -> None:
    assert read(body).request_type == "other"


def test_a_wish_about_our_product_counts_next_to_another_object() -> None:
    c = read("Meine Reiseversicherung wurde verlängert. Könnt ihr auch mein Programm um vier Wochen verlängern?")
    assert c.request_type == "program_extension"


def test_a_deadline_of_our_training_is_ours() -> None:
    c = read(
        "Ich habe die Prüfung wegen einer Operation nicht geschafft. Kann die Frist um sechs Wochen verlängert werden?"
    )
    assert c.request_type == "coach_extension"


def test_a_mention_in_a_sentence_asking_nothing_is_no_wish() -> None:
    c = read("Meine Rückgabefrist läuft übermorgen ab, das Programm gefällt mir aber sehr. Wo finde ich die Audios?")
    assert c.request_type == "other"


# -- the verdicts are shown per sentence -----------------------------------------------------------------


def test_each_sentence_carries_its_verdict() -> None:
    c = read(
        "Den Club kündigen will ich nicht. Letztes Jahr hatte ich ihn schon pausiert. "
        "Meinen Handyvertrag möchte ich kündigen. Ich möchte das Programm zwei Wochen pausieren."
    )
    negated, past, other, wish = c.sentences
    assert negated.negated and negated.cues[0].why_not == "negated" and negated.object == "club"
    assert past.tense == "past" and past.cues[0].why_not == "past"
    assert other.object == "other" and other.object_text == "Handyvertrag"
    assert wish.counts and wish.object == "program" and wish.tense == "present"
    assert c.request_type == "program_pause"
    assert wish.to_dict()["counts"] is True


def test_a_bare_deadline_is_not_another_object() -> None:
    # "meine Frist" with no product named is the exam's or the access's; a compound ("Zahlungsfrist") is another thing
    c = read("Ich bin seit Wochen krank. Meine Frist ist der 2. Mai, könntet ihr die um zwei Monate verlängern?")
    assert c.request_type != "other"
