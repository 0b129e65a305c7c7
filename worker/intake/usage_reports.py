"""Fair-use intake: a customer's usage in one month, validated and stored once (docs/fair-use.md).

Two doors, one format: `POST /events/usage-overrun/<secret>` (one JSON object) and
`goodwill fair-use import FILE.csv` (the monthly export). Each report becomes an inbox row
(source "fair_use", dedup key per customer and month) and a `usage_months` row, committed
together; a month over the limit is then queued for `worker.fair_use.process.process_overrun`, a month
within the limit is only kept (it ends a run of overruns) and creates no task.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import json
import math
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Table, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from policies.rules.fair_use import month_index
from worker.store.db import session_scope
from worker.store.models import InboxEvent, UsageMonthRecord, utcnow

SOURCE = "fair_use"
EVENT = "usage_overrun"
REQUIRED_COLUMNS = ("customer_id", "email", "month", "usage_gb", "limit_gb", "products")
OPTIONAL_COLUMNS = ("migration_refused", "migration_impossible")
COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS

_MONTH = re.compile(r"[0-9]{4}-[0-9]{2}")
FIRST_YEAR, LAST_YEAR = 2000, 2100
_CUSTOMER_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._\-]{0,63}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_TRUE = {"1", "true", "yes", "ja", "x"}
_FALSE = {"", "0", "false", "no", "nein"}


class ReportError(ValueError):
    """One line naming what is wrong with a report."""


@dataclass(frozen=True)
class OverrunReport:
    customer_id: str | None
    email: str | None
    month: str
    usage_gb: float
    limit_gb: float
    products: tuple[str, ...] = ()
    migration_refused: bool = False
    migration_impossible: bool = False

    @property
    def customer_key(self) -> str:
        """Who the month belongs to: the customer number when given, otherwise the e-mail."""
        return self.customer_id or self.email or ""

    @property
    def dedup_key(self) -> str:
        return f"{SOURCE}:{self.customer_key}:{self.month}"

    @property
    def over_limit(self) -> bool:
        return self.usage_gb > self.limit_gb

    def payload(self) -> str:
        data = {f.name: getattr(self, f.name) for f in fields(self)}  # asdict, without its deep copies
        data["products"] = list(self.products)
        return json.dumps(data, ensure_ascii=False, sort_keys=True)


@dataclass(frozen=True)
class StoredReport:
    inbox_id: int
    duplicate: bool
    status: str  # queued (to be processed) | ignored (within the limit) | the stored row's status
    conflict: bool = False  # a duplicate whose values differ from the stored ones (the stored ones are kept)


# -- validation -----------------------------------------------------------------------------------
def _shown(value: Any) -> str:
    """A value as an error message quotes it: short, and never the repr of a (deeply nested) container."""
    if isinstance(value, str):
        return repr(value if len(value) <= 40 else value[:40] + "…")
    if isinstance(value, (bool, int, float)) or value is None:
        text = repr(value) if not isinstance(value, int) or abs(value) < 10**40 else "a number of 40 digits or more"
        return text
    return f"a JSON {'list' if isinstance(value, list) else 'object'}"


def _number(value: Any, name: str, *, positive: bool) -> float:
    if isinstance(value, bool) or value is None:
        raise ReportError(f"{name}: expected a number")
    if isinstance(value, str):
        text = value.strip().replace("'", "")  # 1'024 (Swiss thousands separator)
        if text.count(",") == 1 and "." not in text:
            text = text.replace(",", ".")  # 12,5 (decimal comma)
        try:
            value = float(text)
        except ValueError:
            raise ReportError(f"{name}: {_shown(value.strip())} is not a number") from None
    elif isinstance(value, int):
        try:
            value = float(value)
        except OverflowError:  # a JSON integer of 309 digits or more
            raise ReportError(f"{name}: the number is too large") from None
    if isinstance(value, float) and math.isinf(value):
        raise ReportError(f"{name}: the number is too large")
    if not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ReportError(f"{name}: expected a number")
    if value < 0 or (positive and value == 0):
        raise ReportError(f"{name}: must be {'greater than 0' if positive else '0 or more'}")
    return float(value)


def _flag(value: Any, name: str) -> bool:
    if value is None or isinstance(value, bool):
        return bool(value)
    text = str(value).strip().lower() if isinstance(value, (str, int)) else None
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ReportError(f"{name}: expected true or false, got {_shown(value)}")


def _month(value: Any, current_month: str) -> str:
    """`YYYY-MM` in ASCII digits (int() would read "２０２６-１０" as 2026-10: a second key for one month)."""
    text = value.strip() if isinstance(value, str) else ""
    if not _MONTH.fullmatch(text) or not 1 <= int(text[5:]) <= 12:
        raise ReportError(f"month: {_shown(value)} is not a month (expected YYYY-MM)")
    if month_index(text) > month_index(current_month):
        raise ReportError(f"month: {text} is in the future")
    if not FIRST_YEAR <= int(text[:4]) <= LAST_YEAR:
        raise ReportError(f"month: {text} is not between {FIRST_YEAR}-01 and {LAST_YEAR}-12")
    return text


def parse_report(data: Mapping[str, Any], current_month: str) -> OverrunReport:
    """One report from a mapping (JSON object or CSV row with `products` already a list)."""
    unknown = sorted(set(data) - set(COLUMNS))
    if unknown:
        raise ReportError(f"unknown field {unknown[0]!r} (known: {', '.join(COLUMNS)})")
    raw_id = data.get("customer_id")
    if isinstance(raw_id, int) and not isinstance(raw_id, bool):
        raw_id = str(raw_id)
    if raw_id is not None and not isinstance(raw_id, str):
        raise ReportError("customer_id: expected a string")
    customer_id = (raw_id or "").strip() or None
    if customer_id is not None and not _CUSTOMER_ID.match(customer_id):
        raise ReportError(
            f"customer_id: {_shown(customer_id)} is not a customer number (letters, digits, . _ -; at most 64)"
        )
    raw_email = data.get("email")
    if raw_email is not None and not isinstance(raw_email, str):
        raise ReportError("email: expected a string")
    email = (raw_email or "").strip().lower() or None
    if email is not None and (len(email) > 180 or not _EMAIL.match(email)):
        raise ReportError(f"email: {_shown(email)} is not an e-mail address")
    if customer_id is None and email is None:
        raise ReportError("customer_id or email: one of them is required")
    if "month" not in data:
        raise ReportError("month: missing")
    month = _month(data["month"], current_month)
    if "usage_gb" not in data:
        raise ReportError("usage_gb: missing")
    if "limit_gb" not in data:
        raise ReportError("limit_gb: missing")
    products = data.get("products") or []
    if not isinstance(products, (list, tuple)) or not all(isinstance(p, str) for p in products):
        raise ReportError("products: expected a list of product names")
    if any(not p.isprintable() or len(p) > 200 for p in products):
        raise ReportError("products: a product name must be one line of at most 200 characters")
    return OverrunReport(
        customer_id=customer_id,
        email=email,
        month=month,
        usage_gb=_number(data["usage_gb"], "usage_gb", positive=False),
        limit_gb=_number(data["limit_gb"], "limit_gb", positive=True),
        products=tuple(dict.fromkeys(p.strip() for p in products if p.strip())),
        migration_refused=_flag(data.get("migration_refused"), "migration_refused"),
        migration_impossible=_flag(data.get("migration_impossible"), "migration_impossible"),
    )


def parse_json(raw: bytes, current_month: str) -> OverrunReport:
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise ReportError("body is not UTF-8") from None
    except RecursionError:
        raise ReportError("body is nested too deeply") from None
    except ValueError:  # also an integer of more than 4,300 digits
        raise ReportError("body is not valid JSON") from None
    if not isinstance(data, dict):
        raise ReportError("body is not a JSON object")
    try:
        return parse_report(data, current_month)
    except RecursionError:  # a safety net: parse_report quotes no container
        raise ReportError("body is nested too deeply") from None


# -- the monthly CSV export -------------------------------------------------------------------------
# A file is read twice, streaming, and never held whole (docs/fair-use.md "Memory"): a first pass
# validates every row and keeps, per customer+month, only the line of its first row and a digest of
# its values; a second pass stores the rows in batches of BATCH_ROWS, all in ONE transaction.
BATCH_ROWS = 1000
MAX_LINE_CHARS = 1024 * 1024  # one line of an export is a few hundred characters


@dataclass(frozen=True)
class CsvRow:
    line: int
    report: OverrunReport


def _digest(report: OverrunReport) -> int:
    """Its values in 8 bytes (both passes run in one process, so Python's hash of the frozen fields will do)."""
    return hash(report) & _DIGEST_MASK


_DIGEST_MASK = 2**64 - 1


@dataclass
class CsvCheck:
    """The first pass: one error line per bad row; per customer+month its first line and values' digest,
    packed into one int (`line << 64 | digest`: about 150 bytes a customer+month, key included)."""

    errors: list[str] = field(default_factory=list)
    first: dict[str, int] = field(default_factory=dict)

    @property
    def rows(self) -> int:
        """The rows to store: a row repeated with the same values counts once."""
        return len(self.first)

    def is_first(self, row: CsvRow) -> bool:
        return self.first.get(row.report.dedup_key, 0) >> 64 == row.line


def _bounded_lines(lines: Iterable[str]) -> Iterator[str]:
    for line in lines:
        if len(line) > MAX_LINE_CHARS:
            raise csv.Error(f"a line longer than {MAX_LINE_CHARS} characters")
        yield line


def _rows(lines: Iterable[str], current_month: str) -> Iterator[CsvRow | str]:
    """Every data row of the file in order: a validated row, or one error line ("line N: ...")."""
    lines = iter(lines)
    first = next(lines, "").lstrip("\ufeff")
    if not first:
        yield "line 1: the file is empty (expected a header: " + ",".join(COLUMNS) + ")"
        return
    delimiter = ";" if first.count(";") > first.count(",") else ","  # Excel in de-CH writes ";"
    # strict: an unclosed quote is an error, not a field that swallows the rest of the file
    reader = csv.reader(_bounded_lines(itertools.chain([first], lines)), delimiter=delimiter, strict=True)
    try:
        header = next(reader)
    except StopIteration:
        yield "line 1: the file is empty (expected a header: " + ",".join(COLUMNS) + ")"
        return
    except csv.Error as e:
        yield f"line 1: {e}"
        return
    columns = [h.strip().lower() for h in header]
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    unknown = [c for c in columns if c not in COLUMNS]
    if missing or unknown or len(set(columns)) != len(columns):
        what = (
            f"missing column {missing[0]!r}"
            if missing
            else f"unknown column {unknown[0]!r}"
            if unknown
            else "a column is named twice"
        )
        yield f"line 1: {what} (expected: {','.join(COLUMNS)})"
        return
    line = reader.line_num
    while True:
        start = line + 1
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as e:
            yield f"line {start}: {e}"
            return
        line = reader.line_num
        if not any(v.strip() for v in values):
            continue  # blank line
        if len(values) != len(columns):
            yield f"line {start}: {len(values)} fields, expected {len(columns)}"
            continue
        data: dict[str, Any] = dict(zip(columns, values))
        data["products"] = data["products"].split("|")
        try:
            yield CsvRow(start, parse_report(data, current_month))
        except ReportError as e:
            yield f"line {start}: {e}"


def _check(items: Iterable[CsvRow | str]) -> CsvCheck:
    check = CsvCheck()
    for item in items:
        if isinstance(item, str):
            check.errors.append(item)
            continue
        report = item.report
        earlier = check.first.get(report.dedup_key)
        if earlier is None:
            check.first[report.dedup_key] = item.line << 64 | _digest(report)
        elif earlier & _DIGEST_MASK != _digest(report):
            check.errors.append(
                f"line {item.line}: customer {report.customer_key} {report.month} is already on line "
                f"{earlier >> 64} with other values"
            )
    return check


def read_csv(text: str, current_month: str) -> tuple[list[CsvRow], list[str]]:
    """A whole (small) export as text: the rows to store and one error line per bad row."""
    lines = io.StringIO(text, newline="")
    check = _check(_rows(lines, current_month))
    lines.seek(0)
    rows = [r for r in _rows(lines, current_month) if isinstance(r, CsvRow) and check.is_first(r)]
    return rows, check.errors


def _file_lines(path: Path) -> Iterator[str]:
    """The file's lines, decoded as they are read (UTF-8, a BOM is fine; any line ending)."""
    with path.open("rb") as raw, io.TextIOWrapper(raw, encoding="utf-8-sig", newline="") as text:
        while line := text.readline(MAX_LINE_CHARS + 1):
            yield line


def _first_bad_utf8_line(path: Path) -> int:
    decoder = codecs.getincrementaldecoder("utf-8")()
    line = 1
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 16):
            pending = len(decoder.getstate()[0])
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as e:
                return line + chunk[: max(0, e.start - pending)].count(b"\n")
            line += chunk.count(b"\n")
    return line


def check_csv_file(path: Path, now_month: str) -> CsvCheck:
    """The first pass over an export: every row validated, nothing kept but what the second pass needs."""
    try:
        return _check(_rows(_file_lines(path), now_month))
    except OSError as e:
        return CsvCheck(errors=[f"{path}: cannot read: {e.strerror or e}"])
    except UnicodeDecodeError:
        return CsvCheck(errors=[f"line {_first_bad_utf8_line(path)}: not UTF-8 (save the export as CSV UTF-8)"])


@dataclass
class CsvImport:
    """What the second pass stored: counts, the inbox ids to queue, and the rows kept as stored before."""

    rows: int = 0
    new: int = 0
    queued: list[int] = field(default_factory=list)
    conflicts: list[CsvRow] = field(default_factory=list)


def _batches(rows: Iterable[CsvRow], size: int = BATCH_ROWS) -> Iterator[list[CsvRow]]:
    return iter(lambda: list(itertools.islice(rows, size)), [])


def _import_once(db_url: str, path: Path, now_month: str, check: CsvCheck, origin: str) -> CsvImport:
    done = CsvImport()
    items = _rows(_file_lines(path), now_month)

    def first_rows() -> Iterator[CsvRow]:
        for item in items:
            if isinstance(item, str):  # the file changed since the first pass
                raise ReportError(f"{path} changed while it was imported ({item}); nothing imported")
            if check.is_first(item):
                yield item

    with session_scope(db_url) as s:  # ONE transaction for the whole file
        for batch in _batches(first_rows()):
            stored = _store_batch(s, [r.report for r in batch], origin)
            done.rows += len(batch)
            for row, result in zip(batch, stored):
                if result.conflict:
                    done.conflicts.append(row)
                if not result.duplicate:
                    done.new += 1
                    if result.status == "queued":
                        done.queued.append(result.inbox_id)
    return done


def import_csv_file(db_url: str, path: Path, now_month: str, check: CsvCheck, origin: str) -> CsvImport:
    """The second pass: every row of a checked export stored in ONE transaction, in batches (all or nothing)."""
    try:
        return _import_once(db_url, path, now_month, check, origin)
    except IntegrityError:
        # Someone stored one of the same customer+months meanwhile: rolled back whole; a second pass
        # sees their rows as duplicates.
        return _import_once(db_url, path, now_month, check, origin)


def read_csv_file(path: Path, now_month: str) -> tuple[list[CsvRow], list[str]]:
    """A whole export in memory (small files; the import streams: check_csv_file + import_csv_file)."""
    check = check_csv_file(path, now_month)
    if check.errors:
        return [], check.errors
    rows = [r for r in _rows(_file_lines(path), now_month) if isinstance(r, CsvRow) and check.is_first(r)]
    return rows, []


# -- storing ------------------------------------------------------------------------------------------
# Core: no ORM bookkeeping per row (the column defaults apply all the same)
_INBOX: Table = InboxEvent.__table__  # type: ignore[assignment]
_USAGE: Table = UsageMonthRecord.__table__  # type: ignore[assignment]


def _store_batch(s: Session, reports: Sequence[OverrunReport], origin: str) -> list[StoredReport]:
    """One batch inside the caller's transaction: new customer+months inserted (bulk, no ORM objects kept),
    known ones (stored before, or earlier in this transaction) reported as duplicates."""
    keys = list(dict.fromkeys(r.dedup_key for r in reports))
    known = {
        row.dedup_key: row
        for row in s.execute(
            select(InboxEvent.id, InboxEvent.dedup_key, InboxEvent.status, InboxEvent.payload).where(
                InboxEvent.dedup_key.in_(keys)
            )
        )
    }
    first = {r.dedup_key: r for r in reversed(reports)}  # the first report of each key
    fresh = [first[k] for k in keys if k not in known]
    new: dict[str, Any] = {}
    if fresh:
        now = utcnow()
        inserted = s.execute(
            # RETURNING the key with the id: matched by key, so SQLAlchemy may batch the rows in any order
            insert(_INBOX).returning(_INBOX.c.id, _INBOX.c.dedup_key, _INBOX.c.status, _INBOX.c.payload),
            [
                {
                    "dedup_key": r.dedup_key,
                    "source": SOURCE,
                    "event": EVENT,
                    "ticket_number": None,
                    "message_id": None,
                    "payload": r.payload(),
                    "status": "queued" if r.over_limit else "ignored",
                    "received_at": now,
                    "updated_at": now,
                    "enqueued_at": now if r.over_limit else None,
                }
                for r in fresh
            ],
        ).all()
        new = {row.dedup_key: row for row in inserted}
        s.execute(
            insert(_USAGE),
            [
                {
                    "customer_key": r.customer_key,
                    "customer_id": r.customer_id,
                    "email": r.email,
                    "month": r.month,
                    "usage_gb": r.usage_gb,
                    "limit_gb": r.limit_gb,
                    "products": list(r.products),
                    "migration_refused": r.migration_refused,
                    "migration_impossible": r.migration_impossible,
                    "origin": origin[:200],
                    "inbox_event_id": new[r.dedup_key].id,
                }
                for r in fresh
            ],
        )
    out: list[StoredReport] = []
    seen: set[str] = set()
    for r in reports:
        row = known.get(r.dedup_key) or new[r.dedup_key]
        duplicate = r.dedup_key in known or r.dedup_key in seen
        seen.add(r.dedup_key)
        out.append(StoredReport(row.id, duplicate, row.status, conflict=duplicate and row.payload != r.payload()))
    return out


def _store_once(db_url: str, reports: Sequence[OverrunReport], origin: str) -> list[StoredReport]:
    out: list[StoredReport] = []
    with session_scope(db_url) as s:
        for i in range(0, len(reports), BATCH_ROWS):
            out += _store_batch(s, reports[i : i + BATCH_ROWS], origin)
    return out


def store_reports(db_url: str, reports: Sequence[OverrunReport], origin: str) -> list[StoredReport]:
    """Store all reports in ONE transaction (all or nothing); known customer+months are duplicates."""
    try:
        return _store_once(db_url, reports, origin)
    except IntegrityError:
        # Someone stored one of the same customer+months between our read and our insert; the
        # transaction is rolled back whole, and a second pass sees their rows as duplicates.
        return _store_once(db_url, reports, origin)


def current_month(now: datetime) -> str:
    return f"{now.year:04d}-{now.month:02d}"
