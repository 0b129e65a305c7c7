"""Facts read conservatively, so that an approval never rests on a misread fact (docs/policy.md §4, §5).

Three families: a duration given as a month range or as several spans (the largest asked one counts, a span the
customer turns down is not the asked one); an attachment that is a document but not the proof the clause needs
(another paper, an old certificate, a proof the text says is not there yet); a reason the customer sets aside.

The examples are written for these tests; none is taken from the labelled corpus.
"""

from __future__ import annotations

from datetime import date, datetime

from policies.decide import decide
from policies.model import Customer, Ticket
from tests.policies.classify_kit import read

TODAY = date(2026, 11, 23)
CLUB_MEMBER = Customer(tags=("club_member",), club_start_date=date(2025, 2, 1))
COACH_TRAINEE = Customer(
    tags=("memb_intueat_coach",),
    coach_round_start=date(2025, 10, 6),
    coach_end_date=date(2026, 12, 6),
    pro_end_date=date(2027, 6, 6),
)


def _decide(body: str, customer: Customer, attachments: tuple[str, ...] = (), subject: str = ""):  # type: ignore[no-untyped-def]
    ticket = Ticket(
        number=7,
        subject=subject,
        body=body,
        attachments=attachments,
        created_at=datetime(2026, 11, 22, 10, 0),
    )
    return decide(ticket, customer, TODAY)


# -- durations: month ranges ---------------------------------------------------------------------------------


def test_a_pause_asked_until_the_end_of_a_month_counts_from_the_month_the_mail_was_written() -> None:
    # written on 20 March: "bis Ende Dezember" is ten months, more than the six a Club pause may take
    body = "Ich habe Krebs, die Therapie dauert. Darf ich meinen Club bis Ende Dezember pausieren?"
    c = read(body)
    assert (c.request_type, c.facts.duration_days) == ("club_pause", 300)
    # written on 22 November (`_decide`): "bis Ende Januar" is three months, "bis Ende September" eleven
    assert _decide(body.replace("Dezember", "Januar"), CLUB_MEMBER).outcome == "approve"
    assert _decide(body.replace("Dezember", "September"), CLUB_MEMBER).outcome == "escalate"


def test_a_start_month_without_von_makes_a_range_of_its_own() -> None:
    body = "Mein Mann hatte einen Schlaganfall, ich pflege ihn. Ich brauche eine Pause vom Club, Juli bis Dezember."
    assert read(body).facts.duration_days == 180


def test_a_deadline_that_runs_until_a_month_is_not_the_span_asked_for() -> None:
    body = (
        "Ich war lange krank. Meine Prüfungsfrist läuft bis Mai, das reicht mir nicht mehr. "
        "Könnt ihr mir bitte etwas mehr Zeit für die Ausbildung geben?"
    )
    assert read(body).facts.duration_days is None


def test_a_month_range_from_may_to_december_is_eight_months() -> None:
    body = "Bitte pausiert meine Club-Mitgliedschaft von Mai bis einschließlich Dezember, mir steht eine schwere Operation bevor."
    c = read(body)
    assert (c.request_type, c.facts.duration_days) == ("club_pause", 240)
    d = _decide(body, CLUB_MEMBER)
    assert (d.outcome, d.escalate_to) == ("escalate", "head_of_ch")


def test_a_month_range_across_the_year_end_counts_the_months_it_covers() -> None:
    body = (
        "My father is seriously ill. Could you pause my club membership from November until the end of June next year?"
    )
    assert read(body).facts.duration_days == 240
    assert _decide(body, CLUB_MEMBER).outcome == "escalate"


def test_a_range_of_months_with_a_dash_is_a_duration() -> None:
    c = read("Ich muss in die Reha. Kann ich den Club Juni–Januar pausieren?")
    assert (c.request_type, c.facts.duration_days) == ("club_pause", 240)


def test_a_range_ending_at_the_start_of_a_month_leaves_that_month_out() -> None:
    c = read("Nach meinem Unfall möchte ich den Club ab Juli bis Anfang Oktober pausieren.")
    assert c.facts.duration_days == 90
    assert _decide(
        "Nach meinem Unfall möchte ich den Club ab Juli bis Anfang Oktober pausieren.", CLUB_MEMBER
    ).outcome == ("approve")


# -- durations: several spans, a span turned down ---------------------------------------------------------


def test_a_duration_the_customer_calls_too_short_is_not_the_one_asked() -> None:
    body = (
        "Nach meiner Chemotherapie bin ich weit zurück. Vier Wochen Verlängerung reichen da leider nicht, "
        "für die Prüfung bräuchte ich eher fünf Monate."
    )
    c = read(body)
    assert (c.request_type, c.facts.duration_days) == ("coach_extension", 150)
    d = _decide(body, COACH_TRAINEE)
    assert (d.outcome, d.escalate_to) == ("escalate", "coach_leads")


def test_a_turned_down_duration_alone_means_more_than_it() -> None:
    body = "Ich lag wochenlang im Krankenhaus. Sechs Wochen mehr Zeit für die Abschlussprüfung genügen mir nicht."
    c = read(body)
    assert c.request_type == "coach_extension"
    assert c.facts.duration_days is not None and c.facts.duration_days > 42
    assert _decide(body, COACH_TRAINEE).outcome == "escalate"


def test_more_than_a_duration_is_longer_than_it() -> None:
    body = "Ich bin an Krebs erkrankt und brauche für die Prüfung der Ausbildung mehr als sechs Wochen Verlängerung."
    assert read(body).facts.duration_days == 43
    assert _decide(body, COACH_TRAINEE).outcome == "escalate"


def test_of_several_asked_durations_the_largest_counts() -> None:
    body = "Wegen meiner Depression: Könnte ich den Club drei Monate pausieren, oder besser gleich sieben Monate?"
    assert read(body).facts.duration_days == 210
    assert _decide(body, CLUB_MEMBER).outcome == "escalate"


def test_a_span_offered_as_a_question_is_asked_but_a_past_one_is_not() -> None:
    c = read(
        "Ich war drei Jahre lang mit meinem Burnout beschäftigt. Sechs Wochen Verlängerung für die Ausbildung sind zu knapp. "
        "Wären vier Monate denkbar?"
    )
    assert c.facts.duration_days == 120  # the question, not the three years of the report


def test_a_reported_range_does_not_outgrow_the_asked_one() -> None:
    c = read("Ich war von Januar bis Juli krankgeschrieben. Bitte pausiert meinen Club von Dezember bis Februar.")
    assert (c.request_type, c.facts.duration_days) == ("club_pause", 90)


# -- documents: a document, but not the proof ---------------------------------------------------------------


def test_a_file_named_after_another_paper_is_not_the_attest() -> None:
    body = (
        "Wegen meiner schweren Erkrankung möchte ich den Club kündigen. Anbei die unterschriebene Datenschutzerklärung."
    )
    c = read(body, attachments=("Datenschutzerklaerung_signiert.pdf",))
    assert c.facts.documents == ("unspecified",)
    assert _decide(body, CLUB_MEMBER, ("Datenschutzerklaerung_signiert.pdf",)).outcome == "needs_info"
    # a file whose name says nothing is still taken as the proof of the reason
    plain = "Wegen meiner schweren Erkrankung möchte ich den Club kündigen."
    assert read(plain, attachments=("IMG_20261102_0931.jpg",)).facts.documents == ("attest",)
    assert _decide(plain, CLUB_MEMBER, ("IMG_20261102_0931.jpg",)).outcome == "approve"


def test_a_notice_of_dismissal_is_not_an_unemployment_certificate() -> None:
    body = (
        "Mir wurde betriebsbedingt gekündigt, ab Januar bin ich arbeitslos. Anbei das Schreiben meiner Firma. "
        "Bitte kündigt deshalb meinen Club."
    )
    c = read(body, attachments=("Kuendigung_Firma_Brandt.pdf",))
    assert "unemployment_certificate" not in c.facts.documents
    assert _decide(body, CLUB_MEMBER, ("Kuendigung_Firma_Brandt.pdf",)).outcome == "needs_info"


def test_a_bank_statement_is_not_an_unemployment_certificate() -> None:
    body = "Ich bin arbeitslos und möchte den Club kündigen. Als Beleg schicke ich meinen Kontoauszug."
    assert _decide(body, CLUB_MEMBER, ("Kontoauszug_Oktober.pdf",)).outcome == "needs_info"


def test_a_certificate_dated_before_last_year_is_not_current() -> None:
    body = "Ich bin wieder arbeitslos und möchte meinen Club kündigen."
    old = _decide(body, CLUB_MEMBER, ("Bewilligungsbescheid_ALG_2023.pdf",))
    assert old.facts["documents"] == ["unemployment_certificate"]
    assert old.outcome == "needs_info"
    assert _decide(body, CLUB_MEMBER, ("Bewilligungsbescheid_ALG_2025.pdf",)).outcome == "approve"


def test_a_certificate_the_text_calls_old_is_not_the_proof() -> None:
    body = (
        "Ich habe meine Stelle verloren und möchte den Club kündigen. Den Bescheid vom Jobcenter schicke ich mit, "
        "der stammt allerdings noch aus meiner früheren Arbeitslosigkeit."
    )
    c = read(body, attachments=("Jobcenter_Bescheid.pdf",))
    assert c.facts.documents == ("unspecified",)
    assert _decide(body, CLUB_MEMBER, ("Jobcenter_Bescheid.pdf",)).outcome == "needs_info"


def test_the_text_saying_the_certificate_is_not_there_yet_wins_over_a_loose_attachment() -> None:
    body = (
        "Seit März bin ich arbeitslos und will den Club kündigen. Eine Bescheinigung der Arbeitsagentur habe ich "
        "noch nicht, deshalb bekommt ihr erstmal ein Foto meines Aufhebungsvertrags."
    )
    c = read(body, attachments=("Foto_2026-11-20.jpg",))
    assert "unemployment_certificate" not in c.facts.documents
    assert _decide(body, CLUB_MEMBER, ("Foto_2026-11-20.jpg",)).outcome == "needs_info"


def test_an_english_certificate_that_has_expired_is_not_the_proof() -> None:
    body = "I lost my job and want to cancel my club membership. The attached unemployment letter has expired, sorry."
    assert _decide(body, CLUB_MEMBER, ("scan_0007.pdf",)).outcome == "needs_info"


# -- reasons: a reason set aside ----------------------------------------------------------------------------


def test_a_past_illness_the_customer_sets_aside_is_not_the_reason() -> None:
    body = (
        "Vor zwei Jahren hatte ich einen Bandscheibenvorfall, aber das spielt für meine Anfrage keine Rolle. "
        "Könnt ihr meine Prüfungsfrist um sechs Wochen verlängern?"
    )
    assert read(body).facts.reason is None
    d = _decide(body, COACH_TRAINEE)
    assert (d.request_type, d.outcome) == ("coach_extension", "needs_info")


def test_an_english_reason_that_has_nothing_to_do_with_the_request_is_not_the_reason() -> None:
    body = (
        "I broke my leg last spring, but that has nothing to do with this request. "
        "Could I get the six-week extension for my coach exam?"
    )
    assert read(body).facts.reason is None
    assert _decide(body, COACH_TRAINEE).outcome == "needs_info"


def test_a_reason_named_after_the_one_set_aside_still_counts() -> None:
    c = read(
        "Der Unfall von damals hat damit nichts zu tun, ich habe gerade eine Krebsdiagnose bekommen. Club pausieren bitte."
    )
    assert c.facts.reason == "illness"


def test_a_reason_negated_after_the_word_is_not_the_reason() -> None:
    # German puts the negation last: "Arbeitslos bin ich nicht" is no unemployment
    body = (
        "Bei uns ist es finanziell gerade eng. Ich würde den Club gern für vier Monate pausieren. "
        "Arbeitslos bin ich nicht, es kam einfach alles auf einmal."
    )
    assert read(body).facts.reason != "unemployment"
    assert _decide(body, CLUB_MEMBER).outcome == "deny"


def test_a_reason_followed_by_a_negation_of_something_else_still_counts() -> None:
    c = read("Ich bin arbeitslos, seit der Betrieb zu hat, und komme nicht mehr hinterher. Club pausieren bitte.")
    assert c.facts.reason == "unemployment"
