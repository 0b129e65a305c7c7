"""Prometheus metrics.

Process-local counters (webhooks, upstream calls, task durations, retries) use prometheus_client's
multiprocess mode when PROMETHEUS_MULTIPROC_DIR is set — `goodwill web` and `goodwill worker` set it
(worker/ops/metrics_env.py), so the web's /metrics shows the worker's counters too on one machine.
Where the worker runs on another machine (docker compose), `goodwill worker --metrics-port P`
serves its own counters.
Queue and decision figures are read from the database at scrape time, so every web process
reports the same numbers whatever process did the work.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

if TYPE_CHECKING:
    from worker.config import DatabaseSettings

WEBHOOKS = Counter(
    "goodwill_webhooks_total",
    "Webhooks received, by result (accepted, duplicate, ignored, rejected, unauthorized)",
    ["result"],
)
UPSTREAM_CALLS = Counter(
    "goodwill_upstream_calls_total",
    "Calls to Groove / ActiveCampaign, by route and status (status 0: no answer)",
    ["vendor", "method", "route", "status"],
)
UPSTREAM_ERRORS = Counter(
    "goodwill_upstream_errors_total",
    "Failed calls to a vendor, by kind (connection, rate_limited, server, client)",
    ["vendor", "kind"],
)
UPSTREAM_RATE_LIMITED = Counter("goodwill_upstream_rate_limited_total", "429/503 answers", ["vendor"])
TASK_RETRIES = Counter("goodwill_task_retries_total", "Task retries scheduled", ["reason"])
TASK_DURATION = Histogram(
    "goodwill_task_duration_seconds", "process_event duration", buckets=(0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120)
)
TASKS = Counter(
    "goodwill_celery_tasks_total",
    "Celery tasks run, by task and final state (SUCCESS, RETRY, FAILURE)",
    ["task", "state"],
)
LOGINS = Counter(
    "goodwill_ui_logins_total",
    "Web UI login attempts, by result (ok, refused, locked: refused unchecked while throttled)",
    ["result"],
)
REVIEWS = Counter("goodwill_reviews_requested_total", "Approvals / rejections sent to the review task", ["verb", "via"])
REPLAYS = Counter("goodwill_replays_total", "Failed or stuck events put back on the queue", ["via"])


def error_kind(status: int) -> str | None:
    if status == 0:
        return "connection"
    if status in (429, 503):
        return "rate_limited"
    if status >= 500:
        return "server"
    if status >= 400:
        return "client"
    return None


def record_upstream(vendor: str, method: str, route: str, status: int | str) -> None:
    """The integrations' `on_request` hook: one call to a vendor and how it ended."""
    code = int(status) if str(status).isdigit() else 0
    UPSTREAM_CALLS.labels(vendor=vendor, method=method, route=route.split(" ")[0][:80], status=str(code)).inc()
    kind = error_kind(code)
    if kind:
        UPSTREAM_ERRORS.labels(vendor=vendor, kind=kind).inc()
    if code in (429, 503):
        UPSTREAM_RATE_LIMITED.labels(vendor=vendor).inc()


def _task_finished(task: Any = None, state: str | None = None, **_kwargs: Any) -> None:
    name = getattr(task, "name", None) or "unknown"
    TASKS.labels(task=name.rsplit(".", 1)[-1], state=state or "UNKNOWN").inc()


def install_celery_task_metrics() -> None:
    """Count every task's end state (connected in the worker process by `goodwill worker`)."""
    from celery import signals

    signals.task_postrun.connect(_task_finished, weak=False)


class DatabaseCollector(Collector):
    def __init__(self, db_url: str) -> None:
        self.db_url = db_url

    def collect(self) -> Any:
        from worker.ops.status import queue_status  # late: keeps this module importable without a DB

        st = queue_status(self.db_url)
        yield GaugeMetricFamily(
            "goodwill_queue_depth", "Inbox events waiting or in flight", value=st.waiting + st.in_flight
        )
        yield GaugeMetricFamily("goodwill_queue_waiting", "Inbox events waiting for a worker", value=st.waiting)
        yield GaugeMetricFamily("goodwill_queue_in_flight", "Inbox events being processed", value=st.in_flight)
        age = 0.0
        if st.oldest_waiting_at is not None:
            age = max(0.0, (datetime.now(UTC) - st.oldest_waiting_at).total_seconds())
        yield GaugeMetricFamily("goodwill_queue_oldest_age_seconds", "Age of the oldest waiting event", value=age)
        yield GaugeMetricFamily("goodwill_failed_jobs", "Failed jobs not replayed", value=st.failed)
        inbox = GaugeMetricFamily("goodwill_inbox_events", "Inbox events by status", labels=["status"])
        for status, n in (
            ("waiting", st.waiting),
            ("processing", st.in_flight),
            ("done", st.done),
            ("ignored", st.ignored),
            ("failed", st.failed_events),
        ):
            inbox.add_metric([status], n)
        yield inbox
        g = GaugeMetricFamily(
            "goodwill_decisions", "Decisions recorded, by type and outcome", labels=["request_type", "outcome"]
        )
        for (rt, outcome), n in sorted(st.decisions.items()):
            g.add_metric([rt, outcome], n)
        yield g
        yield GaugeMetricFamily(
            "goodwill_ofd_open", "Escalated cases and approvals waiting for a person", value=st.open_reviews
        )


def _process_registry() -> CollectorRegistry:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        # prometheus_client ships py.typed but leaves MultiProcessCollector.__init__ unannotated.
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return registry
    from prometheus_client import REGISTRY

    return REGISTRY


def render(settings: DatabaseSettings) -> tuple[bytes, str]:
    out = generate_latest(_process_registry())
    db_registry = CollectorRegistry()
    db_registry.register(DatabaseCollector(settings.db_url))
    return out + generate_latest(db_registry), CONTENT_TYPE_LATEST


def start_worker_metrics_server(port: int, addr: str = "0.0.0.0") -> None:
    """The worker's own /metrics (process counters only: the web serves the database figures)."""
    from prometheus_client import start_http_server

    start_http_server(port, addr=addr, registry=_process_registry())
