"""Auto-replies are recognised from their words (German and English) or a header, and requests are not."""

from __future__ import annotations

import pytest

from policies.reading.autoreply import auto_reply


@pytest.mark.parametrize(
    ("body", "cue"),
    [
        (
            "<p>Vielen Dank für Ihre Nachricht. Ich bin bis einschließlich 12.01.2027 nicht im Büro. In dringenden "
            "Fällen wenden Sie sich bitte an kollegin@example.de.</p><p>Mit freundlichen Grüßen<br>Anna Beispiel</p>",
            "absence",
        ),
        ("Automatische Antwort: Ich bin derzeit nicht erreichbar.", "label"),
        ("Abwesenheitsnotiz\n\nIch bin vom 1. bis 14. Dezember im Urlaub. Meine Vertretung ist Herr Meier.", "label"),
        ("Hallo zusammen, ich bin vom 1. bis 14. Dezember im Urlaub, meine Vertretung ist Herr Meier.", "absence"),
        ("Ich bin ab dem 3.12. wieder im Büro. Ihre E-Mail wird nicht weitergeleitet.", "absence"),
        (
            "Danke für Ihre Nachricht! Ich bin erst wieder ab Montag erreichbar. Bei dringenden Anliegen: 0123.",
            "absence",
        ),
        ("Thank you for your email. I am out of the office until Monday with limited access to email.", "absence"),
        ("Out of Office: back on 5 January.", "label"),
    ],
)
def test_out_of_office_texts_are_auto_replies(body: str, cue: str) -> None:
    found = auto_reply(body)
    assert found is not None and found.cue == cue
    assert found.reason.startswith("auto-reply (")


@pytest.mark.parametrize(
    "body",
    [
        # absent, but asking for a goodwill gesture: a person wrote it
        "Ich bin bis Ende Oktober im Krankenhaus und nicht erreichbar. Bitte verlängert mein Programm. "
        "In dringenden Fällen meine Tochter anrufen.",
        "Hallo, ich habe nur eine automatische Antwort bekommen, könnt ihr mir bitte helfen?",
        "Hallo, ich bin im Urlaub bis 20.11. und habe danach wieder Zeit. Danke!",
        "Hallo, ich war drei Wochen krank und bin bis zum 20.11. nicht erreichbar gewesen. Vielen Dank für Ihre Nachricht.",
        "Ich bin bis Januar im Ausland und möchte den Club pausieren. Meine Vertretung hat keinen Zugriff.",
        "",
    ],
)
def test_people_writing_about_their_absence_are_not_auto_replies(body: str) -> None:
    assert auto_reply(body) is None


def test_an_auto_submitted_header_decides_whatever_the_text_says() -> None:
    found = auto_reply("Ich möchte mein Programm verlängern.", header="Auto-Submitted: auto-replied")
    assert found is not None and found.reason == "auto-reply (header Auto-Submitted: auto-replied)"


def test_the_quoted_original_below_an_auto_reply_does_not_count_as_its_text() -> None:
    body = (
        "Ich bin bis 10.01. nicht im Büro und lese meine E-Mails nach meiner Rückkehr.\n\n"
        "Am 02.01.2027 um 10:00 schrieb Team intumind <support@intumind.example.com>:\n"
        "> Liebe Anna, möchtest du dein Programm verlängern? Dann antworte einfach."
    )
    assert auto_reply(body) is not None
