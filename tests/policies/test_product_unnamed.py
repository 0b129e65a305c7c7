"""K-1 with several products on file: an approval whose mail names none of them waits for a person."""

from __future__ import annotations

from datetime import date

from policies.model import Customer, Ticket
from tests.policies.rules_kit import run

TWO = Customer(
    tags=("prog_intuitiv_abnehmen_12w", "prog_stressessen_8w"),
    program_purchase_date=date(2026, 11, 10),
    program_end_date=date(2027, 2, 2),
)


def _return(body: str, customer: Customer = TWO):
    return run("program_return", customer, ticket=Ticket(number=8, subject="Rückgabe", body=body))


def test_a_return_of_my_program_from_a_customer_with_two_programs_waits_for_a_person() -> None:
    d = _return("Hallo, ich möchte das Programm bitte zurückgeben, es passt nicht zu mir.")
    assert d.outcome == "approve" and d.uncertain
    assert d.reading is not None and "product_unnamed" in d.reading["doubts"]
    assert "prog_stressessen_8w" in d.note and "welches gemeint ist" in d.note


def test_a_return_naming_one_of_the_programs_is_not_held_for_that() -> None:
    d = _return("Hallo, das Stressessen-Programm möchte ich zurückgeben, das andere behalte ich.")
    assert d.reading is not None and "product_unnamed" not in d.reading["doubts"]


def test_both_programs_named_together_are_no_doubt() -> None:
    d = _return("Ich möchte beide Programme zurückgeben.")
    assert d.reading is not None and "product_unnamed" not in d.reading["doubts"]


def test_one_program_and_goodwill_markers_are_no_doubt() -> None:
    one = Customer(
        tags=("prog_intuitiv_abnehmen_12w", "prog_intuitiv_abnehmen_12w_extended", "kulanz_verlaengerung"),
        program_purchase_date=date(2026, 11, 10),
        program_end_date=date(2027, 2, 2),
    )
    d = _return("Ich möchte das Programm zurückgeben.", one)
    assert d.reading is not None and "product_unnamed" not in d.reading["doubts"]
