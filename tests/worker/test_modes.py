"""Modes per request type: shadow proposes, assist asks for a click, auto applies — all exactly once."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import select

from policies.pack.loader import PACK_DIR, load_pack
from tests.fakes import FakeVendors, fake_runtime
from tests.support import ticket_seed
from tests.worker.test_pipeline import COACH_BODY, contact, deliver
from worker.app import create_app
from worker.bootstrap import Runtime
from worker.config import load_settings
from worker.store.db import session_scope, upgrade
from worker.store.models import ActionRecord, DecisionRecord
from worker.triage import process as pipeline
from worker.triage.review import ReviewError, carry_out
from worker.web.links import LinkError, make_token, read_token

CLUB_PAUSE = (
    "<p>Hallo, ich bin schwer erkrankt und muss operiert werden. Ich möchte meine Club-Mitgliedschaft "
    "für drei Monate pausieren.</p><p>Viele Grüße, Olga</p>"
)


@pytest.fixture
def vendors() -> FakeVendors:
    return FakeVendors()


def runtime_with(base_env, monkeypatch, vendors: FakeVendors, pack: str | None = None) -> Runtime:  # type: ignore[no-untyped-def]
    if pack:
        monkeypatch.setenv("GOODWILL_POLICY_PACK", pack)
    settings = load_settings()
    upgrade(settings.db_url)
    return fake_runtime(settings, vendors)


def shadow_pack(tmp_path: Path) -> str:
    text = (PACK_DIR / "goodwill.toml").read_text(encoding="utf-8")
    start, end = text.index("[modes]"), text.index("# ---- Clause parameters")
    path = tmp_path / "shadow.toml"
    path.write_text(text[:start] + '[modes]\ndefault = "shadow"\n\n' + text[end:], encoding="utf-8")
    load_pack.cache_clear()
    return str(path)


def test_shadow_mode_posts_a_proposal_and_changes_nothing_in_activecampaign(
    base_env, monkeypatch, vendors, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    rt = runtime_with(base_env, monkeypatch, vendors, shadow_pack(tmp_path))
    vendors.seed(
        ticket_seed(
            601,
            "jana@example.org",
            "Verlängerung",
            COACH_BODY,
            fields={"COACH_ROUND_START": "2025-06-01", "COACH_END_DATE": "2026-12-31", "PRO_END_DATE": "2027-02-28"},
        )
    )
    before = contact(vendors, "jana@example.org")
    pipeline.process(rt, deliver(rt, 601))
    [note] = vendors.notes(601)
    assert "Vorschlag (Schattenmodus)" in note
    assert contact(vendors, "jana@example.org") == before
    assert vendors.crm.writes() == []  # not even a write of the same value
    with session_scope(rt.settings.db_url) as s:
        assert {a.state for a in s.scalars(select(ActionRecord)).all()} == {"proposal"}


def test_assist_mode_puts_a_signed_link_in_the_note_and_applies_only_after_the_click(
    base_env, monkeypatch, vendors
) -> None:  # type: ignore[no-untyped-def]
    rt = runtime_with(base_env, monkeypatch, vendors)
    assert rt.pack.mode_for("club_pause") == "assist"
    vendors.seed(
        ticket_seed(
            602,
            "olga@example.org",
            "Club pausieren",
            CLUB_PAUSE,
            fields={"CLUB_START_DATE": "2025-03-01"},
            tags=["club_mitglied"],
        )
    )
    pipeline.process(rt, deliver(rt, 602))
    [note] = vendors.notes(602)
    with session_scope(rt.settings.db_url) as s:
        rec = s.scalars(select(DecisionRecord)).one()
        assert (rec.request_type, rec.outcome) == ("club_pause", "approve")
        assert {a.state for a in rec.actions} == {"awaiting_approval"}
        decision_id = rec.id
    # The token carries a timestamp, so read the links back from the note instead of re-signing.
    base = f"{rt.settings.goodwill_public_url}/decisions/{decision_id}/act/"
    tokens = re.findall(re.escape(base) + r'([^"]+)"', note)
    assert [read_token(rt.settings, t, decision_id) for t in tokens] == ["apply", "reject"]
    assert "kulanz_club_pause" not in contact(vendors, "olga@example.org")["tags"]

    assert carry_out(rt, decision_id, "apply", "Lisa (Team Lead)") == "applied"
    assert carry_out(rt, decision_id, "apply", "Lisa (Team Lead)") == "applied"  # a second click changes nothing
    notes = vendors.notes(602)
    assert len(notes) == 2 and "Freigegeben" in notes[1] and "Lisa" in notes[1]
    assert "kulanz_club_pause" in contact(vendors, "olga@example.org")["tags"]
    with pytest.raises(ReviewError):
        carry_out(rt, decision_id, "reject", "Someone else")


def test_the_link_page_needs_a_valid_token_and_a_csrf_token(base_env, monkeypatch, vendors) -> None:  # type: ignore[no-untyped-def]
    rt = runtime_with(base_env, monkeypatch, vendors)
    vendors.seed(
        ticket_seed(603, "olga@example.org", "Club pausieren", CLUB_PAUSE, fields={"CLUB_START_DATE": "2025-03-01"})
    )
    pipeline.process(rt, deliver(rt, 603))
    with session_scope(rt.settings.db_url) as s:
        decision_id = s.scalars(select(DecisionRecord.id)).one()
    app = create_app(rt.settings)
    client = app.test_client()
    token = make_token(rt.settings, decision_id, "apply")
    assert client.get(f"/decisions/{decision_id}/act/{token}").status_code == 200
    assert client.get(f"/decisions/{decision_id}/act/{token[:-3]}xyz").status_code == 403
    assert client.get(f"/decisions/{decision_id + 1}/act/{token}").status_code == 403
    assert client.post(f"/decisions/{decision_id}/act/{token}", data={"actor": "Lisa"}).status_code == 400
    with pytest.raises(LinkError):
        read_token(rt.settings, token, decision_id + 1)


def _link_case(rt: Runtime, vendors: FakeVendors, number: int) -> tuple[int, str]:
    vendors.seed(
        ticket_seed(number, "olga@example.org", "Club pausieren", CLUB_PAUSE, fields={"CLUB_START_DATE": "2025-03-01"})
    )
    pipeline.process(rt, deliver(rt, number))
    with session_scope(rt.settings.db_url) as s:
        decision_id = s.scalars(select(DecisionRecord.id)).one()
    return decision_id, f"/decisions/{decision_id}/act/{make_token(rt.settings, decision_id, 'apply')}"


def test_a_head_request_with_a_body_on_the_link_page_changes_nothing(base_env, monkeypatch, vendors) -> None:  # type: ignore[no-untyped-def]
    from tests.ui.kit import page_token, sent_tasks

    rt = runtime_with(base_env, monkeypatch, vendors)
    _, path = _link_case(rt, vendors, 604)
    client = create_app(rt.settings).test_client()
    token = page_token(client, path)
    r = client.open(path, method="HEAD", data={"actor": "Lisa", "csrf_token": token})
    assert r.status_code == 200
    assert sent_tasks(rt.settings.broker_url) == []
    with session_scope(rt.settings.db_url) as s:
        assert s.scalars(select(DecisionRecord.review_status)).one() is None


def test_the_name_typed_on_the_link_page_is_recorded_as_typed_not_as_a_login(base_env, monkeypatch, vendors) -> None:  # type: ignore[no-untyped-def]
    from tests.ui.kit import page_token, sent_tasks

    rt = runtime_with(base_env, monkeypatch, vendors)
    decision_id, path = _link_case(rt, vendors, 605)
    client = create_app(rt.settings).test_client()
    token = page_token(client, path)
    assert client.post(path, data={"actor": "  Hanna Head ", "csrf_token": token}).status_code == 202
    [(_, args)] = sent_tasks(rt.settings.broker_url)
    assert args[:3] == [decision_id, "apply", "Hanna Head (über Link)"]
    assert carry_out(rt, *args[:3]) == "applied"
    assert "Hanna Head (über Link)" in vendors.notes(605)[-1]
