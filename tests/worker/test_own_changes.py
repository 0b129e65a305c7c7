"""A re-decided ticket is read as if this ticket's earlier decisions had not changed the CRM yet."""

from __future__ import annotations

from datetime import date

from policies.model import Customer
from worker.store.models import ActionRecord
from worker.triage.process import _without_own_changes


def _set_field(field: str, value: str, previous: str | None, state: str) -> ActionRecord:
    return ActionRecord(op="set_field", field=field, value=value, previous_value=previous, state=state)


def test_the_date_before_our_first_write_is_restored_whatever_later_decisions_recorded() -> None:
    customer = Customer(email="kunde@example.org", program_end_date=date(2027, 3, 1))  # shows our extension
    first = _set_field("program_end_date", "2027-03-01", "2027-01-04", "done")
    # The customer replied: the same extension again, found already done (no previous value recorded) …
    again = _set_field("program_end_date", "2027-03-01", None, "already_done")
    # … and later one more write of ours, whose previous value is our own first write.
    later = _set_field("program_end_date", "2027-04-01", "2027-03-01", "done")
    assert _without_own_changes(customer, [first, again]).program_end_date == date(2027, 1, 4)
    assert _without_own_changes(customer, [first, again, later]).program_end_date == date(2027, 1, 4)


def test_only_date_fields_are_restored() -> None:
    customer = Customer(email="kunde@example.org", tags=("vip",))
    odd = [_set_field("email", "x@example.org", "alt@example.org", "done"), _set_field("tags", "a", "b", "done")]
    assert _without_own_changes(customer, odd) == customer
