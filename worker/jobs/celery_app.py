"""The one Celery app, configured for at-least-once delivery (docs/ARCHITECTURE.md "Reliability settings").

Redis when REDIS_URL is set; otherwise kombu's SQLAlchemy transport on a SQLite file (embedded
broker: no server to install). The inbox sweeper covers what a broker can lose either way.
"""

from __future__ import annotations

from celery import Celery

from worker.config import Settings

PROCESS_TASK = "worker.tasks.process_event"
SWEEP_TASK = "worker.tasks.sweep_inbox"
REVIEW_TASK = "worker.tasks.review_decision"

# Task time limits; the visibility timeout must exceed them and the longest retry countdown.
SOFT_TIME_LIMIT = 90
TIME_LIMIT = 120
RETRY_BACKOFF_MAX = 120
VISIBILITY_TIMEOUT = 900


def make_celery(settings: Settings) -> Celery:
    app = Celery("goodwill", broker=settings.broker_url, include=["worker.jobs.tasks"])
    transport_options: dict[str, object] = {}
    if not settings.embedded_broker:
        transport_options = {
            "visibility_timeout": VISIBILITY_TIMEOUT,
            "unacked_restore_interval": 10,
            "unacked_restore_throttle": 1,
        }
    app.conf.update(
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        task_acks_on_failure_or_timeout=True,
        worker_prefetch_multiplier=1,
        task_soft_time_limit=SOFT_TIME_LIMIT,
        task_time_limit=TIME_LIMIT,
        broker_transport_options=transport_options,
        visibility_timeout=VISIBILITY_TIMEOUT,
        worker_cancel_long_running_tasks_on_connection_loss=True,
        worker_soft_shutdown_timeout=30,
        broker_connection_retry_on_startup=True,
        task_ignore_result=True,
        task_serializer="json",
        accept_content=["json"],
        worker_send_task_events=True,
        # No `task-sent` event from the publisher (the web's webhook, replay, the sweeper): it would be a
        # second Redis round trip (PUBLISH) per webhook on the hot path. What it adds is a task's SENT
        # state and time in Flower before a worker picks it up; Flower shows every task from the
        # workers' own events (received, started, succeeded …) anyway, and what is sent but not yet
        # picked up is the inbox's `queued` rows — `goodwill status`, goodwill_queue_waiting and
        # goodwill_queue_oldest_age_seconds — which also cover a message the broker lost.
        task_send_sent_event=False,
        worker_hijack_root_logger=False,
        beat_schedule={
            "sweep-inbox": {"task": SWEEP_TASK, "schedule": 60.0},
        },
    )
    app.conf.goodwill_settings = settings
    if settings.embedded_broker:
        declare_embedded_queue(app)
    return app


def declare_embedded_queue(app: Celery, attempts: int = 5) -> None:
    """Create the default queue's row in the embedded (SQLite) broker before any process consumes from it.

    kombu's SQLAlchemy transport creates a queue with a query and then an insert. A web process and a worker that
    start together on a new broker file both insert, and the worker that loses dies at start-up ("Unrecoverable
    error: UNIQUE constraint failed: kombu_queue.name"), so nothing is ever processed. Here the loser of that race
    tries again and finds the row; the worker's own declaration then only reads it.
    """
    from kombu.entity import Queue
    from sqlalchemy.exc import IntegrityError, OperationalError

    for attempt in range(attempts):
        try:
            with app.connection_for_write() as conn:
                Queue(app.conf.task_default_queue)(conn.default_channel).declare()  # type: ignore[no-untyped-call]
            return
        except (IntegrityError, OperationalError):  # the other process inserted first, or held the file's lock
            if attempt == attempts - 1:
                raise
