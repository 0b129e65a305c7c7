"""`goodwill trial` against the in-memory vendors: decisions keep what they read, and deciding them again writes nothing.

The HTTP side — not one POST/PUT/DELETE reaching the sandbox while a trial runs — is tests/e2e/test_trial_sandbox.py.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from sqlalchemy import select, text

from integrations.errors import ApiServerError
from policies.pack.loader import PACK_DIR, load_pack
from tests.fakes import FakeVendors, fake_runtime
from tests.trialkit import EXTENSION_TICKET, decide_all, demo_seed, six_week_pack, table_hashes
from tests.ui.kit import seed_decision
from worker.bootstrap import Runtime, runtime_with
from worker.cli.main import main
from worker.config import load_settings
from worker.store.db import alembic_config, get_engine, session_scope, upgrade
from worker.store.models import DecisionRecord
from worker.trial.readonly import ReadOnlyCrm, ReadOnlyHelpDesk, WriteRefused
from worker.trial.report import render_html, summarize
from worker.trial.reports import list_reports
from worker.trial.run import TrialInterrupted, cursor_path, decide_again, trial_groove, trial_records

LONG_AGO = date(2020, 1, 1)


@pytest.fixture
def vendors() -> FakeVendors:
    return FakeVendors()


@pytest.fixture
def rt(base_env: dict[str, str], vendors: FakeVendors) -> Runtime:
    settings = load_settings()
    upgrade(settings.db_url)
    return fake_runtime(settings, vendors)


@pytest.fixture
def recorded(rt: Runtime, vendors: FakeVendors) -> list[int]:
    """The demo's ten tickets decided by the pipeline; the vendors' call log starts empty afterwards."""
    seed = demo_seed(rt.today())
    vendors.seed(seed)
    numbers = decide_all(rt, seed)
    vendors.forget_calls()
    return numbers


def read_only(rt: Runtime, vendors: FakeVendors, pack: Any = None) -> Runtime:
    """The trial's runtime: the same vendors behind the read-only wrappers."""
    return runtime_with(
        rt.settings,
        helpdesk=ReadOnlyHelpDesk(vendors.helpdesk),  # type: ignore[arg-type]
        crm=ReadOnlyCrm(vendors.crm),  # type: ignore[arg-type]
        pack=pack,
    )


def offline(rt: Runtime, pack: Any = None) -> Runtime:
    return runtime_with(rt.settings, helpdesk=ReadOnlyHelpDesk(None), crm=ReadOnlyCrm(None), pack=pack)  # type: ignore[arg-type]


def test_every_decision_keeps_what_it_read_and_decided_again_offline_it_is_the_same_byte_for_byte(
    rt: Runtime, recorded: list[int]
) -> None:
    with session_scope(rt.settings.db_url) as s:
        recs = s.scalars(select(DecisionRecord).order_by(DecisionRecord.id)).all()
    assert [r.ticket_number for r in recs] == recorded
    for rec in recs:
        inputs = rec.inputs or {}
        assert inputs["replayable"] is True and inputs["today"] == rec.decided_on.isoformat()
        assert inputs["pack"] == {"id": rec.pack_id, "version": rec.pack_version}
        assert inputs["readers"]["classifier"] == rec.facts["classifier"]
        assert inputs["ticket"]["number"] == rec.ticket_number and inputs["ticket"]["body"]
        again = decide_again(inputs, load_pack("goodwill"))
        assert json.dumps(json.loads(json.dumps(again.to_dict())), sort_keys=True) == json.dumps(
            rec.output, sort_keys=True
        ), rec.ticket_number


def test_a_trial_under_the_current_pack_finds_no_decision_changed(rt: Runtime, recorded: list[int]) -> None:
    summary = summarize(trial_records(offline(rt), LONG_AGO, rt.today()))
    assert summary["totals"] == {
        "decisions": 10,
        "replayed": 10,
        "changed": 0,
        "note_only": 0,
        "unchanged": 10,
        "not_replayable": 0,
        "errors": 0,
        "readers_disagree": 0,
        "resumed": 0,
    }
    assert all(c["old"] == c["new"] for c in summary["counts"]["request_type"])


def test_six_week_extensions_change_the_extension_and_the_report_shows_both_notes_side_by_side(
    rt: Runtime, recorded: list[int], tmp_path: Path
) -> None:
    pack = load_pack(str(six_week_pack(tmp_path)))
    summary = summarize(trial_records(offline(rt, pack), LONG_AGO, rt.today(), pack_origin="six-weeks.toml"))
    changed = {c["ticket_number"]: c for c in summary["changed"] if c["kind"] == "decision"}
    assert list(changed) == [EXTENSION_TICKET]
    old, new = changed[EXTENSION_TICKET]["old"], changed[EXTENSION_TICKET]["new"]
    assert (old["outcome"], new["outcome"]) == ("approve", "approve")
    old_end = next(a["value"] for a in old["actions"] if a.get("field") == "program_end_date")
    new_end = next(a["value"] for a in new["actions"] if a.get("field") == "program_end_date")
    assert date.fromisoformat(new_end) - date.fromisoformat(old_end) == timedelta(weeks=2)
    assert "um 4 Wochen" in old["note"] and "um 6 Wochen" in new["note"]
    assert summary["pack"] == {"id": "goodwill", "version": "2026.12-six-weeks", "origin": "six-weeks.toml"}
    html = render_html(summary)
    assert 'id="changed-' in html and f'data-ticket="{EXTENSION_TICKET}"' in html
    assert "Vorher" in html and "Nachher" in html and "um 6 Wochen" in html and "um 4 Wochen" in html
    assert "<script" not in html and "http://" not in html and "https://" not in html  # self-contained


def test_decisions_recorded_before_their_inputs_were_kept_count_as_not_replayable(rt: Runtime) -> None:
    old = seed_decision(rt.settings.db_url, 77)
    summary = summarize(trial_records(offline(rt), LONG_AGO, date.today()))
    assert summary["not_replayable"] == [{"decision_id": old, "ticket_number": 77}]
    assert summary["totals"]["replayed"] == 0


def test_the_migration_marks_the_decisions_it_finds_as_not_replayable(db_url: str) -> None:
    command.downgrade(alembic_config(db_url), "0005")
    with get_engine(db_url).begin() as conn:
        conn.execute(
            text(
                "INSERT INTO inbox_events (id, dedup_key, source, event, ticket_number, payload, status, attempts, "
                "received_at, updated_at) VALUES (1, 'k', 'groove', 'ticket_started', 5, '{}', 'done', 1, "
                "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO decisions (id, inbox_event_id, ticket_number, request_type, outcome, abusive, clauses, "
                "evidence, facts, output, note, note_status, fingerprint, mode, pack_id, pack_version, decided_on, "
                "created_at) VALUES (1, 1, 5, 'other', 'no_action', false, '[]', '[]', '{}', '{}', '', 'posted', "
                "'fp', 'auto', 'goodwill', 'old', '2026-01-05', CURRENT_TIMESTAMP)"
            )
        )
    upgrade(db_url)
    with session_scope(db_url) as s:
        assert s.get(DecisionRecord, 1).inputs == {"replayable": False}  # type: ignore[union-attr]


def test_the_read_only_ports_pass_reads_on_and_refuse_every_write(vendors: FakeVendors) -> None:
    vendors.seed({"groove": {"tickets": [{"number": 5, "customer_email": "a@example.org", "messages": []}]}})
    helpdesk, crm = ReadOnlyHelpDesk(vendors.helpdesk), ReadOnlyCrm(vendors.crm)
    assert helpdesk.get_ticket(5).number == 5 and helpdesk.list_messages(5) == []
    assert crm.get_contact("nobody@example.org") is None
    writes = [
        lambda: helpdesk.post_note(5, "<p>x</p>"),
        lambda: helpdesk.tag_ticket(5, ["x"]),
        lambda: helpdesk.create_ticket(body="x", from_="a@example.org", to="b@example.org"),
        lambda: crm.add_tag("1", "x"),
        lambda: crm.set_field("1", "program_end_date", "2027-01-01"),
        lambda: crm.remove_contact_tag("1"),  # a write the port does not even list: refused as well
    ]
    for write in writes:
        with pytest.raises(WriteRefused):
            write()
    assert vendors.helpdesk.writes() == [] and vendors.crm.writes() == []
    assert helpdesk.refused + crm.refused == [
        "post_note",
        "tag_ticket",
        "create_ticket",
        "add_tag",
        "set_field",
        "remove_contact_tag",
    ]


def test_a_groove_trial_reads_the_tickets_again_and_writes_neither_to_the_vendors_nor_to_the_database(
    rt: Runtime, vendors: FakeVendors, recorded: list[int], tmp_path: Path
) -> None:
    before = table_hashes(rt.settings.db_url)
    pack = load_pack(str(six_week_pack(tmp_path)))
    trial = trial_groove(read_only(rt, vendors, pack), LONG_AGO, rt.today())
    summary = summarize(trial)
    assert vendors.helpdesk.writes() == [] and vendors.crm.writes() == []
    assert vendors.helpdesk.calls and all(c.method.startswith(("get_", "list_")) for c in vendors.helpdesk.calls)
    assert summary["totals"]["replayed"] == 10 and summary["totals"]["errors"] == 0
    # The worker's own changes (the moved end date, the tags) are taken out of the fresh read again.
    assert [c["ticket_number"] for c in summary["changed"] if c["kind"] == "decision"] == [EXTENSION_TICKET]
    assert table_hashes(rt.settings.db_url) == before
    assert not cursor_path(rt.settings.data_dir, LONG_AGO, rt.today(), trial.pack).exists()


def test_a_records_trial_changes_no_row_in_any_table(
    base_env: dict[str, str], db_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("DATABASE_URL", db_url)
    vendors = FakeVendors()
    rt = fake_runtime(load_settings(), vendors)
    seed = demo_seed(rt.today())
    vendors.seed(seed)
    decide_all(rt, seed)
    before = table_hashes(db_url)
    summary = summarize(trial_records(offline(rt, load_pack(str(six_week_pack(tmp_path)))), LONG_AGO, rt.today()))
    assert summary["totals"]["changed"] == 1
    assert table_hashes(db_url) == before


class FlakyHelpDesk:
    """Groove that fails (5xx, after the client's own retries) from the `fail_from`-th ticket read on."""

    def __init__(self, inner: Any, fail_from: int) -> None:
        self.inner, self.fail_from, self.reads = inner, fail_from, 0

    def get_ticket(self, number: int) -> Any:
        self.reads += 1
        if self.reads >= self.fail_from:
            raise ApiServerError("groove", 503, "Service Unavailable")
        return self.inner.get_ticket(number)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


def test_an_interrupted_groove_trial_carries_on_from_its_cursor(
    rt: Runtime, vendors: FakeVendors, recorded: list[int]
) -> None:
    flaky = runtime_with(
        rt.settings,
        helpdesk=ReadOnlyHelpDesk(FlakyHelpDesk(vendors.helpdesk, fail_from=4)),  # type: ignore[arg-type]
        crm=ReadOnlyCrm(vendors.crm),  # type: ignore[arg-type]
    )
    with pytest.raises(TrialInterrupted) as stopped:
        trial_groove(flaky, LONG_AGO, rt.today())
    assert stopped.value.done == 3 and stopped.value.total == 10
    assert len(stopped.value.cursor.read_text(encoding="utf-8").splitlines()) == 3
    vendors.forget_calls()
    trial = trial_groove(read_only(rt, vendors), LONG_AGO, rt.today())
    assert trial.resumed == 3 and len(trial.items) == 10
    assert len(vendors.helpdesk.called("get_ticket")) == 7  # the three done are not read again
    assert not stopped.value.cursor.exists()


def test_the_report_escapes_what_a_customer_wrote(rt: Runtime, vendors: FakeVendors, tmp_path: Path) -> None:
    body = (
        '<p>Hallo,</p><p>könnt ihr mein Programm verlängern? <script>alert("x")</script>'
        '<img src=x onerror="alert(1)"> "><b onmouseover=alert(2)>Danke</b></p>'
    )
    vendors.seed(
        {
            "groove": {
                "tickets": [
                    {
                        "number": 900,
                        "subject": "Verlängern <script>",
                        "customer_email": "x@example.org",
                        "created_at": f"{rt.today().isoformat()}T08:00:00Z",
                        "messages": [{"body": body, "created_at": f"{rt.today().isoformat()}T08:00:00Z"}],
                    }
                ]
            },
            "ac": {"contacts": [{"email": "x@example.org", "fields": {"PROGRAM_END_DATE": "2027-01-31"}}]},
        }
    )
    decide_all(rt, {"groove": {"tickets": [{"number": 900}]}})
    pack = load_pack(str(six_week_pack(tmp_path)))
    html = render_html(summarize(trial_records(offline(rt, pack), LONG_AGO, rt.today())))
    assert 'data-ticket="900"' in html
    assert "<script" not in html and "<img" not in html and "<b onmouseover" not in html


def test_goodwill_trial_prints_the_summary_as_json_and_keeps_the_report_for_the_probelauf_page(
    rt: Runtime, recorded: list[int], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pack = six_week_pack(tmp_path)
    report = tmp_path / "bericht.html"
    code = main(["trial", "--since", "2020-01-01", "--pack", str(pack), "--report", str(report), "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    summary = json.loads(out)
    assert [c["ticket_number"] for c in summary["changed"] if c["kind"] == "decision"] == [EXTENSION_TICKET]
    assert "Probelauf [" in err and "10/10" in err  # the progress bar
    assert report.read_text(encoding="utf-8").startswith("<!doctype html>")
    stored = list_reports(rt.settings.data_dir)
    assert len(stored) == 1 and stored[0].totals["changed"] == 1


def test_goodwill_trial_refuses_a_bad_date_and_a_fair_use_pack_with_one_line(
    rt: Runtime, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["trial", "--since", "2026-02-30"]) == 2
    assert (
        capsys.readouterr().err.strip() == "goodwill: trial: --since: invalid date '2026-02-30' (expected YYYY-MM-DD)"
    )
    assert main(["trial", "--since", "2026-01-01", "--pack", str(PACK_DIR / "fair-use.toml")]) == 2
    assert capsys.readouterr().err == (
        "goodwill: trial: --pack " + str(PACK_DIR / "fair-use.toml") + ": policy pack fair-use decides usage "
        "overruns, not tickets\n"
    )


def test_the_report_lists_the_tickets_the_two_readers_disagree_on(
    rt: Runtime, recorded: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    import policies.decide as deciding
    from policies.reading.agreement import ReaderView, Reading, read_both_for

    def model_says_other(ticket: Any, rules: Any, pack: Any) -> Reading:
        reading = read_both_for(ticket, rules, pack)
        if ticket.number != EXTENSION_TICKET:
            return reading
        other = ReaderView("other", 0.81, False, "weights-abc123")
        return Reading(reading.rules, other, agreed=False, min_confidence=reading.min_confidence, doubts=("type",))

    monkeypatch.setattr(deciding, "read_both_for", model_says_other)
    summary = summarize(trial_records(offline(rt), LONG_AGO, rt.today()))
    assert summary["totals"]["readers_disagree"] == 1
    [d] = summary["disagreements"]
    assert d["ticket_number"] == EXTENSION_TICKET
    assert (d["reading"]["rules"]["request_type"], d["reading"]["model"]["request_type"]) == (
        "program_extension",
        "other",
    )
    html = render_html(summary)
    table = html[html.index('id="disagreements"') :]
    assert f"#{EXTENSION_TICKET}" in table and "Verlängerung" in table and "Sonstiges (81 %)" in table


@pytest.mark.parametrize(
    ("doubts", "disagree"),
    [(["type"], True), (["approval_unsure"], False), (["model_unsure", "approval_unsure"], True), ([], True)],
)
def test_an_approval_held_only_for_want_of_certainty_is_not_counted_as_the_readers_disagreeing(
    doubts: list[str], disagree: bool
) -> None:
    from worker.trial.run import Item, Side

    side = Side(
        "program_extension",
        "approve",
        None,
        None,
        False,
        [],
        [],
        "",
        "f",
        "goodwill 1",
        {"agreed": False, "doubts": doubts},
    )
    assert Item(1, 4711, "2026-11-23", side, side).readers_disagree is disagree
