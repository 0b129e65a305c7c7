"""Warteschlange: depth, oldest waiting, in flight, throughput (24 h), failed jobs with a replay button."""

from __future__ import annotations

import logging
from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, url_for

from worker.ops import metrics
from worker.ops.replay import Replayed, replay_all_failed, replay_failed_job
from worker.ops.status import queue_status, throughput
from worker.web import auth
from worker.web.ui import queries
from worker.web.ui.charts import Series, bar_chart
from worker.web.ui.labels import local

queue_bp = Blueprint("queue", __name__)
queue_bp.before_request(auth.require_login)
log = logging.getLogger("goodwill.ui")

SERIES = [
    Series("received", "eingegangen", "#2f6fde"),
    Series("done", "erledigt", "#2e9b6a"),
    Series("failed", "fehlgeschlagen", "#c43c3c"),
]


def _db() -> str:
    return current_app.config["SETTINGS"].db_url  # type: ignore[no-any-return]


@queue_bp.get("/queue")
def page():  # type: ignore[no-untyped-def]
    db = _db()
    st = queue_status(db)
    hours = throughput(db, 24)
    chart = bar_chart(
        [f"{local(h.start):%H}" for h in hours],
        SERIES,
        {"received": [h.received for h in hours], "done": [h.done for h in hours], "failed": [h.failed for h in hours]},
        title="Durchsatz der letzten 24 Stunden (Tickets pro Stunde)",
        label_every=2,
    )
    return render_template(
        "ui_queue.html",
        st=st,
        chart=chart,
        age=st.oldest_age_seconds(),
        done_24h=sum(h.done for h in hours),
        received_24h=sum(h.received for h in hours),
        failed=queries.failed_jobs(db),
        waiting=queries.waiting_events(db),
    )


def _send(task: str, args: list[Any]) -> None:
    current_app.extensions["celery"].send_task(task, args=args)


def _report(result: Replayed) -> None:
    metrics.REPLAYS.labels(via="ui").inc(len(result.events) + len(result.reviews))
    for line in result.skipped:
        flash(f"Nicht wiederholt: {line}", "error")
    if result.events or result.reviews:
        flash(f"Erneut eingereiht: {len(result.events)} Ereignis(se), {len(result.reviews)} Freigabe(n).")
    user = auth.current_user()
    log.info("replay", extra={"user_id": user.id if user else None, "events": result.events, "reviews": result.reviews})


@queue_bp.post("/queue/failed/<int:job_id>/replay")
def replay_one(job_id: int):  # type: ignore[no-untyped-def]
    _report(replay_failed_job(_db(), job_id, _send))
    return redirect(url_for("queue.page"))


@queue_bp.post("/queue/failed/replay-all")
def replay_all():  # type: ignore[no-untyped-def]
    _report(replay_all_failed(_db(), _send))
    return redirect(url_for("queue.page"))
