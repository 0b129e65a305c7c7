"""Fair-use processing against the in-memory vendors (tests/fakes.py): one task ticket per customer and month, exactly once.

Also: the Groove mailbox picks the pack, and tickets in the fair-use mailbox are never triaged.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from sqlalchemy import select

from integrations.errors import ApiServerError
from integrations.groove import GrooveMailbox
from policies.pack.loader import PackError, load_pack
from tests.fakes import DEFAULT_AGENT, FakeVendors, fake_runtime
from tests.support import ticket_seed
from worker.bootstrap import Runtime, build_runtime
from worker.config import ConfigError, load_settings
from worker.fair_use import process as fairuse
from worker.fair_use.process import FairUseSetupError
from worker.intake.inbox import store_event
from worker.intake.usage_reports import OverrunReport, store_reports
from worker.store.db import session_scope, upgrade
from worker.store.models import DecisionRecord, FairUseTask, InboxEvent
from worker.triage import process as pipeline

PACK_TOML = (Path(__file__).resolve().parents[2] / "policies" / "pack" / "packs" / "fair-use.toml").read_text(
    encoding="utf-8"
)
AGENT = DEFAULT_AGENT  # an agent the fake help desk knows


@pytest.fixture
def vendors() -> FakeVendors:
    return FakeVendors()


@pytest.fixture
def env(base_env, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("GROOVE_NOTE_AUTHOR", AGENT)
    monkeypatch.delenv("GOODWILL_MAILBOX_PACKS", raising=False)
    return monkeypatch


def runtime(vendors: FakeVendors) -> Runtime:
    settings = load_settings()
    upgrade(settings.db_url)
    return fake_runtime(settings, vendors)


def started() -> Runtime:
    """The production wiring (real clients; nothing is called): for what start-up itself checks."""
    return build_runtime(load_settings())


@pytest.fixture
def rt(env, vendors: FakeVendors) -> Runtime:  # type: ignore[no-untyped-def]
    return runtime(vendors)


def custom_pack(tmp_path: Path, env, replace: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
    text = PACK_TOML
    for old, new in replace.items():
        assert old in text
        text = text.replace(old, new)
    path = tmp_path / "fair-use-custom.toml"
    path.write_text(text, encoding="utf-8")
    env.setenv("GOODWILL_MAILBOX_PACKS", f"Kundendienst Finecom={path}")


def report(
    month: str,
    usage: float = 350.0,
    customer_id: str | None = "100231",
    email: str | None = "anna.muster@example.ch",
    **kw,
) -> OverrunReport:  # type: ignore[no-untyped-def]
    return OverrunReport(customer_id, email, month, usage, 200.0, tuple(kw.pop("products", ("Mobile Flat",))), **kw)


def store(rt: Runtime, *reports: OverrunReport) -> list[int]:
    return [s.inbox_id for s in store_reports(rt.settings.db_url, list(reports), origin="test")]


def tickets(vendors: FakeVendors) -> list[int]:
    """The numbers of the tickets the help desk holds."""
    return vendors.helpdesk.ticket_numbers()


def tasks(rt: Runtime) -> list[FairUseTask]:
    with session_scope(rt.settings.db_url) as s:
        return list(s.scalars(select(FairUseTask).order_by(FairUseTask.month)).all())


def test_three_months_in_a_row_open_sms_1_sms_2_and_migrate_tickets_in_the_fair_use_mailbox(
    rt: Runtime, vendors: FakeVendors
) -> None:
    ids = store(rt, report("2026-08"), report("2026-09"), report("2026-10"))
    assert [pipeline.process(rt, i) for i in ids] == ["done", "done", "done"]
    found = tasks(rt)
    assert [(t.month, t.months_over_limit, t.measure, t.state) for t in found] == [
        ("2026-08", 1, "sms_1", "created"),
        ("2026-09", 2, "sms_2", "created"),
        ("2026-10", 3, "migrate", "created"),
    ]
    # Groove's POST /v1/tickets takes the mailbox's e-mail or id, never its display name.
    assert {c.kwargs["mailbox"] for c in vendors.helpdesk.called("create_ticket")} == {"kundendienst@finecom.ch"}
    for task in found:
        ticket = vendors.helpdesk.ticket(task.groove_ticket_number)  # type: ignore[arg-type]
        assert ticket.mailbox == "Kundendienst Finecom" and ticket.customer_email == "anna.muster@example.ch"
        assert task.marker in ticket.title and "fair-use" in ticket.tags
        [message] = vendors.helpdesk.messages(ticket.number)
        assert message.note and message.author_email == AGENT  # a private note: nothing goes to the customer
    sms_1, sms_2, migrate = (vendors.notes(t.groove_ticket_number)[0] for t in found)  # type: ignore[arg-type]
    assert "SMS Nr. 1 via QMC" in sms_1 and "History-Eintrag im QMC" in sms_1 and "KNU" not in sms_1
    assert "SMS Nr. 2 via QMC" in sms_2 and "Ticket z.H. KNU" in sms_2 and "Text für das Ticket an KNU" in sms_2
    assert "Migration" in migrate and "Migrationsschreiben" in migrate and "Text für das Ticket an KNU" in migrate
    assert "10.2026: 350 GB (Limit 200 GB) · 09.2026: 350 GB (Limit 200 GB) · 08.2026: 350 GB" in migrate
    with session_scope(rt.settings.db_url) as s:
        assert set(s.scalars(select(InboxEvent.status))) == {"done"}


def test_the_months_are_staged_the_same_in_any_processing_order(rt: Runtime) -> None:
    ids = store(rt, report("2026-08"), report("2026-09"), report("2026-10"))
    for i in reversed(ids):
        pipeline.process(rt, i)
    assert [t.measure for t in tasks(rt)] == ["sms_1", "sms_2", "migrate"]


def test_a_good_month_resets_and_creates_no_ticket(rt: Runtime, vendors: FakeVendors) -> None:
    ids = store(rt, report("2026-07"), report("2026-08"), report("2026-09", usage=150.0), report("2026-10"))
    results = [pipeline.process(rt, i) for i in ids]
    assert results == ["done", "done", "ignored", "done"]
    assert [(t.month, t.measure) for t in tasks(rt)] == [
        ("2026-07", "sms_1"),
        ("2026-08", "sms_2"),
        ("2026-10", "sms_1"),
    ]
    assert len(tickets(vendors)) == 3


def test_processing_the_same_month_again_opens_no_second_ticket(rt: Runtime, vendors: FakeVendors) -> None:
    [inbox_id] = store(rt, report("2026-10"))
    pipeline.process(rt, inbox_id)
    with session_scope(rt.settings.db_url) as s:
        s.get(InboxEvent, inbox_id).status = "queued"  # a redelivered message  # type: ignore[union-attr]
    assert pipeline.process(rt, inbox_id) == "done"
    assert len(tickets(vendors)) == 1 and len(tasks(rt)) == 1


def test_a_crash_after_groove_opened_the_ticket_is_healed_by_the_marker(
    rt: Runtime, vendors: FakeVendors, monkeypatch: pytest.MonkeyPatch
) -> None:
    [inbox_id] = store(rt, report("2026-10"))
    real_create = rt.helpdesk.create_ticket

    def create_then_die(**kw):  # type: ignore[no-untyped-def]
        real_create(**kw)
        raise ApiServerError("groove", 503, "connection reset after the ticket was created")

    monkeypatch.setattr(rt.helpdesk, "create_ticket", create_then_die)
    with pytest.raises(ApiServerError):
        pipeline.process(rt, inbox_id)
    [task] = tasks(rt)
    assert (task.state, task.attempts, task.groove_ticket_number) == ("pending", 1, None)
    monkeypatch.setattr(rt.helpdesk, "create_ticket", real_create)

    assert pipeline.process(rt, inbox_id) == "done"
    [task] = tasks(rt)
    [number] = tickets(vendors)
    assert (task.state, task.result, task.groove_ticket_number) == ("created", "found after a retry", number)


def test_a_create_that_failed_at_groove_is_opened_on_the_retry_once(
    rt: Runtime, vendors: FakeVendors, monkeypatch: pytest.MonkeyPatch
) -> None:
    [inbox_id] = store(rt, report("2026-10"))
    real_create = rt.helpdesk.create_ticket

    def refuse(**_kw):  # type: ignore[no-untyped-def]
        raise ApiServerError("groove", 503, "unavailable")

    monkeypatch.setattr(rt.helpdesk, "create_ticket", refuse)
    with pytest.raises(ApiServerError):
        pipeline.process(rt, inbox_id)
    monkeypatch.setattr(rt.helpdesk, "create_ticket", real_create)
    assert pipeline.process(rt, inbox_id) == "done"
    assert len(tickets(vendors)) == 1
    assert tasks(rt)[0].result == "opened"


def test_shadow_mode_records_the_task_as_a_proposal_and_opens_no_ticket(
    env, tmp_path: Path, vendors: FakeVendors
) -> None:  # type: ignore[no-untyped-def]
    custom_pack(tmp_path, env, {'fair_use = "auto"': 'fair_use = "shadow"'})
    rt = runtime(vendors)
    [inbox_id] = store(rt, report("2026-10"))
    assert pipeline.process(rt, inbox_id) == "done"
    [task] = tasks(rt)
    assert (task.state, task.measure, task.groove_ticket_number, task.mode) == ("proposal", "sms_1", None, "shadow")
    assert "SMS Nr. 1" in task.body
    assert tickets(vendors) == []


def test_a_customer_known_only_by_number_needs_the_fallback_recipient(
    env, tmp_path: Path, vendors: FakeVendors
) -> None:  # type: ignore[no-untyped-def]
    rt = runtime(vendors)
    [inbox_id] = store(rt, report("2026-10", customer_id="100299", email=None))
    with pytest.raises(
        FairUseSetupError, match=re.escape("customer 100299 has no e-mail address: set tasks.fallback_to")
    ):
        pipeline.process(rt, inbox_id)

    custom_pack(
        tmp_path, env, {'# fallback_to = "kundendienst@finecom.ch"': 'fallback_to = "kundendienst@finecom.example"'}
    )
    rt = runtime(vendors)
    assert pipeline.process(rt, inbox_id) == "done"
    [number] = tickets(vendors)
    ticket = vendors.helpdesk.ticket(number)
    assert ticket.customer_email == "kundendienst@finecom.example" and "Nr. 100299" in ticket.title


def test_without_an_agent_to_open_tickets_as_the_task_fails_with_the_setting_named(env, vendors: FakeVendors) -> None:  # type: ignore[no-untyped-def]
    env.delenv("GROOVE_NOTE_AUTHOR")
    rt = runtime(vendors)
    [inbox_id] = store(rt, report("2026-10"))
    with pytest.raises(FairUseSetupError, match=re.escape("set tasks.agent in the pack or GROOVE_NOTE_AUTHOR")):
        pipeline.process(rt, inbox_id)


def test_a_terminate_ticket_for_a_refused_migration(rt: Runtime, vendors: FakeVendors) -> None:
    ids = store(rt, report("2026-08"), report("2026-09"), report("2026-10", migration_refused=True))
    for i in ids:
        pipeline.process(rt, i)
    last = tasks(rt)[-1]
    assert last.measure == "terminate"
    note = vendors.notes(last.groove_ticket_number)[0]  # type: ignore[arg-type]
    assert "Kündigung Mobilanschluss" in note and "Kündigungsbrief" in note and "Migration abgelehnt" in note


# -- the mailbox picks the pack -------------------------------------------------------------------------
def test_the_mailbox_setting_maps_mailboxes_to_packs(env) -> None:  # type: ignore[no-untyped-def]
    env.setenv("GOODWILL_MAILBOX_PACKS", "Kundendienst Finecom=fair-use, Support=goodwill")
    rt = started()
    # As the worker's start-up check leaves it (GET /v1/mailboxes): names, e-mails and ids.
    rt.mailbox_directory = [
        GrooveMailbox(id="5063661921", name="Inbox", email="support@intumind.example"),
        GrooveMailbox(id="5063661922", name="Kundendienst Finecom", email="kundendienst@finecom.ch"),
    ]
    assert rt.pack_for("kundendienst finecom").id == "fair-use"
    assert rt.pack_for(" Support ").id == "goodwill"
    assert rt.pack_for("Inbox") is rt.pack and rt.pack_for(None) is rt.pack
    assert rt.fair_use_pack is not None and rt.fair_use_pack.id == "fair-use"


def test_without_the_setting_only_the_fair_use_task_mailbox_is_mapped(rt: Runtime) -> None:
    assert rt.pack.id == "goodwill"
    # The pack names it by e-mail (kundendienst@finecom.ch); tickets show its name: the directory links them.
    assert rt.pack_for("Kundendienst Finecom").id == "fair-use"  # so the task tickets are never triaged
    [box] = [b for b in rt.mailboxes() if b.name == "Kundendienst Finecom"]
    assert rt.pack_for(None, box.id).id == "fair-use"
    assert rt.pack_for("Support").id == "goodwill"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("Kundendienst Finecom", "expected 'Mailbox=pack' entries"),
        ("=fair-use", "expected 'Mailbox=pack' entries"),
        ("A=goodwill,a=fair-use", "mailbox 'a' is named twice"),
    ],
)
def test_a_malformed_mailbox_setting_stops_start_up_naming_it(env, value: str, message: str) -> None:  # type: ignore[no-untyped-def]
    env.setenv("GOODWILL_MAILBOX_PACKS", value)
    with pytest.raises(ConfigError, match=f"^GOODWILL_MAILBOX_PACKS: .*{message}"):
        load_settings()


def test_an_unknown_pack_in_the_mailbox_setting_stops_start_up(env) -> None:  # type: ignore[no-untyped-def]
    env.setenv("GOODWILL_MAILBOX_PACKS", "Support=kulanz")
    with pytest.raises(PackError, match="policy pack 'kulanz' not found"):
        started()


def test_two_fair_use_packs_are_refused(env, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    other = tmp_path / "fair-use-2.toml"
    other.write_text(PACK_TOML.replace('id = "fair-use"', 'id = "fair-use-2"'), encoding="utf-8")
    env.setenv("GOODWILL_MAILBOX_PACKS", f"A=fair-use,B={other}")
    with pytest.raises(PackError, match="names 2 fair-use packs"):
        started()


def deliver_ticket(rt: Runtime, number: int) -> int:
    raw = json.dumps({"number": number}).encode()
    return store_event(
        rt.settings.db_url, event="ticket_started", ticket_number=number, message_id=None, raw=raw
    ).inbox_id


def test_our_own_task_ticket_coming_back_as_a_webhook_is_left_alone(rt: Runtime, vendors: FakeVendors) -> None:
    [inbox_id] = store(rt, report("2026-10"))
    pipeline.process(rt, inbox_id)
    [task] = tasks(rt)
    assert pipeline.process(rt, deliver_ticket(rt, task.groove_ticket_number)) == "ignored"  # type: ignore[arg-type]
    assert len(vendors.notes(task.groove_ticket_number)) == 1  # type: ignore[arg-type]  # only the task itself
    with session_scope(rt.settings.db_url) as s:
        assert s.scalars(select(DecisionRecord)).all() == []


def test_a_ticket_in_a_goodwill_mailbox_is_still_triaged_with_the_goodwill_pack(env, vendors: FakeVendors) -> None:  # type: ignore[no-untyped-def]
    env.setenv("GOODWILL_MAILBOX_PACKS", "Kundendienst Finecom=fair-use,Support=goodwill")
    rt = runtime(vendors)
    seed = ticket_seed(
        701,
        "eva@example.org",
        "Rückgabe",
        "<p>Ich möchte das Programm zurückgeben.</p>",
        fields={"PROGRAM_PURCHASE_DATE": "2026-11-10"},
    )
    seed["groove"]["tickets"][0]["mailbox"] = "Support"
    vendors.seed(seed)
    assert pipeline.process(rt, deliver_ticket(rt, 701)) == "done"
    with session_scope(rt.settings.db_url) as s:
        rec = s.scalars(select(DecisionRecord)).one()
        assert (rec.request_type, rec.pack_id) == ("program_return", "goodwill")


def test_a_groove_ticket_in_the_fair_use_mailbox_gets_no_goodwill_note(env, vendors: FakeVendors) -> None:  # type: ignore[no-untyped-def]
    env.setenv("GOODWILL_MAILBOX_PACKS", "Kundendienst Finecom=fair-use")
    rt = runtime(vendors)
    seed = ticket_seed(702, "kunde@example.ch", "Rückmeldung KNU", "<p>Kunde wurde kontaktiert, ist einverstanden.</p>")
    seed["groove"]["tickets"][0]["mailbox"] = "Kundendienst Finecom"
    vendors.seed(seed)
    assert pipeline.process(rt, deliver_ticket(rt, 702)) == "ignored"
    assert vendors.notes(702) == []
    # read once to see the mailbox; no ActiveCampaign budget is spent on it
    assert (vendors.helpdesk.names(), vendors.crm.names()) == (["get_ticket"], [])


def test_the_fair_use_pack_is_the_builtin_one_by_default() -> None:
    assert fairuse.marker("100231", "2026-10") == "[fu:100231:2026-10]"
    assert load_pack("fair-use").mode_for("fair_use") == "auto"
