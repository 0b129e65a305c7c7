"""Two things the pipeline reads from Groove as Groove serves them (issue 14).

Attachments: the v1 message listing has no inline `attachments`; a customer message links
`GET /v1/attachments?message=<id>`, and only the messages the policy reads are asked (a Groove call each).
Auto-replies: an out-of-office answer to a ticket decides nothing: the event is recorded as ignored with
the reason, without a note, a decision or a CRM read.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
import responses
from sqlalchemy import select

from integrations.groove import GrooveClient, GrooveMessage
from integrations.http import HttpSettings
from tests.fakes import FakeCrm, FakeVendors, fake_runtime
from tests.support import ticket_seed
from worker.bootstrap import Runtime, runtime_with
from worker.config import load_settings
from worker.intake.inbox import store_event
from worker.store.db import session_scope, upgrade
from worker.store.models import DecisionRecord, InboxEvent
from worker.triage import process as pipeline
from worker.triage.gather import gather

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
OUT_OF_OFFICE = (
    "<p>Vielen Dank für Ihre Nachricht. Ich bin bis einschließlich 12.01.2027 nicht im Büro. In dringenden "
    "Fällen wenden Sie sich bitte an kollegin@example.de.</p><p>Mit freundlichen Grüßen<br>Jana</p>"
)
EXTENSION = "<p>Hallo, ich war drei Wochen krank. Bitte verlängert mein Programm, das Attest hängt an.</p>"


@pytest.fixture
def vendors() -> FakeVendors:
    return FakeVendors()


@pytest.fixture
def rt(base_env, vendors: FakeVendors) -> Runtime:  # type: ignore[no-untyped-def]
    settings = load_settings()
    upgrade(settings.db_url)
    return fake_runtime(settings, vendors)


def deliver(rt: Runtime, number: int, event: str = "ticket_started", message_id: str | None = None) -> int:
    raw = json.dumps({"number": number, "id": message_id}).encode()
    return store_event(rt.settings.db_url, event=event, ticket_number=number, message_id=message_id, raw=raw).inbox_id


def inbox_row(rt: Runtime, inbox_id: int) -> InboxEvent:
    with session_scope(rt.settings.db_url) as s:
        row = s.get(InboxEvent, inbox_id)
        assert row is not None
        s.expunge(row)
        return row


def extension_case(vendors: FakeVendors, attachments: list[str] | None = None) -> None:
    vendors.seed(
        ticket_seed(
            901,
            "jana@example.org",
            "Verlängerung",
            EXTENSION,
            fields={"PROGRAM_PURCHASE_DATE": "2026-06-01", "PROGRAM_END_DATE": "2026-12-31"},
            attachments=attachments,
        )
    )


# -- attachments ---------------------------------------------------------------------------------------
def test_an_attachment_linked_from_the_message_is_seen_as_the_document(rt: Runtime, vendors: FakeVendors) -> None:
    extension_case(vendors, attachments=["Attest_Dr_Meier.pdf"])
    assert [m.attachments for m in vendors.helpdesk.list_messages(901)] == [()]  # as Groove lists it
    vendors.forget_calls()
    g = gather(rt, 901, None)
    assert g.ticket.attachments == ("Attest_Dr_Meier.pdf",)
    assert g.classification is None or "attest" in g.classification.facts.documents
    assert vendors.helpdesk.names() == ["get_ticket", "list_messages", "list_attachments"]


def test_only_the_messages_the_policy_reads_are_asked_for_their_attachments(rt: Runtime, vendors: FakeVendors) -> None:
    extension_case(vendors, attachments=["attest.pdf"])
    vendors.helpdesk.post_note(901, "<p>Notiz</p>")
    reply = vendors.customer_reply(901, "<p>Und hier noch der Scan.</p>", attachments=["scan.png"])
    vendors.forget_calls()
    g = gather(rt, 901, reply)  # a reply with two customer messages: both are read, so both are asked
    assert sorted(g.ticket.attachments) == ["attest.pdf", "scan.png"]
    asked = [c.args[0] for c in vendors.helpdesk.called("list_attachments")]
    customer = [m for m in vendors.helpdesk.messages(901) if m.from_customer]
    assert sorted(asked) == sorted(m.attachments_message_id for m in customer)  # never the note's


def test_a_ticket_that_says_it_has_no_attachments_costs_no_attachment_call(rt: Runtime, vendors: FakeVendors) -> None:
    extension_case(vendors)
    original = vendors.helpdesk.get_ticket
    vendors.helpdesk.get_ticket = lambda n: replace(original(n), attachment_count=0)  # type: ignore[method-assign]
    vendors.forget_calls()
    gather(rt, 901, None)
    assert "list_attachments" not in vendors.helpdesk.names()


@responses.activate
def test_with_the_recorded_groove_shapes_the_linked_attachment_is_the_document(base_env) -> None:  # type: ignore[no-untyped-def]
    """The real client on the documented responses: ticket, listing (link only), attachments listing."""
    api = "https://api.groovehq.com/v1"
    ticket = json.loads((FIXTURES / "groove" / "api_v1_ticket_response.json").read_text())
    ticket["ticket"]["title"] = "Verlängerung"
    listing = json.loads((FIXTURES / "groove" / "api_v1_messages_list_response.json").read_text())
    listing["meta"]["pagination"].update(total_pages=1, next_page=None)
    message = listing["messages"][0]
    message.update(body=EXTENSION, plain_text_body=EXTENSION)
    message["links"]["author"]["href"] = "https://api.groovehq.com/v1/customers/customer@example.com"
    assert "attachments" not in message  # no inline array: only links.attachments.href
    responses.get(f"{api}/tickets/1", json=ticket)
    responses.get(f"{api}/tickets/1/messages", json=listing)
    recorded = json.loads((FIXTURES / "groove" / "api_v1_attachments_response.json").read_text())
    responses.get(f"{api}/attachments", json=recorded)
    settings = load_settings()
    upgrade(settings.db_url)
    crm = FakeCrm()
    crm.seed({"contacts": [{"email": "customer@example.com", "fields": {"PROGRAM_END_DATE": "2026-12-31"}}]})
    groove = GrooveClient(base_url="https://api.groovehq.com", token="t", settings=HttpSettings(get_attempts=1))
    rt = runtime_with(settings, helpdesk=groove, crm=crm)
    g = gather(rt, 1, None)
    assert g.ticket.attachments == ("an-attachment.pdf",)  # the recorded GET /v1/attachments?message=764578238
    assert [c.request.url for c in responses.calls][-1] == f"{api}/attachments?message=764578238"
    from policies.reading.classify import classify

    # The document is seen only through the attachment: without it the same text brings none.
    assert classify(g.ticket, rt.pack).facts.documents == ("attest",)
    assert classify(replace(g.ticket, attachments=()), rt.pack).facts.documents == ()


# -- auto-replies --------------------------------------------------------------------------------------
def test_an_out_of_office_reply_does_not_re_decide_the_ticket_and_is_recorded_as_ignored(
    rt: Runtime, vendors: FakeVendors
) -> None:
    extension_case(vendors)
    assert pipeline.process(rt, deliver(rt, 901)) == "done"
    notes_before = vendors.notes(901)
    message_id = vendors.customer_reply(901, OUT_OF_OFFICE)
    vendors.forget_calls()
    inbox_id = deliver(rt, 901, "customer_replied", message_id)
    assert pipeline.process(rt, inbox_id) == "ignored"
    row = inbox_row(rt, inbox_id)
    assert row.status == "ignored"
    assert row.ignore_reason == 'auto-reply (out of office: "Ich bin bis einschließlich 12.01.2027 nicht im Büro")'
    assert vendors.notes(901) == notes_before  # no second note
    assert vendors.crm.calls == [] and vendors.helpdesk.names() == ["get_ticket", "list_messages"]
    with session_scope(rt.settings.db_url) as s:
        assert len(s.scalars(select(DecisionRecord)).all()) == 1  # still only the first decision
    assert pipeline.process(rt, inbox_id) == "ignored"  # a redelivery: nothing happens either


def test_a_new_ticket_that_is_an_auto_reply_is_ignored_with_its_reason(rt: Runtime, vendors: FakeVendors) -> None:
    vendors.seed(ticket_seed(902, "ooo@example.org", "Automatische Antwort: Ihr Newsletter", OUT_OF_OFFICE))
    inbox_id = deliver(rt, 902)
    assert pipeline.process(rt, inbox_id) == "ignored"
    assert inbox_row(rt, inbox_id).ignore_reason.startswith("auto-reply (out of office")  # type: ignore[union-attr]
    assert vendors.notes(902) == [] and vendors.crm.calls == []


def test_a_customer_who_writes_about_being_away_is_still_decided(rt: Runtime, vendors: FakeVendors) -> None:
    extension_case(vendors)
    message_id = vendors.customer_reply(
        901, "<p>Ich bin bis Ende Januar in der Reha und nicht erreichbar. Bitte verlängert mein Programm.</p>"
    )
    inbox_id = deliver(rt, 901, "customer_replied", message_id)
    assert pipeline.process(rt, inbox_id) == "done"
    assert inbox_row(rt, inbox_id).ignore_reason is None


def test_an_auto_submitted_header_on_a_message_is_read_when_groove_passes_one_on() -> None:
    listed = GrooveMessage.from_api({"body": "<p>Danke!</p>", "headers": {"Auto-Submitted": "auto-replied"}})
    assert listed.auto_submitted == "Auto-Submitted: auto-replied"
    as_list = GrooveMessage.from_api({"headers": [{"name": "X-Autoreply", "value": "yes"}]})
    assert as_list.auto_submitted == "X-Autoreply: yes"
    assert GrooveMessage.from_api({"headers": {"Auto-Submitted": "no"}}).auto_submitted is None
    assert GrooveMessage.from_api({"body": "x"}).auto_submitted is None  # Groove's documented messages have none


def test_an_earlier_out_of_office_answer_is_not_read_with_the_conversation(rt: Runtime, vendors: FakeVendors) -> None:
    extension_case(vendors)
    assert pipeline.process(rt, deliver(rt, 901)) == "done"
    ooo = vendors.customer_reply(901, OUT_OF_OFFICE)
    assert pipeline.process(rt, deliver(rt, 901, "customer_replied", ooo)) == "ignored"
    real = vendors.customer_reply(901, "<p>Anbei noch das Attest.</p>", attachments=["attest.pdf"])
    vendors.forget_calls()
    g = gather(rt, 901, real)
    assert "nicht im Büro" not in g.ticket.body and "Attest" in g.ticket.body
    asked = {c.args[0] for c in vendors.helpdesk.called("list_attachments")}
    assert ooo not in asked and g.ticket.attachments == ("attest.pdf",)
