"""The agreement gate: a decision is applied, or offered as a one-click approval, only when both readers agree."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from policies.reading import agreement
from policies.reading.model import ModelReading
from tests.fakes import FakeVendors, fake_runtime
from tests.support import ticket_seed
from tests.worker.test_pipeline import COACH_BODY, contact, deliver
from worker.config import load_settings
from worker.ops.status import open_reviews_query
from worker.store.db import session_scope, upgrade
from worker.store.models import DecisionRecord
from worker.triage import process as pipeline
from worker.triage.review import carry_out

COACH_FIELDS = {"COACH_ROUND_START": "2025-06-01", "COACH_END_DATE": "2026-12-31", "PRO_END_DATE": "2027-02-28"}


def _second_reader_says(
    monkeypatch: pytest.MonkeyPatch, request_type: str, confidence: float = 0.95, abusive: bool = False
) -> None:
    # The second reader's weights are data rebuilt from the corpus; pin its answer so the gate itself is tested.
    reading = ModelReading(request_type, confidence, abusive, 0.9, "reader-test")
    monkeypatch.setattr(agreement.model, "read", lambda subject, text: reading)


@pytest.fixture
def setup(base_env, monkeypatch):  # type: ignore[no-untyped-def]
    settings = load_settings()
    upgrade(settings.db_url)
    vendors = FakeVendors()
    vendors.seed(ticket_seed(701, "jana@example.org", "Verlängerung Ausbildung", COACH_BODY, fields=COACH_FIELDS))
    return fake_runtime(settings, vendors), vendors


def test_an_auto_approval_both_readers_agree_on_is_applied_at_once(setup, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    rt, vendors = setup
    _second_reader_says(monkeypatch, "coach_extension")
    pipeline.process(rt, deliver(rt, 701))
    with session_scope(rt.settings.db_url) as s:
        rec = s.scalars(select(DecisionRecord)).one()
        assert (rec.outcome, rec.uncertain) == ("approve", False)
        assert {a.state for a in rec.actions} == {"done"}
        assert rec.facts["reading"]["agreed"] is True
    assert "Unsicher erkannt" not in vendors.notes(701)[0]


def test_when_the_readers_disagree_nothing_changes_in_the_crm_and_the_case_waits_on_the_ofd_page(
    setup, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    rt, vendors = setup
    # not so sure that the decision rests on its type (reading.model_overrules, 0.6): the rule reader's approval
    # is made, shown and held
    _second_reader_says(monkeypatch, "coach_refund", confidence=0.55)
    before = contact(vendors, "jana@example.org")
    pipeline.process(rt, deliver(rt, 701))
    assert contact(vendors, "jana@example.org") == before
    assert vendors.crm.writes() == []
    [note] = vendors.notes(701)
    assert "Unsicher erkannt – bitte prüfen" in note
    assert "Regel-Leser" in note and "Statistischer Leser" in note
    assert "/act/" not in note  # no one-click approval for an uncertain reading
    with session_scope(rt.settings.db_url) as s:
        rec = s.scalars(select(DecisionRecord)).one()
        assert (rec.outcome, rec.uncertain) == ("approve", True)  # the decision is still made and shown
        assert {a.state for a in rec.actions} == {"awaiting_approval"}
        assert [r.id for r in s.scalars(open_reviews_query())] == [rec.id]
        decision_id = rec.id
    # A person confirms on the OFD page: only then is the change written, once.
    assert carry_out(rt, decision_id, "apply", "Hanna (Head of CH)") == "applied"
    assert contact(vendors, "jana@example.org")["fields"]["COACH_END_DATE"] != before["fields"]["COACH_END_DATE"]


def test_a_second_reader_that_agrees_but_is_unsure_also_stops_the_auto_approval(setup, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    rt, vendors = setup
    _second_reader_says(monkeypatch, "coach_extension", confidence=0.41)
    pipeline.process(rt, deliver(rt, 701))
    assert vendors.crm.writes() == []
    with session_scope(rt.settings.db_url) as s:
        rec = s.scalars(select(DecisionRecord)).one()
        assert rec.uncertain and rec.facts["reading"]["doubts"] == ["model_unsure"]


def test_disagreeing_on_abuse_alone_is_enough_to_wait_for_a_person(setup, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    rt, vendors = setup
    _second_reader_says(monkeypatch, "coach_extension", abusive=True)
    pipeline.process(rt, deliver(rt, 701))
    assert vendors.crm.writes() == []
    with session_scope(rt.settings.db_url) as s:
        assert s.scalars(select(DecisionRecord.uncertain)).one() is True
