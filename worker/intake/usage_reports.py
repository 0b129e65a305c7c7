"""Fair-use intake: a customer's usage in one month, validated and stored once (docs/fair-use.md).

Two doors, one format: `POST /events/usage-overrun/<secret>` (one JSON object) and
`goodwill fair-use import FILE.csv` (the monthly export). Each report becomes an inbox row
(source "fair_use", dedup key per customer and month) and a `usage_months` row, committed
together; a month over the limit is then queued for `worker.fair_use.process.process_overrun`, a month
within the limit is only kept (it ends a run of overruns) and creates no task.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from policies.rules.fair_use import month_index
from worker.store.db import session_scope
from worker.store.models import InboxEvent, UsageMonthRecord, utcnow

SOURCE = "fair_use"
EVENT = "usage_overrun"
REQUIRED_COLUMNS = ("customer_id", "email", "month", "usage_gb", "limit_gb", "products")
OPTIONAL_COLUMNS = ("migration_refused", "migration_impossible")
COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS

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
        data = asdict(self)
        data["products"] = list(self.products)
        return json.dumps(data, ensure_ascii=False, sort_keys=True)


@dataclass(frozen=True)
class StoredReport:
    inbox_id: int
    duplicate: bool
    status: str  # queued (to be processed) | ignored (within the limit) | the stored row's status
    conflict: bool = False  # a duplicate whose values differ from the stored ones (the stored ones are kept)


# -- validation -----------------------------------------------------------------------------------
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
            raise ReportError(f"{name}: {value.strip()!r} is not a number") from None
    if not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ReportError(f"{name}: expected a number")
    if value < 0 or (positive and value == 0):
        raise ReportError(f"{name}: must be {'greater than 0' if positive else '0 or more'}")
    return float(value)


def _flag(value: Any, name: str) -> bool:
    if value is None or isinstance(value, bool):
        return bool(value)
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ReportError(f"{name}: expected true or false, got {value!r}")


def _month(value: Any, current_month: str) -> str:
    text = str(value).strip() if isinstance(value, str) else ""
    try:
        index = month_index(text)
    except ValueError:
        raise ReportError(f"month: {value!r} is not a month (expected YYYY-MM)") from None
    if index > month_index(current_month):
        raise ReportError(f"month: {text} is in the future")
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
        raise ReportError(f"customer_id: {customer_id!r} is not a customer number (letters, digits, . _ -; at most 64)")
    raw_email = data.get("email")
    if raw_email is not None and not isinstance(raw_email, str):
        raise ReportError("email: expected a string")
    email = (raw_email or "").strip().lower() or None
    if email is not None and (len(email) > 180 or not _EMAIL.match(email)):
        raise ReportError(f"email: {email!r} is not an e-mail address")
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
    except ValueError:
        raise ReportError("body is not valid JSON") from None
    if not isinstance(data, dict):
        raise ReportError("body is not a JSON object")
    return parse_report(data, current_month)


# -- the monthly CSV export -------------------------------------------------------------------------
@dataclass(frozen=True)
class CsvRow:
    line: int
    report: OverrunReport


def read_csv(text: str, current_month: str) -> tuple[list[CsvRow], list[str]]:
    """Every row validated; returns the reports and one error line per bad row ("line N: ...")."""
    text = text.lstrip("\ufeff")
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","  # Excel in de-CH writes ";"
    # strict: an unclosed quote is an error, not a field that swallows the rest of the file
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = next(reader)
    except StopIteration:
        return [], ["line 1: the file is empty (expected a header: " + ",".join(COLUMNS) + ")"]
    except csv.Error as e:
        return [], [f"line 1: {e}"]
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
        return [], [f"line 1: {what} (expected: {','.join(COLUMNS)})"]
    rows: list[CsvRow] = []
    errors: list[str] = []
    seen: dict[str, tuple[int, OverrunReport]] = {}
    line = 1
    while True:
        start = line + 1
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error as e:
            errors.append(f"line {start}: {e}")
            break
        line = reader.line_num
        if not any(v.strip() for v in values):
            continue  # blank line
        if len(values) != len(columns):
            errors.append(f"line {start}: {len(values)} fields, expected {len(columns)}")
            continue
        data: dict[str, Any] = dict(zip(columns, values))
        data["products"] = data["products"].split("|")
        try:
            report = parse_report(data, current_month)
        except ReportError as e:
            errors.append(f"line {start}: {e}")
            continue
        earlier = seen.get(report.dedup_key)
        if earlier is not None:
            if earlier[1] != report:
                errors.append(
                    f"line {start}: customer {report.customer_key} {report.month} is already on line "
                    f"{earlier[0]} with other values"
                )
            continue
        seen[report.dedup_key] = (start, report)
        rows.append(CsvRow(start, report))
    return rows, errors


# -- storing ------------------------------------------------------------------------------------------
def _chunks(items: Sequence[str], size: int = 500) -> Iterable[Sequence[str]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _store_once(db_url: str, reports: Sequence[OverrunReport], origin: str) -> list[StoredReport]:
    with session_scope(db_url) as s:
        keys = [r.dedup_key for r in reports]
        existing: dict[str, InboxEvent] = {}
        for chunk in _chunks(keys):
            existing.update(
                (row.dedup_key, row) for row in s.scalars(select(InboxEvent).where(InboxEvent.dedup_key.in_(chunk)))
            )
        known = set(existing)  # stored before this call: their reports are duplicates
        for r in reports:
            if r.dedup_key not in existing:  # the first of a customer+month in this batch wins
                existing[r.dedup_key] = InboxEvent(
                    dedup_key=r.dedup_key,
                    source=SOURCE,
                    event=EVENT,
                    ticket_number=None,
                    message_id=None,
                    payload=r.payload(),
                    status="queued" if r.over_limit else "ignored",
                    enqueued_at=utcnow() if r.over_limit else None,
                )
        fresh = {k: existing[k] for k in dict.fromkeys(keys) if k not in known}
        s.add_all(fresh.values())
        s.flush()  # batched INSERT … RETURNING: the inbox ids for the usage rows
        by_key = {r.dedup_key: r for r in reversed(reports)}  # the first report of each key
        s.add_all(
            UsageMonthRecord(
                customer_key=r.customer_key,
                customer_id=r.customer_id,
                email=r.email,
                month=r.month,
                usage_gb=r.usage_gb,
                limit_gb=r.limit_gb,
                products=list(r.products),
                migration_refused=r.migration_refused,
                migration_impossible=r.migration_impossible,
                origin=origin[:200],
                inbox_event_id=inbox.id,
            )
            for r, inbox in ((by_key[k], row) for k, row in fresh.items())
        )
        out: list[StoredReport] = []
        first_seen: set[str] = set()
        for r in reports:
            row = existing[r.dedup_key]
            duplicate = r.dedup_key in known or r.dedup_key in first_seen
            first_seen.add(r.dedup_key)
            out.append(StoredReport(row.id, duplicate, row.status, conflict=duplicate and row.payload != r.payload()))
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


def read_csv_file(path: Path, now_month: str) -> tuple[list[CsvRow], list[str]]:
    try:
        raw = path.read_bytes()
    except OSError as e:
        return [], [f"{path}: cannot read: {e.strerror or e}"]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        return [], [f"line {line}: not UTF-8 (save the export as CSV UTF-8)"]
    return read_csv(text, now_month)
