"""K-EXT-1/2/3, K-PAUSE, K-RET-30, K-RET-LATE: one table per clause, with its boundaries."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from policies.model import Customer, Ticket
from tests.policies.rules_kit import approved, fields_set, run, tags_added

END = date(2026, 12, 31)


# -- K-EXT-1 / K-EXT-2 / K-EXT-3 ----------------------------------------------------------
def test_a_first_extension_adds_four_weeks_to_the_end_date_and_marks_the_goodwill() -> None:
    d = run("program_extension", Customer(program_end_date=END))
    assert (d.outcome, d.clauses) == ("approve", ("K-EXT-1",))
    assert fields_set(d) == {"program_end_date": "2027-01-28"}
    assert tags_added(d) == ["kulanz_verlaengerung"]
    assert [a.system for a in d.actions] == ["activecampaign", "activecampaign"]


@pytest.mark.parametrize(
    ("end", "new_end"),
    [
        (date(2028, 2, 1), "2028-02-29"),  # lands on 29 Feb
        (date(2028, 2, 29), "2028-03-28"),  # starts on 29 Feb
        (date(2027, 1, 31), "2027-02-28"),  # month end stays a plain 28-day step
        (date(2026, 12, 10), "2027-01-07"),  # over the year end
    ],
)
def test_the_extension_counts_whole_weeks_over_month_ends_and_leap_days(end: date, new_end: str) -> None:
    assert fields_set(run("program_extension", Customer(program_end_date=end))) == {"program_end_date": new_end}


def test_a_first_extension_without_an_end_date_in_the_crm_asks_for_it() -> None:
    d = run("program_extension", Customer())
    assert (d.outcome, d.actions) == ("needs_info", ())
    assert "Programm-Ende fehlt in AC" in d.note


@pytest.mark.parametrize(
    ("history", "tags", "outcome", "alternative", "clauses"),
    [
        (
            (approved("program_extension", date(2026, 5, 2)),),
            (),
            "offer_alternative",
            "coaching_call",
            ("K-3", "K-EXT-2"),
        ),
        ((), ("kulanz_verlaengerung",), "offer_alternative", "coaching_call", ("K-3", "K-EXT-2")),
        (
            (approved("program_extension", date(2025, 5, 2)), approved("club_pause", date(2026, 1, 2))),
            (),
            "deny",
            "club_membership",
            ("K-3", "K-EXT-3"),
        ),
        (
            (approved("program_extension", date(2025, 5, 2)), approved("program_extension", date(2026, 1, 2))),
            ("kulanz_verlaengerung",),
            "deny",
            "club_membership",
            ("K-3", "K-EXT-3"),
        ),
    ],
)
def test_prior_goodwill_turns_an_extension_into_an_alternative_or_a_denial(
    history: tuple, tags: tuple, outcome: str, alternative: str, clauses: tuple
) -> None:
    d = run("program_extension", Customer(program_end_date=END, history=history, tags=tags))
    assert (d.outcome, d.alternative, d.clauses, d.actions) == (outcome, alternative, clauses, ())


def test_a_second_extension_note_names_the_exception_and_the_club_as_the_only_way_on() -> None:
    d = run(
        "program_extension", Customer(program_end_date=END, history=(approved("program_extension", date(2026, 5, 2)),))
    )
    assert "Kulanzneustart" in d.note and "Club" in d.note and "02.05.2026" in d.note


def test_timing_not_right_is_pointed_out_to_the_agent() -> None:
    d = run("program_extension", Customer(program_end_date=END), timing_not_right=True)
    assert "Zeitpunkt passte nicht" in d.note and "Priorität" in d.note


# -- K-PAUSE --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("reason", "history", "alternative", "clauses"),
    [
        ("illness", (), "extension", ("K-PAUSE",)),
        ("bereavement", (), "extension", ("K-PAUSE",)),
        ("hospital", (), "extension", ("K-PAUSE",)),
        ("no_time", (), "coaching_call", ("K-PAUSE",)),
        (None, (), "coaching_call", ("K-PAUSE",)),
        ("illness", (approved("program_extension", date(2026, 3, 1)),), "coaching_call", ("K-3", "K-PAUSE")),
    ],
)
def test_a_pause_is_never_granted_but_a_weighty_reason_gets_an_extension_offer(
    reason: str | None, history: tuple, alternative: str, clauses: tuple
) -> None:
    d = run("program_pause", Customer(program_end_date=END, history=history), reason=reason)
    assert (d.outcome, d.alternative, d.clauses, d.actions) == ("offer_alternative", alternative, clauses, ())


def test_a_pause_without_a_reason_asks_for_it() -> None:
    assert "Grund erfragen" in run("program_pause", Customer(program_end_date=END)).note


def test_the_extension_offered_for_a_pause_names_the_new_end_date() -> None:
    assert "28.01.2027" in run("program_pause", Customer(program_end_date=END), reason="accident").note


# -- K-RET-30 / K-RET-LATE ------------------------------------------------------------------
PURCHASE = date(2026, 10, 1)


def _ticket_on(day: date) -> Ticket:
    return Ticket(
        number=1, subject="Rückgabe", body="...", created_at=datetime(day.year, day.month, day.day, 9, 0, tzinfo=UTC)
    )


@pytest.mark.parametrize(
    ("wish", "days", "outcome", "clauses"),
    [
        (date(2026, 10, 1), 0, "approve", ("K-RET-30",)),
        (date(2026, 10, 30), 29, "approve", ("K-RET-30",)),
        (date(2026, 10, 31), 30, "approve", ("K-RET-30",)),
        (date(2026, 11, 1), 31, "deny", ("K-RET-LATE",)),
        (date(2026, 11, 20), 50, "deny", ("K-RET-LATE",)),
    ],
)
def test_a_return_wish_up_to_day_30_is_approved_and_from_day_31_denied(
    wish: date, days: int, outcome: str, clauses: tuple
) -> None:
    d = run("program_return", Customer(program_purchase_date=PURCHASE), ticket=_ticket_on(wish))
    assert (d.outcome, d.clauses, d.facts["day_count"]) == (outcome, clauses, days)


def test_the_return_window_counts_across_29_february() -> None:
    d = run(
        "program_return",
        Customer(program_purchase_date=date(2028, 2, 1)),
        ticket=_ticket_on(date(2028, 3, 2)),
        today=date(2028, 3, 5),
    )
    assert (d.facts["day_count"], d.outcome) == (30, "approve")


def test_a_return_wish_sent_late_at_night_counts_on_the_berlin_calendar_day() -> None:
    ticket = Ticket(number=1, subject="", body="", created_at=datetime(2026, 10, 31, 23, 30, tzinfo=UTC))
    d = run("program_return", Customer(program_purchase_date=PURCHASE), ticket=ticket)
    assert (d.facts["first_return_wish"], d.outcome) == ("2026-11-01", "deny")


def test_the_first_return_wish_from_an_earlier_ticket_keeps_the_return_in_time() -> None:
    earlier = approved("program_return", date(2026, 10, 20), outcome="needs_info", applied=False)
    d = run(
        "program_return",
        Customer(program_purchase_date=PURCHASE, history=(earlier,)),
        ticket=_ticket_on(date(2026, 11, 20)),
    )
    assert (d.outcome, d.facts["day_count"], d.facts["first_return_wish_source"]) == ("approve", 19, "history")
    assert "früheres Ticket" in d.note


def test_a_return_wish_before_this_purchase_belongs_to_another_purchase() -> None:
    old = approved("program_return", date(2025, 3, 1), outcome="approve")
    d = run(
        "program_return",
        Customer(program_purchase_date=PURCHASE, history=(old,)),
        ticket=_ticket_on(date(2026, 11, 20)),
    )
    assert (d.outcome, d.facts["first_return_wish"]) == ("deny", "2026-11-20")


def test_without_a_ticket_date_the_wish_counts_from_today() -> None:
    d = run("program_return", Customer(program_purchase_date=date(2026, 10, 24)))  # today is day 30
    assert (d.facts["day_count"], d.outcome) == (30, "approve")


@pytest.mark.parametrize(
    ("reason", "dissatisfied"),
    [
        ("illness", False),
        ("bereavement", False),
        ("surgery", False),
        (None, True),
        ("no_success", True),
    ],
)
def test_a_late_return_with_a_special_case_goes_to_the_ofd(reason: str | None, dissatisfied: bool) -> None:
    d = run(
        "program_return",
        Customer(program_purchase_date=date(2026, 6, 1)),
        reason=reason,
        strong_dissatisfaction=dissatisfied,
    )
    assert (d.outcome, d.escalate_to, d.clauses) == ("escalate", "ofd", ("K-RET-LATE",))


@pytest.mark.parametrize("reason", ["no_success", "not_for_me", "money", None])
def test_a_late_return_without_a_special_case_is_denied(reason: str | None) -> None:
    d = run("program_return", Customer(program_purchase_date=date(2026, 6, 1)), reason=reason)
    assert (d.outcome, d.escalate_to) == ("deny", None)


def test_an_unknown_purchase_date_asks_for_it() -> None:
    d = run("program_return", Customer())
    assert (d.outcome, d.clauses) == ("needs_info", ("K-RET-LATE",))
    assert "Kaufdatum" in d.note


def test_a_return_in_time_is_approved_even_after_earlier_goodwill() -> None:
    customer = Customer(
        program_purchase_date=date(2026, 11, 1),
        tags=("kulanz_verlaengerung",),
        history=(approved("program_extension", date(2026, 11, 10)),),
    )
    assert run("program_return", customer).outcome == "approve"
