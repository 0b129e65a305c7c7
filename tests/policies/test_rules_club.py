"""K-CLUB-PAUSE and K-CLUB-EXIT."""

from __future__ import annotations

from datetime import date

import pytest

from policies.model import Customer
from tests.policies.rules_kit import approved, run, tags_added


# -- K-CLUB-PAUSE ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("days", "outcome", "escalate_to"),
    [
        (None, "approve", None),
        (30, "approve", None),
        (180, "approve", None),  # "6 Monate" (the classifier reads a month as 30 days)
        (181, "approve", None),  # 23 Nov 2026 → 23 May 2027 is exactly 6 calendar months = 181 days
        (182, "escalate", "head_of_ch"),
        (210, "escalate", "head_of_ch"),  # "7 Monate"
        (365, "escalate", "head_of_ch"),
    ],
)
def test_a_club_pause_for_a_weighty_reason_is_approved_up_to_six_calendar_months(
    days: int | None, outcome: str, escalate_to: str | None
) -> None:
    d = run("club_pause", Customer(), reason="illness", duration_days=days)
    assert (d.outcome, d.escalate_to, d.clauses) == (outcome, escalate_to, ("K-CLUB-PAUSE",))
    assert tags_added(d) == (["kulanz_club_pause"] if outcome == "approve" else [])


def test_six_months_from_the_last_day_of_august_end_on_the_last_day_of_february() -> None:
    inside = run("club_pause", Customer(), today=date(2026, 8, 31), reason="illness", duration_days=181)
    outside = run("club_pause", Customer(), today=date(2026, 8, 31), reason="illness", duration_days=182)
    assert (inside.outcome, inside.facts["pause_latest_end"]) == ("approve", "2027-02-28")
    assert outside.outcome == "escalate"


def test_an_approved_pause_states_until_when() -> None:
    d = run("club_pause", Customer(), reason="surgery", duration_days=90)
    assert d.facts["pause_until"] == "2027-02-23"
    assert "23.02.2027" in d.note


def test_a_pause_without_a_length_is_approved_and_the_note_asks_for_the_length() -> None:
    d = run("club_pause", Customer(), reason="illness")
    assert d.outcome == "approve"
    assert "Dauer klären" in d.note and "23.05.2027" in d.note


@pytest.mark.parametrize("reason", [None, "no_time", "no_motivation", "money", "not_for_me"])
def test_a_club_pause_without_a_weighty_reason_is_denied(reason: str | None) -> None:
    d = run("club_pause", Customer(), reason=reason, duration_days=60)
    assert (d.outcome, d.clauses, d.actions) == ("deny", ("K-CLUB-PAUSE",), ())


def test_a_club_pause_after_earlier_goodwill_offers_a_coaching_call_instead() -> None:
    d = run("club_pause", Customer(history=(approved("program_extension", date(2026, 2, 1)),)), reason="illness")
    assert (d.outcome, d.alternative, d.clauses) == ("offer_alternative", "coaching_call", ("K-3", "K-CLUB-PAUSE"))


# -- K-CLUB-EXIT -------------------------------------------------------------------------
def exit_case(customer: Customer | None = None, **facts: object):
    facts.setdefault("explicit_exit", True)
    return run("club_cancellation", customer or Customer(club_start_date=date(2026, 3, 1)), **facts)


@pytest.mark.parametrize(
    ("reason", "documents", "outcome"),
    [
        ("unemployment", ("unemployment_certificate",), "approve"),
        ("illness", ("attest",), "approve"),
        ("surgery", ("attest",), "approve"),
        ("illness", ("unspecified",), "needs_info"),  # an attachment that is not the attest proves nothing
        ("unemployment", (), "needs_info"),
        ("illness", (), "needs_info"),
        ("unemployment", ("attest",), "needs_info"),  # the wrong document
        (None, (), "needs_info"),
        ("weight_gain", (), "deny"),
        ("no_success", (), "deny"),
        ("not_for_me", (), "deny"),
        ("dissatisfied", (), "deny"),
        ("bereavement", (), "escalate"),  # weighty, but not a reason the guideline names for an exit
    ],
)
def test_an_early_club_exit_needs_a_weighty_reason_and_its_document(
    reason: str | None, documents: tuple, outcome: str
) -> None:
    d = exit_case(reason=reason, documents=documents)
    assert (d.outcome, d.clauses, d.actions) == (outcome, ("K-CLUB-EXIT",), ())


@pytest.mark.parametrize(
    ("start", "earliest", "exit_on"),
    [
        (date(2026, 3, 1), "2027-03-01", "2027-03-01"),  # still in the first year
        (date(2025, 11, 24), "2026-11-24", "2026-11-24"),  # one day before the first year is over
        (date(2025, 11, 23), "2026-11-23", "2026-11-23"),  # exactly one year: today
        (date(2024, 2, 29), "2025-02-28", "2026-11-23"),  # long past, from 29 Feb
    ],
)
def test_an_approved_exit_ends_the_membership_one_year_after_the_start_at_the_earliest(
    start: date, earliest: str, exit_on: str
) -> None:
    d = exit_case(Customer(club_start_date=start), reason="illness", documents=("attest",))
    assert (d.facts["club_exit_earliest"], d.facts["club_exit_date"]) == (earliest, exit_on)


def test_an_approved_exit_requires_the_signed_confidentiality_declaration_first() -> None:
    d = exit_case(reason="unemployment", documents=("unemployment_certificate",))
    assert "Vertraulichkeitserklärung" in d.note and "01.03.2027" in d.note


def test_an_exit_without_the_club_start_in_the_crm_is_approved_and_the_gap_named() -> None:
    d = exit_case(Customer(), reason="illness", documents=("attest",))
    assert d.outcome == "approve" and "Club-Start fehlt in AC" in d.note


def test_a_club_cancellation_not_asked_for_explicitly_is_clarified_first() -> None:
    d = exit_case(explicit_exit=False, reason="unemployment", documents=("unemployment_certificate",))
    assert (d.outcome, d.clauses) == ("clarify", ("K-1", "K-CLUB-EXIT"))
    assert "vorzeitig beenden" in d.note


def test_a_missing_document_names_the_one_to_request() -> None:
    assert "Arbeitslosenbescheinigung anfordern" in exit_case(reason="unemployment").note
    assert "Attest anfordern" in exit_case(reason="illness").note


def test_the_exit_ignores_earlier_goodwill() -> None:
    customer = Customer(club_start_date=date(2025, 1, 1), tags=("kulanz_verlaengerung",))
    assert exit_case(customer, reason="illness", documents=("attest",)).outcome == "approve"
