"""Database tables: the durable inbox, decisions with their actions, the goodwill ledger, failures.

Schema changes go through Alembic (`worker/store/migrations`); `goodwill db upgrade` applies them.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from policies.vocab import ActionState, InboxStatus, Mode

LEDGER_DECISION = "decision"  # ledger.source of the worker's own decisions
LEDGER_HISTORY_IMPORT = "history_import"  # ledger.source of what `goodwill history import` found


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        dict[str, Any]: JSON,
        list[Any]: JSON,
        datetime: DateTime(timezone=True),
    }


def column_length(model: type[Base], column: str) -> int:
    """The declared length of a String column (input is checked against it before an insert)."""
    column_type = model.__table__.c[column].type
    if not isinstance(column_type, String) or column_type.length is None:
        raise TypeError(f"{model.__name__}.{column} is no String column with a length")
    return column_type.length


class InboxEvent(Base):
    """One received webhook, committed before the 202. `dedup_key` makes redeliveries no-ops."""

    __tablename__ = "inbox_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dedup_key: Mapped[str] = mapped_column(String(200), unique=True)
    source: Mapped[str] = mapped_column(String(40), default="groove")
    event: Mapped[str] = mapped_column(String(60))
    ticket_number: Mapped[int | None] = mapped_column(BigInteger, index=True)
    message_id: Mapped[str | None] = mapped_column(String(80))
    payload: Mapped[str] = mapped_column(Text)
    # received → queued → processing → done | failed;  ignored for events we do not act on
    status: Mapped[str] = mapped_column(String(20), default=InboxStatus.RECEIVED, index=True)
    # Why an event the pipeline looked at was ignored (e.g. an out-of-office auto-reply): for the team.
    ignore_reason: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    enqueued_at: Mapped[datetime | None]
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    __table_args__ = (Index("ix_inbox_status_updated", "status", "updated_at"),)


class DecisionRecord(Base):
    """What the policy decided for one inbox event, and what became of the note."""

    __tablename__ = "decisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    inbox_event_id: Mapped[int] = mapped_column(ForeignKey("inbox_events.id"), unique=True)
    ticket_number: Mapped[int] = mapped_column(BigInteger, index=True)
    customer_email: Mapped[str | None] = mapped_column(String(320), index=True)
    request_type: Mapped[str] = mapped_column(String(40), index=True)
    outcome: Mapped[str] = mapped_column(String(40), index=True)
    alternative: Mapped[str | None] = mapped_column(String(40))
    escalate_to: Mapped[str | None] = mapped_column(String(40))
    measure: Mapped[str | None] = mapped_column(String(40))
    abusive: Mapped[bool] = mapped_column(Boolean, default=False)
    severity: Mapped[str | None] = mapped_column(String(20))
    # The rule reader and the statistical reader disagreed, or one was unsure: nothing is applied and
    # no one-click link is offered until a person confirms the case on the OFD page.
    uncertain: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    clauses: Mapped[list[Any]] = mapped_column(JSON, default=list)
    evidence: Mapped[list[Any]] = mapped_column(JSON, default=list)
    facts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    output: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # the full decide() output
    note: Mapped[str] = mapped_column(Text, default="")
    # pending → posted | unchanged (a follow-up that changed nothing)
    note_status: Mapped[str] = mapped_column(String(20), default="pending")
    note_message_id: Mapped[str | None] = mapped_column(String(80))
    fingerprint: Mapped[str] = mapped_column(Text)
    mode: Mapped[str] = mapped_column(String(20), default=Mode.AUTO)
    pack_id: Mapped[str] = mapped_column(String(60))
    pack_version: Mapped[str] = mapped_column(String(40))
    decided_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    # OFD review of escalated cases (who decided, what, why)
    review_status: Mapped[str | None] = mapped_column(String(20))
    review_comment: Mapped[str | None] = mapped_column(Text)
    reviewed_by: Mapped[str | None] = mapped_column(String(120))
    reviewed_at: Mapped[datetime | None]
    # What the decision read (policies/offline/inputs.py): ticket text, customer snapshot, pack, readers,
    # day; `goodwill trial --source records` decides it again from this. {"replayable": false} on rows
    # recorded before migration 0006.
    inputs: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))

    actions: Mapped[list[ActionRecord]] = relationship(back_populates="decision", order_by="ActionRecord.id")


class ActionRecord(Base):
    """One CRM change of a decision. `idempotency_key` = decision + action."""

    __tablename__ = "actions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id"), index=True)
    idempotency_key: Mapped[str] = mapped_column(String(300), unique=True)
    system: Mapped[str] = mapped_column(String(30))
    op: Mapped[str] = mapped_column(String(30))
    tag: Mapped[str | None] = mapped_column(String(200))
    field: Mapped[str | None] = mapped_column(String(80))
    value: Mapped[str | None] = mapped_column(String(200))
    # The CRM value before we wrote (set_field), so a follow-up can decide as if we had not acted yet.
    previous_value: Mapped[str | None] = mapped_column(String(200))
    # pending | awaiting_approval | done | already_done | proposal | rejected | failed
    state: Mapped[str] = mapped_column(String(30), default=ActionState.PENDING, index=True)
    result: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    decision: Mapped[DecisionRecord] = relationship(back_populates="actions")


class Verdict(Base):
    """A person's verdict on a decision (issue 15): did the worker get it right?

    From the note's signed links "Stimmt" / "Stimmt nicht" (source `link`), a rejected assist-mode
    proposal (`assist_reject`) or a decision changed on the OFD page (`ofd`). `name` is what the
    person typed (the links need no login); `right_type` / `right_outcome` say what would have been right.
    """

    __tablename__ = "verdicts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id"), index=True)
    verdict: Mapped[str] = mapped_column(String(20))  # agree | disagree
    right_type: Mapped[str | None] = mapped_column(String(40))
    right_outcome: Mapped[str | None] = mapped_column(String(40))
    comment: Mapped[str | None] = mapped_column(Text)
    name: Mapped[str | None] = mapped_column(String(120))
    source: Mapped[str] = mapped_column(String(20))  # link | assist_reject | ofd
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class LedgerEntry(Base):
    """Goodwill-relevant history per customer: what was decided and whether it was applied.

    `source` "decision": one of the worker's decisions (`decision_id`). "history_import": found by
    `goodwill history import` in an earlier Groove ticket (`source_ticket`), with the `sentence` it
    came from; an import adds each (customer, ticket, request type, outcome) once.
    """

    __tablename__ = "ledger"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    customer_email: Mapped[str] = mapped_column(String(320), index=True)
    date: Mapped[date] = mapped_column(Date)
    request_type: Mapped[str] = mapped_column(String(40))
    outcome: Mapped[str] = mapped_column(String(40))
    applied: Mapped[bool] = mapped_column(Boolean, default=False)
    ticket_number: Mapped[int | None] = mapped_column(BigInteger)
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("decisions.id"), unique=True)
    source: Mapped[str] = mapped_column(String(40), default=LEDGER_DECISION, server_default=LEDGER_DECISION)
    source_ticket: Mapped[int | None] = mapped_column(BigInteger)
    sentence: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        UniqueConstraint(
            "customer_email", "source", "source_ticket", "request_type", "outcome", name="uq_ledger_source_entry"
        ),
    )


class HistoryImportRun(Base):
    """One `goodwill history import --since DATE`: where the walk through Groove's ticket pages stands.

    The cursor (`next_page`) moves only together with the ledger rows of the page before it, so a
    run killed at any point resumes from the first page not yet recorded (`state` running).
    """

    __tablename__ = "history_import_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    since: Mapped[date] = mapped_column(Date, index=True)
    state: Mapped[str] = mapped_column(String(20), default="running", index=True)  # running | done
    next_page: Mapped[int] = mapped_column(Integer, default=1)
    tickets_read: Mapped[int] = mapped_column(Integer, default=0)
    tickets_skipped: Mapped[int] = mapped_column(Integer, default=0)
    entries_added: Mapped[int] = mapped_column(Integer, default=0)
    groove_calls: Mapped[int] = mapped_column(Integer, default=0)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    finished_at: Mapped[datetime | None]


class AbuseIncident(Base):
    """Seed 002 §6: every abusive ticket is documented (type, parties, measures)."""

    __tablename__ = "abuse_incidents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    customer_email: Mapped[str | None] = mapped_column(String(320), index=True)
    ticket_number: Mapped[int] = mapped_column(BigInteger)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id"), unique=True)
    severity: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(Text)
    measure: Mapped[str] = mapped_column(String(60))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class FailedJob(Base):
    """A task that failed for good: never a silent drop; `goodwill replay` re-runs it."""

    __tablename__ = "failed_jobs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    task_name: Mapped[str] = mapped_column(String(120))
    inbox_event_id: Mapped[int | None] = mapped_column(ForeignKey("inbox_events.id"), index=True)
    error: Mapped[str] = mapped_column(Text)
    # The task's positional arguments as sent (JSON list); replay sends task_name with exactly these.
    # NULL on rows from before migration 0005: replay then reads the inbox event / the error text.
    # none_as_null: Python None is SQL NULL, never the JSON value `null`, so "no arguments" has one form.
    task_args: Mapped[list[Any] | None] = mapped_column(JSON(none_as_null=True))
    failed_at: Mapped[datetime] = mapped_column(default=utcnow)
    replayed_at: Mapped[datetime | None]


class User(Base):
    """A person who logs in to the web UI. Passwords are stored only as a salted scrypt hash (worker/web/auth.py)."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)  # stored lower-case
    name: Mapped[str] = mapped_column(String(120))
    # agent: reads everything, decides assist-mode approvals; lead: also decides escalated (OFD) cases;
    # admin: everything.
    role: Mapped[str] = mapped_column(String(20), default="agent")
    password_hash: Mapped[str] = mapped_column(String(255))
    # For a lead: the escalation targets they decide (comma-separated, e.g. "head_of_ch,ofd"); empty = all.
    escalation_targets: Mapped[str | None] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Carried in every session of this user; logout, a new password and disabling bump it, which ends
    # all of the user's sessions at their next request (worker/web/auth.py).
    session_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]


class LoginAttempt(Base):
    """One web UI login attempt: a failure, or one whose password is being checked right now.

    Counted per e-mail and per client address to throttle password guessing (worker/web/login_throttle.py);
    a successful login deletes its e-mail's rows, and rows older than window + lockout are pruned.
    """

    __tablename__ = "login_attempts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # HMAC-SHA256 of the lower-cased e-mail: no clear-text e-mails (or passwords typed into that field).
    email_key: Mapped[str] = mapped_column(String(64))
    address: Mapped[str] = mapped_column(String(64))  # the client address (request.remote_addr)
    attempted_at: Mapped[datetime] = mapped_column(index=True)

    __table_args__ = (
        Index("ix_login_attempts_email_key_at", "email_key", "attempted_at"),
        Index("ix_login_attempts_address_at", "address", "attempted_at"),
    )


class UsageMonthRecord(Base):
    """Fair use (seed 004): one customer's reported usage in one month, over the limit or not.

    Stored with its inbox row in one transaction; the stage of a month is computed from these rows.
    """

    __tablename__ = "usage_months"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # customer_id when the export has one, otherwise the lower-case e-mail (see docs/fair-use.md)
    customer_key: Mapped[str] = mapped_column(String(320), index=True)
    customer_id: Mapped[str | None] = mapped_column(String(64))
    email: Mapped[str | None] = mapped_column(String(320))
    month: Mapped[str] = mapped_column(String(7))  # YYYY-MM
    usage_gb: Mapped[float] = mapped_column(Float)
    limit_gb: Mapped[float] = mapped_column(Float)
    products: Mapped[list[Any]] = mapped_column(JSON, default=list)
    migration_refused: Mapped[bool] = mapped_column(Boolean, default=False)
    migration_impossible: Mapped[bool] = mapped_column(Boolean, default=False)
    origin: Mapped[str] = mapped_column(String(200))  # "api" or "csv:<file name>"
    inbox_event_id: Mapped[int] = mapped_column(ForeignKey("inbox_events.id"), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (UniqueConstraint("customer_key", "month", name="uq_usage_months_customer_month"),)


class FairUseTask(Base):
    """The work one fair-use stage creates for the team: one Groove ticket, opened exactly once.

    Committed (state pending) before the ticket is created; the ticket number is recorded after.
    A retry finds a ticket that was created but not recorded by the marker in its subject.
    """

    __tablename__ = "fair_use_tasks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    inbox_event_id: Mapped[int] = mapped_column(ForeignKey("inbox_events.id"), unique=True)
    customer_key: Mapped[str] = mapped_column(String(320), index=True)
    month: Mapped[str] = mapped_column(String(7))
    months_over_limit: Mapped[int] = mapped_column(Integer)
    measure: Mapped[str] = mapped_column(String(40), index=True)
    clauses: Mapped[list[Any]] = mapped_column(JSON, default=list)
    output: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # the full decide() output
    mode: Mapped[str] = mapped_column(String(20))
    # pending → created (ticket opened or found) | proposal (shadow mode: no ticket)
    state: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    marker: Mapped[str] = mapped_column(String(400), unique=True)
    mailbox: Mapped[str] = mapped_column(String(200))
    recipient: Mapped[str | None] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    groove_ticket_number: Mapped[int | None] = mapped_column(BigInteger)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    result: Mapped[str | None] = mapped_column(Text)
    pack_id: Mapped[str] = mapped_column(String(60))
    pack_version: Mapped[str] = mapped_column(String(40))
    decided_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    __table_args__ = (UniqueConstraint("customer_key", "month", name="uq_fair_use_tasks_customer_month"),)
