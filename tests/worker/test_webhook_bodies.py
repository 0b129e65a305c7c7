"""What Groove sends is accepted: big replies (inline images), chunked bodies; hostile bodies are a 400 with
the reason, never a 500 (Groove retries a 500 forever) — on both inbound hooks.

Big bodies: accepted up to 25 MiB on the two hook routes (the UI keeps 1 MiB), read whole when
chunked, and an inbox row keeps only the fields the worker reads when the body is large. Beyond
25 MiB: 413 with the reason. Hostile bodies: numbers of thousands of digits, 200,000 nested brackets.
"""

from __future__ import annotations

import http.client
import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.procs import free_port, start_goodwill, stop, wait_for_port
from worker.app import create_app
from worker.config import load_settings
from worker.store.db import session_scope, upgrade
from worker.store.models import InboxEvent, UsageMonthRecord

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "groove"
FORM = "application/x-www-form-urlencoded"
MiB = 1024 * 1024
OVERRUN = {"customer_id": "100231", "month": "2026-10", "usage_gb": 401.2, "limit_gb": 200, "products": []}


@pytest.fixture(params=["sqlite", "postgresql"])
def app(request: pytest.FixtureRequest, base_env: dict[str, str], monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    if request.param == "postgresql":
        from tests.support import reset_schema

        url = request.getfixturevalue("postgres_url")
        reset_schema(url)
        monkeypatch.setenv("DATABASE_URL", url)
    settings = load_settings()
    upgrade(settings.db_url)
    return create_app(settings)


def rows(app) -> list[InboxEvent]:  # type: ignore[no-untyped-def]
    with session_scope(app.config["SETTINGS"].db_url) as s:
        return list(s.scalars(select(InboxEvent).order_by(InboxEvent.id)).all())


def usage_rows(app) -> list[UsageMonthRecord]:  # type: ignore[no-untyped-def]
    with session_scope(app.config["SETTINGS"].db_url) as s:
        return list(s.scalars(select(UsageMonthRecord)).all())


def big_reply(size: int, message_id: str = "4810291604") -> bytes:
    """A customer's reply with an inline image: Groove puts the image into the body as a data URL."""
    data = json.loads((FIXTURES / "customer_replied__basic.json").read_bytes())
    data["id"] = message_id
    data["href"] = f"http://api.groovehq.com/v1/messages/{message_id}"
    image = "iVBORw0KGgo" * (size // 11)
    data["body"] = f'<p>Anbei das Attest.</p><img src="data:image/png;base64,{image}">'
    return json.dumps(data).encode()


def post_hook(client, secret: str, body: bytes, event: str = "customer_replied"):  # type: ignore[no-untyped-def]
    return client.post(f"/webhooks/groove/{secret}", data=body, content_type=FORM, headers={"X-Groove-Event": event})


# -- 7: big bodies --------------------------------------------------------------------------------------
def test_a_customer_reply_of_three_megabytes_is_accepted_and_stored_without_the_whole_body(app, webhook_secret) -> None:  # type: ignore[no-untyped-def]
    body = big_reply(3 * MiB)
    r = post_hook(app.test_client(), webhook_secret, body)
    assert r.status_code == 202, r.get_data(as_text=True)[:300]
    assert r.get_json()["status"] == "accepted"
    [row] = rows(app)
    assert (row.event, row.ticket_number, row.message_id, row.status) == (
        "customer_replied",
        101,
        "4810291604",
        "queued",
    )
    assert len(row.payload) < 16 * 1024  # only what the worker and the UI read, never the 3 MB
    kept = json.loads(row.payload)
    assert kept["id"] == "4810291604" and kept["links"]["ticket"]["href"].endswith("/tickets/101")
    assert kept["app_ticket_url"] == "https://intumind.groovehq.com/groove_client/tickets/6865101"
    assert kept["truncated_bytes"] == len(body)
    assert "body" not in kept and "iVBOR" not in row.payload and "anna.beispiel" not in row.payload


def test_a_small_body_is_still_stored_as_it_came(app, webhook_secret) -> None:  # type: ignore[no-untyped-def]
    body = (FIXTURES / "customer_replied__basic.json").read_bytes()
    assert post_hook(app.test_client(), webhook_secret, body).status_code == 202
    assert rows(app)[0].payload == body.decode()


def test_the_same_big_reply_delivered_twice_is_stored_once(app, webhook_secret) -> None:  # type: ignore[no-untyped-def]
    client = app.test_client()
    body = big_reply(2 * MiB)
    assert [post_hook(client, webhook_secret, body).get_json()["status"] for _ in range(2)] == ["accepted", "duplicate"]
    assert len(rows(app)) == 1


def test_a_body_far_beyond_any_mail_is_refused_with_413_and_the_reason(app, webhook_secret) -> None:  # type: ignore[no-untyped-def]
    r = post_hook(app.test_client(), webhook_secret, big_reply(26 * MiB))
    assert r.status_code == 413
    assert r.get_json() == {"status": "rejected", "reason": "body larger than 26214400 bytes (25 MiB)"}
    assert rows(app) == []


def test_the_ui_and_the_usage_hook_keep_the_one_megabyte_limit(app, webhook_secret) -> None:  # type: ignore[no-untyped-def]
    client = app.test_client()
    assert client.post("/login", data={"email": "a" * (2 * MiB)}).status_code == 413
    r = client.post(f"/events/usage-overrun/{webhook_secret}", data=b" " * (2 * MiB) + json.dumps(OVERRUN).encode())
    assert r.status_code == 413 and r.get_json()["reason"] == "body larger than 1048576 bytes (1 MiB)"
    assert usage_rows(app) == []


@pytest.fixture
def web(base_env: dict[str, str], tmp_path: Path) -> Iterator[int]:
    """A real `goodwill web` (gunicorn): it is the server that turns a chunked body into a stream."""
    port = free_port()
    env = {**base_env, "SECRET_KEY": os.environ.get("SECRET_KEY", "a-session-key-for-this-test-0123456789")}
    proc = start_goodwill(["web", "--port", str(port), "--workers", "1"], env, tmp_path / "web.log")
    try:
        wait_for_port(port, timeout=60)
        yield port
    finally:
        stop(proc)


def chunked_post(port: int, path: str, body: bytes, event: str | None = None) -> tuple[int, dict]:  # type: ignore[type-arg]
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Content-Type": FORM, **({"X-Groove-Event": event} if event else {})}
    conn.request("POST", path, body=(body[i : i + 65536] for i in range(0, len(body), 65536)), headers=headers,
                 encode_chunked=True)  # fmt: skip
    r = conn.getresponse()
    answer = json.loads(r.read() or b"{}")
    conn.close()
    return r.status, answer


def test_a_chunked_reply_over_one_megabyte_is_read_whole_by_the_real_server(web: int, webhook_secret: str) -> None:
    body = big_reply(3 * MiB)
    status, answer = chunked_post(web, f"/webhooks/groove/{webhook_secret}", body, "customer_replied")
    assert (status, answer.get("status")) == (202, "accepted"), answer
    status, answer = chunked_post(
        web, f"/webhooks/groove/{webhook_secret}", big_reply(26 * MiB, "77"), "customer_replied"
    )
    assert status == 413 and "25 MiB" in answer["reason"], answer
    with session_scope(load_settings().db_url) as s:
        [row] = s.scalars(select(InboxEvent)).all()
        assert (row.ticket_number, row.message_id) == (101, "4810291604")
    status, answer = chunked_post(web, f"/events/usage-overrun/{webhook_secret}", json.dumps(OVERRUN).encode())
    assert (status, answer.get("status")) == (202, "accepted"), answer


# -- 9: hostile bodies ----------------------------------------------------------------------------------
DIGITS = "9" * 5000
NESTED = "[" * 200_000 + "]" * 200_000
GROOVE_BODIES = {
    "ticket number of 5,000 digits as a string": ("ticket_started", json.dumps({"number": DIGITS})),
    "ticket number of 5,000 digits as a number": ("ticket_started", '{"number": ' + DIGITS + "}"),
    "ticket_number of 5,000 digits": ("ticket_started", json.dumps({"ticket_number": DIGITS})),
    "ticket number of 400 digits": ("customer_replied", json.dumps({"ticket_number": "9" * 400, "id": "1"})),
    "ticket href with 5,000 digits": ("ticket_started", json.dumps({"href": f"https://api.groovehq.com/v1/tickets/{DIGITS}"})),
    "reply href with 5,000 digits": (
        "customer_replied",
        json.dumps({"id": "1", "links": {"ticket": {"href": f"https://api.groovehq.com/v1/tickets/{DIGITS}"}}}),
    ),
    "message id of 5,000 digits": (
        "customer_replied",
        json.dumps({"id": DIGITS, "links": {"ticket": {"href": "https://api.groovehq.com/v1/tickets/5"}}}),
    ),
    "200,000 nested brackets": ("ticket_started", NESTED),
    "200,000 nested brackets inside a ticket": ("ticket_started", '{"number": 5, "x": ' + NESTED + "}"),
    "200,000 nested objects": ("ticket_started", '{"a":' * 200_000 + "1" + "}" * 200_000),
    "200,000 nested brackets in an event we ignore": ("note_added", NESTED),
    "a 5,000-digit number in an event we ignore": ("customer_added", '{"id": ' + DIGITS + "}"),
}  # fmt: skip


@pytest.mark.parametrize("case", list(GROOVE_BODIES))
def test_a_hostile_groove_body_is_refused_with_400_and_the_reason(app, webhook_secret, case: str) -> None:  # type: ignore[no-untyped-def]
    event, body = GROOVE_BODIES[case]
    r = post_hook(app.test_client(), webhook_secret, body.encode(), event)
    assert r.status_code == 400, (r.status_code, r.get_data(as_text=True)[:300])
    answer = r.get_json()
    assert answer["status"] == "rejected" and len(answer["reason"]) > 5
    assert rows(app) == []


def test_an_event_we_ignore_with_a_5000_digit_ticket_number_is_recorded_without_one(app, webhook_secret) -> None:  # type: ignore[no-untyped-def]
    """Events we do not act on are recorded whenever the body is JSON; an unusable number is simply not theirs."""
    r = post_hook(
        app.test_client(), webhook_secret, json.dumps({"ticket_number": DIGITS}).encode(), "ticket_state_changed"
    )
    assert (r.status_code, r.get_json()["status"]) == (202, "ignored")
    [row] = rows(app)
    assert (row.status, row.ticket_number) == ("ignored", None)


USAGE_BODIES = {
    "usage_gb of 400 digits": '{"customer_id": "1", "month": "2026-10", "usage_gb": ' + "9" * 400 + ', "limit_gb": 200}',
    "usage_gb of 400 digits as a string": json.dumps({"customer_id": "1", "month": "2026-10", "usage_gb": "9" * 400, "limit_gb": 200}),
    "limit_gb of 400 digits": '{"customer_id": "1", "month": "2026-10", "usage_gb": 5, "limit_gb": ' + "9" * 400 + "}",
    "usage_gb of 5,000 digits": '{"customer_id": "1", "month": "2026-10", "usage_gb": ' + DIGITS + ', "limit_gb": 200}',
    "customer_id of 4,000 digits": '{"customer_id": ' + "9" * 4000 + ', "month": "2026-10", "usage_gb": 5, "limit_gb": 2}',
    "200,000 nested brackets": NESTED,
    "200,000 nested brackets in products": '{"customer_id": "1", "month": "2026-10", "usage_gb": 5, "limit_gb": 2, "products": ' + NESTED + "}",
}  # fmt: skip


@pytest.mark.parametrize("case", list(USAGE_BODIES))
def test_a_hostile_usage_report_is_refused_with_400_and_the_reason(app, webhook_secret, case: str) -> None:  # type: ignore[no-untyped-def]
    r = app.test_client().post(
        f"/events/usage-overrun/{webhook_secret}", data=USAGE_BODIES[case], content_type="application/json"
    )
    assert r.status_code == 400, (r.status_code, r.get_data(as_text=True)[:300])
    answer = r.get_json()
    assert answer["status"] == "rejected" and len(answer["reason"]) > 5
    assert rows(app) == [] and usage_rows(app) == []
