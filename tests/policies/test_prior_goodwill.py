"""K-3: what counts as a prior goodwill gesture (docs/policy.md §4)."""

from __future__ import annotations

from datetime import date

import pytest

from policies.model import Customer, HistoryEntry
from policies.pack.loader import load_pack
from policies.rules.common import prior_goodwill
from tests.policies.rules_kit import TODAY

PACK = load_pack("goodwill")


def entry(rt: str, on: date, outcome: str = "approve", applied: bool = True, source: str = "ledger") -> HistoryEntry:
    return HistoryEntry(date=on, request_type=rt, outcome=outcome, applied=applied, source=source)


def count(**customer: object) -> int:
    return prior_goodwill(Customer(**customer), PACK, TODAY).count  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "rt", ["program_extension", "program_pause", "club_pause", "club_cancellation", "coach_extension", "coach_refund"]
)
def test_an_applied_approval_of_any_goodwill_type_counts(rt: str) -> None:
    assert count(history=(entry(rt, date(2026, 1, 5)),)) == 1


@pytest.mark.parametrize(
    ("outcome", "applied"),
    [("approve", False), ("deny", True), ("offer_alternative", True), ("needs_info", False), ("escalate", False)],
)
def test_what_was_not_granted_does_not_count(outcome: str, applied: bool) -> None:
    assert count(history=(entry("program_extension", date(2026, 1, 5), outcome, applied),)) == 0


@pytest.mark.parametrize(
    ("returned_on", "counts"),
    [
        (date(2026, 1, 31), 0),  # day 30 after purchase: the guarantee
        (date(2026, 2, 1), 1),  # day 31: only possible as goodwill (OFD)
    ],
)
def test_a_return_within_30_days_is_no_goodwill_but_a_later_one_is(returned_on: date, counts: int) -> None:
    assert count(program_purchase_date=date(2026, 1, 1), history=(entry("program_return", returned_on),)) == counts


def test_an_approved_return_without_a_known_purchase_date_is_taken_as_the_guarantee() -> None:
    assert count(history=(entry("program_return", date(2026, 3, 1)),)) == 0


@pytest.mark.parametrize(
    ("tag", "counts"),
    [
        ("kulanz_verlaengerung", 1),
        ("Kulanz_Club_Pause", 1),
        ("kulanz_gewaehrt", 1),
        ("memb_intueat_coach_1.0_extended", 1),
        ("memb_intueat_coach_1.0_extended_6weeks", 1),
        ("newsletter", 0),
        ("memb_club", 0),
        ("extended_trial", 0),
        ("keine_kulanz", 0),
    ],
)
def test_marker_tags_count_as_a_prior_gesture(tag: str, counts: int) -> None:
    assert count(tags=(tag,)) == counts


def test_tags_say_at_least_one_and_never_add_to_the_history_count() -> None:
    tags = ("kulanz_verlaengerung", "kulanz_gewaehrt")
    assert count(tags=tags) == 1
    assert (
        count(tags=tags, history=(entry("program_extension", date(2025, 1, 1)), entry("club_pause", date(2026, 1, 1))))
        == 2
    )


def test_the_same_gesture_from_the_ledger_and_an_earlier_ticket_counts_once() -> None:
    same = (entry("program_extension", date(2026, 1, 5)), entry("program_extension", date(2026, 1, 5), source="groove"))
    assert count(history=same) == 1


def test_abuse_incidents_and_future_entries_do_not_count() -> None:
    assert (
        count(
            history=(entry("abuse", date(2026, 1, 5), "escalate", False), entry("program_extension", date(2027, 1, 1)))
        )
        == 0
    )


def test_each_gesture_the_tags_show_counts_once_unless_the_history_holds_one_of_its_kind() -> None:
    # an extension and a restart, a program's extension beside another program's: two gestures
    assert count(tags=("kulanz_verlaengerung", "kulanz_neustart")) == 2
    assert count(tags=("kulanz_verlaengerung", "prog_mentales_abnehmen_basis_extended")) == 2
    # the two tags of one coach extension: one gesture
    assert count(tags=("memb_intueat_coach_1.0_extended_6weeks", "memb_intueat_coach_1.0_extended")) == 1
    # an applied extension explains the extension tags beside it, not a Club pause's or a restart's
    ext = (entry("program_extension", date(2025, 11, 10)),)
    assert count(tags=("kulanz_verlaengerung", "prog_intuitiv_abnehmen_12w_extended"), history=ext) == 1
    assert count(tags=("kulanz_neustart",), history=ext) == 2
    assert count(tags=("kulanz_verlaengerung",), history=(entry("club_pause", date(2026, 3, 5)),)) == 2
