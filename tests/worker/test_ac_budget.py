"""The AC call budget per ticket (warm caches): ≤ 2 calls when nothing is written, ≤ 4 with a tag and a date.

Counts the HTTP requests the real ActiveCampaign client sends (its tag and field caches included),
so these tests keep the sandbox instead of the in-memory fakes.
"""

from __future__ import annotations

import time

import pytest

from integrations.activecampaign import ActiveCampaignClient
from tests.support import Sandbox, ticket_seed
from tests.worker.test_pipeline import COACH_BODY, deliver
from worker.bootstrap import build_runtime
from worker.config import load_settings
from worker.store.db import upgrade
from worker.triage import process as pipeline

RETURN_BODY = "<p>Hallo, ich möchte das Programm zurückgeben und bitte um Erstattung. Viele Grüße, Ute</p>"
EXTENSION_BODY = (
    "<p>Hallo, ich bin beruflich nicht hinterhergekommen. Könnt ihr meine Programmlaufzeit um vier Wochen "
    "verlängern?</p><p>Danke, Gabi</p>"
)


@pytest.fixture
def rt_and_sandbox(base_env, monkeypatch):  # type: ignore[no-untyped-def]
    with Sandbox() as sandbox:
        monkeypatch.setenv("GROOVE_API_URL", f"{sandbox.url}/groove/v1")
        monkeypatch.setenv("AC_API_URL", f"{sandbox.url}/ac/api/3")
        settings = load_settings()
        upgrade(settings.db_url)
        rt = build_runtime(settings)
        # Warm the tag and field caches with one ticket first, as a running worker has them.
        sandbox.seed(
            ticket_seed(
                800, "warm@example.org", "Rückgabe", RETURN_BODY, fields={"PROGRAM_PURCHASE_DATE": "2026-11-10"}
            )
        )
        pipeline.process(rt, deliver(rt, 800))
        yield rt, sandbox


def real_ac(rt) -> ActiveCampaignClient:  # type: ignore[no-untyped-def]
    """The runtime's CRM port is the real client here (build_runtime): warm its tag cache directly."""
    assert isinstance(rt.crm, ActiveCampaignClient)
    return rt.crm


def ac_calls_for(rt, sandbox: Sandbox, number: int) -> list[str]:  # type: ignore[no-untyped-def]
    since = time.time()
    pipeline.process(rt, deliver(rt, number))
    state = sandbox.state()
    return [f"{r['method']} {r['path']}" for r in state["requests"] if r["vendor"] == "ac" and r["at"] >= since]


def test_a_ticket_that_writes_nothing_costs_at_most_two_ac_calls(rt_and_sandbox) -> None:  # type: ignore[no-untyped-def]
    rt, sandbox = rt_and_sandbox
    sandbox.seed(
        ticket_seed(801, "ute@example.org", "Rückgabe", RETURN_BODY, fields={"PROGRAM_PURCHASE_DATE": "2026-11-12"})
    )
    calls = ac_calls_for(rt, sandbox, 801)
    print(f"\nAC calls, nothing written: {len(calls)}: {calls}")
    assert len(calls) <= 2


def test_a_first_extension_with_a_tag_and_a_date_costs_at_most_four_ac_calls(rt_and_sandbox) -> None:  # type: ignore[no-untyped-def]
    rt, sandbox = rt_and_sandbox
    sandbox.seed(
        ticket_seed(
            802,
            "gabi@example.org",
            "Verlängerung meines Programms",
            EXTENSION_BODY,
            fields={"PROGRAM_PURCHASE_DATE": "2026-06-01", "PROGRAM_END_DATE": "2026-12-01"},
        )
    )
    # The extension tag exists in AC from earlier extensions (warm cache), as in a running account;
    # creating a brand-new tag once costs 3 more calls (search, list, create).
    real_ac(rt).ensure_tag("kulanz_verlaengerung")
    calls = ac_calls_for(rt, sandbox, 802)
    print(f"\nAC calls, tag + date written: {len(calls)}: {calls}")
    assert len(calls) <= 4
    assert sum(c.startswith("POST") for c in calls) == 2


def test_a_coach_extension_moving_two_dates_and_marking_goodwill_costs_at_most_four_ac_calls(rt_and_sandbox) -> None:  # type: ignore[no-untyped-def]
    rt, sandbox = rt_and_sandbox
    sandbox.seed(
        ticket_seed(
            803,
            "jana@example.org",
            "Verlängerung",
            COACH_BODY,
            fields={"COACH_ROUND_START": "2025-06-01", "COACH_END_DATE": "2026-12-31", "PRO_END_DATE": "2027-02-28"},
        )
    )
    # The marker tag exists in AC from earlier gestures (warm cache), as in a running account.
    real_ac(rt).ensure_tag(rt.pack.applied_marker_tag)
    calls = ac_calls_for(rt, sandbox, 803)
    print(f"\nAC calls, two dates + marker tag: {len(calls)}: {calls}")
    assert len(calls) <= 4
