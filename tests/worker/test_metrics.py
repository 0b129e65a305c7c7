"""Prometheus metrics: vendor call counters, database gauges, and multiprocess mode across processes."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from prometheus_client import REGISTRY

from tests.conftest import ROOT
from tests.ui.kit import seed_decision
from worker.app import create_app
from worker.config import load_settings
from worker.ops import metrics
from worker.ops.metrics_env import prepare_multiproc_dir
from worker.store.db import session_scope, upgrade
from worker.store.models import FailedJob, InboxEvent


def sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_vendor_calls_are_counted_by_route_and_status_with_errors_and_429s_per_vendor() -> None:
    before = {
        k: sample("goodwill_upstream_errors_total", vendor="ac", kind=k)
        for k in ("rate_limited", "connection", "server")
    }
    ok_before = sample("goodwill_upstream_calls_total", vendor="ac", method="GET", route="/contacts", status="200")
    limited_before = sample("goodwill_upstream_rate_limited_total", vendor="ac")
    metrics.record_upstream("ac", "GET", "/contacts", 200)
    metrics.record_upstream("ac", "GET", "/contacts", 429)
    metrics.record_upstream("ac", "POST", "/contactTags", 0)
    metrics.record_upstream("ac", "GET", "/contacts", 502)
    assert (
        sample("goodwill_upstream_calls_total", vendor="ac", method="GET", route="/contacts", status="200")
        == ok_before + 1
    )
    assert sample("goodwill_upstream_errors_total", vendor="ac", kind="rate_limited") == before["rate_limited"] + 1
    assert sample("goodwill_upstream_errors_total", vendor="ac", kind="connection") == before["connection"] + 1
    assert sample("goodwill_upstream_errors_total", vendor="ac", kind="server") == before["server"] + 1
    assert sample("goodwill_upstream_rate_limited_total", vendor="ac") == limited_before + 1


def test_with_a_metrics_token_the_endpoint_wants_it_as_a_bearer_token(base_env, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("GOODWILL_METRICS_TOKEN", "scrape-token-0123456789")
    settings = load_settings()
    upgrade(settings.db_url)
    client = create_app(settings).test_client()
    refused = client.get("/metrics")
    assert refused.status_code == 401 and refused.headers["WWW-Authenticate"].startswith("Bearer")
    assert "goodwill_" not in refused.get_data(as_text=True)
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong-token"}).status_code == 401
    assert client.get("/metrics", headers={"Authorization": "Basic scrape-token-0123456789"}).status_code == 401
    ok = client.get("/metrics", headers={"Authorization": "Bearer scrape-token-0123456789"})
    assert ok.status_code == 200 and "goodwill_queue_depth" in ok.get_data(as_text=True)
    assert client.get("/healthz").status_code == 200  # health checks stay open


def test_without_a_metrics_token_the_endpoint_is_open(base_env) -> None:  # type: ignore[no-untyped-def]
    settings = load_settings()
    upgrade(settings.db_url)
    assert create_app(settings).test_client().get("/metrics").status_code == 200


def test_the_graphql_operation_name_does_not_become_a_label() -> None:
    metrics.record_upstream("groove", "POST", "/v2/graphql AddTags", 200)
    assert (
        sample("goodwill_upstream_calls_total", vendor="groove", method="POST", route="/v2/graphql", status="200") >= 1
    )


def test_the_metrics_endpoint_reads_queue_failures_decisions_and_open_reviews_from_the_database(base_env) -> None:  # type: ignore[no-untyped-def]
    settings = load_settings()
    upgrade(settings.db_url)
    with session_scope(settings.db_url) as s:
        s.add(
            InboxEvent(
                dedup_key="a",
                event="ticket_started",
                ticket_number=1,
                payload="{}",
                status="queued",
                received_at=datetime.now(UTC) - timedelta(seconds=90),
            )
        )
        failed = InboxEvent(dedup_key="b", event="ticket_started", ticket_number=2, payload="{}", status="failed")
        s.add(failed)
        s.flush()
        s.add(FailedJob(task_name="worker.tasks.process_event", inbox_event_id=failed.id, error="x"))
    seed_decision(settings.db_url, 3, request_type="program_return", outcome="escalate", escalate_to="ofd")
    text = create_app(settings).test_client().get("/metrics").get_data(as_text=True)
    assert "goodwill_queue_waiting 1.0" in text and "goodwill_queue_depth 1.0" in text
    age = float(text.split("\ngoodwill_queue_oldest_age_seconds ")[1].split()[0])
    assert 85 <= age <= 120
    assert "goodwill_failed_jobs 1.0" in text
    assert 'goodwill_inbox_events{status="failed"} 1.0' in text
    assert 'goodwill_decisions{outcome="escalate",request_type="program_return"} 1.0' in text
    assert "goodwill_ofd_open 1.0" in text


COUNT_ONE = """
import sys
from worker.ops import metrics
metrics.WEBHOOKS.labels(result="accepted").inc()
metrics.record_upstream("groove", "GET", "/tickets/{number}", 200)
"""
RENDER = """
from worker.ops import metrics
from worker.config import DatabaseSettings
import sys
sys.stdout.write(metrics.render(DatabaseSettings())[0].decode())
"""


def test_counters_of_separate_processes_add_up_in_multiprocess_mode(base_env, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    settings = load_settings()
    upgrade(settings.db_url)
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "prom")}
    (tmp_path / "prom").mkdir()
    for _ in range(2):
        subprocess.run([sys.executable, "-c", COUNT_ONE], env=env, cwd=ROOT, check=True, timeout=60)
    out = subprocess.run(
        [sys.executable, "-c", RENDER], env=env, cwd=ROOT, check=True, timeout=60, capture_output=True, text=True
    ).stdout
    assert 'goodwill_webhooks_total{result="accepted"} 2.0' in out
    assert (
        'goodwill_upstream_calls_total{method="GET",route="/tickets/{number}",status="200",vendor="groove"} 2.0' in out
    )
    assert "goodwill_queue_depth 0.0" in out


def test_the_multiprocess_directory_is_set_and_only_dead_processes_files_are_removed(
    tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("PROMETHEUS_MULTIPROC_DIR", raising=False)
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    folder = tmp_path / "prometheus"
    folder.mkdir()
    (folder / f"counter_{gone.pid}.db").write_bytes(b"x")
    (folder / f"counter_{os.getpid()}.db").write_bytes(b"x")
    try:
        path = prepare_multiproc_dir(tmp_path)
        assert os.environ["PROMETHEUS_MULTIPROC_DIR"] == str(folder.resolve())
    finally:
        os.environ.pop("PROMETHEUS_MULTIPROC_DIR", None)  # set by the code under test, not by monkeypatch
    assert path == folder
    assert sorted(p.name for p in folder.iterdir()) == [f"counter_{os.getpid()}.db"]
