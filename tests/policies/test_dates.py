from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from policies import dates


@pytest.mark.parametrize(
    ("start", "weeks", "expected"),
    [
        (date(2026, 11, 23), 6, date(2027, 1, 4)),  # docs/policy.md §5 K-COACH-EXT-6W: 6 weeks = 42 days
        (date(2026, 12, 31), 4, date(2027, 1, 28)),  # over the year end
        (date(2028, 2, 1), 4, date(2028, 2, 29)),  # lands on 29 Feb in a leap year
        (date(2027, 2, 1), 4, date(2027, 3, 1)),  # no 29 Feb in a common year
        (date(2026, 1, 31), 4, date(2026, 2, 28)),  # a month end is not snapped to the next month end
    ],
)
def test_the_week_calculator_adds_exactly_seven_days_per_week(start: date, weeks: int, expected: date) -> None:
    assert dates.add_weeks(start, weeks) == expected


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2026, 8, 31), 6, date(2027, 2, 28)),
        (date(2027, 8, 31), 6, date(2028, 2, 29)),
        (date(2026, 11, 23), 6, date(2027, 5, 23)),
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2026, 3, 31), -1, date(2026, 2, 28)),
        (date(2026, 12, 15), 1, date(2027, 1, 15)),
    ],
)
def test_calendar_months_keep_the_day_or_clamp_to_the_month_end(start: date, months: int, expected: date) -> None:
    assert dates.add_months(start, months) == expected


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        (date(2024, 2, 29), date(2025, 2, 28)),
        (date(2023, 2, 28), date(2024, 2, 28)),
        (date(2024, 3, 1), date(2025, 3, 1)),
        (date(2025, 12, 31), date(2026, 12, 31)),
    ],
)
def test_the_club_exit_is_one_year_after_the_start_and_29_february_becomes_28(start: date, expected: date) -> None:
    assert dates.club_exit_earliest(start) == expected


def test_an_exit_asked_after_the_first_year_takes_effect_on_the_decision_day() -> None:
    assert dates.club_exit_date(date(2024, 1, 10), today=date(2026, 11, 23)) == date(2026, 11, 23)
    assert dates.club_exit_date(date(2026, 3, 1), today=date(2026, 11, 23)) == date(2027, 3, 1)


def test_leap_years_follow_the_gregorian_rule() -> None:
    assert [y for y in (1900, 2000, 2024, 2026, 2028, 2100) if dates.is_leap_year(y)] == [2000, 2024, 2028]


def test_month_ends_know_february_in_leap_and_common_years() -> None:
    assert dates.end_of_month(date(2028, 2, 3)) == date(2028, 2, 29)
    assert dates.end_of_month(date(2027, 2, 3)) == date(2027, 2, 28)
    assert dates.is_month_end(date(2026, 4, 30)) and not dates.is_month_end(date(2026, 5, 30))


def test_the_purchase_day_is_day_zero() -> None:
    assert dates.day_count(date(2026, 10, 1), date(2026, 10, 1)) == 0
    assert dates.day_count(date(2026, 10, 1), date(2026, 10, 31)) == 30
    assert dates.day_count(date(2028, 2, 1), date(2028, 3, 2)) == 30  # 29 Feb counts as a day


@pytest.mark.parametrize(
    ("start", "days", "inside"),
    [
        (date(2026, 11, 23), 181, True),  # 23 Nov → 23 May is 181 days
        (date(2026, 11, 23), 182, False),
        (date(2026, 7, 1), 184, True),  # Jul–Dec: the longest half year
        (date(2026, 7, 1), 185, False),
        (date(2026, 11, 23), 180, True),  # "6 Monate" as read by the classifier (6·30 days)
        (date(2026, 11, 23), 210, False),  # "7 Monate"
        (date(2026, 8, 31), 180, True),  # 6 calendar months even where they hold only 181 days
    ],
)
def test_six_months_means_six_calendar_months_from_the_start(start: date, days: int, inside: bool) -> None:
    assert dates.within_months(start, days, 6) is inside


def test_a_multiple_of_thirty_days_is_read_as_calendar_months() -> None:
    assert dates.span_end(date(2026, 11, 23), 180) == date(2027, 5, 23)
    assert dates.span_end(date(2026, 11, 23), 182) == date(2027, 5, 24)


@pytest.mark.parametrize(
    ("start", "v2"),
    [
        (date(2023, 5, 31), False),
        (date(2023, 6, 1), True),
        (date(2020, 1, 1), False),
        (date(2025, 1, 1), True),
    ],
)
def test_coach_rounds_from_1_june_2023_use_end_dates(start: date, v2: bool) -> None:
    assert dates.coach_round_is_v2(start) is v2


def test_the_local_day_is_the_teams_calendar_day() -> None:
    late = datetime(2026, 10, 31, 23, 30, tzinfo=UTC)
    assert dates.local_date(late, "Europe/Berlin") == date(2026, 11, 1)
    assert dates.local_date(datetime(2026, 10, 31, 22, 30), "Europe/Berlin") == date(2026, 10, 31)  # naive = UTC


@pytest.mark.parametrize("text", ["2026-02-30", "2026-13-01", "26-11-23", "2026-11-23T10:00:00", "20261123", ""])
def test_strict_iso_dates_reject_impossible_or_odd_input(text: str) -> None:
    with pytest.raises(ValueError):
        dates.parse_iso_date(text)


def test_datetimes_accept_z_offsets_and_bare_dates() -> None:
    assert dates.parse_iso_datetime("2026-11-20T09:12:00Z") == datetime(2026, 11, 20, 9, 12, tzinfo=UTC)
    assert dates.parse_iso_datetime("2026-11-20").tzinfo is not None
    with pytest.raises(ValueError):
        dates.parse_iso_datetime("2026-13-01T00:00:00Z")


def test_german_date_format_for_notes() -> None:
    assert dates.format_de(date(2027, 1, 4)) == "04.01.2027"
