"""A vendor's error text quotes the customer's e-mail (`…/contacts?email=anna%40example.org`): it is
redacted wherever an error text is stored or shown — failed-job rows, the inbox's last_error, the
queue page, `goodwill status` and the log — by the one redaction in worker/ops/redact.py.

The errors are real: the ActiveCampaign client asks a closed port for each contact.
"""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest
import structlog
from sqlalchemy import select

from integrations.errors import ApiConnectionError
from tests.ui.kit import login, make_users
from worker.app import create_app
from worker.bootstrap import build_runtime
from worker.config import load_settings
from worker.jobs.celery_app import PROCESS_TASK
from worker.ops.logs import Redactor, clear, setup_logging
from worker.ops.replay import print_status
from worker.store import failures
from worker.store.db import session_scope, upgrade
from worker.store.models import FailedJob, InboxEvent

# As written, and how each appears in the request URL a connection error quotes.
ADDRESSES = {
    "anna@example.org": "anna%40example.org",
    "jürgen@müller.de": "j%C3%BCrgen%40m%C3%BCller.de",
    "user@localhost": "user%40localhost",
}
PIECES = (
    "anna@",
    "anna%40",
    "example.org",
    "jürgen",
    "müller",
    "j%C3%BCrgen",
    "m%C3%BCller",
    "user@",
    "user%40",
    "%40",
)


def leaks(text: str) -> list[str]:
    return [p for p in (*ADDRESSES, *ADDRESSES.values(), *PIECES) if p in text]


@pytest.fixture
def captured() -> Iterator[io.StringIO]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    buf = io.StringIO()
    yield buf
    clear()
    root.handlers[:] = handlers
    root.setLevel(level)
    structlog.reset_defaults()


def connection_error(email: str) -> ApiConnectionError:
    rt = build_runtime(load_settings())  # AC_API_URL points at 127.0.0.1:9: nothing listens there
    with pytest.raises(ApiConnectionError) as caught:
        rt.crm.get_contact(email)
    return caught.value


def inbox_row(db_url: str, number: int) -> int:
    with session_scope(db_url) as s:
        row = InboxEvent(
            dedup_key=f"groove:ticket_started:{number}", event="ticket_started", ticket_number=number, payload="{}"
        )
        s.add(row)
        s.flush()
        return row.id


@pytest.mark.parametrize("email", list(ADDRESSES))
def test_the_redaction_masks_encoded_non_ascii_and_dotless_addresses(email: str) -> None:
    quoted = ADDRESSES[email]
    text = f"GET /contacts?email={quoted}&include=fieldValues (for {email})"
    assert Redactor().text(text) == "GET /contacts?email=[email]&include=fieldValues (for [email])"


def test_the_redaction_leaves_hosts_paths_and_ordinary_words_alone() -> None:
    text = "HTTPConnectionPool(host='127.0.0.1', port=9): /ac/api/3/contacts?include=fieldValues%2CcontactTags"
    assert Redactor().text(text) == text
    assert Redactor().text("postgresql://postgres@127.0.0.1:5432/test") == "postgresql://postgres@127.0.0.1:5432/test"


@pytest.mark.parametrize("email", list(ADDRESSES))
def test_a_connection_errors_customer_email_reaches_no_failed_job_row_inbox_row_or_log_line(
    base_env: dict[str, str], captured: io.StringIO, email: str
) -> None:
    settings = load_settings()
    upgrade(settings.db_url)
    error = connection_error(email)
    assert ADDRESSES[email] in str(error)  # the vendor's error does quote it
    setup_logging("worker", stream=captured, level="INFO")
    retried, failed = inbox_row(settings.db_url, 41), inbox_row(settings.db_url, 42)
    failures.note_retry(settings.db_url, retried, error)
    failures.fail(settings.db_url, failed, error, PROCESS_TASK, [failed])
    failures.record_failure(settings.db_url, "goodwill.review_decision", f"decision 1 (apply by Anna): {error}")
    with session_scope(settings.db_url) as s:
        texts = [
            *s.scalars(select(InboxEvent.last_error).where(InboxEvent.id.in_([retried, failed]))),
            *s.scalars(select(FailedJob.error)),
        ]
    assert len(texts) == 4 and all("ApiConnectionError" in t or "decision 1" in t for t in texts)
    assert all("[email]" in t for t in texts), texts
    assert [leaks(t) for t in texts] == [[], [], [], []], texts
    logged = captured.getvalue()
    assert "event failed for good" in logged and "[email]" in logged
    assert leaks(logged) == [], logged


def test_the_queue_page_and_goodwill_status_show_old_error_texts_without_customer_emails(
    base_env: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    """Rows written before the redaction still hold the addresses: they are redacted when shown, too."""
    settings = load_settings()
    upgrade(settings.db_url)
    make_users(settings.db_url)
    raw = "ApiConnectionError: ac: GET /contacts: " + " ".join(
        f"url: /ac/api/3/contacts?email={quoted} ({email})" for email, quoted in ADDRESSES.items()
    )
    with session_scope(settings.db_url) as s:
        waiting = InboxEvent(
            dedup_key="w", event="ticket_started", ticket_number=77, payload="{}", status="queued", last_error=raw
        )
        dead = InboxEvent(
            dedup_key="d", event="ticket_started", ticket_number=78, payload="{}", status="failed", last_error=raw
        )
        s.add_all([waiting, dead])
        s.flush()
        s.add(FailedJob(task_name=PROCESS_TASK, inbox_event_id=dead.id, error=raw, task_args=[dead.id]))
    client = create_app(settings).test_client()
    login(client, "agent")
    html = client.get("/queue").get_data(as_text=True)
    assert "ApiConnectionError" in html and html.count("[email]") >= 2 * 2 * len(ADDRESSES)
    assert leaks(html) == []
    out = io.StringIO()
    print_status(out, as_json=True)
    [job] = json.loads(out.getvalue())["failures"]
    assert "[email]" in job["error"] and leaks(job["error"]) == []
    out = io.StringIO()
    print_status(out)
    assert "[email]" in out.getvalue() and leaks(out.getvalue()) == []
