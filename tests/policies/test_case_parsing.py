"""CASE.json → model (docs/policy.md §6): bad input is refused with one line naming the key."""

from __future__ import annotations

import copy
from datetime import UTC, date, datetime
from typing import Any

import pytest

from policies.offline.case import CaseError, decide_case, parse_case

GOOD: dict[str, Any] = {
    "today": "2026-11-23",
    "ticket": {
        "number": 4711,
        "subject": "Verlängerung",
        "body": "Hallo",
        "created_at": "2026-11-20T09:12:00Z",
        "customer_email": "a@example.org",
        "attachments": ["attest.pdf"],
    },
    "customer": {
        "tags": ["kulanz_verlaengerung"],
        "program_purchase_date": "2026-10-01",
        "history": [{"date": "2026-05-02", "request_type": "program_extension", "outcome": "approve", "applied": True}],
    },
}


def mutate(path: str, value: Any) -> dict[str, Any]:
    """GOOD with the key at dotted `path` set to `value` (or removed when value is ...)."""
    case = copy.deepcopy(GOOD)
    *parents, last = path.split(".")
    node: Any = case
    for p in parents:
        node = node[int(p)] if isinstance(node, list) else node[p]
    if value is ...:
        del node[last]
    else:
        node[last] = value
    return case


def test_a_good_case_becomes_the_model() -> None:
    ticket, customer, today, overrun = parse_case(GOOD)
    assert today == date(2026, 11, 23) and overrun is None
    assert ticket is not None and ticket.number == 4711
    assert ticket.created_at == datetime(2026, 11, 20, 9, 12, tzinfo=UTC)
    assert ticket.attachments == ("attest.pdf",)
    assert customer.program_purchase_date == date(2026, 10, 1) and customer.history[0].applied is True


def test_unknown_keys_such_as_expected_are_ignored() -> None:
    parse_case(GOOD | {"expected": {"outcome": "approve"}, "description": "x"})


def test_a_missing_customer_is_an_unknown_contact() -> None:
    _, customer, _, _ = parse_case(mutate("customer", ...))
    assert customer.known is False


def test_a_history_approval_without_applied_counts_as_applied() -> None:
    _, customer, _, _ = parse_case(mutate("customer.history.0.applied", ...))
    assert customer.history[0].applied is True


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], "case: expected an object, got a list"),
        ("x", "case: expected an object, got a string"),
        (mutate("today", ...), "today: missing"),
        (mutate("today", "2026-02-30"), "today: invalid date '2026-02-30'"),
        (mutate("today", 20261123), "today: expected a string, got a number"),
        (mutate("ticket", ...), "case: give exactly one of 'ticket' or 'usage_overrun' (neither given)"),
        (
            GOOD | {"usage_overrun": {"month": "2026-11"}},
            "case: give exactly one of 'ticket' or 'usage_overrun' (both given)",
        ),
        (mutate("ticket.number", ...), "ticket.number: missing"),
        (mutate("ticket.number", "4711"), "ticket.number: expected an integer, got a string"),
        (mutate("ticket.number", True), "ticket.number: expected an integer, got a boolean"),
        (mutate("ticket.body", ...), "ticket.body: missing"),
        (mutate("ticket.body", None), "ticket.body: missing"),
        (mutate("ticket.created_at", "2026-13-01"), "ticket.created_at: invalid datetime '2026-13-01'"),
        (
            mutate("ticket.created_at", "2026-11-31T10:00:00Z"),
            "ticket.created_at: invalid datetime '2026-11-31T10:00:00Z'",
        ),
        (mutate("ticket.attachments", "attest.pdf"), "ticket.attachments: expected a list of strings, got a string"),
        (mutate("ticket.attachments", [1]), "ticket.attachments[0]: expected a string, got a number"),
        (mutate("ticket", "hello"), "ticket: expected an object, got a string"),
        (mutate("customer", []), "customer: expected an object, got a list"),
        (mutate("customer.tags", "a,b"), "customer.tags: expected a list of strings, got a string"),
        (
            mutate("customer.program_purchase_date", "01.10.2026"),
            "customer.program_purchase_date: invalid date '01.10.2026'",
        ),
        (
            mutate("customer.program_purchase_date", "2025-02-29"),
            "customer.program_purchase_date: invalid date '2025-02-29'",
        ),
        (mutate("customer.history", {}), "customer.history: expected a list, got an object"),
        (mutate("customer.history.0.date", ...), "customer.history[0].date: missing"),
        (mutate("customer.history.0.outcome", "granted"), "customer.history[0].outcome: unknown value 'granted'"),
        (
            mutate("customer.history.0.request_type", "extension"),
            "customer.history[0].request_type: unknown value 'extension'",
        ),
        (
            mutate("customer.history.0.applied", "yes"),
            "customer.history[0].applied: expected true or false, got a string",
        ),
    ],
)
def test_bad_input_names_the_problem_in_one_line(data: object, message: str) -> None:
    with pytest.raises(CaseError) as err:
        parse_case(data)
    assert str(err.value).startswith(message) and "\n" not in str(err.value)


@pytest.mark.parametrize(
    ("overrun", "fair_use", "message"),
    [
        ({"month": "2026-11"}, None, "customer.fair_use: missing (required with usage_overrun)"),
        ({"month": "2026-13"}, {"months_over_limit": 1}, "usage_overrun.month: invalid month '2026-13'"),
        ({}, {"months_over_limit": 1}, "usage_overrun.month: missing"),
        ({"month": "2026-11"}, {"months_over_limit": "2"}, "customer.fair_use.months_over_limit: expected an integer"),
        ({"month": "2026-11"}, {"months_over_limit": -1}, "customer.fair_use.months_over_limit: must be >= 0"),
        ({"month": "2026-11"}, {}, "customer.fair_use.months_over_limit: missing"),
    ],
)
def test_bad_usage_overrun_input_names_the_problem(overrun: dict, fair_use: dict | None, message: str) -> None:
    customer = {"fair_use": fair_use} if fair_use is not None else {}
    with pytest.raises(CaseError, match="^" + message.replace("(", r"\(").replace(")", r"\)")):
        parse_case({"today": "2026-11-23", "usage_overrun": overrun, "customer": customer})


def test_decide_case_returns_the_contract_keys() -> None:
    out = decide_case(
        {
            "today": "2026-11-23",
            "usage_overrun": {"month": "2026-11"},
            "customer": {"fair_use": {"months_over_limit": 1, "products": ["Mobile Flat"]}},
        }
    )
    assert {
        "request_type",
        "abusive",
        "severity",
        "outcome",
        "alternative",
        "escalate_to",
        "measure",
        "clauses",
        "actions",
        "note",
    } <= out.keys()
    assert (out["request_type"], out["measure"]) == ("fair_use", "sms_1")
