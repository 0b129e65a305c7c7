"""Queue figures from the inbox table: what ops look at (`goodwill status`, /metrics, the UI)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import overload

from sqlalchemy import Select, and_, exists, func, or_, select
from sqlalchemy.orm import aliased

from policies.vocab import ActionState, InboxStatus, Outcome
from worker.store.db import session_scope
from worker.store.models import ActionRecord, DecisionRecord, FailedJob, InboxEvent

WAITING = (InboxStatus.RECEIVED, InboxStatus.QUEUED)


@dataclass(frozen=True)
class QueueStatus:
    waiting: int
    in_flight: int
    done: int
    failed: int  # failed jobs not replayed
    ignored: int
    oldest_waiting_at: datetime | None
    decisions: dict[tuple[str, str], int] = field(default_factory=dict)
    failed_events: int = 0  # inbox events in state failed
    open_reviews: int = 0

    def oldest_age_seconds(self, now: datetime | None = None) -> float | None:
        if self.oldest_waiting_at is None:
            return None
        return max(0.0, ((now or datetime.now(UTC)) - self.oldest_waiting_at).total_seconds())


@dataclass(frozen=True)
class HourBucket:
    start: datetime
    received: int
    done: int
    failed: int


@overload
def aware(dt: datetime) -> datetime: ...
@overload
def aware(dt: None) -> None: ...
@overload
def aware(dt: datetime | None) -> datetime | None: ...
def aware(dt: datetime | None) -> datetime | None:
    if dt is not None and dt.tzinfo is None:  # SQLite returns naive datetimes
        return dt.replace(tzinfo=UTC)
    return dt


def open_reviews_query() -> Select[DecisionRecord]:
    """Decisions a person still has to decide: escalations and assist-mode approvals.

    Only a ticket's current decision counts: a later one (the customer replied) replaces it, except
    a later one that changed nothing ("unchanged"), which carries no actions of its own.
    """
    later = aliased(DecisionRecord)
    superseded = exists().where(
        and_(
            later.ticket_number == DecisionRecord.ticket_number,
            later.id > DecisionRecord.id,
            later.note_status != "unchanged",
        )
    )
    awaiting = exists().where(
        and_(ActionRecord.decision_id == DecisionRecord.id, ActionRecord.state == ActionState.AWAITING_APPROVAL)
    )
    return (
        select(DecisionRecord)
        .where(
            DecisionRecord.review_status.is_(None),
            DecisionRecord.note_status != "unchanged",
            or_(DecisionRecord.outcome == Outcome.ESCALATE, DecisionRecord.uncertain.is_(True), awaiting),
            ~superseded,
        )
        .order_by(DecisionRecord.id)
    )


def queue_status(db_url: str) -> QueueStatus:
    with session_scope(db_url) as s:
        by_status = Counter(dict(s.execute(select(InboxEvent.status, func.count()).group_by(InboxEvent.status)).all()))
        oldest = s.scalar(select(func.min(InboxEvent.received_at)).where(InboxEvent.status.in_(WAITING)))
        failed = s.scalar(select(func.count()).select_from(FailedJob).where(FailedJob.replayed_at.is_(None))) or 0
        decisions = {
            (rt, oc): n
            for rt, oc, n in s.execute(
                select(DecisionRecord.request_type, DecisionRecord.outcome, func.count()).group_by(
                    DecisionRecord.request_type, DecisionRecord.outcome
                )
            ).all()
        }
        reviews = s.scalar(select(func.count()).select_from(open_reviews_query().subquery())) or 0
    return QueueStatus(
        waiting=by_status[InboxStatus.RECEIVED] + by_status[InboxStatus.QUEUED],
        in_flight=by_status[InboxStatus.PROCESSING],
        done=by_status[InboxStatus.DONE],
        failed=failed,
        ignored=by_status[InboxStatus.IGNORED],
        oldest_waiting_at=aware(oldest),
        decisions=decisions,
        failed_events=by_status[InboxStatus.FAILED],
        open_reviews=reviews,
    )


def throughput(db_url: str, hours: int = 24, now: datetime | None = None) -> list[HourBucket]:
    """Per hour of the last `hours`: events received (that we act on), finished, failed. Oldest first."""
    now = now or datetime.now(UTC)
    end = now.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    start = end - timedelta(hours=hours)
    received: Counter[int] = Counter()
    done: Counter[int] = Counter()
    failed: Counter[int] = Counter()

    def slot(dt: datetime | None) -> int | None:
        dt = aware(dt)
        if dt is None or not start <= dt < end:
            return None
        return int((dt - start).total_seconds() // 3600)

    with session_scope(db_url) as s:
        rows = s.execute(
            select(InboxEvent.received_at, InboxEvent.finished_at, InboxEvent.status).where(
                InboxEvent.status != InboxStatus.IGNORED,
                or_(InboxEvent.received_at >= start, InboxEvent.finished_at >= start),
            )
        ).all()
    for received_at, finished_at, status in rows:
        if (i := slot(received_at)) is not None:
            received[i] += 1
        if (j := slot(finished_at)) is not None:
            if status == InboxStatus.DONE:
                done[j] += 1
            elif status == InboxStatus.FAILED:
                failed[j] += 1
    return [HourBucket(start + timedelta(hours=i), received[i], done[i], failed[i]) for i in range(hours)]
