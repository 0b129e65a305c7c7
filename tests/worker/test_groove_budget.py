"""Groove calls per ticket, attachments counted (issue 14), and AC's one lookup for a foreign tag id.

The v1 listing has no inline attachment names: each customer message the policy reads costs one
`GET /v1/attachments?message=` (and no more than gather.MAX_ATTACHMENT_LOOKUPS). Counted from the
sandbox's request log with the real clients, warm (the mailbox directory and AC maps loaded, as in a
running worker). `pytest -s` prints the figures BENCHMARKS.md quotes.
"""

from __future__ import annotations

import time

import pytest
import requests

from tests.support import Sandbox, ticket_seed
from tests.worker.test_pipeline import deliver
from worker.bootstrap import build_runtime
from worker.config import load_settings
from worker.store.db import upgrade
from worker.triage import process as pipeline

EXTENSION = "<p>Hallo, ich war drei Wochen krank. Könnt ihr mein Programm verlängern?</p><p>Danke, Gabi</p>"
RETURN = "<p>Hallo, ich möchte das Programm zurückgeben und bitte um Erstattung. Viele Grüße, Ute</p>"
OUT_OF_OFFICE = (
    "<p>Vielen Dank für Ihre Nachricht. Ich bin bis 12.01. nicht im Büro. In dringenden Fällen: zentrale@x.de</p>"
)


@pytest.fixture
def rt_and_sandbox(base_env, monkeypatch):  # type: ignore[no-untyped-def]
    with Sandbox() as sandbox:
        monkeypatch.setenv("GROOVE_API_URL", f"{sandbox.url}/groove/v1")
        monkeypatch.setenv("AC_API_URL", f"{sandbox.url}/ac/api/3")
        settings = load_settings()
        upgrade(settings.db_url)
        rt = build_runtime(settings)
        sandbox.seed(
            ticket_seed(800, "warm@example.org", "Rückgabe", RETURN, fields={"PROGRAM_PURCHASE_DATE": "2026-11-10"})
        )
        pipeline.process(rt, deliver(rt, 800))  # warm: mailboxes, AC tags and fields
        yield rt, sandbox


def calls(sandbox: Sandbox, since: float, vendor: str = "groove") -> list[str]:
    return [
        f"{r['method']} {r['path']}" for r in sandbox.state()["requests"] if r["vendor"] == vendor and r["at"] >= since
    ]


def route(call: str) -> str:
    return "/".join("{n}" if p.isdigit() else p for p in call.split("/"))


def test_groove_calls_per_ticket_with_attachments_counted(rt_and_sandbox) -> None:  # type: ignore[no-untyped-def]
    rt, sandbox = rt_and_sandbox
    fields = {"PROGRAM_PURCHASE_DATE": "2026-06-01", "PROGRAM_END_DATE": "2026-12-31"}
    sandbox.seed(ticket_seed(801, "gabi@example.org", "Verlängerung", EXTENSION, fields=fields))
    sandbox.seed(
        ticket_seed(802, "nina@example.org", "Verlängerung", EXTENSION, fields=fields, attachments=["attest.pdf"])
    )
    sandbox.seed(
        ticket_seed(803, "ute@example.org", "Rückgabe", RETURN, fields={"PROGRAM_PURCHASE_DATE": "2026-11-12"})
    )
    figures: dict[str, list[str]] = {}
    for name, number in (
        ("new ticket, no attachment", 801),
        ("new ticket, one attachment", 802),
        ("return request", 803),
    ):
        since = time.time()
        pipeline.process(rt, deliver(rt, number))
        figures[name] = [route(c) for c in calls(sandbox, since)]
    reply = sandbox.customer_reply(802, "<p>Und hier noch der Scan.</p>", ["scan.png"])
    since = time.time()
    pipeline.process(rt, deliver(rt, 802, "customer_replied", reply))
    figures["reply (both customer messages read)"] = [route(c) for c in calls(sandbox, since)]
    ooo = sandbox.customer_reply(801, OUT_OF_OFFICE)
    since = time.time()
    assert pipeline.process(rt, deliver(rt, 801, "customer_replied", ooo)) == "ignored"
    figures["auto-reply (ignored)"] = [route(c) for c in calls(sandbox, since)]
    for name, seen in figures.items():
        print(f"\nGroove calls, {name}: {len(seen)}: {seen}")
    assert figures["new ticket, no attachment"] == [
        "GET /v1/tickets/{n}",
        "GET /v1/tickets/{n}/messages",
        "GET /v1/attachments",
        "POST /v1/tickets/{n}/messages",
    ]
    assert figures["new ticket, one attachment"] == figures["new ticket, no attachment"]
    assert figures["return request"].count("GET /v1/tickets") == 1 and len(figures["return request"]) == 5
    assert figures["reply (both customer messages read)"].count("GET /v1/attachments") == 2
    assert figures["auto-reply (ignored)"] == ["GET /v1/tickets/{n}", "GET /v1/tickets/{n}/messages"]


def test_a_contact_with_a_tag_created_by_another_integration_costs_one_tag_lookup_once(rt_and_sandbox) -> None:  # type: ignore[no-untyped-def]
    rt, sandbox = rt_and_sandbox
    rt.crm.warm_up()  # the tag map a running worker loaded at start (worker/bootstrap.py install_warm_up)
    for i in range(3):
        sandbox.seed(
            ticket_seed(
                810 + i, f"k{i}@example.org", "Rückgabe", RETURN, fields={"PROGRAM_PURCHASE_DATE": "2026-11-12"}
            )
        )
    # Another integration creates a tag after the worker loaded its map, and puts it on the contacts.
    sandbox.seed({"ac": {"contacts": [{"email": f"k{i}@example.org", "tags": ["webinar_2026"]} for i in range(3)]}})
    since = time.time()
    for i in range(3):
        pipeline.process(rt, deliver(rt, 810 + i))
    ac = calls(sandbox, since, "ac")
    print(f"\nAC calls for 3 contacts with a foreign tag: {ac}")
    assert sum(1 for c in ac if c.startswith("GET /tags/")) == 1 and "GET /tags" not in ac
    assert requests.get(f"{sandbox.url}/_sandbox/state", timeout=5).ok
