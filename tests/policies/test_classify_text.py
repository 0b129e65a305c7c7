"""Only the customer's new text counts: HTML, quoted mails and signatures are removed first."""

from __future__ import annotations

from policies.reading.text import customer_text, fold
from tests.policies.classify_kit import read

GMAIL_REPLY = (
    '<div dir="ltr">Hallo,<br><br>ich m&ouml;chte mein Programm gern um 4 Wochen verl&auml;ngern.<br><br>'
    'Liebe Gr&uuml;&szlig;e<br>Lena</div><br><div class="gmail_quote"><div class="gmail_attr">Am Do., 5. M&auml;rz 2026 '
    'um 10:12 Uhr schrieb intumind Support:</div><blockquote class="gmail_quote">Liebe Lena, m&ouml;chtest du dein '
    "Programm zur&uuml;ckgeben oder deine Club-Mitgliedschaft k&uuml;ndigen?</blockquote></div>"
)


def test_html_is_reduced_to_its_text_with_entities_decoded() -> None:
    assert (
        customer_text("<p>Ich m&ouml;chte <b>pausieren</b>.</p><p>Geht das?</p>")
        == "Ich möchte pausieren.\n\nGeht das?"
    )


def test_a_gmail_quote_does_not_decide_the_type() -> None:
    c = read(GMAIL_REPLY)
    assert c.request_type == "program_extension"
    assert c.facts.duration_days == 28
    assert c.secondary_types == ()


def test_a_german_am_schrieb_quote_is_cut() -> None:
    body = (
        "Ja, bitte verlängern!\n\nLG Ina\n\nAm 03.03.2026 um 09:14 schrieb intumind Support <support@intumind.de>:\n\n"
        "> Möchtest du dein Programm zurückgeben?\n> Liebe Grüße"
    )
    assert customer_text(body) == "Ja, bitte verlängern!"
    assert read(body).request_type == "program_extension"


def test_an_english_on_wrote_quote_is_cut() -> None:
    body = "Bitte kündigt meinen Club.\n\nOn Tue, Mar 3, 2026 at 9:00 AM intumind <club@intumind.de> wrote:\n> Pause?"
    assert read(body).request_type == "club_cancellation"


def test_an_outlook_original_message_block_is_cut() -> None:
    body = (
        "Ich will den Kurs zurückgeben.\n\n-----Original Message-----\nFrom: intumind\nSent: Monday\n"
        "Du kannst dein Programm jederzeit verlängern oder pausieren."
    )
    c = read(body)
    assert c.request_type == "program_return"
    assert c.secondary_types == ()


def test_an_outlook_von_gesendet_header_is_cut() -> None:
    body = (
        "Ich will den Kurs zurückgeben.\n\n________________________________\nVon: intumind <shop@intumind.de>\n"
        "Gesendet: Montag, 2. März 2026 10:00\nAn: kunde@web.de\n\nDeine Mitgliedschaft im Club verlängert sich."
    )
    assert customer_text(body) == "Ich will den Kurs zurückgeben."


def test_quoted_lines_with_a_marker_are_dropped_anywhere() -> None:
    assert customer_text("> Rückgabe?\nNein, ich möchte pausieren.") == "Nein, ich möchte pausieren."


def test_the_signature_after_a_sign_off_is_cut() -> None:
    body = "Ich möchte verlängern.\n\nViele Grüße\nMaria Krank\nintueat Coach in Ausbildung\nTel. 0171 1234"
    assert customer_text(body) == "Ich möchte verlängern."
    c = read(body)
    assert c.request_type == "program_extension"
    assert c.facts.reason is None


def test_a_device_footer_is_cut() -> None:
    assert customer_text("Bitte Club pausieren.\n\nGesendet von meinem iPhone") == "Bitte Club pausieren."
    assert customer_text("Please pause my club.\n\nSent from my iPhone") == "Please pause my club."


def test_a_ps_after_the_signature_is_kept() -> None:
    text = customer_text("Bitte verlängern.\n\nLiebe Grüße\nAnna\n\nPS: Ich war drei Wochen krank.")
    assert "PS: Ich war drei Wochen krank." in text
    assert read("Bitte verlängern.\n\nLiebe Grüße\nAnna\n\nPS: Ich war drei Wochen krank.").facts.reason == "illness"


def test_a_thank_you_sentence_is_not_mistaken_for_a_sign_off() -> None:
    assert customer_text("Danke, dass ihr so schnell antwortet\nich will mein Geld zurück") == (
        "Danke, dass ihr so schnell antwortet\nich will mein Geld zurück"
    )


def test_folding_keeps_offsets_and_drops_umlaut_dots() -> None:
    original = "Rückgabe ÄÖÜ äöü"
    assert fold(original) == "ruckgabe aou aou"
    assert len(fold(original)) == len(original)
