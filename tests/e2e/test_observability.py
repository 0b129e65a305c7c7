"""Observability of a real end-to-end run (sandbox + `goodwill web` + `goodwill worker` processes).

/metrics scraped before and after shows the counters moving — the worker's counters too, through
Prometheus' multiprocess directory — and the worker's own --metrics-port serves its counters.
The web and worker logs of the run are JSON lines that never hold the webhook secret, an API
token, a password or a customer's e-mail address.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import select

from tests.conftest import free_port, wait_for_port
from tests.support import ticket_seed, wait_until
from tests.ui.kit import csrf_from
from tests.ui.stack import AC_TOKEN, GROOVE_TOKEN, Stack
from worker.store.db import session_scope
from worker.store.models import FailedJob
from worker.web.ui.labels import TEAM_TZ

CUSTOMERS = {7101: "eva.observe@example.org", 7102: "jana.observe@example.net", 7103: "ghost.observe@example.com"}
PRIVATE_ADDRESS = "jana.privat@example.net"  # written in a ticket body
STAFF = ("olaf.ops@team.example", "Olaf Ops", "ops-passwort-0815")
RETURN_BODY = "<p>Ich möchte das Programm zurückgeben, es passt nicht zu mir. Bitte Geld zurück.</p>"
COACH_BODY = (
    "<p>Mein Vater ist verstorben und ich konnte wochenlang nicht lernen. Könnt ihr meine "
    f"Coach-Ausbildung verlängern? Antwort gern an {PRIVATE_ADDRESS}</p>"
)

Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


def parse(text: str) -> Samples:
    out: Samples = {}
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            out[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return out


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def total(samples: Samples, name: str, **labels: str) -> float:
    """Sum over every label set that contains `labels`."""
    return sum(v for (n, ls), v in samples.items() if n == name and set(labels.items()) <= set(ls))


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    secret = secrets.token_urlsafe(32)
    worker_port = free_port()
    today = datetime.now(TEAM_TZ).date()
    created = f"{today.isoformat()}T07:00:00Z"
    out: dict[str, Any] = {"secret": secret}
    with Stack(
        tmp_path_factory.mktemp("observe"),
        secret,
        worker_args=["--loglevel", "DEBUG", "--metrics-port", str(worker_port), "--metrics-host", "127.0.0.1"],
    ) as st:
        assert (
            st.goodwill(
                ["user", "add", STAFF[0], "--name", STAFF[1], "--role", "admin", "--password-stdin"], STAFF[2] + "\n"
            ).returncode
            == 0
        )
        out["before"] = parse(st.metrics())
        st.sandbox.seed(
            ticket_seed(
                7101,
                CUSTOMERS[7101],
                "Rückgabe",
                RETURN_BODY,
                created_at=created,
                fields={"PROGRAM_PURCHASE_DATE": (today - timedelta(days=5)).isoformat()},
            )
        )
        st.sandbox.seed(
            ticket_seed(
                7102,
                CUSTOMERS[7102],
                "Verlängerung",
                COACH_BODY,
                created_at=created,
                fields={
                    "COACH_ROUND_START": "2025-06-01",
                    "COACH_END_DATE": "2026-12-31",
                    "PRO_END_DATE": "2027-02-28",
                },
                tags=["memb_intueat_coach"],
            )
        )
        for number, email in CUSTOMERS.items():  # 7103 is unknown to Groove: it must end as a failed job
            assert st.ticket_started(number, email, "Anfrage").status_code == 202
        assert st.ticket_started(7101, CUSTOMERS[7101], "Rückgabe").json()["status"] == "duplicate"
        assert st.webhook("ticket_started", {"number": 7101}, secret="x" * 40).status_code == 404
        assert (
            requests.post(
                f"{st.url}/webhooks/groove/{secret}",
                data=b"{not json",
                timeout=10,
                headers={"X-Groove-Event": "ticket_started"},
            ).status_code
            == 400
        )
        assert st.agent_replied(7101, "reply-1").json()["status"] == "ignored"
        st.decision(7101)
        st.decision(7102)
        with session_scope(st.db_url) as s:
            wait_until(lambda: s.scalars(select(FailedJob)).first(), timeout=60, what="failed job for 7103")
        # the UI: a refused and a good login, a filtered page with a customer's address in the query
        ui = requests.Session()
        token = csrf_from(ui.get(f"{st.url}/login", timeout=10).text)
        assert (
            ui.post(
                f"{st.url}/login",
                data={"email": STAFF[0], "password": "falsch-falsch-1", "csrf_token": token},
                timeout=10,
            ).status_code
            == 401
        )
        assert (
            ui.post(
                f"{st.url}/login", data={"email": STAFF[0], "password": STAFF[2], "csrf_token": token}, timeout=10
            ).status_code
            == 200
        )  # followed the redirect to the queue
        assert (
            ui.get(f"{st.url}/decisions", params={"ticket": "7101", "q": CUSTOMERS[7101]}, timeout=10).status_code
            == 200
        )
        wait_until(
            lambda: total(parse(st.metrics()), "goodwill_celery_tasks_total") >= 3,
            timeout=30,
            what="the worker's task counters",
        )
        out["after"] = parse(st.metrics())
        wait_for_port(worker_port, timeout=5)
        out["worker"] = parse(requests.get(f"http://127.0.0.1:{worker_port}/metrics", timeout=10).text)
        out["logs"] = st.logs
    yield out


def test_webhook_counters_move_with_what_was_sent(run: dict[str, Any]) -> None:
    before, after = run["before"], run["after"]
    assert value(before, "goodwill_webhooks_total", result="accepted") == 0
    assert value(after, "goodwill_webhooks_total", result="accepted") == 3
    assert value(after, "goodwill_webhooks_total", result="duplicate") == 1
    assert value(after, "goodwill_webhooks_total", result="unauthorized") == 1
    assert value(after, "goodwill_webhooks_total", result="rejected") == 1
    assert value(after, "goodwill_webhooks_total", result="ignored") == 1


def test_the_workers_counters_show_up_in_the_webs_metrics(run: dict[str, Any]) -> None:
    before, after = run["before"], run["after"]
    # Before the first ticket: only the worker's start: its mailbox check (GET /v1/mailboxes, once) and
    # warm-up (the AC tag and field maps), if any yet.
    assert total(before, "goodwill_upstream_calls_total", vendor="groove") <= 1
    assert {dict(ls)["route"] for (n, ls), v in before.items() if n == "goodwill_upstream_calls_total" and v} <= {
        "/tags",
        "/fields",
        "/mailboxes",
    }
    assert total(after, "goodwill_upstream_calls_total", vendor="groove") >= 5
    assert total(after, "goodwill_upstream_calls_total", vendor="ac") >= 2
    assert value(after, "goodwill_upstream_errors_total", vendor="groove", kind="client") >= 1  # the unknown ticket
    assert value(after, "goodwill_task_duration_seconds_count") >= 3
    assert value(after, "goodwill_celery_tasks_total", task="process_event", state="SUCCESS") >= 3
    assert value(after, "goodwill_failed_jobs") == 1
    assert value(after, "goodwill_decisions", request_type="program_return", outcome="approve") == 1
    assert value(after, "goodwill_queue_depth") == 0
    assert value(after, "goodwill_ui_logins_total", result="ok") == 1
    assert value(after, "goodwill_ui_logins_total", result="refused") == 1


def test_the_workers_own_metrics_port_serves_its_process_counters(run: dict[str, Any]) -> None:
    worker = run["worker"]
    assert total(worker, "goodwill_upstream_calls_total", vendor="groove") >= 5
    assert value(worker, "goodwill_celery_tasks_total", task="process_event", state="SUCCESS") >= 3
    assert value(worker, "goodwill_queue_depth") == 0 and not any(n == "goodwill_queue_depth" for n, _ in worker)


def test_the_logs_of_the_run_hold_no_secret_token_password_or_customer_email(run: dict[str, Any]) -> None:
    logs: dict[str, Path] = run["logs"]
    text = "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in logs.values())
    assert len(text) > 2000  # a real run's logs, not an empty file
    forbidden = [run["secret"], GROOVE_TOKEN, AC_TOKEN, STAFF[2], PRIVATE_ADDRESS, *CUSTOMERS.values()]
    leaks = [f for f in forbidden if f in text]
    assert leaks == []
    assert "/webhooks/groove/[redacted]" in logs["web"].read_text()  # the access log is there, redacted


def test_log_lines_are_json_and_the_pipelines_lines_name_ticket_and_decision(run: dict[str, Any]) -> None:
    records = []
    for path in run["logs"].values():
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith("{"):
                records.append(json.loads(line))
    assert {r["component"] for r in records} == {"web", "worker"}
    succeeded = [r for r in records if r["logger"] == "celery.app.trace" and "succeeded" in r["event"]]
    assert {r.get("ticket") for r in succeeded} >= {7101, 7102, 7103}
    assert all("decision_id" in r for r in succeeded if r.get("ticket") in (7101, 7102))
    start_up = ("ac_warm_up", "mailbox_check")  # the worker's own calls at start, for no ticket
    vendor_calls = [r for r in records if r["logger"] == "integrations.http" and r.get("task") not in start_up]
    assert vendor_calls and all(r.get("ticket") in CUSTOMERS for r in vendor_calls)
    checked = [r for r in records if r.get("task") == "mailbox_check" and r["logger"] == "integrations.http"]
    assert [r["event"].split(" → ")[0] for r in checked] == ["groove GET /mailboxes"]
    warm_up = [r for r in records if r.get("task") == "ac_warm_up"]
    assert warm_up and {r["event"].split(" → ")[0] for r in warm_up} <= {"ac GET /tags", "ac GET /fields"}
    failed = [r for r in records if r["event"] == "event failed for good"]
    assert [r["ticket"] for r in failed] == [7103]
    access = [r for r in records if r["logger"] == "gunicorn.access"]
    assert access and all(r["event"] == "http request" and r["status"] for r in access)
