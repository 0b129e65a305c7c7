"""Calendar arithmetic the clauses need. Pure: every "today" is passed in, never read from the clock.

Definitions used throughout the policy (docs/policy.md §5):
- A *day count* from A to B is `(B - A).days`: the purchase day is day 0, the next day day 1.
  So a return wish on day 30 after purchase is still in time, day 31 is late (K-RET-30).
- *N weeks* are exactly 7·N days (the seed's "Wochenrechner"); 6 weeks = 42 days.
- *N months* are calendar months: the same day number N months later, clamped to the last day of
  a shorter month (31 Aug + 6 months = 28/29 Feb). A span "up to 6 months" starting on day S may
  therefore end on `add_months(S, 6)` at the latest (181–184 days depending on the months); an
  asked span of 30·N days is N calendar months (see `span_end`).
- *One year after* a date is the same day a year later; 29 Feb becomes 28 Feb in a common year.
"""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

# Coach training rounds starting from this day are extended by moving end dates in AC, older
# rounds by tags (seed 000, "ab Start Juni 2023"). The pack may override it.
COACH_V2_START = date(2023, 6, 1)


def is_leap_year(year: int) -> bool:
    return calendar.isleap(year)


def days_in_month(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def end_of_month(d: date) -> date:
    return d.replace(day=days_in_month(d.year, d.month))


def is_month_end(d: date) -> bool:
    return d.day == days_in_month(d.year, d.month)


def add_days(d: date, days: int) -> date:
    return d + timedelta(days=days)


def add_weeks(d: date, weeks: int) -> date:
    """The week calculator: `d` plus exactly 7·weeks days (no month-end snapping)."""
    return d + timedelta(weeks=weeks)


def add_months(d: date, months: int) -> date:
    """Same day number `months` calendar months later, clamped to the end of a shorter month."""
    index = d.year * 12 + (d.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(d.day, days_in_month(year, month)))


def add_years(d: date, years: int) -> date:
    """Same day `years` later; 29 Feb becomes 28 Feb when the target year is not a leap year."""
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # only 29 Feb in a common year
        return d.replace(year=d.year + years, day=28)


def day_count(start: date, end: date) -> int:
    """Days from `start` to `end`; the start day itself is day 0."""
    return (end - start).days


def span_end(start: date, days: int) -> date:
    """The last day of a span of `days` days asked for from `start`.

    The classifier turns "N Monate" into 30·N days, so a whole multiple of 30 is read back as
    N calendar months ("6 Monate" from 23 Nov ends 23 May, not 22 May); other spans count days.
    """
    if days > 0 and days % 30 == 0:
        return add_months(start, days // 30)
    return add_days(start, days)


def within_months(start: date, days: int, months: int) -> bool:
    """Whether a span of `days` days starting on `start` fits into `months` calendar months."""
    return span_end(start, days) <= add_months(start, months)


def club_exit_earliest(club_start: date, years: int = 1) -> date:
    """K-CLUB-EXIT: the membership ends at the earliest one year after the club start."""
    return add_years(club_start, years)


def club_exit_date(club_start: date, today: date, years: int = 1) -> date:
    """The day an approved early exit takes effect: one year after the start, or today if later."""
    return max(club_exit_earliest(club_start, years), today)


def coach_round_is_v2(round_start: date, boundary: date = COACH_V2_START) -> bool:
    """Rounds starting on or after the boundary are extended via end dates, older ones via tags."""
    return round_start >= boundary


def local_date(moment: datetime, tz_name: str) -> date:
    """The calendar day of `moment` where the team works (naive datetimes are taken as UTC).

    A return wish sent at 23:30 UTC on day 30 arrives on day 31 in Berlin: the team's calendar counts.
    """
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(ZoneInfo(tz_name)).date()


def parse_iso_date(text: str) -> date:
    """Strict `YYYY-MM-DD` (no week dates, no times); raises ValueError otherwise."""
    if len(text) != 10 or text[4] != "-" or text[7] != "-":
        raise ValueError(text)
    return date.fromisoformat(text)


def parse_iso_datetime(text: str) -> datetime:
    """ISO 8601 date-time with optional `Z`/offset, or a bare date (midnight UTC)."""
    if len(text) == 10:
        d = parse_iso_date(text)
        return datetime(d.year, d.month, d.day, tzinfo=UTC)
    if len(text) < 16 or text[10] not in "T ":
        raise ValueError(text)
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def format_de(d: date) -> str:
    """German notation for notes: 04.01.2027."""
    return d.strftime("%d.%m.%Y")
