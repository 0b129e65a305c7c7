"""Walk the team's Groove tickets since a date and record in the ledger what they show.

    run_import(rt, since, dry_run=False, out=..., err=...) -> ImportSummary

Pages of `GET /v1/tickets` (newest first) are read one by one; every ticket created on or after
`since` in a goodwill mailbox is read with its messages (policies/offline/history.py says what they
show: earlier requests with their date, gestures agents confirmed), and its findings are written as
ledger rows (source "history_import", the source ticket, the sentence). Skipped: tickets the worker
has decided itself (its ledger has them), tickets in another process's mailbox (fair use), tickets
without a customer e-mail.

Crash-safe and idempotent: the page's rows and the cursor (`history_import_runs.next_page`) are
committed together, so a run killed at any point resumes at the first page not yet recorded; a row
that exists already (customer, source ticket, request type, outcome) is not added again, so a second
run adds nothing. Inside the Groove budget: every call goes through the shared rate limiter like
the worker's, and the import takes at most `max_rate` calls per second of it (default: half of
GROOVE_RATE_LIMIT, the rest stays with the live worker); a 429 or an outage is waited out here
(a command may wait; a worker slot may not). Progress with an ETA goes to `err`, the summary (and
with --dry-run the table of findings, nothing written) to `out`.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, TextIO, TypeVar

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from integrations.errors import ApiError, is_retryable, retry_after_seconds
from integrations.groove import GrooveMessage, GrooveTicket
from integrations.ratelimit import LocalRateLimiter
from policies.dates import local_date
from policies.offline.history import Finding, PastMessage, PastTicket, is_second_extension, read_past_ticket
from policies.pack.params import param, process_of
from worker.bootstrap import Runtime
from worker.store.db import session_scope
from worker.store.models import LEDGER_HISTORY_IMPORT, DecisionRecord, HistoryImportRun, LedgerEntry, utcnow

T = TypeVar("T")
MAX_ATTEMPTS = 8  # per Groove call; transient errors and 429s are waited out between them
BAR_WIDTH = 24


class HistoryImportFailed(RuntimeError):
    """Groove kept failing for one call: the run stops; run the command again to resume."""


@dataclass
class Row:
    """One finding of one ticket, as it goes (or would go) into the ledger."""

    ticket: int
    email: str
    finding: Finding


@dataclass
class ImportSummary:
    since: date
    dry_run: bool
    resumed_at_page: int | None = None
    pages: int = 0
    tickets_read: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    findings: Counter[str] = field(default_factory=Counter)  # "<outcome> <request_type>"
    kinds: Counter[str] = field(default_factory=Counter)  # request / insert / note / marker_tag / ticket_tag
    second_extensions: int = 0
    added: int = 0
    already_there: int = 0
    groove_calls: int = 0
    seconds: float = 0.0
    rows: list[Row] = field(default_factory=list)  # --dry-run: what would be written

    def lines(self) -> list[str]:
        mode = "dry run, nothing written" if self.dry_run else "written to the ledger"
        out = [
            f"history import since {self.since.isoformat()} ({mode})"
            + (f", resumed at page {self.resumed_at_page}" if self.resumed_at_page else ""),
            f"  tickets read: {self.tickets_read} on {self.pages} pages; Groove calls: {self.groove_calls}; "
            f"{self.seconds:.0f} s",
        ]
        if self.skipped:
            out.append("  skipped: " + ", ".join(f"{n} {why}" for why, n in sorted(self.skipped.items())))
        requests = {k.split(" ", 1)[1]: n for k, n in self.findings.items() if k.startswith("requested ")}
        gestures = {k.split(" ", 1)[1]: n for k, n in self.findings.items() if k.startswith("approve ")}
        out.append("  earlier requests: " + (", ".join(f"{n} {t}" for t, n in sorted(requests.items())) or "none"))
        out.append(
            "  confirmed gestures: "
            + (", ".join(f"{n} {t}" for t, n in sorted(gestures.items())) or "none")
            + (
                f" (found as: {', '.join(f'{n} {k}' for k, n in sorted(self.kinds.items()) if k != 'request')})"
                if gestures
                else ""
            )
            + (f"; {self.second_extensions} notes of a second extension" if self.second_extensions else "")
        )
        if self.dry_run:
            out.append(f"  entries found: {len(self.rows)} (would be added unless already in the ledger)")
        else:
            out.append(f"  ledger entries added: {self.added}; already there: {self.already_there}")
        return out


class Progress:
    """A progress bar with an ETA on `err`: in place on a terminal, a line every few seconds otherwise.

    How far the walk is comes from the dates: pages come newest first, so the share of the time span
    from the newest ticket back to `since` covered so far is the share done."""

    def __init__(self, err: TextIO, since: date, every: float = 2.0) -> None:
        self.err, self.since, self.every = err, since, every
        self.started = time.monotonic()
        self.newest: date | None = None
        self.last_print = 0.0
        self.tty = bool(getattr(err, "isatty", lambda: False)())

    def update(self, oldest_seen: date | None, tickets: int, entries: int, page: int, final: bool = False) -> None:
        if oldest_seen is not None and self.newest is None:
            self.newest = oldest_seen
        share = 1.0 if final else self._share(oldest_seen)
        now = time.monotonic()
        if not final and now - self.last_print < (0.2 if self.tty else self.every):
            return
        self.last_print = now
        elapsed = now - self.started
        eta = "--:--" if share <= 0.0 else _clock(elapsed / share * (1.0 - share))
        filled = round(share * BAR_WIDTH)
        text = (
            f"history import [{'#' * filled}{'-' * (BAR_WIDTH - filled)}] {share * 100:3.0f}%  "
            f"{tickets} tickets  {entries} entries  page {page}  ETA {eta}"
        )
        self.err.write(("\r" + text + ("\n" if final else "")) if self.tty else text + "\n")
        self.err.flush()

    def _share(self, oldest_seen: date | None) -> float:
        if oldest_seen is None or self.newest is None:
            return 0.0
        span = (self.newest - self.since).days
        if span <= 0:
            return 1.0
        return max(0.0, min(0.99, (self.newest - oldest_seen).days / span))


def _clock(seconds: float) -> str:
    seconds = int(max(0.0, seconds))
    return (
        f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"
        if seconds >= 3600
        else (f"{seconds // 60}:{seconds % 60:02d}")
    )


def _past_ticket(ticket: GrooveTicket, messages: list[GrooveMessage]) -> PastTicket:
    return PastTicket(
        number=ticket.number,
        subject=ticket.title or "",
        created_at=ticket.created_at,
        tags=tuple(ticket.tags),
        messages=tuple(
            PastMessage(
                created_at=m.created_at,
                from_customer=m.from_customer,
                note=m.note,
                body=m.body_html or m.plain_text,
                auto_submitted=m.auto_submitted,
            )
            for m in messages
        ),
    )


class _Groove:
    """The import's Groove calls: through the port (the shared limiter), at most `max_rate` per second
    of it, and with every transient failure waited out (attempts up to MAX_ATTEMPTS)."""

    def __init__(self, rt: Runtime, max_rate: float, sleep: Callable[[float], None] = time.sleep) -> None:
        self.rt = rt
        self.throttle = LocalRateLimiter({"groove": max_rate})
        self.sleep = sleep
        self.calls = 0

    def call(self, what: str, fn: Callable[[], T]) -> T:
        for attempt in range(1, MAX_ATTEMPTS + 1):
            self.throttle.acquire("groove", 60.0)
            self.calls += 1
            try:
                return fn()
            except ApiError as exc:
                if not is_retryable(exc) or attempt == MAX_ATTEMPTS:
                    raise HistoryImportFailed(f"{what}: {exc}") from None
                self.sleep(max(retry_after_seconds(exc) or 0.0, min(30.0, 2.0**attempt / 2)))
        raise AssertionError("unreachable")


def _decided_tickets(db_url: str, numbers: list[int]) -> set[int]:
    """Which of these tickets the worker decided itself (a database without the tables: none)."""
    if not numbers:
        return set()
    try:
        with session_scope(db_url) as s:
            return set(s.scalars(select(DecisionRecord.ticket_number).where(DecisionRecord.ticket_number.in_(numbers))))
    except SQLAlchemyError:  # --dry-run on a database never migrated: nothing is decided there
        return set()


def _existing(s: Any, row: Row) -> bool:
    f = row.finding
    return (
        s.scalar(
            select(LedgerEntry.id).where(
                LedgerEntry.customer_email == row.email,
                LedgerEntry.source == LEDGER_HISTORY_IMPORT,
                LedgerEntry.source_ticket == row.ticket,
                LedgerEntry.request_type == f.request_type,
                LedgerEntry.outcome == f.outcome,
            )
        )
        is not None
    )


def _write_page(db_url: str, run_id: int, rows: list[Row], next_page: int, counts: dict[str, int]) -> tuple[int, int]:
    """The page's ledger rows and the cursor after it, in one transaction. Returns (added, already there)."""
    added = already = 0
    with session_scope(db_url) as s:
        for row in rows:
            if _existing(s, row):
                already += 1
                continue
            f = row.finding
            s.add(
                LedgerEntry(
                    customer_email=row.email,
                    date=f.date,
                    request_type=f.request_type,
                    outcome=f.outcome,
                    applied=f.applied,
                    ticket_number=row.ticket,
                    source=LEDGER_HISTORY_IMPORT,
                    source_ticket=row.ticket,
                    sentence=f.sentence,
                )
            )
            added += 1
        run = s.get(HistoryImportRun, run_id)
        assert run is not None
        run.next_page = next_page
        run.tickets_read += counts["tickets"]
        run.tickets_skipped += counts["skipped"]
        run.entries_added += added
        run.groove_calls += counts["calls"]
    return added, already


def _open_run(db_url: str, since: date) -> tuple[int, int, bool]:
    """(run id, first page, resumed): an unfinished run for the same date goes on where it stopped."""
    with session_scope(db_url) as s:
        run = s.scalars(
            select(HistoryImportRun)
            .where(HistoryImportRun.since == since, HistoryImportRun.state == "running")
            .order_by(HistoryImportRun.id.desc())
        ).first()
        if run is not None:
            return run.id, run.next_page, True
        run = HistoryImportRun(
            since=since,
            state="running",
            next_page=1,
            tickets_read=0,
            tickets_skipped=0,
            entries_added=0,
            groove_calls=0,
        )
        s.add(run)
        s.flush()
        return run.id, 1, False


def _close_run(db_url: str, run_id: int) -> None:
    with session_scope(db_url) as s:
        run = s.get(HistoryImportRun, run_id)
        assert run is not None
        run.state, run.finished_at = "done", utcnow()


def run_import(
    rt: Runtime,
    since: date,
    *,
    dry_run: bool = False,
    out: TextIO,
    err: TextIO,
    max_rate: float | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> ImportSummary:
    started = time.monotonic()
    tz = param(rt.pack, "general.timezone")
    db = rt.settings.db_url
    summary = ImportSummary(since=since, dry_run=dry_run)
    groove = _Groove(rt, max_rate or max(0.5, rt.settings.groove_rate_limit / 2), sleep)
    run_id, page, resumed = (0, 1, False) if dry_run else _open_run(db, since)
    if resumed:
        summary.resumed_at_page = page
    progress = Progress(err, since)
    oldest: date | None = None
    while True:
        listing = groove.call(f"GET /tickets?page={page}", lambda p=page: rt.helpdesk.list_tickets(p))  # type: ignore[misc]
        calls_before = groove.calls
        summary.pages += 1
        dated = [(t, local_date(t.created_at, tz)) for t in listing.tickets if t.created_at is not None]
        in_range = [t for t, day in dated if day >= since]
        decided = _decided_tickets(db, [t.number for t in in_range])
        rows: list[Row] = []
        skipped = 0
        for ticket in in_range:
            why = None
            if process_of(rt.pack_for(ticket.mailbox, ticket.mailbox_id)) != "goodwill":
                why = "in a mailbox that is not triaged (fair use)"
            elif ticket.number in decided:
                why = "decided by the worker (its ledger has them)"
            elif not ticket.customer_email:
                why = "without a customer e-mail"
            if why:
                summary.skipped[why] += 1
                skipped += 1
                continue
            messages = groove.call(
                f"GET /tickets/{ticket.number}/messages",
                lambda n=ticket.number: rt.helpdesk.list_messages(n),  # type: ignore[misc]
            )
            summary.tickets_read += 1
            for finding in read_past_ticket(_past_ticket(ticket, messages), rt.pack):
                rows.append(Row(ticket.number, ticket.customer_email.lower(), finding))  # type: ignore[union-attr]
                summary.findings[f"{finding.outcome} {finding.request_type}"] += 1
                summary.kinds[finding.kind] += 1
                summary.second_extensions += is_second_extension(finding)
        if dated:
            oldest = min(day for _, day in dated)
        finished = listing.last or (bool(dated) and all(day < since for _, day in dated)) or not listing.tickets
        if dry_run:
            summary.rows += rows
        else:
            counts = {"tickets": len(in_range) - skipped, "skipped": skipped, "calls": groove.calls - calls_before + 1}
            added, already = _write_page(db, run_id, rows, page + 1, counts)
            summary.added += added
            summary.already_there += already
        progress.update(oldest, summary.tickets_read, summary.added if not dry_run else len(summary.rows), page)
        if finished:
            break
        page += 1
    if not dry_run:
        _close_run(db, run_id)
    summary.groove_calls = groove.calls
    summary.seconds = time.monotonic() - started
    progress.update(oldest, summary.tickets_read, summary.added if not dry_run else len(summary.rows), page, final=True)
    if dry_run:
        print_table(summary.rows, out)
    for line in summary.lines():
        print(line, file=out)
    return summary


def print_table(rows: list[Row], out: TextIO) -> None:
    """The --dry-run table: what each earlier ticket shows, one row per ledger entry it would give."""
    header = ("ticket", "customer", "date", "request_type", "outcome", "found as", "sentence")
    table = [
        (
            f"#{r.ticket}",
            r.email,
            r.finding.date.isoformat(),
            r.finding.request_type,
            r.finding.outcome,
            r.finding.kind,
            r.finding.sentence,
        )
        for r in sorted(rows, key=lambda r: (r.email, r.finding.date, r.ticket))
    ]
    widths = [max([len(h)] + [len(row[i]) for row in table]) if i < 6 else 0 for i, h in enumerate(header)]
    for row in (header, *table):
        print("  ".join(cell.ljust(widths[i]) if i < 6 else cell for i, cell in enumerate(row)).rstrip(), file=out)


def parse_since(text: str) -> date:
    """--since YYYY-MM-DD (ValueError otherwise)."""
    return datetime.strptime(text.strip(), "%Y-%m-%d").date()
