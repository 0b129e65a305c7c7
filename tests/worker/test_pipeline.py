"""The pipeline against the in-memory vendors: one note per decision, CRM changes exactly once, crash-safe.

The vendor state lives in tests/fakes.py (FakeHelpDesk, FakeCrm); the HTTP side of the same flows is
covered with the sandbox in tests/e2e and tests/integrations.
"""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
import requests
from sqlalchemy import select

from tests.fakes import FakeVendors, fake_runtime
from tests.support import Sandbox, ticket_seed
from worker.bootstrap import Runtime
from worker.config import load_settings
from worker.intake.inbox import store_event
from worker.store import failures
from worker.store.db import session_scope, upgrade
from worker.store.models import AbuseIncident, ActionRecord, DecisionRecord, InboxEvent, LedgerEntry
from worker.triage import process as pipeline

COACH_BODY = (
    "<p>Hallo,</p><p>mein Vater ist verstorben und ich konnte wochenlang nicht lernen. "
    "Könnt ihr meine Coach-Ausbildung verlängern, damit ich die Prüfung schaffe?</p><p>Liebe Grüße, Jana</p>"
)


@pytest.fixture
def vendors() -> FakeVendors:
    return FakeVendors()


@pytest.fixture
def rt(base_env, vendors: FakeVendors) -> Runtime:  # type: ignore[no-untyped-def]
    settings = load_settings()
    upgrade(settings.db_url)
    return fake_runtime(settings, vendors)


def coach_case(vendors: FakeVendors, number: int = 501, email: str = "jana@example.org") -> None:
    vendors.seed(
        ticket_seed(
            number,
            email,
            "Verlängerung Ausbildung",
            COACH_BODY,
            fields={"COACH_ROUND_START": "2025-06-01", "COACH_END_DATE": "2026-12-31", "PRO_END_DATE": "2027-02-28"},
            tags=["memb_intueat_coach"],
        )
    )


def deliver(rt: Runtime, number: int, event: str = "ticket_started", message_id: str | None = None) -> int:
    raw = json.dumps({"number": number, "id": message_id}).encode()
    return store_event(rt.settings.db_url, event=event, ticket_number=number, message_id=message_id, raw=raw).inbox_id


def contact(vendors: FakeVendors, email: str) -> dict:  # type: ignore[type-arg]
    return vendors.contact(email)


def test_an_approved_coach_extension_gets_one_note_and_both_end_dates_moved_by_six_weeks(
    rt: Runtime, vendors: FakeVendors
) -> None:
    coach_case(vendors)
    assert pipeline.process(rt, deliver(rt, 501)) == "done"
    assert len(vendors.notes(501)) == 1
    fields = contact(vendors, "jana@example.org")["fields"]
    assert fields["COACH_END_DATE"] == (date(2026, 12, 31) + timedelta(days=42)).isoformat()
    assert fields["PRO_END_DATE"] == (date(2027, 2, 28) + timedelta(days=42)).isoformat()
    assert rt.pack.applied_marker_tag in contact(vendors, "jana@example.org")["tags"]
    with session_scope(rt.settings.db_url) as s:
        rec = s.scalars(select(DecisionRecord)).one()
        assert (rec.request_type, rec.outcome, rec.note_status) == ("coach_extension", "approve", "posted")
        assert {a.state for a in rec.actions} == {"done"}
        assert s.scalars(select(LedgerEntry.applied)).all() == [True]


def test_processing_the_same_event_again_changes_nothing(rt: Runtime, vendors: FakeVendors) -> None:
    coach_case(vendors)
    inbox_id = deliver(rt, 501)
    pipeline.process(rt, inbox_id)
    with session_scope(rt.settings.db_url) as s:
        s.get(InboxEvent, inbox_id).status = "queued"  # a redelivered message # type: ignore[union-attr]
    before = contact(vendors, "jana@example.org")
    pipeline.process(rt, inbox_id)
    assert len(vendors.notes(501)) == 1
    assert contact(vendors, "jana@example.org") == before


def test_a_crash_after_the_ac_write_but_before_the_commit_never_extends_twice(
    rt: Runtime, vendors: FakeVendors, monkeypatch: pytest.MonkeyPatch
) -> None:
    coach_case(vendors)
    real = rt.crm.set_field

    def write_then_die(*args, **kwargs):  # type: ignore[no-untyped-def]
        real(*args, **kwargs)
        raise SystemExit("worker killed after the AC write")

    monkeypatch.setattr(rt.crm, "set_field", write_then_die)
    inbox_id = deliver(rt, 501)
    with pytest.raises(SystemExit):
        pipeline.process(rt, inbox_id)
    monkeypatch.setattr(rt.crm, "set_field", real)
    pipeline.process(rt, inbox_id)
    fields = contact(vendors, "jana@example.org")["fields"]
    assert fields["COACH_END_DATE"] == "2027-02-11"
    assert fields["PRO_END_DATE"] == "2027-04-11"
    with session_scope(rt.settings.db_url) as s:
        states = {a.field: a.state for a in s.scalars(select(ActionRecord)).all() if a.field}
    assert states == {"coach_end_date": "already_done", "pro_end_date": "done"}


def test_a_crash_after_posting_the_note_never_posts_it_twice(
    rt: Runtime, vendors: FakeVendors, monkeypatch: pytest.MonkeyPatch
) -> None:
    coach_case(vendors)
    real = rt.helpdesk.post_note

    def post_then_die(*args, **kwargs):  # type: ignore[no-untyped-def]
        real(*args, **kwargs)
        raise SystemExit("worker killed after posting")

    monkeypatch.setattr(rt.helpdesk, "post_note", post_then_die)
    inbox_id = deliver(rt, 501)
    with pytest.raises(SystemExit):
        pipeline.process(rt, inbox_id)
    monkeypatch.setattr(rt.helpdesk, "post_note", real)
    pipeline.process(rt, inbox_id)
    assert len(vendors.notes(501)) == 1


def test_a_customer_reply_that_changes_nothing_posts_no_second_note(rt: Runtime, vendors: FakeVendors) -> None:
    coach_case(vendors)
    pipeline.process(rt, deliver(rt, 501))
    message_id = vendors.customer_reply(501, "<p>Danke euch, ich freue mich sehr!</p>")
    pipeline.process(rt, deliver(rt, 501, "customer_replied", message_id))
    assert len(vendors.notes(501)) == 1
    fields = contact(vendors, "jana@example.org")["fields"]
    assert fields["COACH_END_DATE"] == "2027-02-11"  # not moved a second time


def test_a_reply_with_the_missing_attest_changes_the_decision_and_posts_a_follow_up_note(
    rt: Runtime, vendors: FakeVendors
) -> None:
    vendors.seed(
        ticket_seed(
            502,
            "anna@example.org",
            "Club kündigen",
            "<p>Hallo, ich bin seit Monaten schwer krank und möchte meine Club-Mitgliedschaft vorzeitig beenden.</p>",
            fields={"CLUB_START_DATE": "2025-01-15"},
            tags=["club_mitglied"],
        )
    )
    pipeline.process(rt, deliver(rt, 502))
    with session_scope(rt.settings.db_url) as s:
        assert s.scalars(select(DecisionRecord.outcome)).all() == ["needs_info"]
    message_id = vendors.customer_reply(502, "<p>Anbei das Attest meiner Ärztin.</p>", attachments=["attest.pdf"])
    pipeline.process(rt, deliver(rt, 502, "customer_replied", message_id))
    notes = vendors.notes(502)
    assert len(notes) == 2
    with session_scope(rt.settings.db_url) as s:
        assert s.scalars(select(DecisionRecord.outcome).order_by(DecisionRecord.id)).all() == ["needs_info", "approve"]


def test_a_ticket_that_groove_does_not_know_is_dead_lettered_not_dropped(rt: Runtime, vendors: FakeVendors) -> None:
    from integrations.errors import ApiNotFound, is_retryable

    inbox_id = deliver(rt, 99999)
    with pytest.raises(ApiNotFound) as err:
        pipeline.process(rt, inbox_id)
    assert not is_retryable(err.value)
    failures.fail(rt.settings.db_url, inbox_id, err.value, "worker.tasks.process_event")
    assert [f.inbox_event_id for f in failures.unresolved_failures(rt.settings.db_url)] == [inbox_id]
    with session_scope(rt.settings.db_url) as s:
        assert s.get(InboxEvent, inbox_id).status == "failed"  # type: ignore[union-attr]


def test_the_sandbox_state_endpoint_has_the_documented_shape() -> None:
    # About the sandbox's HTTP admin endpoint itself (the e2e tests read it), so it keeps the sandbox.
    with Sandbox() as sandbox:
        state = requests.get(f"{sandbox.url}/_sandbox/state", timeout=5).json()
    assert set(state) >= {"groove", "ac", "requests"}
    assert "notes" in state["groove"] and "contacts" in state["ac"]


def test_with_graphql_tagging_on_the_ticket_is_labelled_with_type_and_outcome(
    base_env,
    monkeypatch,  # type: ignore[no-untyped-def]
    vendors: FakeVendors,
) -> None:
    monkeypatch.setenv("GROOVE_TAGS_VIA_GRAPHQL", "true")
    settings = load_settings()
    upgrade(settings.db_url)
    rt = fake_runtime(settings, vendors)
    coach_case(vendors)
    pipeline.process(rt, deliver(rt, 501))
    tags = vendors.helpdesk.ticket(501).tags
    assert {"kulanz-coach_extension", "kulanz-approve"} <= set(tags)


RETURN_BODY = (
    "<p>Hallo,</p><p>ich möchte das Programm zurückgeben, es passt leider nicht zu mir. "
    "Bitte erstattet mir den Kaufpreis.</p><p>Viele Grüße, Eva</p>"
)


def groove_calls(vendors: FakeVendors) -> list[str]:
    return vendors.helpdesk.names()


def test_a_return_counts_from_the_first_return_wish_in_an_earlier_ticket(rt: Runtime, vendors: FakeVendors) -> None:
    purchase = {"PROGRAM_PURCHASE_DATE": "2026-10-01", "PROGRAM_END_DATE": "2027-04-01"}
    vendors.seed(
        ticket_seed(510, "eva@example.org", "Rückgabe", RETURN_BODY, fields=purchase, created_at="2026-10-20T09:00:00Z")
    )  # day 19: inside the 30 days
    vendors.seed(
        ticket_seed(511, "eva@example.org", "Rückgabe", RETURN_BODY, fields=purchase, created_at="2026-11-20T09:00:00Z")
    )  # day 50
    pipeline.process(rt, deliver(rt, 511))
    with session_scope(rt.settings.db_url) as s:
        rec = s.scalars(select(DecisionRecord)).one()
        assert (rec.request_type, rec.outcome) == ("program_return", "approve")
    assert "erster Rückgabewunsch 20.10.2026 (laut Ticket #510)" in vendors.notes(511)[0]  # names the ticket
    assert "list_customer_tickets" in groove_calls(vendors)  # the customer's ticket list (?customer=…)


def test_a_request_that_is_no_return_does_not_read_the_customers_other_tickets(
    rt: Runtime, vendors: FakeVendors
) -> None:
    coach_case(vendors)
    pipeline.process(rt, deliver(rt, 501))
    calls = groove_calls(vendors)
    assert "list_customer_tickets" not in calls
    # the ticket, its messages, the first customer message's attachments (Groove links them), the note
    assert calls == ["get_ticket", "list_messages", "list_attachments", "post_note"]


INSULT = "Ihr seid doch alle unfähige Idioten. Euer Laden ist ein einziger Betrug!!!"
THREAT = "Wenn ihr mein Programm nicht sofort verlängert, bringe ich euch um. Ich weiß, wo ihr wohnt."


def test_a_third_abuse_incident_is_recorded_with_the_step_the_ladder_chose(rt: Runtime, vendors: FakeVendors) -> None:
    # the first incident is a warning, the second a written warning, the third a temporary suspension.
    for number in (601, 602, 603):
        vendors.seed(ticket_seed(number, "troll@example.org", "Beschwerde", INSULT))
        assert pipeline.process(rt, deliver(rt, number)) == "done"
    with session_scope(rt.settings.db_url) as s:
        incidents = s.scalars(select(AbuseIncident).order_by(AbuseIncident.ticket_number)).all()
        assert [i.measure for i in incidents] == ["warning", "written_warning", "temporary_suspension"]
        steps = [r.facts["abuse_step"] for r in s.scalars(select(DecisionRecord).order_by(DecisionRecord.id))]
        assert steps == [i.measure for i in incidents]


def test_a_severe_incident_names_the_threat_as_its_kind(rt: Runtime, vendors: FakeVendors) -> None:
    vendors.seed(ticket_seed(604, "threat@example.org", "Verlängerung", THREAT))
    assert pipeline.process(rt, deliver(rt, 604)) == "done"
    with session_scope(rt.settings.db_url) as s:
        incident = s.scalars(select(AbuseIncident)).one()
        assert incident.severity == "severe"
        assert incident.kind != "abusive"  # the evidence, not the fallback word
        assert incident.measure == "written_warning"  # a threat starts at least at step 1


def test_abuse_only_the_second_reader_saw_is_noted_but_not_counted_on_the_ladder(
    rt: Runtime, vendors: FakeVendors, monkeypatch: pytest.MonkeyPatch
) -> None:
    from policies.reading import model
    from policies.reading.model import ModelReading

    flagged = ModelReading("other", 0.9, True, 0.95, "reader-test", severe=False, severe_confidence=0.95)
    monkeypatch.setattr(model, "read", lambda subject, text: flagged)
    vendors.seed(ticket_seed(605, "calm@example.org", "Frage", "Wann kommt eigentlich der neue Kurs heraus?"))
    assert pipeline.process(rt, deliver(rt, 605)) == "done"
    with session_scope(rt.settings.db_url) as s:
        rec = s.scalars(select(DecisionRecord)).one()
        assert rec.abusive and rec.uncertain and rec.facts["reading"]["raised"] == ["abusive"]
        # a statistical reading alone is no incident: the next consequence waits for a person
        assert s.scalars(select(AbuseIncident)).all() == []


def test_the_worker_records_the_classifier_version_like_an_offline_decision(rt: Runtime, vendors: FakeVendors) -> None:
    from policies.reading.classify import CLASSIFIER_VERSION

    coach_case(vendors)
    pipeline.process(rt, deliver(rt, 501))
    with session_scope(rt.settings.db_url) as s:
        rec = s.scalars(select(DecisionRecord)).one()
        assert rec.facts["classifier"] == CLASSIFIER_VERSION
