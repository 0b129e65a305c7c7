"""The web UI through Flask's test client: login, CSRF, roles, the pages and what they show."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from tests.ui.kit import PASSWORD, USERS, login, make_users, page_token, seed_decision, sent_tasks
from worker.app import create_app
from worker.config import load_settings
from worker.jobs.celery_app import PROCESS_TASK, REVIEW_TASK
from worker.store.db import session_scope, upgrade
from worker.store.models import FailedJob, InboxEvent
from worker.web.links import make_token
from worker.web.ui.labels import local


@pytest.fixture
def app(base_env: dict[str, str]):  # type: ignore[no-untyped-def]
    settings = load_settings()
    upgrade(settings.db_url)
    make_users(settings.db_url)
    return create_app(settings)


@pytest.fixture
def client(app):  # type: ignore[no-untyped-def]
    return app.test_client()


def db(app) -> str:  # type: ignore[no-untyped-def]
    return app.config["SETTINGS"].db_url  # type: ignore[no-any-return]


def tasks(app):  # type: ignore[no-untyped-def]
    return sent_tasks(app.config["SETTINGS"].broker_url)


@pytest.mark.parametrize("path", ["/queue", "/decisions", "/decisions/1", "/ofd", "/service", "/"])
def test_every_page_sends_a_visitor_without_login_to_the_login_page(client, path: str) -> None:  # type: ignore[no-untyped-def]
    r = client.get(path)
    assert r.status_code == 302
    assert "/login" in r.headers["Location"]


def test_a_wrong_password_is_refused_with_401_and_no_session(client) -> None:  # type: ignore[no-untyped-def]
    r = login(client, "lead", password="falsches-passwort-99")
    assert r.status_code == 401
    assert "E-Mail oder Passwort ist falsch." in r.get_data(as_text=True)
    assert client.get("/queue").status_code == 302


def test_an_unknown_email_gets_the_same_answer_as_a_wrong_password(client) -> None:  # type: ignore[no-untyped-def]
    token = page_token(client, "/login")
    r = client.post("/login", data={"email": "niemand@team.example", "password": PASSWORD, "csrf_token": token})
    assert r.status_code == 401
    assert "E-Mail oder Passwort ist falsch." in r.get_data(as_text=True)


def test_a_login_without_csrf_token_is_refused_with_400(client) -> None:  # type: ignore[no-untyped-def]
    client.get("/login")
    r = client.post("/login", data={"email": USERS["lead"][0], "password": PASSWORD})
    assert r.status_code == 400
    assert "CSRF-Token fehlt" in r.get_data(as_text=True)
    assert client.get("/queue").status_code == 302


def test_the_right_password_logs_in_and_goes_to_the_page_asked_for(client) -> None:  # type: ignore[no-untyped-def]
    client.get("/ofd")
    token = page_token(client, "/login?next=/ofd")
    r = client.post(
        "/login", data={"email": USERS["lead"][0].upper(), "password": PASSWORD, "csrf_token": token, "next": "/ofd"}
    )
    assert r.status_code == 302 and r.headers["Location"].endswith("/ofd")
    page = client.get("/ofd").get_data(as_text=True)
    assert "Hanna Head" in page and "OFD – Offene Fragen" in page


def test_after_login_the_next_parameter_never_leads_to_another_site(client) -> None:  # type: ignore[no-untyped-def]
    token = page_token(client, "/login")
    r = client.post(
        "/login",
        data={"email": USERS["agent"][0], "password": PASSWORD, "csrf_token": token, "next": "//evil.example/phish"},
    )
    assert r.headers["Location"].endswith("/queue")


@pytest.mark.parametrize(
    "raw",
    [
        "/%09/evil.com",
        "/%0a/x",
        "/%0d%0aSet-Cookie:%20x=1",
        "/%5Cevil.com",
        "https://evil.com/",
        "%2F%2Fevil.com",
        "/%00/x",
        "/%2509/evil.com",
        "/%E2%80%A8/x",
    ],
)
def test_the_next_parameter_leads_only_to_a_path_on_this_site(client, raw: str) -> None:  # type: ignore[no-untyped-def]
    login(client, "agent")
    r = client.get(f"/login?next={raw}")
    assert r.status_code == 302
    assert r.headers["Location"] == "/queue"


@pytest.mark.parametrize("target", ["/\t/evil.com", "/\n/x", "/\r\n/x", "\t//evil.com"])
def test_a_login_with_a_control_character_in_next_goes_to_the_default_page(client, target: str) -> None:  # type: ignore[no-untyped-def]
    token = page_token(client, "/login")
    r = client.post(
        "/login", data={"email": USERS["agent"][0], "password": PASSWORD, "csrf_token": token, "next": target}
    )
    assert r.status_code == 302
    assert r.headers["Location"] == "/queue"


def test_a_path_on_this_site_with_a_query_is_kept_as_next(client) -> None:  # type: ignore[no-untyped-def]
    login(client, "agent")
    r = client.get("/login?next=/decisions%3Foutcome%3Dapprove")
    assert r.headers["Location"] == "/decisions?outcome=approve"


def test_a_head_request_with_credentials_does_not_log_in(client) -> None:  # type: ignore[no-untyped-def]
    token = page_token(client, "/login")
    r = client.open(
        "/login", method="HEAD", data={"email": USERS["agent"][0], "password": PASSWORD, "csrf_token": token}
    )
    assert r.status_code == 200
    assert client.get("/queue").status_code == 302


def test_logging_out_ends_the_session_and_needs_the_csrf_token(client) -> None:  # type: ignore[no-untyped-def]
    login(client, "agent")
    assert client.post("/logout").status_code == 400
    token = page_token(client, "/queue")
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/queue").status_code == 302


def test_pages_are_german_and_carry_security_headers(client) -> None:  # type: ignore[no-untyped-def]
    login(client, "agent")
    for path, heading in [
        ("/queue", "Warteschlange"),
        ("/decisions", "Entscheidungen"),
        ("/ofd", "OFD"),
        ("/service", "Service-Kennzahlen"),
    ]:
        r = client.get(path)
        assert r.status_code == 200, path
        assert f"<h1>{heading}" in r.get_data(as_text=True)
        assert "frame-ancestors 'none'" in r.headers["Content-Security-Policy"]
        assert r.headers["Cache-Control"] == "no-store"


def test_the_one_click_link_page_needs_no_login(app, client) -> None:  # type: ignore[no-untyped-def]
    decision_id = seed_decision(
        db(app),
        4711,
        outcome="approve",
        mode="assist",
        actions=[{"tag": "kulanz_verlaengerung", "state": "awaiting_approval"}],
    )
    token = make_token(app.config["SETTINGS"], decision_id, "apply")
    r = client.get(f"/decisions/{decision_id}/act/{token}")
    assert r.status_code == 200
    assert "Änderungen anwenden?" in r.get_data(as_text=True)


def test_the_decision_list_filters_by_type_outcome_date_and_ticket(app, client) -> None:  # type: ignore[no-untyped-def]
    old = datetime.now(UTC) - timedelta(days=40)
    seed_decision(db(app), 101, request_type="program_return", outcome="approve")
    seed_decision(db(app), 102, request_type="program_extension", outcome="offer_alternative")
    seed_decision(db(app), 103, request_type="program_return", outcome="deny", created_at=old)
    login(client, "agent")

    def tickets(query: str) -> set[int]:
        html = client.get(f"/decisions?{query}").get_data(as_text=True)
        return {n for n in (101, 102, 103) if f'data-ticket="{n}"' in html}

    assert tickets("") == {101, 102, 103}
    assert tickets("type=program_return") == {101, 103}
    assert tickets("type=program_return&outcome=deny") == {103}
    since = (datetime.now(UTC) - timedelta(days=7)).date().isoformat()
    assert tickets(f"from={since}") == {101, 102}
    assert tickets(f"to={local(old).date().isoformat()}") == {103}  # type: ignore[union-attr]
    assert tickets("ticket=%23102") == {102}
    assert tickets("type=nonsense") == {101, 102, 103}  # an unknown value is ignored, not an error


def test_a_decision_shows_clauses_evidence_actions_and_the_note_without_script(app, client) -> None:  # type: ignore[no-untyped-def]
    decision_id = seed_decision(
        db(app),
        202,
        note='<p><b>Kulanz-Check</b> ok</p><script>alert(1)</script><a href="javascript:x()">x</a>',
        actions=[{"op": "set_field", "field": "program_end_date", "value": "2027-01-28", "state": "done"}],
        app_url="https://team.groovehq.com/groove_client/tickets/9202",
    )
    login(client, "agent")
    html = client.get(f"/decisions/{decision_id}").get_data(as_text=True)
    assert "K-TEST" in html and "Zitat 202" in html
    assert "Programm-Ende" in html and "2027-01-28" in html and "erledigt" in html
    assert "<b>Kulanz-Check</b> ok" in html
    assert "<script>alert" not in html and "javascript:" not in html
    assert 'href="https://team.groovehq.com/groove_client/tickets/9202"' in html


def test_groove_app_url_setting_builds_the_ticket_link(base_env, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("GROOVE_APP_URL", "https://team.groovehq.com/tickets/{number}")
    settings = load_settings()
    upgrade(settings.db_url)
    make_users(settings.db_url)
    app = create_app(settings)
    seed_decision(settings.db_url, 303)
    client = app.test_client()
    login(client, "agent")
    assert 'href="https://team.groovehq.com/tickets/303"' in client.get("/decisions").get_data(as_text=True)


def test_an_agent_sees_an_escalated_case_but_cannot_decide_it(app, client) -> None:  # type: ignore[no-untyped-def]
    decision_id = seed_decision(db(app), 404, outcome="escalate", escalate_to="head_of_ch")
    login(client, "agent")
    html = client.get("/ofd").get_data(as_text=True)
    assert f'id="case-{decision_id}"' in html and "nicht entscheiden" in html
    token = page_token(client, "/ofd")
    r = client.post(f"/ofd/{decision_id}", data={"csrf_token": token, "verb": "apply", "comment": "ok"})
    assert r.status_code == 303
    assert tasks(app) == []


def test_a_lead_for_other_targets_cannot_decide_but_the_named_lead_can(app, client) -> None:  # type: ignore[no-untyped-def]
    decision_id = seed_decision(
        db(app), 405, request_type="coach_extension", outcome="escalate", escalate_to="head_of_ch"
    )
    login(client, "coachlead")
    token = page_token(client, "/ofd")
    client.post(f"/ofd/{decision_id}", data={"csrf_token": token, "verb": "apply", "comment": ""})
    assert tasks(app) == []
    other = app.test_client()
    login(other, "lead")
    token = page_token(other, "/ofd")
    r = other.post(f"/ofd/{decision_id}", data={"csrf_token": token, "verb": "apply", "comment": "Passt so."})
    assert r.status_code == 303
    assert tasks(app) == [(REVIEW_TASK, [decision_id, "apply", "Hanna Head", "Passt so.", "ofd"])]


def test_an_ofd_decision_without_csrf_token_is_refused_and_sends_nothing(app, client) -> None:  # type: ignore[no-untyped-def]
    decision_id = seed_decision(db(app), 406, outcome="escalate", escalate_to="ofd")
    login(client, "admin")
    r = client.post(f"/ofd/{decision_id}", data={"verb": "apply", "comment": "ok"})
    assert r.status_code == 400
    assert tasks(app) == []


def test_a_denial_needs_a_comment(app, client) -> None:  # type: ignore[no-untyped-def]
    decision_id = seed_decision(db(app), 407, outcome="escalate", escalate_to="ofd")
    login(client, "admin")
    token = page_token(client, "/ofd")
    client.post(f"/ofd/{decision_id}", data={"csrf_token": token, "verb": "reject", "comment": "  "})
    assert tasks(app) == []
    client.post(f"/ofd/{decision_id}", data={"csrf_token": token, "verb": "reject", "comment": "Kein Härtefall."})
    assert tasks(app) == [(REVIEW_TASK, [decision_id, "reject", "Olaf Ops", "Kein Härtefall.", "ofd"])]


def test_the_ofd_lists_assist_approvals_and_only_the_current_decision_of_a_ticket(app, client) -> None:  # type: ignore[no-untyped-def]
    assist = seed_decision(
        db(app),
        501,
        outcome="approve",
        mode="assist",
        actions=[{"tag": "kulanz_verlaengerung", "state": "awaiting_approval"}],
    )
    superseded = seed_decision(db(app), 502, outcome="escalate", escalate_to="ofd")
    current = seed_decision(
        db(app), 502, outcome="escalate", escalate_to="ofd", event="customer_replied", message_id="m2"
    )
    done = seed_decision(db(app), 503, outcome="approve")
    login(client, "agent")
    html = client.get("/ofd").get_data(as_text=True)
    assert f'id="case-{assist}"' in html and f'id="case-{current}"' in html
    assert f'id="case-{superseded}"' not in html and f'id="case-{done}"' not in html
    token = page_token(client, "/ofd")
    client.post(f"/ofd/{superseded}", data={"csrf_token": token, "verb": "apply"})
    client.post(f"/ofd/{assist}", data={"csrf_token": token, "verb": "apply"})  # an agent may approve these
    assert tasks(app) == [(REVIEW_TASK, [assist, "apply", "Anna Agent", None, "ofd"])]


def test_the_queue_page_shows_a_failed_job_and_its_replay_button_puts_the_event_back(app, client) -> None:  # type: ignore[no-untyped-def]
    with session_scope(db(app)) as s:
        ev = InboxEvent(
            dedup_key="groove:ticket_started:909",
            event="ticket_started",
            ticket_number=909,
            payload="{}",
            status="failed",
            last_error="ApiNotFound: GET /tickets/{number}: 404",
        )
        s.add(ev)
        s.flush()
        s.add(FailedJob(task_name=PROCESS_TASK, inbox_event_id=ev.id, error="ApiNotFound: GET /tickets/{number}: 404"))
        inbox_id = ev.id
    login(client, "agent")
    html = client.get("/queue").get_data(as_text=True)
    assert "ApiNotFound" in html and "#909" in html and "Erneut einreihen" in html
    job_id = int(re.search(r"/queue/failed/(\d+)/replay", html).group(1))  # type: ignore[union-attr]
    token = page_token(client, "/queue")
    r = client.post(f"/queue/failed/{job_id}/replay", data={"csrf_token": token})
    assert r.status_code == 302
    assert tasks(app) == [(PROCESS_TASK, [inbox_id])]
    with session_scope(db(app)) as s:
        assert s.get(InboxEvent, inbox_id).status == "queued"  # type: ignore[union-attr]
        assert s.scalars(select(FailedJob.replayed_at)).one() is not None
    assert "Keine – alles läuft." in client.get("/queue").get_data(as_text=True)


def test_the_queue_page_counts_waiting_events_and_the_oldest_age(app, client) -> None:  # type: ignore[no-untyped-def]
    with session_scope(db(app)) as s:
        s.add(
            InboxEvent(
                dedup_key="a",
                event="ticket_started",
                ticket_number=1,
                payload="{}",
                status="queued",
                received_at=datetime.now(UTC) - timedelta(minutes=12),
            )
        )
        s.add(InboxEvent(dedup_key="b", event="ticket_started", ticket_number=2, payload="{}", status="processing"))
    login(client, "agent")
    html = client.get("/queue").get_data(as_text=True)
    waiting = html.split('id="kpi-waiting"')[1].split("</b>")[0]
    oldest = html.split('id="kpi-oldest"')[1].split("</b>")[0]
    inflight = html.split('id="kpi-inflight"')[1].split("</b>")[0]
    assert waiting.endswith(">1") and inflight.endswith(">1")
    assert "12 min" in oldest
    assert "<svg" in html and "Durchsatz der letzten 24 Stunden" in html


def test_every_page_renders_on_postgresql_too(base_env, postgres_url, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from tests.support import reset_schema

    reset_schema(postgres_url)
    monkeypatch.setenv("DATABASE_URL", postgres_url)
    settings = load_settings()
    upgrade(settings.db_url)
    make_users(settings.db_url)
    seed_decision(settings.db_url, 801, outcome="escalate", escalate_to="ofd")
    seed_decision(
        settings.db_url,
        802,
        outcome="approve",
        mode="assist",
        actions=[{"tag": "kulanz_verlaengerung", "state": "awaiting_approval"}],
    )
    client = create_app(settings).test_client()
    login(client, "lead")
    for path in (
        "/queue",
        "/decisions?type=program_return&from=2026-01-01",
        "/decisions/1",
        "/ofd",
        "/service",
        "/metrics",
    ):
        assert client.get(path).status_code == 200, path
    html = client.get("/ofd").get_data(as_text=True)
    assert 'data-ticket="801"' in html and 'data-ticket="802"' in html
