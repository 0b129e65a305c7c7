"""A ticket case run against the fair-use pack is refused instead of being decided on goodwill defaults."""

from __future__ import annotations

import pytest

from policies.offline.case import CaseError, decide_case
from policies.pack.loader import load_pack


def test_a_ticket_case_against_the_fair_use_pack_is_refused_with_a_named_key() -> None:
    case = {"today": "2026-11-23", "ticket": {"number": 1, "subject": "x", "body": "Hallo"}, "customer": {}}
    with pytest.raises(CaseError, match=r"^ticket: policy pack fair-use decides usage overruns only"):
        decide_case(case, load_pack("fair-use"))


def test_a_usage_overrun_case_against_the_fair_use_pack_is_decided() -> None:
    case = {
        "today": "2026-11-23",
        "usage_overrun": {"month": "2026-11"},
        "customer": {"fair_use": {"months_over_limit": 1, "products": ["Mobile Flat"], "migration_refused": False}},
    }
    out = decide_case(case, load_pack("fair-use"))
    assert (out["request_type"], out["measure"]) == ("fair_use", "sms_1")
