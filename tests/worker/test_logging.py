"""Structured JSON logs: one object per line, ticket and decision on every pipeline line, nothing secret."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest
import structlog

from tests.support import Sandbox, ticket_seed
from worker.bootstrap import build_runtime
from worker.config import load_settings
from worker.intake.inbox import store_event
from worker.ops.logs import Redactor, bind, clear, secret_values, setup_logging
from worker.store.db import upgrade
from worker.triage import process as pipeline

COACH_BODY = (
    "<p>Hallo,</p><p>mein Vater ist verstorben und ich konnte wochenlang nicht lernen. "
    "Könnt ihr meine Coach-Ausbildung verlängern, damit ich die Prüfung schaffe? "
    "Schreibt mir an jana.privat@example.net</p><p>Liebe Grüße, Jana</p>"
)


@pytest.fixture
def captured() -> Iterator[io.StringIO]:
    """Logging set up as in production, written to a buffer; the previous set-up is restored afterwards."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    buf = io.StringIO()
    yield buf
    clear()
    root.handlers[:] = handlers
    root.setLevel(level)
    structlog.reset_defaults()


def lines(buf: io.StringIO) -> list[dict]:  # type: ignore[type-arg]
    return [json.loads(line) for line in buf.getvalue().splitlines() if line.strip()]


def test_the_redactor_masks_secrets_emails_url_passwords_and_secret_paths() -> None:
    r = Redactor(["tok-1234567890", "short"])
    assert r.text("Bearer tok-1234567890 for eva.m@example.org") == "Bearer [secret] for [email]"
    assert r.text("postgresql+psycopg://gw:pw-s3cret@db:5432/gw") == "postgresql+psycopg://gw:[secret]@db:5432/gw"
    assert r.text("POST /webhooks/groove/abcDEF123 200") == "POST /webhooks/groove/[redacted] 200"
    assert r.text("GET /decisions/7/act/eyJkIjo3fQ.xyz") == "GET /decisions/7/act/[redacted]"
    assert r.text("a short word stays") == "a short word stays"  # "short" is too short to be treated as a secret
    assert r.value({"x": ["kim@example.de", {"y": "tok-1234567890"}], "n": 3}) == {
        "x": ["[email]", {"y": "[secret]"}],
        "n": 3,
    }


def test_secret_values_come_from_the_environment_including_url_passwords() -> None:
    env = {
        "GROOVE_API_TOKEN": "g-token",
        "AC_API_TOKEN": "a-token",
        "GROOVE_WEBHOOK_SECRET": "w" * 32,
        "DATABASE_URL": "postgresql://u:db-pass@h/db",
        "REDIS_URL": "redis://:redis-pass@h:6379/0",
    }
    assert set(secret_values(env)) == {"g-token", "a-token", "w" * 32, "db-pass", "redis-pass"}


def test_a_log_line_is_one_json_object_with_context_and_no_secret(
    base_env: dict[str, str], captured: io.StringIO
) -> None:
    setup_logging("worker", stream=captured, level="INFO")
    bind(ticket=77, decision_id=5)
    log = logging.getLogger("goodwill.test")
    log.info("note posted for %s", "eva@example.org", extra={"token": base_env["GROOVE_API_TOKEN"]})
    try:
        raise RuntimeError(f"AC said no to {base_env['AC_API_TOKEN']} and ben@example.org")
    except RuntimeError:
        log.exception("write failed")
    structlog.get_logger("goodwill.native").warning("native line", who="ann@example.com")
    first, second, third = lines(captured)
    assert first["event"] == "note posted for [email]" and first["token"] == "[secret]"
    assert (first["ticket"], first["decision_id"], first["component"], first["level"], first["logger"]) == (
        77,
        5,
        "worker",
        "info",
        "goodwill.test",
    )
    assert "timestamp" in first
    assert "RuntimeError" in second["exception"] and "[secret]" in second["exception"]
    assert third["who"] == "[email]" and third["ticket"] == 77
    text = captured.getvalue()
    for leaked in (base_env["AC_API_TOKEN"], base_env["GROOVE_API_TOKEN"], "@example.org", "@example.com"):
        assert leaked not in text


def test_none_unbinds_a_field(captured: io.StringIO) -> None:
    setup_logging("worker", stream=captured, level="INFO")
    bind(ticket=1, decision_id=9)
    bind(ticket=2, decision_id=None)
    logging.getLogger("x").info("hi")
    (line,) = lines(captured)
    assert line["ticket"] == 2 and "decision_id" not in line


def test_gunicorns_access_line_becomes_fields_without_the_query_string(captured: io.StringIO) -> None:
    setup_logging("web", stream=captured, level="INFO")
    atoms = {
        "h": "127.0.0.1",
        "m": "GET",
        "U": "/decisions",
        "q": "ticket=1&mail=eva@example.org",
        "s": "200",
        "D": 12500,
        "r": "GET /decisions?ticket=1&mail=eva@example.org HTTP/1.1",
    }
    logging.getLogger("gunicorn.access").info('%(h)s "%(r)s" %(s)s', atoms)
    (line,) = lines(captured)
    assert (line["event"], line["method"], line["path"], line["status"], line["duration_ms"]) == (
        "http request",
        "GET",
        "/decisions",
        "200",
        12.5,
    )
    assert "eva@" not in captured.getvalue()


def test_every_pipeline_line_names_the_ticket_and_once_decided_the_decision(
    base_env: dict[str, str], monkeypatch: pytest.MonkeyPatch, captured: io.StringIO
) -> None:
    with Sandbox() as sandbox:
        monkeypatch.setenv("GROOVE_API_URL", f"{sandbox.url}/groove/v1")
        monkeypatch.setenv("AC_API_URL", f"{sandbox.url}/ac/api/3")
        settings = load_settings()
        upgrade(settings.db_url)
        rt = build_runtime(settings)
        sandbox.seed(
            ticket_seed(
                601,
                "jana@example.org",
                "Verlängerung",
                COACH_BODY,
                fields={
                    "COACH_ROUND_START": "2025-06-01",
                    "COACH_END_DATE": "2026-12-31",
                    "PRO_END_DATE": "2027-02-28",
                },
                tags=["memb_intueat_coach"],
            )
        )
        inbox_id = store_event(
            settings.db_url, event="ticket_started", ticket_number=601, message_id=None, raw=b'{"number": 601}'
        ).inbox_id
        setup_logging("worker", stream=captured, level="DEBUG")
        assert pipeline.process(rt, inbox_id) == "done"
    run = [line for line in lines(captured) if line["logger"].startswith(("goodwill", "integrations"))]
    assert len(run) >= 5  # the vendor calls, at least: ticket, messages, contact, note, AC writes
    assert all(line.get("ticket") == 601 and line.get("inbox_id") == inbox_id for line in run)
    decided = [line for line in run if "decision_id" in line]
    assert decided and any("POST" in line["event"] for line in decided)  # the note and the AC writes
    text = captured.getvalue()
    for leaked in (
        "jana@example.org",
        "jana.privat@example.net",
        base_env["GROOVE_API_TOKEN"],
        base_env["AC_API_TOKEN"],
        base_env["GROOVE_WEBHOOK_SECRET"],
    ):
        assert leaked not in text
