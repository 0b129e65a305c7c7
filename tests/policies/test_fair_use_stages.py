"""Fair use (seed 004): the stage from a customer's reported months, and the measure it leads to.

Pure tables: a history of months (usage against limit) → months over the limit in a row → measure.
"""

from __future__ import annotations

from datetime import date

import pytest

from policies.decide import decide
from policies.model import Customer, UsageOverrun
from policies.pack.loader import load_pack
from policies.rules.fair_use import UsageMonth, fair_use_for, month_index, month_name, overrun_run

TODAY = date(2026, 11, 23)
FLAT = ("Mobile Flat",)
PACK = load_pack("fair-use")


def over(month: str, products: tuple[str, ...] = FLAT, refused: bool = False, impossible: bool = False) -> UsageMonth:
    return UsageMonth(month, 350.0, 200.0, products, refused, impossible)


def within(month: str, products: tuple[str, ...] = FLAT) -> UsageMonth:
    return UsageMonth(month, 120.0, 200.0, products)


def measure(history: list[UsageMonth], month: str) -> str | None:
    fu = fair_use_for(history, month)
    return decide(None, Customer(fair_use=fu), TODAY, pack=PACK, usage_overrun=UsageOverrun(month)).measure


@pytest.mark.parametrize(
    ("history", "month", "months_over"),
    [
        ([over("2026-08")], "2026-08", 1),
        ([over("2026-08"), over("2026-09")], "2026-09", 2),
        ([over("2026-08"), over("2026-09"), over("2026-10")], "2026-10", 3),
        ([over(f"2026-0{m}") for m in range(3, 8)], "2026-07", 5),
        ([over("2025-12"), over("2026-01")], "2026-01", 2),  # across the turn of the year
        ([over("2026-08"), within("2026-09"), over("2026-10")], "2026-10", 1),  # a good month resets
        ([over("2026-07"), over("2026-08"), within("2026-09"), over("2026-10"), over("2026-11")], "2026-11", 2),
        ([over("2026-08"), over("2026-10")], "2026-10", 1),  # a month without data resets too
        ([over("2026-08"), within("2026-09")], "2026-09", 0),  # this month within the limit
        ([over("2026-08"), over("2026-09"), over("2026-10")], "2026-09", 2),  # later months are not looked at
        ([UsageMonth("2026-09", 200.0, 200.0), over("2026-10")], "2026-10", 1),  # exactly the limit is within it
        ([], "2026-10", 0),
    ],
)
def test_the_months_over_the_limit_are_counted_back_from_this_month(
    history: list[UsageMonth], month: str, months_over: int
) -> None:
    assert fair_use_for(history, month).months_over_limit == months_over


@pytest.mark.parametrize(
    ("history", "expected"),
    [
        # stage 1, 2, 3 and beyond
        ([over("2026-10")], "sms_1"),
        ([over("2026-09"), over("2026-10")], "sms_2"),
        ([over("2026-08"), over("2026-09"), over("2026-10")], "migrate"),
        ([over("2026-07"), over("2026-08"), over("2026-09"), over("2026-10")], "migrate"),
        # the exceptions at stage 3+
        ([over("2026-08"), over("2026-09"), over("2026-10", refused=True)], "terminate"),
        ([over("2026-08"), over("2026-09"), over("2026-10", impossible=True)], "terminate"),
        ([over("2026-08"), over("2026-09"), over("2026-10", ("Mobile Flat", "Mobile-TV"))], "migrate"),
        (
            [over("2026-08"), over("2026-09"), over("2026-10", ("Mobile Flat", "Mobile-TV"), refused=True)],
            "no_termination",
        ),
        # a refusal stays within the run: month 4 is not a new migration offer
        ([over("2026-07"), over("2026-08"), over("2026-09", refused=True), over("2026-10")], "terminate"),
        # a refusal before a good month is forgotten with the run
        (
            [over("2026-06", refused=True), within("2026-07"), over("2026-08"), over("2026-09"), over("2026-10")],
            "migrate",
        ),
        # a refusal noted in month 1 still counts when month 3 comes
        ([over("2026-08", refused=True), over("2026-09"), over("2026-10")], "terminate"),
        # reset after a good month: back to SMS 1, then SMS 2
        ([over("2026-07"), over("2026-08"), within("2026-09"), over("2026-10")], "sms_1"),
        ([over("2026-06"), over("2026-07"), within("2026-08"), over("2026-09"), over("2026-10")], "sms_2"),
        ([over("2026-08"), within("2026-09"), within("2026-10")], None),
    ],
)
def test_the_measure_follows_the_stage_and_its_exceptions(history: list[UsageMonth], expected: str | None) -> None:
    assert measure(history, "2026-10") == expected


COMBO = ("Mobile Flat", "Internet-Kombi L")


@pytest.mark.parametrize(
    ("history", "expected"),
    [
        # Combo customer, month 5 in a row: migration first …
        ([over(f"2026-0{m}", COMBO) for m in range(5, 10)], "migrate"),
        # … refused or impossible: still no termination
        ([*(over(f"2026-0{m}", COMBO) for m in range(5, 9)), over("2026-09", COMBO, refused=True)], "no_termination"),
        (
            [*(over(f"2026-0{m}", COMBO) for m in range(5, 9)), over("2026-09", COMBO, impossible=True)],
            "no_termination",
        ),
        # the combo product is only booked in month 5: this month's products count
        ([*(over(f"2026-0{m}", FLAT, refused=True) for m in range(5, 9)), over("2026-09", COMBO)], "no_termination"),
        # and a combo cancelled before month 5 protects no more
        ([*(over(f"2026-0{m}", COMBO, refused=True) for m in range(5, 9)), over("2026-09", FLAT)], "terminate"),
    ],
)
def test_a_customer_with_a_combo_product_in_month_5_is_never_terminated(
    history: list[UsageMonth], expected: str
) -> None:
    assert fair_use_for(history, "2026-09").months_over_limit == 5
    assert measure(history, "2026-09") == expected


@pytest.mark.parametrize(
    "product",
    [
        "Mobile-TV",
        "Mobile TV Basic",
        "mobile_tv",
        "Combo XL",
        "Kombi Internet",
        "Internet-Kombi",
        "Kombiangebot Plus",
        "AiO Home",
        "All-in-One S",
    ],
)
def test_every_protected_product_spelling_prevents_a_termination(product: str) -> None:
    history = [over("2026-08"), over("2026-09"), over("2026-10", ("Mobile Flat", product), refused=True)]
    assert measure(history, "2026-10") == "no_termination"


# Cues match at word starts (German compounds: "Kombiangebot"), so a doubt errs towards not terminating.
@pytest.mark.parametrize("product", ["Mobile Flat", "Talk", "TVision", "Mobile Data", "Festnetz-Komfort"])
def test_products_that_only_look_alike_do_not_protect(product: str) -> None:
    history = [over("2026-08"), over("2026-09"), over("2026-10", (product,), refused=True)]
    assert measure(history, "2026-10") == "terminate"


def test_the_run_lists_the_months_newest_first() -> None:
    history = [over("2026-08"), over("2026-09"), within("2026-07"), over("2026-10")]
    assert [m.month for m in overrun_run(history, "2026-10")] == ["2026-10", "2026-09", "2026-08"]


@pytest.mark.parametrize("month", ["2026-13", "2026-00", "2026-1", "26-10", "2026/10", ""])
def test_an_invalid_month_is_refused(month: str) -> None:
    with pytest.raises(ValueError, match="invalid month"):
        month_index(month)


def test_month_numbers_are_consecutive_across_years() -> None:
    assert month_index("2026-01") - month_index("2025-12") == 1
    assert month_name(month_index("2025-12") + 1) == "2026-01"
