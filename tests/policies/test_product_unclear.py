"""K-1 for a wish that names no product while the customer has two it could be about, with different rules.

"Verlängern" alone is a program or a coach-training extension, "Geld zurück" a program return (a 30-day
guarantee) or a coach-training refund (none), "pausieren" a program or a Club pause: the customer is asked.
"""

from __future__ import annotations

from datetime import date

from policies.decide import decide
from policies.model import Customer, Ticket
from policies.vocab import Outcome, RequestType

TODAY = date(2026, 11, 20)
PROGRAM_AND_COACH = Customer(
    program_purchase_date=date(2026, 11, 2),
    program_end_date=date(2027, 5, 2),
    coach_round_start=date(2026, 1, 12),
    coach_end_date=date(2027, 1, 12),
)
PROGRAM_ONLY = Customer(program_purchase_date=date(2026, 11, 2), program_end_date=date(2027, 5, 2))
PROGRAM_AND_CLUB = Customer(program_end_date=date(2027, 5, 2), club_start_date=date(2025, 6, 1))


def decided(body: str, customer: Customer, subject: str = "Anfrage"):
    return decide(Ticket(number=88, subject=subject, body=body), customer, TODAY)


def test_money_back_without_a_product_from_a_customer_with_program_and_coach_training_is_a_question():
    d = decided(
        "Hallo, kann ich bitte mein Geld wiederbekommen? Ich komme zeitlich gar nicht hinterher. Grüße, Ute",
        PROGRAM_AND_COACH,
        "Erstattung",
    )
    assert (d.request_type, d.outcome) == (RequestType.UNCLEAR, Outcome.CLARIFY)
    assert d.actions == ()
    assert "Coach-Ausbildung" in d.note and "nennt kein Produkt" in d.note


def test_the_same_wish_from_a_customer_with_only_a_program_is_decided_as_a_return():
    d = decided(
        "Hallo, kann ich bitte mein Geld wiederbekommen? Ich komme zeitlich gar nicht hinterher. Grüße, Ute",
        PROGRAM_ONLY,
        "Erstattung",
    )
    assert d.request_type == RequestType.PROGRAM_RETURN


def test_a_wish_that_names_the_coach_training_is_decided_for_it_whatever_else_the_customer_has():
    d = decided(
        "Hallo, ich möchte die Coach-Ausbildung zurückgeben und mein Geld zurück. Viele Grüße, Ute",
        PROGRAM_AND_COACH,
    )
    assert d.request_type == RequestType.COACH_REFUND


def test_an_extension_without_a_product_from_a_customer_with_program_and_coach_training_is_a_question():
    d = decided(
        "Hi, could you extend it for me please? Time is running out. Thanks, Pia", PROGRAM_AND_COACH, "Extension"
    )
    assert (d.request_type, d.outcome) == (RequestType.UNCLEAR, Outcome.CLARIFY)


def test_a_pause_without_a_product_from_a_customer_with_program_and_club_is_a_question():
    d = decided(
        "Hallo, ich bin ab Januar für zwei Monate in der Reha nach meiner Hüft-OP. Kann ich pausieren? Gruß, Olaf",
        PROGRAM_AND_CLUB,
        "Pause",
    )
    assert (d.request_type, d.outcome) == (RequestType.UNCLEAR, Outcome.CLARIFY)


COACH_ONLY = Customer(
    coach_round_start=date(2025, 9, 1), coach_end_date=date(2026, 12, 31), pro_end_date=date(2027, 3, 1)
)
CLUB_ONLY = Customer(club_start_date=date(2025, 2, 1))


def test_more_time_without_a_product_from_a_coach_trainee_without_a_program_is_a_coach_extension():
    d = decided(
        "Hallo, mein Mann hatte einen Herzinfarkt und ich war wochenlang im Krankenhaus bei ihm. "
        "Kann ich bitte sechs Wochen mehr Zeit bekommen? Liebe Grüße, Ina",
        COACH_ONLY,
        "Mehr Zeit",
    )
    assert d.request_type == RequestType.COACH_EXTENSION


def test_a_pause_without_a_product_from_a_club_member_without_a_program_is_a_club_pause():
    d = decided(
        "Hallo, ich habe mir das Sprunggelenk gebrochen und liege ab nächster Woche für drei Monate flach. "
        "Kann ich pausieren? Gruß, Tom",
        CLUB_ONLY,
        "Pause",
    )
    assert d.request_type == RequestType.CLUB_PAUSE


def test_a_club_pause_from_a_customer_whose_record_shows_no_club_is_a_question():
    newsletter_only = Customer(tags=("newsletter_aktiv",))
    d = decided(
        "Hallo, ich möchte meine Mitgliedschaft wegen einer Knie-OP für zwei Monate ruhen lassen. Gruß, Jan",
        newsletter_only,
        "Mitgliedschaft ruhen lassen",
    )
    assert (d.request_type, d.outcome) == (RequestType.UNCLEAR, Outcome.CLARIFY)
    assert d.actions == () and "keine Club-Mitgliedschaft hinterlegt" in d.note


def test_the_question_which_product_is_asked_in_the_customers_form_of_address():
    d = decided(
        "Sehr geehrte Damen und Herren, können Sie mir bitte mein Geld erstatten? Mit freundlichen Grüßen, H. Roth",
        PROGRAM_AND_COACH,
        "Erstattung",
    )
    assert d.outcome == Outcome.CLARIFY
    assert "Worum genau geht es Ihnen" in d.note


CLUB_AND_COACH = Customer(
    club_start_date=date(2025, 3, 1),
    coach_round_start=date(2026, 1, 12),
    coach_end_date=date(2027, 1, 12),
)


def test_a_membership_paused_by_a_club_member_in_the_coach_training_is_a_question():
    d = decided(
        "Liebes Team, nach meiner Knie-OP würde ich meine Mitgliedschaft gern für zwei Monate ruhen lassen.",
        CLUB_AND_COACH,
        "Pause",
    )
    assert (d.request_type, d.outcome) == (RequestType.UNCLEAR, Outcome.CLARIFY)
    assert "sagt nur „Mitgliedschaft“" in d.note


def test_the_club_called_by_its_name_is_no_question_for_a_coach_trainee():
    d = decided(
        "Liebes Team, nach meiner Knie-OP würde ich den Club gern für zwei Monate pausieren.",
        CLUB_AND_COACH,
        "Pause",
    )
    assert d.request_type == RequestType.CLUB_PAUSE
