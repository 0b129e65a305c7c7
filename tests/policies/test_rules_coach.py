"""K-COACH-REFUND, K-COACH-EXT-6W, K-COACH-EXT-LONG."""

from __future__ import annotations

from datetime import date

import pytest

from policies.model import Customer
from tests.policies.rules_kit import approved, fields_set, run, tags_added

LEGACY_TAGS = ["memb_intueat_coach_1.0_extended_6weeks", "memb_intueat_coach_1.0_extended"]


def v2_customer(**kw: object) -> Customer:
    base: dict[str, object] = {
        "coach_round_start": date(2024, 9, 1),
        "coach_end_date": date(2026, 11, 23),
        "pro_end_date": date(2027, 3, 1),
    }
    base.update(kw)
    return Customer(**base)  # type: ignore[arg-type]


# -- K-COACH-REFUND ----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("reason", "documents", "outcome", "alternative", "escalate_to"),
    [
        ("illness", ("attest",), "escalate", None, "coach_leads"),
        ("hospital", ("unspecified",), "escalate", None, "coach_leads"),
        ("illness", (), "needs_info", None, None),
        ("no_time", (), "offer_alternative", "pause_or_later_group", None),
        ("money", ("attest",), "offer_alternative", "pause_or_later_group", None),
        (None, (), "offer_alternative", "pause_or_later_group", None),
    ],
)
def test_a_coach_refund_is_never_approved_by_the_agent(
    reason: str | None, documents: tuple, outcome: str, alternative: str | None, escalate_to: str | None
) -> None:
    d = run("coach_refund", Customer(), reason=reason, documents=documents)
    assert (d.outcome, d.alternative, d.escalate_to, d.clauses, d.actions) == (
        outcome,
        alternative,
        escalate_to,
        ("K-COACH-REFUND",),
        (),
    )


def test_an_escalated_refund_suggests_a_pause_or_later_group_first() -> None:
    assert "spätere Gruppe" in run("coach_refund", Customer(), reason="illness", documents=("attest",)).note


# -- K-COACH-EXT-6W ----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("round_start", "legacy"),
    [
        (date(2023, 5, 31), True),
        (date(2023, 6, 1), False),
        (date(2022, 1, 15), True),
    ],
)
def test_the_six_week_extension_uses_tags_before_june_2023_and_end_dates_from_then(
    round_start: date, legacy: bool
) -> None:
    d = run("coach_extension", v2_customer(coach_round_start=round_start), reason="illness")
    assert (d.outcome, d.clauses) == ("approve", ("K-COACH-EXT-6W",))
    if legacy:
        assert (tags_added(d), fields_set(d)) == (LEGACY_TAGS, {})
    else:
        assert (tags_added(d), fields_set(d)) == ([], {"coach_end_date": "2027-01-04", "pro_end_date": "2027-04-12"})


@pytest.mark.parametrize(
    ("coach_end", "pro_end", "new_coach", "new_pro"),
    [
        (date(2028, 1, 31), date(2028, 2, 29), "2028-03-13", "2028-04-11"),
        (date(2027, 2, 28), date(2027, 12, 31), "2027-04-11", "2028-02-11"),
        (date(2028, 2, 29), date(2028, 1, 18), "2028-04-11", "2028-02-29"),
    ],
)
def test_the_end_dates_move_by_exactly_42_days(coach_end: date, pro_end: date, new_coach: str, new_pro: str) -> None:
    d = run("coach_extension", v2_customer(coach_end_date=coach_end, pro_end_date=pro_end), reason="bereavement")
    assert fields_set(d) == {"coach_end_date": new_coach, "pro_end_date": new_pro}


def test_the_note_names_both_groove_inserts() -> None:
    note = run("coach_extension", v2_customer(coach_round_start=date(2023, 1, 1)), reason="illness").note
    assert "[IE Coach Kulanz] 6-wöchige Verlängerung" in note
    assert "[IE Coach] 6-wöchige Verlängerung eingerichtet" in note


@pytest.mark.parametrize("missing", ["coach_end_date", "pro_end_date"])
def test_a_missing_end_date_makes_it_needs_info_instead_of_moving_only_one(missing: str) -> None:
    d = run("coach_extension", v2_customer(**{missing: None}), reason="illness")
    assert (d.outcome, d.actions) == ("needs_info", ())
    assert "fehlt in AC" in d.note


def test_a_missing_round_start_makes_it_needs_info() -> None:
    d = run(
        "coach_extension", Customer(coach_end_date=date(2027, 1, 1), pro_end_date=date(2027, 1, 1)), reason="illness"
    )
    assert (d.outcome, d.actions) == ("needs_info", ())
    assert "Start der Coach-Runde fehlt" in d.note


def test_a_coach_extension_without_a_reason_asks_for_it() -> None:
    d = run("coach_extension", v2_customer())
    assert (d.outcome, d.clauses) == ("needs_info", ("K-COACH-EXT-6W",))


def test_a_coach_extension_for_a_reason_that_is_not_special_offers_a_coaching_call() -> None:
    d = run("coach_extension", v2_customer(), reason="no_motivation")
    assert (d.outcome, d.alternative, d.clauses) == ("offer_alternative", "coaching_call", ("K-2", "K-COACH-EXT-6W"))


# -- K-COACH-EXT-LONG --------------------------------------------------------------------
@pytest.mark.parametrize(
    ("days", "outcome"),
    [(None, "approve"), (28, "approve"), (42, "approve"), (43, "escalate"), (56, "escalate"), (180, "escalate")],
)
def test_more_than_six_weeks_goes_to_the_coach_leads(days: int | None, outcome: str) -> None:
    d = run("coach_extension", v2_customer(), reason="illness", duration_days=days)
    assert d.outcome == outcome
    if outcome == "escalate":
        assert (d.escalate_to, d.clauses, d.actions) == ("coach_leads", ("K-COACH-EXT-LONG",), ())


@pytest.mark.parametrize(
    ("tags", "history"),
    [
        (("memb_intueat_coach_1.0_extended",), ()),
        (("memb_intueat_coach_1.0_extended", "memb_intueat_coach_1.0_extended_6weeks"), ()),
        ((), (approved("coach_extension", date(2026, 2, 1)),)),
    ],
)
def test_a_second_coach_extension_goes_to_the_coach_leads(tags: tuple, history: tuple) -> None:
    d = run("coach_extension", v2_customer(tags=tags, history=history), reason="illness")
    assert (d.outcome, d.escalate_to, d.clauses) == ("escalate", "coach_leads", ("K-COACH-EXT-LONG",))
    assert "Atteste" in d.note and "_extended_6month" in d.note


def test_other_goodwill_does_not_block_the_six_week_coach_extension() -> None:
    customer = v2_customer(tags=("kulanz_verlaengerung",), history=(approved("program_extension", date(2026, 1, 1)),))
    assert run("coach_extension", customer, reason="illness").outcome == "approve"
