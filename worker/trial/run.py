"""`goodwill trial`: decide past tickets again under the current or a candidate pack, writing nothing.

Two sources:
- `records` — the inputs each decision recorded (`DecisionRecord.inputs`, policies/offline/inputs.py):
  the same ticket text, customer snapshot and day, decided again offline. Under the pack it was made
  with, a decision comes out byte for byte the same; rows recorded before inputs were kept are counted
  as not replayable.
- `groove` — the tickets of the worker's decisions in the range, read again from Groove and
  ActiveCampaign (today's state, the worker's own changes on the ticket taken out, the ledger as of the
  decision's day) through the real clients and their shared rate limiter, wrapped read-only
  (worker/trial/readonly.py). Progress goes to stderr; every ticket done is appended to a cursor file,
  so the same command run again after an interruption carries on where it stopped.

Nothing is written: the database is only read, and every vendor write raises before it leaves the
process. The report (worker/trial/report.py) is the only output.
"""

from __future__ import annotations

import hashlib
import json
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, TextIO

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from integrations.errors import ApiError, ApiNotFound
from policies.decide import decide_ticket
from policies.model import Customer, Decision
from policies.offline.inputs import InputsError, is_replayable, restore_inputs
from policies.pack.loader import PolicyPack
from policies.pack.params import process_of
from policies.reading.agreement import HOLDS_WITHOUT_DISAGREEMENT
from policies.vocab import Process
from worker.bootstrap import Runtime
from worker.store.db import session_scope
from worker.store.models import DecisionRecord, InboxEvent
from worker.store.records import applied_actions
from worker.triage.apply import with_marker_tag
from worker.triage.gather import gather
from worker.triage.process import _without_own_changes

SOURCES = ("records", "groove")
BATCH = 500


class TrialError(ValueError):
    """The trial cannot run as asked (one line for the CLI)."""


class TrialInterrupted(RuntimeError):
    """The groove source stopped part-way (Ctrl-C, an upstream that keeps failing); the cursor keeps what was done."""

    def __init__(self, done: int, total: int, cursor: Path, cause: BaseException) -> None:
        super().__init__(f"{done} of {total} tickets read; {type(cause).__name__}: {cause}")
        self.done, self.total, self.cursor, self.cause = done, total, cursor, cause


@dataclass(frozen=True)
class Side:
    """One decision as the report compares it."""

    request_type: str
    outcome: str
    alternative: str | None
    escalate_to: str | None
    abusive: bool
    clauses: list[str]
    actions: list[dict[str, Any]]
    note: str
    fingerprint: str
    pack: str
    reading: dict[str, Any] | None = None

    @classmethod
    def of_record(cls, rec: DecisionRecord) -> Side:
        out = rec.output or {}
        return cls(
            request_type=rec.request_type,
            outcome=rec.outcome,
            alternative=rec.alternative,
            escalate_to=rec.escalate_to,
            abusive=rec.abusive,
            clauses=list(rec.clauses or ()),
            actions=list(out.get("actions") or ()),
            note=str(out.get("note") or rec.note or ""),
            fingerprint=rec.fingerprint,
            pack=f"{rec.pack_id} {rec.pack_version}",
            reading=_reading(rec.facts, out),
        )

    @classmethod
    def of_decision(cls, d: Decision) -> Side:
        return cls(
            request_type=d.request_type,
            outcome=d.outcome,
            alternative=d.alternative,
            escalate_to=d.escalate_to,
            abusive=d.abusive,
            clauses=list(d.clauses),
            actions=[a.to_dict() for a in d.actions],
            note=d.note,
            fingerprint=d.fingerprint,
            pack=f"{d.pack_id} {d.pack_version}",
            reading=_reading(d.facts, {"reading": d.reading}),
        )

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Side:
        return cls(**d)

    def without_note(self) -> Side:
        return replace(self, note="")


def _reading(facts: dict[str, Any] | None, output: dict[str, Any] | None = None) -> dict[str, Any] | None:
    """Both readers' verdict ({"rules", "model", "agreed", …}): in the facts, or in the decision's output; None: one reader."""
    for where in (facts, output):
        reading = (where or {}).get("reading")
        if isinstance(reading, dict):
            return reading
    return None


@dataclass
class Item:
    """One decision decided again: the old one, the new one (None when it could not be), why not."""

    decision_id: int
    ticket_number: int
    decided_on: str
    old: Side
    new: Side | None
    error: str | None = None

    @property
    def changed(self) -> bool:
        return self.new is not None and self.new.fingerprint != self.old.fingerprint

    @property
    def note_changed(self) -> bool:
        return self.new is not None and self.new.note != self.old.note

    @property
    def readers_disagree(self) -> bool:
        # An approval held only because the readers, though agreeing, are not sure enough for an unattended
        # approval (`approval_unsure`, reading.approve_confidence) or because the rules doubt it (`span_beyond`)
        # is not a disagreement between them.
        reading = (self.new.reading if self.new else None) or self.old.reading
        if not isinstance(reading, dict) or reading.get("agreed") is not False:
            return False
        doubts = set(reading.get("doubts") or ())
        return not doubts or bool(doubts - HOLDS_WITHOUT_DISAGREEMENT)

    def slim(self) -> Item:
        """Notes are kept only where the report shows them (changed decisions): a long trial stays small."""
        if self.changed or self.note_changed or self.new is None:
            return self
        return replace(self, old=self.old.without_note(), new=self.new.without_note())

    def to_dict(self) -> dict[str, Any]:
        return {
            "decision_id": self.decision_id,
            "ticket_number": self.ticket_number,
            "decided_on": self.decided_on,
            "old": self.old.to_dict(),
            "new": self.new.to_dict() if self.new else None,
            "error": self.error,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Item:
        return cls(
            decision_id=int(d["decision_id"]),
            ticket_number=int(d["ticket_number"]),
            decided_on=str(d["decided_on"]),
            old=Side.from_dict(d["old"]),
            new=Side.from_dict(d["new"]) if d.get("new") else None,
            error=d.get("error"),
        )


@dataclass
class Trial:
    source: str
    since: date
    until: date
    pack: dict[str, str]  # the pack decided with: id, version, origin ("current" or the file)
    started_at: datetime
    finished_at: datetime | None = None
    items: list[Item] = field(default_factory=list)
    not_replayable: list[tuple[int, int]] = field(default_factory=list)  # (decision id, ticket)
    resumed: int = 0  # items taken from the cursor of an interrupted run

    @property
    def seconds(self) -> float:
        end = self.finished_at or datetime.now(UTC)
        return (end - self.started_at).total_seconds()


class Progress:
    """A one-line progress bar on stderr (`\\r`-redrawn), at most ten times a second."""

    def __init__(self, total: int, what: str, out: TextIO | None = None) -> None:
        self.total, self.what, self.out = total, what, out or sys.stderr
        self.done = 0
        self._drawn = 0.0
        self._start = time.monotonic()

    def step(self, n: int = 1) -> None:
        self.done += n
        now = time.monotonic()
        if now - self._drawn >= 0.1 or self.done >= self.total:
            self._drawn = now
            self._draw()

    def _draw(self) -> None:
        width = 30
        filled = int(width * self.done / self.total) if self.total else width
        bar = "#" * filled + "-" * (width - filled)
        seconds = time.monotonic() - self._start
        self.out.write(f"\rProbelauf [{bar}] {self.done}/{self.total} {self.what} ({seconds:.0f} s)")
        self.out.flush()

    def close(self) -> None:
        self._draw()
        self.out.write("\n")
        self.out.flush()


def decide_again(inputs: dict[str, Any], pack: PolicyPack) -> Decision:
    """A recorded decision decided again from its inputs, exactly as the pipeline decides (`_plan`)."""
    ticket, customer, today = restore_inputs(inputs)
    return with_marker_tag(pack, decide_ticket(ticket, customer, today, pack=pack))


def _pack_info(rt: Runtime, origin: str | None) -> dict[str, str]:
    return {"id": rt.pack.id, "version": rt.pack.version, "origin": origin or "current"}


def _goodwill_pack(rt: Runtime, mailbox: str | None) -> PolicyPack | None:
    pack = rt.pack_for(mailbox)
    return pack if process_of(pack) == Process.GOODWILL else None


def _recorded_pack(rt: Runtime, pack_id: str | None) -> PolicyPack | None:
    """The pack to decide a recorded decision with, offline: the configured pack of the id it was made with.

    The default pack (GOODWILL_POLICY_PACK, or the candidate given with --pack) stands in for its own id;
    a mailbox's pack (GOODWILL_MAILBOX_PACKS) for its id. No mailbox directory is read: no Groove call.
    """
    if pack_id in (None, rt.pack.id):
        return rt.pack if process_of(rt.pack) == Process.GOODWILL else None
    for pack in rt.mailbox_packs.values():
        if pack.id == pack_id and process_of(pack) == Process.GOODWILL:
            return pack
    return rt.pack if process_of(rt.pack) == Process.GOODWILL else None


def _in_range(since: date, until: date) -> Any:
    return select(DecisionRecord).where(DecisionRecord.decided_on >= since, DecisionRecord.decided_on <= until)


def _records(db_url: str, since: date, until: date) -> Iterator[DecisionRecord]:
    """The decisions of the range in id order, read in batches (a long range never sits in memory at once)."""
    last = 0
    while True:
        with session_scope(db_url) as s:
            batch = list(
                s.scalars(
                    _in_range(since, until).where(DecisionRecord.id > last).order_by(DecisionRecord.id).limit(BATCH)
                ).all()
            )
        if not batch:
            return
        yield from batch
        last = batch[-1].id


def trial_records(
    rt: Runtime,
    since: date,
    until: date,
    *,
    pack_origin: str | None = None,
    progress: TextIO | None = None,
) -> Trial:
    """Decide every replayable decision of the range again from its recorded inputs."""
    db = rt.settings.db_url
    with session_scope(db) as s:
        total = s.scalar(select(func.count()).select_from(_in_range(since, until).subquery())) or 0
    trial = Trial("records", since, until, _pack_info(rt, pack_origin), datetime.now(UTC))
    bar = Progress(total, "Entscheidungen", progress) if progress is not None else None
    for rec in _records(db, since, until):
        if bar:
            bar.step()
        if not is_replayable(rec.inputs):
            trial.not_replayable.append((rec.id, rec.ticket_number))
            continue
        old = Side.of_record(rec)
        pack = _recorded_pack(rt, ((rec.inputs or {}).get("pack") or {}).get("id") or rec.pack_id)
        if pack is None:
            trial.items.append(
                Item(rec.id, rec.ticket_number, rec.decided_on.isoformat(), old, None, "kein Kulanz-Pack")
            )
            continue
        try:
            new = Side.of_decision(decide_again(rec.inputs or {}, pack))
            trial.items.append(Item(rec.id, rec.ticket_number, rec.decided_on.isoformat(), old, new).slim())
        except (InputsError, KeyError, TypeError, ValueError) as e:
            trial.items.append(Item(rec.id, rec.ticket_number, rec.decided_on.isoformat(), old, None, str(e)))
    if bar:
        bar.close()
    trial.finished_at = datetime.now(UTC)
    return trial


# --- groove: a fresh read ---------------------------------------------------------------------------


def cursor_path(data_dir: Path, since: date, until: date, pack: dict[str, str]) -> Path:
    """Where an interrupted groove trial keeps what it read; the same arguments find it again."""
    key = hashlib.sha256(
        json.dumps(["groove", since.isoformat(), until.isoformat(), pack], sort_keys=True).encode()
    ).hexdigest()[:16]
    return data_dir / "trials" / f"cursor-groove-{key}.jsonl"


def _read_cursor(path: Path) -> dict[int, Item]:
    done: dict[int, Item] = {}
    if not path.is_file():
        return done
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            item = Item.from_dict(json.loads(line))
        except (ValueError, KeyError, TypeError):
            continue  # a line cut short by a crash: that ticket is read again
        done[item.decision_id] = item
    return done


def _latest_per_ticket(db_url: str, since: date, until: date) -> list[DecisionRecord]:
    latest: dict[int, DecisionRecord] = {}
    for rec in _records(db_url, since, until):
        latest[rec.ticket_number] = rec
    return [latest[n] for n in sorted(latest)]


def _as_of(customer: Customer, day: date) -> Customer:
    """The ledger as it was on the decision's day: later entries had not happened yet."""
    return replace(customer, history=tuple(h for h in customer.history if h.date <= day))


def decide_fresh(rt: Runtime, rec: DecisionRecord) -> tuple[Decision | None, str | None]:
    """Read the decision's ticket again from Groove and AC (read-only) and decide it under the trial's pack."""
    with session_scope(rt.settings.db_url) as s:
        inbox = s.get(InboxEvent, rec.inbox_event_id)
        message_id = inbox.message_id if inbox else None
        records = list(
            s.scalars(
                select(DecisionRecord)
                .options(selectinload(DecisionRecord.actions))
                .where(DecisionRecord.ticket_number == rec.ticket_number)
                .order_by(DecisionRecord.id)
            ).all()
        )
    try:
        g = gather(rt, rec.ticket_number, message_id)
    except ApiNotFound:
        return None, "Ticket nicht mehr in Groove"
    pack = _goodwill_pack(rt, g.mailbox)
    if pack is None:
        return None, "kein Kulanz-Pack"
    applied = applied_actions(records)  # the worker's own changes on this ticket, all of them
    customer = _without_own_changes(g.customer, applied) if applied else g.customer
    customer = _as_of(customer, rec.decided_on)
    decision = decide_ticket(g.ticket, customer, rec.decided_on, pack=pack, classification=g.classification)
    return with_marker_tag(pack, decision), None


def trial_groove(
    rt: Runtime,
    since: date,
    until: date,
    *,
    pack_origin: str | None = None,
    progress: TextIO | None = None,
    cursor: Path | None = None,
) -> Trial:
    """Read the range's tickets again (read-only, inside the rate budget) and decide them under the trial's pack."""
    trial = Trial("groove", since, until, _pack_info(rt, pack_origin), datetime.now(UTC))
    cursor = cursor or cursor_path(rt.settings.data_dir, since, until, trial.pack)
    todo = _latest_per_ticket(rt.settings.db_url, since, until)
    done = _read_cursor(cursor)
    bar = Progress(len(todo), "Tickets", progress) if progress is not None else None
    cursor.parent.mkdir(parents=True, exist_ok=True)
    with cursor.open("a", encoding="utf-8") as fh:
        for rec in todo:
            if rec.id in done:
                trial.items.append(done[rec.id])
                trial.resumed += 1
                if bar:
                    bar.step()
                continue
            try:
                decision, error = decide_fresh(rt, rec)
            except (ApiError, KeyboardInterrupt) as e:
                if bar:
                    bar.close()
                raise TrialInterrupted(len(trial.items), len(todo), cursor, e) from e
            new = Side.of_decision(decision) if decision is not None else None
            item = Item(rec.id, rec.ticket_number, rec.decided_on.isoformat(), Side.of_record(rec), new, error).slim()
            fh.write(json.dumps(item.to_dict(), ensure_ascii=False) + "\n")
            fh.flush()
            trial.items.append(item)
            if bar:
                bar.step()
    if bar:
        bar.close()
    cursor.unlink(missing_ok=True)  # finished: the next run starts afresh
    trial.finished_at = datetime.now(UTC)
    return trial
