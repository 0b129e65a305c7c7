"""CASE.json ⇄ model for `goodwill decide` (docs/policy.md §6).

`parse_case` checks every key it reads and raises `CaseError` with one line that names the key
("ticket.created_at: invalid datetime '2026-13-01'"). Unknown keys are ignored, so a case file
may carry notes or an `expected` block next to the case.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from policies.dates import parse_iso_date, parse_iso_datetime
from policies.model import (
    DATE_FIELDS,
    OUTCOMES,
    REQUEST_TYPES,
    Customer,
    FairUse,
    HistoryEntry,
    Message,
    Ticket,
    UsageOverrun,
)
from policies.pack.loader import PolicyPack
from policies.vocab import Outcome, Process


class CaseError(ValueError):
    """A CASE.json that cannot be decided; the message is one line naming the key."""


_MISSING = object()


def _path(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key


def _obj(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise CaseError(f"{where}: expected an object, got {_kind(value)}")
    return value


def _kind(value: Any) -> str:
    return {
        dict: "an object",
        list: "a list",
        str: "a string",
        bool: "a boolean",
        type(None): "null",
        int: "a number",
        float: "a number",
    }.get(type(value), type(value).__name__)


def _str(data: dict[str, Any], key: str, where: str, *, required: bool = False) -> str | None:
    value = data.get(key, _MISSING)
    if value is _MISSING or value is None:
        if required:
            raise CaseError(f"{_path(where, key)}: missing")
        return None
    if not isinstance(value, str):
        raise CaseError(f"{_path(where, key)}: expected a string, got {_kind(value)}")
    return value


def _bool(data: dict[str, Any], key: str, where: str, default: bool) -> bool:
    value = data.get(key, default)
    if not isinstance(value, bool):
        raise CaseError(f"{_path(where, key)}: expected true or false, got {_kind(value)}")
    return value


def _date(data: dict[str, Any], key: str, where: str, *, required: bool = False) -> date | None:
    raw = _str(data, key, where, required=required)
    if raw is None:
        return None
    try:
        return parse_iso_date(raw)
    except ValueError:
        raise CaseError(f"{_path(where, key)}: invalid date {raw!r} (expected YYYY-MM-DD)") from None


def _datetime(data: dict[str, Any], key: str, where: str) -> datetime | None:
    raw = _str(data, key, where)
    if raw is None:
        return None
    try:
        return parse_iso_datetime(raw)
    except ValueError:
        raise CaseError(f"{_path(where, key)}: invalid datetime {raw!r}") from None


def _str_list(data: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = data.get(key)
    if value is None:
        return ()
    if not isinstance(value, list):
        raise CaseError(f"{_path(where, key)}: expected a list of strings, got {_kind(value)}")
    for i, item in enumerate(value):
        if not isinstance(item, str):
            raise CaseError(f"{_path(where, key)}[{i}]: expected a string, got {_kind(item)}")
    return tuple(value)


def _int(data: dict[str, Any], key: str, where: str, *, required: bool = False) -> int | None:
    value = data.get(key)
    if value is None:
        if required:
            raise CaseError(f"{_path(where, key)}: missing")
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise CaseError(f"{_path(where, key)}: expected an integer, got {_kind(value)}")
    return value


def _choice(data: dict[str, Any], key: str, where: str, allowed: tuple[str, ...]) -> str:
    value = _str(data, key, where, required=True)
    if value not in allowed:
        raise CaseError(f"{_path(where, key)}: unknown value {value!r} (expected one of {', '.join(allowed)})")
    return value


def parse_ticket(raw: Any) -> Ticket:
    t = _obj(raw, "ticket")
    number = _int(t, "number", "ticket", required=True)
    body = _str(t, "body", "ticket", required=True)
    messages = []
    raw_messages = t.get("messages") or []
    if not isinstance(raw_messages, list):
        raise CaseError(f"ticket.messages: expected a list, got {_kind(raw_messages)}")
    for i, m in enumerate(raw_messages):
        where = f"ticket.messages[{i}]"
        m = _obj(m, where)
        messages.append(
            Message(
                body=_str(m, "body", where, required=True) or "",
                created_at=_datetime(m, "created_at", where),
                from_customer=_bool(m, "from_customer", where, True),
                note=_bool(m, "note", where, False),
            )
        )
    return Ticket(
        number=number or 0,
        subject=_str(t, "subject", "ticket") or "",
        body=body or "",
        created_at=_datetime(t, "created_at", "ticket"),
        customer_email=_str(t, "customer_email", "ticket"),
        attachments=_str_list(t, "attachments", "ticket"),
        messages=tuple(messages),
    )


def _history(raw: Any) -> tuple[HistoryEntry, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise CaseError(f"customer.history: expected a list, got {_kind(raw)}")
    out = []
    for i, h in enumerate(raw):
        where = f"customer.history[{i}]"
        h = _obj(h, where)
        outcome = _choice(h, "outcome", where, OUTCOMES)
        # An approval without `applied` is taken as carried out: that is what earlier tickets record.
        applied = _bool(h, "applied", where, outcome == Outcome.APPROVE)
        out.append(
            HistoryEntry(
                date=_date(h, "date", where, required=True),  # type: ignore[arg-type]
                request_type=_choice(h, "request_type", where, REQUEST_TYPES),
                outcome=outcome,
                applied=applied,
                source=_str(h, "source", where) or "case",
                ticket_number=_int(h, "ticket_number", where),
            )
        )
    return tuple(out)


def _fair_use(raw: Any) -> FairUse | None:
    if raw is None:
        return None
    f = _obj(raw, "customer.fair_use")
    months = _int(f, "months_over_limit", "customer.fair_use", required=True)
    if months is not None and months < 0:
        raise CaseError("customer.fair_use.months_over_limit: must be >= 0")
    return FairUse(
        months_over_limit=months or 0,
        products=_str_list(f, "products", "customer.fair_use"),
        migration_refused=_bool(f, "migration_refused", "customer.fair_use", False),
        migration_impossible=_bool(f, "migration_impossible", "customer.fair_use", False),
    )


def parse_customer(raw: Any) -> Customer:
    if raw is None:
        return Customer(known=False)
    c = _obj(raw, "customer")
    dates = {name: _date(c, name, "customer") for name in DATE_FIELDS}
    return Customer(
        email=_str(c, "email", "customer"),
        tags=_str_list(c, "tags", "customer"),
        history=_history(c.get("history")),
        fair_use=_fair_use(c.get("fair_use")),
        known=_bool(c, "known", "customer", True),
        **dates,
    )


def _overrun(raw: Any) -> UsageOverrun:
    u = _obj(raw, "usage_overrun")
    month = _str(u, "month", "usage_overrun", required=True) or ""
    try:
        parse_iso_date(month + "-01")
    except ValueError:
        raise CaseError(f"usage_overrun.month: invalid month {month!r} (expected YYYY-MM)") from None
    return UsageOverrun(month=month)


def parse_case(data: object) -> tuple[Ticket | None, Customer, date, UsageOverrun | None]:
    case = _obj(data, "case")
    today = _date(case, "today", "", required=True)
    has_ticket, has_overrun = case.get("ticket") is not None, case.get("usage_overrun") is not None
    if has_ticket == has_overrun:
        raise CaseError(
            "case: give exactly one of 'ticket' or 'usage_overrun'"
            + (" (both given)" if has_ticket else " (neither given)")
        )
    customer = parse_customer(case.get("customer"))
    if has_overrun:
        if customer.fair_use is None:
            raise CaseError("customer.fair_use: missing (required with usage_overrun)")
        return None, customer, today, _overrun(case["usage_overrun"])  # type: ignore[return-value]
    return parse_ticket(case["ticket"]), customer, today, None  # type: ignore[return-value]


def decide_case(data: object, pack: PolicyPack | None = None) -> dict[str, Any]:
    """Decide a parsed CASE.json object; the `goodwill decide` output (Decision.to_dict())."""
    from policies.decide import decide
    from policies.pack.params import process_of

    ticket, customer, today, overrun = parse_case(data)
    if pack is not None and ticket is not None and process_of(pack) != Process.GOODWILL:
        raise CaseError(f"ticket: policy pack {pack.id} decides usage overruns only (give usage_overrun)")
    return decide(ticket, customer, today, pack=pack, usage_overrun=overrun).to_dict()
