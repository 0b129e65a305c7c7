"""Only a ticket's current decision is carried out: a newer decision replaces the older one's proposal.

Issue 13, finding 2: an assist-mode note carries a one-click link for decision A; the customer replies
(e.g. with a threat) and the ticket gets decision B. A's link, the OFD page and the review task must
then refuse A and change nothing — also when the link was clicked just before B landed.
"""

from __future__ import annotations

import os
import re

import pytest
from sqlalchemy import select

from tests.fakes import FakeVendors, fake_runtime
from tests.support import ticket_seed
from tests.ui.kit import login, make_users, page_token, seed_decision, sent_tasks
from tests.worker.test_modes import CLUB_PAUSE
from tests.worker.test_pipeline import THREAT, deliver
from worker import bootstrap
from worker.app import create_app
from worker.bootstrap import Runtime
from worker.config import load_settings
from worker.jobs.tasks import review_decision
from worker.store.db import session_scope, upgrade
from worker.store.models import DecisionRecord
from worker.triage import process as pipeline
from worker.triage.review import ReviewError, carry_out

NUMBER = 610
EMAIL = "olga@example.org"
PAUSE_TAG = "kulanz_club_pause"


@pytest.fixture
def vendors() -> FakeVendors:
    return FakeVendors()


@pytest.fixture
def rt(base_env, vendors: FakeVendors) -> Runtime:  # type: ignore[no-untyped-def]
    settings = load_settings()
    upgrade(settings.db_url)
    return fake_runtime(settings, vendors)


def club_pause_with_link(rt: Runtime, vendors: FakeVendors) -> tuple[int, str]:
    """Decision A: an assist-mode club pause; returns its id and the apply link's path from the note."""
    vendors.seed(
        ticket_seed(
            NUMBER,
            EMAIL,
            "Club pausieren",
            CLUB_PAUSE,
            fields={"CLUB_START_DATE": "2025-03-01"},
            tags=["club_mitglied"],
        )
    )
    pipeline.process(rt, deliver(rt, NUMBER))
    [note] = vendors.notes(NUMBER)
    with session_scope(rt.settings.db_url) as s:
        rec = s.scalars(select(DecisionRecord)).one()
        assert {a.state for a in rec.actions} == {"awaiting_approval"}
        decision_id = rec.id
    [path] = re.findall(rf'{re.escape(rt.settings.goodwill_public_url)}(/decisions/{decision_id}/act/[^"]+)"', note)[:1]
    return decision_id, path


def threat_reply(rt: Runtime, vendors: FakeVendors) -> int:
    """Decision B: the customer's threat escalates the ticket to a supervisor (nothing to apply)."""
    message_id = vendors.customer_reply(NUMBER, f"<p>{THREAT}</p>")
    pipeline.process(rt, deliver(rt, NUMBER, "customer_replied", message_id))
    with session_scope(rt.settings.db_url) as s:
        newest = s.scalars(select(DecisionRecord).order_by(DecisionRecord.id.desc())).first()
        assert newest is not None and (newest.outcome, newest.escalate_to) == ("escalate", "supervisor")
        assert newest.actions == []
        return newest.id


def follow_ups(vendors: FakeVendors) -> list[str]:
    return [n for n in vendors.notes(NUMBER) if "Freigegeben" in n or "Abgelehnt" in n]


def test_an_old_one_click_link_is_refused_once_a_newer_decision_replaced_it(rt: Runtime, vendors: FakeVendors) -> None:
    old, path = club_pause_with_link(rt, vendors)
    new = threat_reply(rt, vendors)
    client = create_app(rt.settings).test_client()

    page = client.get(path)
    assert page.status_code == 409
    text = page.get_data(as_text=True)
    assert "nicht mehr aktuell" in text and f"neuere Entscheidung (Nr. {new})" in text
    assert 'name="actor"' not in text  # no form to submit

    token = page_token(client, "/login")  # a CSRF token in this browser session
    r = client.post(path, data={"actor": "Lisa", "csrf_token": token})
    assert r.status_code == 409
    assert "nicht mehr aktuell" in r.get_data(as_text=True)
    assert sent_tasks(rt.settings.broker_url) == []  # nothing queued
    assert PAUSE_TAG not in vendors.contact(EMAIL)["tags"]
    with session_scope(rt.settings.db_url) as s:
        assert s.get(DecisionRecord, old).review_status is None  # type: ignore[union-attr]


def test_a_new_decision_cancels_the_older_ones_waiting_actions(rt: Runtime, vendors: FakeVendors) -> None:
    old, _ = club_pause_with_link(rt, vendors)
    new = threat_reply(rt, vendors)
    with session_scope(rt.settings.db_url) as s:
        rec = s.get(DecisionRecord, old)
        assert rec is not None
        assert [(a.tag, a.state) for a in rec.actions] == [(PAUSE_TAG, "superseded")]
        assert {a.result for a in rec.actions} == {f"superseded by decision {new}"}


def test_the_review_task_refuses_a_link_clicked_just_before_a_newer_decision_landed(
    rt: Runtime, vendors: FakeVendors, monkeypatch: pytest.MonkeyPatch
) -> None:
    old, path = club_pause_with_link(rt, vendors)
    client = create_app(rt.settings).test_client()
    token = page_token(client, path)
    assert client.post(path, data={"actor": "Lisa", "csrf_token": token}).status_code == 202  # A is current here
    [(_, args)] = sent_tasks(rt.settings.broker_url)
    threat_reply(rt, vendors)  # B lands before the worker takes the review task
    vendors.forget_calls()
    monkeypatch.setattr(bootstrap, "_runtime", (os.getpid(), rt))

    assert review_decision.apply(args=args).get() == "refused"
    assert vendors.crm.writes() == [] and vendors.helpdesk.writes() == []
    assert PAUSE_TAG not in vendors.contact(EMAIL)["tags"]
    assert follow_ups(vendors) == []
    with session_scope(rt.settings.db_url) as s:
        assert s.get(DecisionRecord, old).review_status is None  # type: ignore[union-attr]


@pytest.mark.parametrize("verb", ["apply", "reject"])
def test_carrying_out_a_replaced_decision_raises_and_names_the_newer_one(
    rt: Runtime, vendors: FakeVendors, verb: str
) -> None:
    old, _ = club_pause_with_link(rt, vendors)
    new = threat_reply(rt, vendors)
    with pytest.raises(ReviewError, match=f"decision {new}"):
        carry_out(rt, old, verb, "Lisa (über Link)", "Kommentar")
    assert PAUSE_TAG not in vendors.contact(EMAIL)["tags"]
    assert follow_ups(vendors) == []


def test_a_reply_that_changes_nothing_keeps_the_one_click_link_working(rt: Runtime, vendors: FakeVendors) -> None:
    old, path = club_pause_with_link(rt, vendors)
    message_id = vendors.customer_reply(NUMBER, "<p>Danke euch für die schnelle Antwort!</p>")
    pipeline.process(rt, deliver(rt, NUMBER, "customer_replied", message_id))
    with session_scope(rt.settings.db_url) as s:
        assert s.scalars(select(DecisionRecord.note_status).order_by(DecisionRecord.id)).all()[-1] == "unchanged"
    assert create_app(rt.settings).test_client().get(path).status_code == 200
    assert carry_out(rt, old, "apply", "Lisa (über Link)") == "applied"
    assert PAUSE_TAG in vendors.contact(EMAIL)["tags"]


def test_the_ofd_page_refuses_a_replaced_decision_and_names_the_newer_one(base_env) -> None:  # type: ignore[no-untyped-def]
    settings = load_settings()
    upgrade(settings.db_url)
    make_users(settings.db_url)
    old = seed_decision(settings.db_url, 620, outcome="escalate", escalate_to="ofd")
    new = seed_decision(
        settings.db_url, 620, outcome="escalate", escalate_to="supervisor", event="customer_replied", message_id="m2"
    )
    client = create_app(settings).test_client()
    login(client, "admin")
    token = page_token(client, "/ofd")
    r = client.post(f"/ofd/{old}", data={"csrf_token": token, "verb": "apply", "comment": "ok"})
    assert r.status_code == 303
    page = client.get("/ofd").get_data(as_text=True)
    assert f"Entscheidung {old} ist nicht mehr aktuell" in page and f"neuere Entscheidung (Nr. {new})" in page
    assert sent_tasks(settings.broker_url) == []
