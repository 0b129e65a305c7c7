"""Fair use (seed 004): the measure by consecutive months over the limit."""

from __future__ import annotations

from datetime import date

import pytest

from policies.decide import decide
from policies.model import Customer, FairUse, UsageOverrun

TODAY = date(2026, 11, 23)


def measure(months: int, products: tuple[str, ...] = ("Mobile Flat",), refused: bool = False, impossible: bool = False):
    customer = Customer(fair_use=FairUse(months, products, refused, impossible))
    return decide(None, customer, TODAY, usage_overrun=UsageOverrun("2026-11"))


@pytest.mark.parametrize(
    ("months", "products", "refused", "impossible", "expected"),
    [
        (1, ("Mobile Flat",), False, False, "sms_1"),
        (1, ("Mobile-TV",), True, False, "sms_1"),
        (2, ("Mobile Flat",), False, False, "sms_2"),
        (3, ("Mobile Flat",), False, False, "migrate"),
        (3, ("Mobile Flat", "Mobile-TV"), False, False, "migrate"),  # migration first, even with TV
        (3, ("Mobile Flat",), True, False, "terminate"),
        (4, ("Mobile Flat",), False, True, "terminate"),
        (3, ("Mobile Flat", "Mobile-TV"), True, False, "no_termination"),
        (5, ("Internet-Kombi",), False, True, "no_termination"),
        (3, ("Combo XL",), True, False, "no_termination"),
    ],
)
def test_the_measure_follows_the_month_ladder(
    months: int, products: tuple, refused: bool, impossible: bool, expected: str
) -> None:
    d = measure(months, products, refused, impossible)
    assert (d.request_type, d.measure, d.outcome) == ("fair_use", expected, "approve")


def test_no_month_over_the_limit_means_no_measure() -> None:
    d = measure(0)
    assert (d.measure, d.outcome) == (None, "no_action")


def test_the_note_gives_the_dates_of_migration_and_termination() -> None:
    assert "01.12.2026" in measure(3).note
    assert "30.11.2026" in measure(3, refused=True).note
    assert "Mobile-TV" in measure(3, ("Mobile-TV",), refused=True).note


def test_fair_use_cites_its_steps_and_records_the_pack() -> None:
    d = measure(3, ("Mobile-TV",), refused=True)
    assert d.clauses == ("FU-3", "FU-TV") and d.pack_id == "goodwill"
