"""Agents' verdicts: the two signed links in every note, rejects and OFD denials, the export, readiness for auto.

The same flow in a real browser (a note's "Stimmt nicht" link → the decision page → the export) is
tests/ui/test_browser.py.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from policies.offline.case import decide_case, parse_case
from policies.offline.evaluation import evaluate
from tests.fakes import FakeVendors, fake_runtime
from tests.support import ticket_seed
from tests.trialkit import EXTENSION_TICKET, decide_all, deliver, demo_seed
from tests.ui.kit import login, make_users, page_token, seed_decision
from worker.app import create_app
from worker.bootstrap import Runtime
from worker.cli.main import main
from worker.config import load_settings
from worker.store.db import session_scope, upgrade
from worker.store.models import DecisionRecord, Verdict
from worker.store.verdicts import READY_MIN_VERDICTS, readiness, record_verdict, verdicts_for
from worker.triage import process as pipeline
from worker.triage.review import carry_out
from worker.trial.export import export_rows, export_verdicts, split_of
from worker.trial.reports import save_report
from worker.web import links, verdict_links

CLUB_PAUSE = (
    "<p>Hallo, ich bin schwer erkrankt und muss operiert werden. Ich möchte meine Club-Mitgliedschaft "
    "für drei Monate pausieren.</p><p>Viele Grüße, Olga</p>"
)


@pytest.fixture
def vendors() -> FakeVendors:
    return FakeVendors()


@pytest.fixture
def rt(base_env: dict[str, str], vendors: FakeVendors) -> Runtime:
    settings = load_settings()
    upgrade(settings.db_url)
    return fake_runtime(settings, vendors)


@pytest.fixture
def recorded(rt: Runtime, vendors: FakeVendors) -> dict[int, int]:
    """The demo's tickets decided by the pipeline: ticket number → decision id."""
    seed = demo_seed(rt.today())
    vendors.seed(seed)
    decide_all(rt, seed)
    with session_scope(rt.settings.db_url) as s:
        return {r.ticket_number: r.id for r in s.scalars(select(DecisionRecord)).all()}


def note_links(rt: Runtime, note: str, decision_id: int) -> dict[str, str]:
    """The verdict links of a posted note, by kind (read back from the note: the token carries a timestamp)."""
    base = f"{rt.settings.goodwill_public_url}/decisions/{decision_id}/verdict/"
    found = re.findall(re.escape(base) + r'([^"]+)"', note)
    kinds = [verdict_links.read_token(rt.settings, t, decision_id) for t in found]
    return {k: f"/decisions/{decision_id}/verdict/{t}" for k, t in zip(kinds, found)}


def test_every_note_carries_the_signed_links_stimmt_and_stimmt_nicht_valid_for_30_days(
    rt: Runtime, vendors: FakeVendors, recorded: dict[int, int]
) -> None:
    for number, decision_id in recorded.items():
        [note] = vendors.notes(number)
        assert "Stimmt die Einschätzung?" in note and ">Stimmt</a>" in note and ">Stimmt nicht</a>" in note
        assert "(Link 30 Tage gültig)" in note
        assert set(note_links(rt, note, decision_id)) == {"agree", "disagree"}
    assert verdict_links.MAX_AGE_SECONDS == 30 * 24 * 3600


def test_a_verdict_token_opens_no_apply_link_and_an_apply_token_records_no_verdict(
    rt: Runtime, recorded: dict[int, int]
) -> None:
    decision_id = recorded[EXTENSION_TICKET]
    with pytest.raises(links.LinkError):
        links.read_token(rt.settings, verdict_links.make_token(rt.settings, decision_id, "agree"), decision_id)
    with pytest.raises(links.LinkError):
        verdict_links.read_token(rt.settings, links.make_token(rt.settings, decision_id, "apply"), decision_id)
    client = create_app(rt.settings).test_client()
    token = verdict_links.make_token(rt.settings, decision_id, "agree")
    assert client.get(f"/decisions/{decision_id + 1}/verdict/{token}").status_code == 403
    assert client.get(f"/decisions/{decision_id}/verdict/{token[:-4]}abcd").status_code == 403


def test_stimmt_shows_a_confirm_page_and_only_the_post_records_the_verdict(
    rt: Runtime, vendors: FakeVendors, recorded: dict[int, int]
) -> None:
    decision_id = recorded[EXTENSION_TICKET]
    path = note_links(rt, vendors.notes(EXTENSION_TICKET)[0], decision_id)["agree"]
    client = create_app(rt.settings).test_client()
    page = client.get(path)
    assert page.status_code == 200 and "Stimmt – festhalten" in page.get_data(as_text=True)
    assert client.head(path).status_code == 200
    assert verdicts_for(rt.settings.db_url, decision_id) == []  # GET and HEAD change nothing
    assert client.post(path, data={"name": "Anna"}).status_code == 400  # no CSRF token: refused
    token = page_token(client, path)
    r = client.post(path, data={"csrf_token": token, "name": "  anna A. "})
    assert r.status_code == 201 and "festgehalten" in r.get_data(as_text=True)
    [v] = verdicts_for(rt.settings.db_url, decision_id)
    assert (v.verdict, v.source, v.name, v.right_type, v.right_outcome) == ("agree", "link", "  anna A. ", None, None)


def test_stimmt_nicht_asks_for_the_right_type_and_outcome_and_records_them(
    rt: Runtime, vendors: FakeVendors, recorded: dict[int, int]
) -> None:
    decision_id = recorded[1007]  # unclear / clarify
    path = note_links(rt, vendors.notes(1007)[0], decision_id)["disagree"]
    client = create_app(rt.settings).test_client()
    html = client.get(path).get_data(as_text=True)
    assert 'name="right_type"' in html and "Club-Austritt" in html and "Eskalieren" in html
    assert "Fair Use" not in html  # never read from a ticket
    token = page_token(client, path)
    r = client.post(path, data={"csrf_token": token, "right_type": "club_cancellation", "right_outcome": "nope"})
    assert r.status_code == 400 and "richtige Ergebnis" in r.get_data(as_text=True)
    assert verdicts_for(rt.settings.db_url, decision_id) == []
    r = client.post(
        path,
        data={
            "csrf_token": token,
            "right_type": "club_cancellation",
            "right_outcome": "clarify",
            "comment": "Sie meint den Club <b>nicht</b> den Newsletter",
            "name": "Bernd",
        },
    )
    assert r.status_code == 201
    [v] = verdicts_for(rt.settings.db_url, decision_id)
    assert (v.verdict, v.right_type, v.right_outcome, v.name) == ("disagree", "club_cancellation", "clarify", "Bernd")


def test_the_decision_page_shows_its_verdicts(rt: Runtime, recorded: dict[int, int]) -> None:
    decision_id = recorded[1007]
    record_verdict(
        rt.settings.db_url,
        decision_id,
        "disagree",
        source="link",
        right_type="club_cancellation",
        right_outcome="clarify",
        comment="<script>x</script>",
        name="Bernd",
    )
    make_users(rt.settings.db_url)
    client = create_app(rt.settings).test_client()
    login(client, "agent")
    html = client.get(f"/decisions/{decision_id}").get_data(as_text=True)
    section = html[html.index('id="verdicts"') :]
    assert "Stimmt nicht" in section and "Club-Austritt" in section and "Nachfragen" in section
    assert "Bernd" in section and "Link in der Notiz" in section
    assert "&lt;script&gt;x&lt;/script&gt;" in section and "<script>x" not in html


def _assist_case(rt: Runtime, vendors: FakeVendors, number: int = 602) -> int:
    vendors.seed(
        ticket_seed(number, "olga@example.org", "Club pausieren", CLUB_PAUSE, fields={"CLUB_START_DATE": "2025-03-01"})
    )
    pipeline.process(rt, deliver(rt, number))
    with session_scope(rt.settings.db_url) as s:
        rec = s.scalars(select(DecisionRecord).where(DecisionRecord.ticket_number == number)).one()
        assert (rec.mode, rec.outcome) == ("assist", "approve")
        return rec.id


def test_a_rejected_assist_proposal_counts_as_a_disagreeing_verdict_once(rt: Runtime, vendors: FakeVendors) -> None:
    decision_id = _assist_case(rt, vendors)
    assert carry_out(rt, decision_id, "reject", "Lisa") == "rejected"
    assert carry_out(rt, decision_id, "reject", "Lisa") == "rejected"  # a second click records nothing more
    [v] = verdicts_for(rt.settings.db_url, decision_id)
    assert (v.verdict, v.source, v.name, v.right_type, v.right_outcome) == (
        "disagree",
        "assist_reject",
        "Lisa",
        "club_pause",
        "deny",
    )


def test_a_decision_denied_on_the_ofd_page_counts_as_a_verdict_from_the_ofd(rt: Runtime, vendors: FakeVendors) -> None:
    decision_id = _assist_case(rt, vendors, 603)
    assert carry_out(rt, decision_id, "reject", "Hanna Head", "Kein Härtefall.", "ofd") == "rejected"
    [v] = verdicts_for(rt.settings.db_url, decision_id)
    assert (v.source, v.comment, v.verdict) == ("ofd", "Kein Härtefall.", "disagree")


def test_an_approval_records_no_verdict(rt: Runtime, vendors: FakeVendors) -> None:
    decision_id = _assist_case(rt, vendors, 604)
    assert carry_out(rt, decision_id, "apply", "Lisa") == "applied"
    assert verdicts_for(rt.settings.db_url, decision_id) == []


def test_the_export_writes_labelled_cases_in_the_corpus_format_and_no_ticket_lands_in_both_splits(
    rt: Runtime, recorded: dict[int, int], tmp_path: Path
) -> None:
    db = rt.settings.db_url
    for decision_id in recorded.values():
        record_verdict(db, decision_id, "agree", source="link", name="Anna")
    record_verdict(
        db, recorded[1007], "disagree", source="link", right_type="club_cancellation", right_outcome="clarify"
    )
    old = seed_decision(db, 77)  # recorded before inputs were kept
    record_verdict(db, old, "agree", source="link")
    result = export_verdicts(db, tmp_path / "all.jsonl")
    rows = [json.loads(line) for line in (tmp_path / "all.jsonl").read_text(encoding="utf-8").splitlines()]
    assert result.written == len(rows) == 10 and result.skipped_not_replayable == 1
    train = {r["id"] for r in export_rows(db, "train")[0]}
    test = {r["id"] for r in export_rows(db, "test")[0]}
    assert train.isdisjoint(test) and train | test == {r["id"] for r in rows}
    assert {r["id"]: r["verdict"]["split"] for r in rows} == {
        r["id"]: split_of(int(r["ticket"]["number"])) for r in rows
    }
    # The same rows again, in the same order: the split and the ids depend on nothing but the data.
    assert export_rows(db)[0] == rows
    shape = json.loads((Path(__file__).resolve().parents[1] / "corpus/cases/train.jsonl").open().readline())
    for row in rows:
        assert set(shape) <= set(row) and {"request_type", "outcome", "abusive"} <= set(row["label"])
        parse_case(row)  # a valid CASE.json
        if row["label"]["outcome"] == row["verdict"]["worker"]["outcome"]:
            assert decide_case(row)["outcome"] == row["label"]["outcome"]
    assert evaluate(rows).n == 10  # `goodwill eval` reads the export as it is
    [unclear] = [r for r in rows if r["ticket"]["number"] == 1007]
    assert (unclear["label"]["request_type"], unclear["label"]["outcome"]) == ("club_cancellation", "clarify")
    assert unclear["verdict"]["worker"] == {"request_type": "unclear", "outcome": "clarify"}


def test_goodwill_verdicts_export_writes_one_split_and_says_how_many(
    rt: Runtime, recorded: dict[int, int], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for decision_id in recorded.values():
        record_verdict(rt.settings.db_url, decision_id, "agree", source="link")
    out = tmp_path / "train.jsonl"
    assert main(["verdicts", "export", str(out), "--split", "train"]) == 0
    lines = out.read_text(encoding="utf-8").splitlines()
    assert all(json.loads(line)["verdict"]["split"] == "train" for line in lines)
    assert capsys.readouterr().out.startswith(f"{len(lines)} Urteile nach {out} geschrieben")


def _decisions_with_verdicts(
    db: str, request_type: str, agree: int, disagree: int, reading: bool | None = None
) -> None:
    for i in range(agree + disagree):
        decision_id = seed_decision(db, 5000 + i, request_type=request_type, outcome="approve")
        if reading is not None:
            with session_scope(db) as s:
                rec = s.get(DecisionRecord, decision_id)
                assert rec is not None
                rec.facts = {"reading": {"rules": {}, "model": {}, "agreed": reading if i % 2 == 0 else not reading}}
        record_verdict(db, decision_id, "agree" if i < agree else "disagree", source="link")


def test_a_type_is_ready_for_auto_at_95_percent_agreement_over_at_least_30_verdicts(rt: Runtime) -> None:
    db = rt.settings.db_url
    _decisions_with_verdicts(db, "club_pause", agree=29, disagree=1, reading=True)  # 96.7 % of 30
    [r] = readiness(db)
    assert (r.request_type, r.verdicts, r.agreed, r.ready) == ("club_pause", 30, 29, True)
    assert r.readers_known == 30 and r.readers_agreed == 15
    with session_scope(db) as s:
        s.delete(s.scalars(select(Verdict).order_by(Verdict.id.desc())).first())  # 29 verdicts: too few
    [r] = readiness(db)
    assert r.verdicts == READY_MIN_VERDICTS - 1 and not r.ready
    # Old decisions fall out of the 14 days.
    assert readiness(db, now=datetime.now(UTC) + timedelta(days=15)) == []


def test_a_type_below_95_percent_is_not_ready_and_a_later_verdict_replaces_an_earlier_one(rt: Runtime) -> None:
    db = rt.settings.db_url
    _decisions_with_verdicts(db, "program_pause", agree=28, disagree=2)  # 93.3 %
    [r] = readiness(db)
    assert not r.ready and r.readers_known == 0 and r.readers_share is None
    with session_scope(db) as s:
        disagreed = [v.decision_id for v in s.scalars(select(Verdict).where(Verdict.verdict == "disagree")).all()]
    record_verdict(db, disagreed[0], "agree", source="link")  # on second thought: it was right
    [r] = readiness(db)
    assert (r.verdicts, r.agreed, r.ready) == (30, 29, True)


def test_the_service_page_shows_readiness_per_type_and_says_switching_is_a_pack_change_by_a_person(
    rt: Runtime,
) -> None:
    db = rt.settings.db_url
    _decisions_with_verdicts(db, "club_pause", agree=30, disagree=0)
    seed_decision(db, 6001, request_type="coach_refund", outcome="escalate")
    make_users(db)
    client = create_app(rt.settings).test_client()
    login(client, "agent")
    html = client.get("/service").get_data(as_text=True)
    table = html[html.index('id="readiness"') :]
    club = table[table.index('data-type="club_pause"') :].split("</tr>")[0]
    assert "100 %" in club and ">30<" in club and "bereit für auto" in club and "kein zweiter Leser" in club
    coach = table[table.index('data-type="coach_refund"') :].split("</tr>")[0]
    assert "noch nicht bereit" in coach
    assert "Umschalten auf auto bleibt eine Änderung im Policy-Pack ([modes]), die eine Person vornimmt" in html


def test_policy_show_lists_the_readiness_per_request_type(rt: Runtime, capsys: pytest.CaptureFixture[str]) -> None:
    _decisions_with_verdicts(rt.settings.db_url, "club_pause", agree=30, disagree=0, reading=True)
    assert main(["policy", "show"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("policy pack goodwill")
    [line] = [x for x in out.splitlines() if x.strip().startswith("club_pause")]
    assert "Übereinstimmung 100 % aus  30 Urteilen" in line and "Leser einig 50 %" in line and "bereit für auto" in line
    assert "die eine Person vornimmt" in out


def test_policy_show_without_a_database_shows_only_the_pack(
    base_env: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["policy", "show"]) == 0
    assert "Bereitschaft" not in capsys.readouterr().out
    assert not (Path(base_env["GOODWILL_DATA_DIR"]) / "goodwill.sqlite").exists()


def test_the_probelauf_page_lists_the_last_reports_for_leads_and_is_closed_to_agents(rt: Runtime) -> None:
    summary: dict[str, Any] = {
        "source": "records",
        "since": "2026-11-01",
        "until": "2026-11-30",
        "pack": {"id": "goodwill", "version": "probe", "origin": "neu.toml"},
        "started_at": "2026-12-01T10:00:00+00:00",
        "totals": {"decisions": 12, "changed": 3, "not_replayable": 1, "readers_disagree": 2},
    }
    path = save_report(rt.settings.data_dir, summary, "<!doctype html><title>Bericht</title><p>Probe &lt;b&gt;</p>")
    make_users(rt.settings.db_url)
    app = create_app(rt.settings)
    agent = app.test_client()
    login(agent, "agent")
    assert agent.get("/probelauf").status_code == 403
    assert "Probelauf" not in agent.get("/queue").get_data(as_text=True)
    lead = app.test_client()
    login(lead, "lead")
    assert ">Probelauf</a>" in lead.get("/queue").get_data(as_text=True)
    html = lead.get("/probelauf").get_data(as_text=True)
    row = html[html.index('id="trials"') :]
    assert "2026-11-01 – 2026-11-30" in row and ">3<" in row and "probe" in row
    report = lead.get(f"/probelauf/{path.stem}")
    assert report.status_code == 200 and "Probe &lt;b&gt;" in report.get_data(as_text=True)
    assert lead.get("/probelauf/..%2Fgoodwill").status_code == 404
    assert lead.get("/probelauf/trial-20260101-000000-records-abcdef").status_code == 404
