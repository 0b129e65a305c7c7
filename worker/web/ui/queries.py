"""Database reads behind the UI pages (no Flask here: plain functions, testable on their own)."""

from __future__ import annotations

import json
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from policies.vocab import InboxStatus, Outcome, RequestType
from worker.ops.status import WAITING, aware, open_reviews_query
from worker.store.db import session_scope
from worker.store.models import DecisionRecord, FailedJob, InboxEvent
from worker.store.records import newer_decision_id
from worker.web.ui.labels import TEAM_TZ

PAGE_SIZE = 50
NOT_FAQ = frozenset({RequestType.ABUSE})  # an insult is not a question the FAQ could answer
# What a filter may ask for (worker/web/ui/decisions.py refuses anything else with a 400): beyond these
# a value is no decision (ticket numbers are BIGINTs; the date range keeps the time-zone arithmetic
# far from year 1 and 9999; an OFFSET of MAX_PAGE pages still fits a BIGINT).
MAX_TICKET_NUMBER = 2**63 - 1
MIN_DATE = date(2000, 1, 1)
MAX_DATE = date(2100, 12, 31)
MAX_PAGE = 10**9


@dataclass(frozen=True)
class DecisionFilter:
    request_type: str | None = None
    outcome: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    ticket: int | None = None
    page: int = 1


def local_midnight_utc(d: date) -> datetime:
    return datetime.combine(d, time.min, tzinfo=TEAM_TZ).astimezone(UTC)


def week_start(d: date) -> date:
    return d - timedelta(days=d.weekday())


def list_decisions(db_url: str, f: DecisionFilter) -> tuple[list[DecisionRecord], int]:
    conditions = []
    if f.request_type:
        conditions.append(DecisionRecord.request_type == f.request_type)
    if f.outcome:
        conditions.append(DecisionRecord.outcome == f.outcome)
    if f.date_from:
        conditions.append(DecisionRecord.created_at >= local_midnight_utc(f.date_from))
    if f.date_to:
        conditions.append(DecisionRecord.created_at < local_midnight_utc(f.date_to + timedelta(days=1)))
    if f.ticket:
        conditions.append(DecisionRecord.ticket_number == f.ticket)
    with session_scope(db_url) as s:
        total = s.scalar(select(func.count()).select_from(DecisionRecord).where(*conditions)) or 0
        rows = s.scalars(
            select(DecisionRecord)
            .options(selectinload(DecisionRecord.actions))
            .where(*conditions)
            .order_by(DecisionRecord.id.desc())
            .limit(PAGE_SIZE)
            .offset((max(1, f.page) - 1) * PAGE_SIZE)
        ).all()
    return list(rows), total


def get_decision(db_url: str, decision_id: int) -> tuple[DecisionRecord | None, list[DecisionRecord]]:
    """The decision and every decision on the same ticket (oldest first)."""
    with session_scope(db_url) as s:
        rec = s.get(DecisionRecord, decision_id, options=[selectinload(DecisionRecord.actions)])
        if rec is None:
            return None, []
        siblings = s.scalars(
            select(DecisionRecord).where(DecisionRecord.ticket_number == rec.ticket_number).order_by(DecisionRecord.id)
        ).all()
    return rec, list(siblings)


def groove_app_urls(db_url: str, numbers: list[int]) -> dict[int, str]:
    """Groove's own link to each ticket, as its webhooks sent it (`app_url` on tickets, `app_ticket_url` on messages)."""
    if not numbers:
        return {}
    out: dict[int, str] = {}
    with session_scope(db_url) as s:
        rows = s.execute(
            select(InboxEvent.ticket_number, InboxEvent.payload)
            .where(InboxEvent.ticket_number.in_(set(numbers)))
            .order_by(InboxEvent.id)
        ).all()
    for number, payload in rows:
        if number is None or int(number) in out:  # the query already leaves out rows without a number
            continue
        try:
            data = json.loads(payload)
            url = data.get("app_url") or data.get("app_ticket_url")
        except (ValueError, AttributeError):
            continue
        if isinstance(url, str) and url.startswith(("https://", "http://")):
            out[int(number)] = url
    return out


def ticket_url(template: str | None, number: int, app_url: str | None) -> str | None:
    """GROOVE_APP_URL (a template with {number}, or a base URL) wins; else Groove's own app_url."""
    if template:
        return template.replace("{number}", str(number)) if "{number}" in template else f"{template}/tickets/{number}"
    return app_url


def open_reviews(db_url: str, limit: int = 100) -> tuple[list[DecisionRecord], int]:
    """The oldest `limit` open cases (oldest first) and how many are open in all."""
    with session_scope(db_url) as s:
        total = s.scalar(select(func.count()).select_from(open_reviews_query().subquery())) or 0
        rows = s.scalars(open_reviews_query().options(selectinload(DecisionRecord.actions)).limit(limit)).all()
        return list(rows), total


def is_open_review(db_url: str, decision_id: int) -> DecisionRecord | None:
    with session_scope(db_url) as s:
        return s.scalars(open_reviews_query().where(DecisionRecord.id == decision_id)).one_or_none()


def replaced_by(db_url: str, decision_id: int) -> int | None:
    """The newer decision of the same ticket that replaced this one (None: current, or unknown)."""
    with session_scope(db_url) as s:
        rec = s.get(DecisionRecord, decision_id)
        return newer_decision_id(s, rec) if rec is not None else None


def recent_reviews(db_url: str, limit: int = 20) -> list[DecisionRecord]:
    with session_scope(db_url) as s:
        return list(
            s.scalars(
                select(DecisionRecord)
                .where(DecisionRecord.review_status.is_not(None))
                .order_by(DecisionRecord.reviewed_at.desc(), DecisionRecord.id.desc())
                .limit(limit)
            ).all()
        )


@dataclass(frozen=True)
class FailedRow:
    job: FailedJob
    ticket_number: int | None
    replayable: bool


def failed_jobs(db_url: str) -> list[FailedRow]:
    from worker.ops.replay import replayable

    with session_scope(db_url) as s:
        rows = s.execute(
            select(FailedJob, InboxEvent.ticket_number)
            .outerjoin(InboxEvent, InboxEvent.id == FailedJob.inbox_event_id)
            .where(FailedJob.replayed_at.is_(None))
            .order_by(FailedJob.id.desc())
        ).all()
        return [FailedRow(job, number, replayable(job)) for job, number in rows]


def waiting_events(db_url: str, limit: int = 20) -> list[InboxEvent]:
    with session_scope(db_url) as s:
        return list(
            s.scalars(
                select(InboxEvent)
                .where(InboxEvent.status.in_((*WAITING, InboxStatus.PROCESSING)))
                .order_by(InboxEvent.received_at)
                .limit(limit)
            ).all()
        )


# --- service metrics (seed 003) ---------------------------------------------------------------


@dataclass(frozen=True)
class WeekTimes:
    week: date
    answered: int
    mean_s: float | None
    median_s: float | None


@dataclass(frozen=True)
class ResponseTimes:
    answered: int
    unanswered: int
    mean_s: float | None
    median_s: float | None
    weekly: list[WeekTimes]


def _mean_median(values: list[float]) -> tuple[float | None, float | None]:
    if not values:
        return None, None
    return statistics.fmean(values), statistics.median(values)


def response_times(db_url: str, weeks: list[date]) -> ResponseTimes:
    """Ticket started → first agent reply, from the received times of Groove's webhooks per ticket."""
    since, until = local_midnight_utc(weeks[0]), local_midnight_utc(weeks[-1] + timedelta(days=7))
    with session_scope(db_url) as s:
        rows = s.execute(
            select(InboxEvent.ticket_number, InboxEvent.event, InboxEvent.received_at).where(
                InboxEvent.event.in_(("ticket_started", "agent_replied")),
                InboxEvent.ticket_number.is_not(None),
                InboxEvent.received_at >= since,
            )
        ).all()
    started: dict[int, datetime] = {}
    replies: dict[int, list[datetime]] = defaultdict(list)
    for number, event, received_at in rows:
        if number is None:  # the query already leaves these out
            continue
        at = aware(received_at)
        if event == "ticket_started":
            started[number] = min(at, started.get(number, at))
        else:
            replies[number].append(at)
    per_week: dict[date, list[float]] = defaultdict(list)
    all_times: list[float] = []
    unanswered = 0
    for number, start in started.items():
        if start >= until:
            continue
        after = [r for r in replies.get(number, []) if r >= start]
        if not after:
            unanswered += 1
            continue
        seconds = (min(after) - start).total_seconds()
        all_times.append(seconds)
        per_week[week_start(start.astimezone(TEAM_TZ).date())].append(seconds)
    mean, median = _mean_median(all_times)
    weekly = [WeekTimes(w, len(per_week.get(w, [])), *_mean_median(per_week.get(w, []))) for w in weeks]
    return ResponseTimes(len(all_times), unanswered, mean, median, weekly)


@dataclass(frozen=True)
class Volume:
    weeks: list[date]
    by_week: dict[date, Counter[str]]
    totals: Counter[str]
    outcomes: Counter[str]
    reviews: Counter[str]
    faq: set[str]
    threshold: int
    tickets: int = 0
    types: list[str] = field(default_factory=list)


def volume(db_url: str, weeks: list[date], threshold: int) -> Volume:
    """Tickets per request type per week (week of the ticket's first decision; type and outcome of its latest).

    A request type is an FAQ candidate ("Kommt diese Anfrage mehrfach rein?") when it came in at
    least `threshold` times in one of the weeks shown.
    """
    since = local_midnight_utc(weeks[0])
    with session_scope(db_url) as s:
        in_window = select(DecisionRecord.ticket_number).where(DecisionRecord.created_at >= since)
        rows = s.execute(
            select(
                DecisionRecord.ticket_number,
                DecisionRecord.id,
                DecisionRecord.request_type,
                DecisionRecord.outcome,
                DecisionRecord.review_status,
                DecisionRecord.created_at,
            )
            .where(DecisionRecord.ticket_number.in_(in_window))
            .order_by(DecisionRecord.id)
        ).all()
    first: dict[int, datetime] = {}
    latest: dict[int, tuple[str, str, str | None]] = {}
    for number, _id, rtype, outcome, review, created in rows:
        first.setdefault(number, aware(created))
        latest[number] = (rtype, outcome, review)
    by_week: dict[date, Counter[str]] = {w: Counter() for w in weeks}
    totals: Counter[str] = Counter()
    outcomes: Counter[str] = Counter()
    reviews: Counter[str] = Counter()
    tickets = 0
    for number, arrived in first.items():
        if arrived < since:
            continue  # started before the window; only its later reply falls into it
        week = week_start(arrived.astimezone(TEAM_TZ).date())
        if week not in by_week:
            continue
        rtype, outcome, review = latest[number]
        tickets += 1
        by_week[week][rtype] += 1
        totals[rtype] += 1
        outcomes[outcome] += 1
        if outcome == Outcome.ESCALATE:
            reviews[review or "open"] += 1
    faq = {t for t in totals if t not in NOT_FAQ and any(c[t] >= threshold for c in by_week.values())}
    types = [t for t, _ in totals.most_common()]
    return Volume(weeks, by_week, totals, outcomes, reviews, faq, threshold, tickets, types)


def last_weeks(n: int, today: date | None = None) -> list[date]:
    """Mondays of the last n weeks, oldest first, this week included."""
    today = today or datetime.now(TEAM_TZ).date()
    this = week_start(today)
    return [this - timedelta(weeks=i) for i in range(n - 1, -1, -1)]
