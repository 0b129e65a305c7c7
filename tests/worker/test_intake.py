"""The webhook edge: authenticate, parse, store (committed), enqueue, 202 — against a real broker."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, inspect, select, text

from worker.app import create_app
from worker.config import load_settings
from worker.store.db import session_scope, upgrade
from worker.store.models import InboxEvent

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "groove"
FORM = "application/x-www-form-urlencoded"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


@pytest.fixture
def app(base_env: dict[str, str]):  # type: ignore[no-untyped-def]
    settings = load_settings()
    upgrade(settings.db_url)
    return create_app(settings)


@pytest.fixture
def client(app):  # type: ignore[no-untyped-def]
    return app.test_client()


def post(client, secret: str, event: str, body: bytes, content_type: str = FORM):  # type: ignore[no-untyped-def]
    return client.post(
        f"/webhooks/groove/{secret}", data=body, content_type=content_type, headers={"X-Groove-Event": event}
    )


def inbox_rows(app) -> list[InboxEvent]:  # type: ignore[no-untyped-def]
    with session_scope(app.config["SETTINGS"].db_url) as s:
        return list(s.scalars(select(InboxEvent).order_by(InboxEvent.id)).all())


def queued_messages(app) -> int:  # type: ignore[no-untyped-def]
    """Messages waiting in the embedded broker (kombu's SQLAlchemy transport tables)."""
    broker = app.config["SETTINGS"].broker_url.replace("sqla+", "")
    engine = create_engine(broker)
    if not inspect(engine).has_table("kombu_message"):
        return 0
    with engine.connect() as conn:
        return int(conn.execute(text("SELECT count(*) FROM kombu_message WHERE visible = 1")).scalar() or 0)


def test_a_ticket_started_webhook_in_groove_form_encoding_is_stored_queued_and_answered_202(
    app, client, webhook_secret
):
    r = post(client, webhook_secret, "ticket_started", fixture("ticket_started__basic.json"))
    assert r.status_code == 202, r.get_json()
    assert r.get_json()["status"] == "accepted"
    [row] = inbox_rows(app)
    assert row.event == "ticket_started"
    assert row.ticket_number == json.loads(fixture("ticket_started__basic.json"))["number"]
    assert row.status == "queued"
    assert queued_messages(app) == 1


def test_a_wrong_secret_is_answered_404_and_nothing_is_stored(app, client):
    r = post(client, "x" * 43, "ticket_started", fixture("ticket_started__basic.json"))
    assert r.status_code == 404
    assert inbox_rows(app) == []


def test_invalid_json_is_refused_with_400_and_a_reason(app, client, webhook_secret):
    r = post(client, webhook_secret, "ticket_started", fixture("ticket_started__truncated_json.json"))
    assert r.status_code == 400
    assert "JSON" in r.get_json()["reason"]
    assert inbox_rows(app) == []


def test_a_body_without_a_ticket_number_is_refused_with_400(app, client, webhook_secret):
    r = post(client, webhook_secret, "ticket_started", b'{"title": "Hallo", "state": "unread"}')
    assert r.status_code == 400
    assert "ticket number" in r.get_json()["reason"]


def test_a_missing_event_header_is_refused_with_400(app, client, webhook_secret):
    r = client.post(f"/webhooks/groove/{webhook_secret}", data=fixture("ticket_started__basic.json"), content_type=FORM)
    assert r.status_code == 400
    assert "X-Groove-Event" in r.get_json()["reason"]


def test_a_body_of_two_megabytes_is_accepted_but_one_beyond_25_megabytes_is_refused_with_413(
    app, client, webhook_secret
):
    big = b'{"number": 5, "title": "' + b"a" * (2 * 1024 * 1024) + b'"}'
    assert post(client, webhook_secret, "ticket_started", big).status_code == 202  # a reply with inline images
    huge = b'{"number": 6, "title": "' + b"a" * (25 * 1024 * 1024) + b'"}'
    r = post(client, webhook_secret, "ticket_started", huge)
    assert r.status_code == 413 and "25 MiB" in r.get_json()["reason"]
    assert [row.ticket_number for row in inbox_rows(app)] == [5]


def test_the_same_event_delivered_ten_times_is_stored_and_queued_once(app, client, webhook_secret):
    body = fixture("ticket_started__basic.json")
    answers = [post(client, webhook_secret, "ticket_started", body) for _ in range(10)]
    assert [a.status_code for a in answers] == [202] * 10
    assert [a.get_json()["status"] for a in answers].count("accepted") == 1
    assert [a.get_json()["status"] for a in answers].count("duplicate") == 9
    assert len(inbox_rows(app)) == 1
    assert queued_messages(app) == 1


def test_fifty_concurrent_deliveries_of_one_event_queue_it_once(app, webhook_secret):
    body = fixture("ticket_started__basic.json")

    def deliver(_: int) -> int:
        return post(app.test_client(), webhook_secret, "ticket_started", body).status_code

    with ThreadPoolExecutor(max_workers=10) as pool:
        codes = list(pool.map(deliver, range(50)))
    assert codes == [202] * 50
    assert len(inbox_rows(app)) == 1
    assert queued_messages(app) == 1


def test_our_own_note_added_event_is_recorded_as_ignored_and_not_queued(app, client, webhook_secret):
    r = post(client, webhook_secret, "note_added", fixture("note_added__own_note.json"))
    assert r.status_code == 202
    assert r.get_json()["status"] == "ignored"
    [row] = inbox_rows(app)
    assert row.status == "ignored"
    assert queued_messages(app) == 0


def test_an_event_without_a_ticket_that_we_do_not_act_on_is_recorded_as_ignored(app, client, webhook_secret):
    r = post(client, webhook_secret, "customer_added", fixture("customer_added__no_ticket.json"))
    assert r.status_code == 202
    assert r.get_json()["status"] == "ignored"


def test_a_customer_reply_is_queued_once_per_message(app, client, webhook_secret):
    body = fixture("customer_replied__basic.json")
    assert post(client, webhook_secret, "customer_replied", body).get_json()["status"] == "accepted"
    assert post(client, webhook_secret, "customer_replied", body).get_json()["status"] == "duplicate"
    other = json.loads(body)
    other["id"] = "999000111"
    other["href"] = "https://api.groovehq.com/v1/messages/999000111"
    assert (
        post(client, webhook_secret, "customer_replied", json.dumps(other).encode()).get_json()["status"] == "accepted"
    )
    assert queued_messages(app) == 2


def test_the_webhook_is_committed_even_when_the_broker_is_unreachable(base_env, monkeypatch, webhook_secret):
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:1/0")  # nothing listens on port 1
    settings = load_settings()
    upgrade(settings.db_url)
    app = create_app(settings)
    app.extensions["celery"].conf.broker_connection_timeout = 0.5
    app.extensions["celery"].conf.broker_connection_max_retries = 0
    app.extensions["celery"].conf.broker_transport_options = {"max_retries": 0}
    r = post(app.test_client(), webhook_secret, "ticket_started", fixture("ticket_started__basic.json"))
    assert r.status_code == 202
    with session_scope(settings.db_url) as s:
        # committed and waiting: the sweeper re-enqueues it once the broker is back
        assert s.scalar(select(func.count()).select_from(InboxEvent).where(InboxEvent.status == "queued")) == 1
